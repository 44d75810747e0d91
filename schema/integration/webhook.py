"""Webhook subscriptions and their deliveries (SPEC §10.7), as admins manage them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from core.ids import to_global_id
from domain.integration import webhook as rules
from domain.integration.webhook import DeliveryRow
from models import DeliveryStatus
from models import WebhookSubscription as WebhookModel
from schema.base import InfoT, UserError, describe_values

DeliveryStatusEnum = DeliveryStatus
strawberry.enum(DeliveryStatusEnum, name="WebhookDeliveryStatus", description="Where one delivery of an event stands.")
describe_values(
    DeliveryStatusEnum,
    {
        "PENDING": "Waiting for its first or next attempt (see `nextAttemptAt`).",
        "DELIVERED": "The receiver answered 2xx.",
        "FAILED": "Every attempt failed (12 over about a day); `redeliverWebhookEvent` sends it again.",
    },
)
EVENTS_DOC = (
    "Event types: `<object>.<change>` for lead (created, updated, deleted, archived, unarchived, converted, "
    "merged), deal (created, updated, deleted, restored, converted), person, organization, note and activity "
    '(created, updated, deleted), plus `prospect.purchased` and `credits.changed`; `"*"` for every event.'
)


@strawberry.type(
    description=(
        "A webhook: events of the company POSTed to a URL, signed as the Standard Webhooks specification says "
        "(`webhook-id`, `webhook-timestamp`, `webhook-signature` headers; verify them with the secret). The body "
        "is JSON `{id, type, timestamp, companyId, data, changes?}`: `id` is the event id to deduplicate by "
        "(delivery is at least once), `data` the object in the API's shape with its global id, `changes` the "
        "changed fields' `{old, new}` values. Events of one object arrive in order."
    )
)
class Webhook:
    id: strawberry.ID = strawberry.field(description="The webhook's global id.")
    url: str = strawberry.field(description="Where events are POSTed (https, a public address).")
    description: str = strawberry.field(description="What it is for, at most 255 characters.")
    events: list[str] = strawberry.field(description=EVENTS_DOC)
    active: bool = strawberry.field(
        description="False when turned off, or disabled after its deliveries failed for a day (see `disabledAt`)."
    )
    failing_since: dt.datetime | None = strawberry.field(
        description="Since when every delivery attempt has failed; null while deliveries succeed."
    )
    disabled_at: dt.datetime | None = strawberry.field(
        description="When it was disabled for failing (its admins were notified); null otherwise."
    )
    created_at: dt.datetime = strawberry.field(description="When it was created.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    _id: strawberry.Private[int]

    @strawberry.field(description="Its most recent deliveries, newest first.")
    async def deliveries(
        self,
        info: InfoT,
        first: Annotated[int, strawberry.argument(description="How many, 0 to 100.")] = 20,
    ) -> list[WebhookDelivery]:
        rules.check_deliveries_page(first)
        rows = await info.context.loaders.deliveries_by_webhook.load((self._id, first))
        return [WebhookDelivery.from_row(row) for row in rows]

    @staticmethod
    def global_id(webhook_id: int) -> strawberry.ID:
        return strawberry.ID(to_global_id("Webhook", webhook_id))

    @classmethod
    def from_model(cls, row: WebhookModel) -> Webhook:
        return cls(
            id=cls.global_id(row.id),
            url=row.url,
            description=row.description,
            events=list(row.events),
            active=row.is_active,
            failing_since=row.failing_since,
            disabled_at=row.disabled_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            _id=row.id,
        )


@strawberry.type(description="One event sent (or to be sent) to one webhook.")
class WebhookDelivery:
    event_id: str = strawberry.field(description="The event's id (`webhook-id` header and the body's `id`).")
    event_type: str = strawberry.field(description="The event's type, such as `lead.updated`.")
    status: DeliveryStatusEnum = strawberry.field(description="Pending, delivered or failed.")
    attempts: int = strawberry.field(description="How many attempts were made.")
    status_code: int | None = strawberry.field(description="The HTTP status of the last answer; null when none.")
    error: str | None = strawberry.field(description="Why the last attempt failed; null after a success.")
    latency_ms: int | None = strawberry.field(description="How long the last attempt took, in milliseconds.")
    next_attempt_at: dt.datetime | None = strawberry.field(
        description="When the next attempt is due; null once delivered or failed."
    )
    delivered_at: dt.datetime | None = strawberry.field(description="When the receiver accepted it.")
    created_at: dt.datetime = strawberry.field(description="When the event happened.")

    @classmethod
    def from_row(cls, row: DeliveryRow) -> WebhookDelivery:
        d = row.delivery
        return cls(
            event_id=row.event.key,
            event_type=row.event.type,
            status=d.status,
            attempts=d.attempts,
            status_code=d.last_status_code,
            error=d.last_error,
            latency_ms=d.latency_ms,
            next_attempt_at=d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
            delivered_at=d.delivered_at,
            created_at=row.event.created_at,
        )


@strawberry.input(description="A new webhook (admins only; a company has at most 20).")
class CreateWebhookInput:
    url: str = strawberry.field(
        description="An https URL of a public address, at most 2048 characters (INVALID_URL otherwise)."
    )
    events: list[str] = strawberry.field(description=EVENTS_DOC + " At least one (UNKNOWN_EVENT for others).")
    description: str | None = strawberry.field(default=None, description="What it is for, at most 255 characters.")


@strawberry.input(description="Changes to a webhook; only the fields given change.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="The webhook.")
    url: str | None = strawberry.field(default=strawberry.UNSET, description="A new URL (rules as at creation).")
    events: list[str] | None = strawberry.field(default=strawberry.UNSET, description="New event types.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="A new description.")
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False turns it off (events are no longer recorded for it); true turns it on again, "
        "and the deliveries waiting since it was disabled go out.",
    )


@strawberry.input(description="A webhook, by id.")
class WebhookIdInput:
    id: strawberry.ID = strawberry.field(description="The webhook.")


@strawberry.input(description="An event to send to a webhook again.")
class RedeliverWebhookEventInput:
    webhook_id: strawberry.ID = strawberry.field(description="The webhook.")
    event_id: str = strawberry.field(description="The event's id, as in `WebhookDelivery.eventId`.")


ERRORS_DOC = "Why nothing changed: PERMISSION_DENIED (not an admin), NOT_FOUND, INVALID_ID, INVALID_URL, and others."


@strawberry.type(description="The result of a webhook mutation.")
class WebhookPayload:
    webhook: Webhook | None = strawberry.field(default=None, description="The webhook as it is now; null on errors.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS_DOC)


@strawberry.type(description="The result of createWebhook and rotateWebhookSecret.")
class WebhookSecretPayload:
    webhook: Webhook | None = strawberry.field(default=None, description="The webhook; null on errors.")
    secret: str | None = strawberry.field(
        default=None,
        description="The signing secret (`whsec_...`), shown this once: store it to verify signatures.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS_DOC)


@strawberry.type(description="The result of deleteWebhook.")
class DeleteWebhookPayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The deleted webhook's id.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS_DOC)


@strawberry.type(description="The result of redeliverWebhookEvent.")
class RedeliverWebhookEventPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        default=None, description="The delivery, pending again; null on errors."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS_DOC)
