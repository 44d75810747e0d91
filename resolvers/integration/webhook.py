"""`webhooks` and the webhook mutations (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.ids import decode_input_id
from domain.integration import webhook as rules
from resolvers.common import mutate
from schema.base import InfoT, given
from schema.integration.webhook import (
    CreateWebhookInput,
    DeleteWebhookPayload,
    RedeliverWebhookEventInput,
    RedeliverWebhookEventPayload,
    UpdateWebhookInput,
    Webhook,
    WebhookDelivery,
    WebhookIdInput,
    WebhookPayload,
    WebhookSecretPayload,
)


def _id(value: strawberry.ID, *path: str) -> int:
    return int(decode_input_id(value, "Webhook", "input", *path))


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="The company's webhooks (admins only; others get an empty list).")
    async def webhooks(self, info: InfoT) -> list[Webhook]:
        viewer = info.context.require_viewer()
        if not viewer.is_admin:
            return []
        return [Webhook.from_model(row) for row in await rules.list_webhooks(viewer)]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Subscribe a URL to events of the company; the secret is returned this once.")
    async def create_webhook(
        self,
        info: InfoT,
        input: Annotated[CreateWebhookInput, strawberry.argument(description="The URL, the events, a description.")],
    ) -> WebhookSecretPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            row, secret = await rules.create_webhook(
                viewer,
                input.url,
                input.events,
                input.description,
                allow_insecure=info.context.settings.webhooks_allow_insecure,
            )
            return {"webhook": Webhook.from_model(row), "secret": secret}

        return await mutate(WebhookSecretPayload, work)

    @strawberry.mutation(description="Change a webhook's URL, events or description, or turn it off or on.")
    async def update_webhook(
        self,
        info: InfoT,
        input: Annotated[UpdateWebhookInput, strawberry.argument(description="The webhook and the changes.")],
    ) -> WebhookPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            changes = {
                name: getattr(input, name)
                for name in ("url", "events", "description", "active")
                if given(getattr(input, name))
            }
            row = await rules.update_webhook(
                viewer, _id(input.id, "id"), changes, allow_insecure=info.context.settings.webhooks_allow_insecure
            )
            return {"webhook": Webhook.from_model(row)}

        return await mutate(WebhookPayload, work)

    @strawberry.mutation(description="Delete a webhook with its deliveries; nothing more is sent to it.")
    async def delete_webhook(
        self, info: InfoT, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook.")]
    ) -> DeleteWebhookPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_webhook(viewer, _id(input.id, "id"))
            return {"deleted_id": input.id}

        return await mutate(DeleteWebhookPayload, work)

    @strawberry.mutation(description="Give a webhook a new secret (returned this once); the old one stops at once.")
    async def rotate_webhook_secret(
        self, info: InfoT, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook.")]
    ) -> WebhookSecretPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            row, secret = await rules.rotate_secret(viewer, _id(input.id, "id"))
            return {"webhook": Webhook.from_model(row), "secret": secret}

        return await mutate(WebhookSecretPayload, work)

    @strawberry.mutation(description="Send one event to a webhook again, soon, with the same event id.")
    async def redeliver_webhook_event(
        self,
        info: InfoT,
        input: Annotated[RedeliverWebhookEventInput, strawberry.argument(description="The webhook and the event.")],
    ) -> RedeliverWebhookEventPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            row = await rules.redeliver(viewer, _id(input.webhook_id, "webhook_id"), input.event_id)
            return {"delivery": WebhookDelivery.from_row(row)}

        return await mutate(RedeliverWebhookEventPayload, work)
