"""Webhook subscriptions (SPEC §10.7): made, changed, rotated and removed by a company's admins,
with their recent deliveries and a way to send an event again."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.db import fetch
from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import webhook_outbox
from domain.integration.webhook_target import parse
from domain.viewer import Viewer
from domain.webhook_outbox import ALL_EVENTS, EVENT_TYPES
from models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

MAX_SUBSCRIPTIONS = 20
MAX_DESCRIPTION = 255
MAX_DELIVERIES_PAGE = 100
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise fail("Only admins manage webhooks.", ErrorCode.PERMISSION_DENIED)


def clean_events(events: Sequence[str]) -> list[str]:
    if not events:
        raise fail('Name at least one event type (or "*" for all).', ErrorCode.REQUIRED, "input", "events")
    if len(events) > len(EVENT_TYPES) + 1:
        raise fail(f"At most {len(EVENT_TYPES) + 1} event types.", ErrorCode.TOO_MANY_ITEMS, "input", "events")
    errors = [
        FieldError(f"{name!r} is not an event type.", ErrorCode.UNKNOWN_EVENT, ("input", "events", str(i)))
        for i, name in enumerate(events)
        if name != ALL_EVENTS and name not in EVENT_TYPES
    ]
    if errors:
        raise DomainError(errors)
    return list(dict.fromkeys(events))


def clean_description(description: str | None) -> str:
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise fail(f"At most {MAX_DESCRIPTION} characters.", ErrorCode.TOO_LONG, "input", "description")
    return text


async def create_webhook(
    viewer: Viewer, url: str, events: Sequence[str], description: str | None, *, allow_insecure: bool
) -> tuple[WebhookSubscription, str]:
    """A new active subscription and its secret (shown to the caller this once)."""
    _require_admin(viewer)
    url = url.strip()
    parse(url, allow_insecure)
    cleaned = clean_events(events)
    text = clean_description(description)
    async with in_transaction():
        if await WebhookSubscription.filter(company_id=viewer.company_id).count() >= MAX_SUBSCRIPTIONS:
            raise fail(f"A company has at most {MAX_SUBSCRIPTIONS} webhooks.", ErrorCode.TOO_MANY_ITEMS, "input")
        secret = new_secret()
        subscription = await WebhookSubscription.create(
            company_id=viewer.company_id,
            url=url,
            events=cleaned,
            description=text,
            secret=secret,
            created_by_id=viewer.user_id,
        )
    webhook_outbox.forget(viewer.company_id)
    return subscription, secret


async def get_webhook(viewer: Viewer, webhook_id: int) -> WebhookSubscription:
    _require_admin(viewer)
    found = await WebhookSubscription.get_or_none(id=webhook_id, company_id=viewer.company_id)
    if found is None:
        raise fail("Webhook not found.", ErrorCode.NOT_FOUND, "input", "id")
    return found


async def list_webhooks(viewer: Viewer) -> list[WebhookSubscription]:
    _require_admin(viewer)
    return await WebhookSubscription.filter(company_id=viewer.company_id).order_by("id")


async def update_webhook(
    viewer: Viewer, webhook_id: int, changes: dict[str, Any], *, allow_insecure: bool
) -> WebhookSubscription:
    """Change the given fields; ``active: true`` re-enables a disabled subscription, whose
    waiting deliveries then go out."""
    subscription = await get_webhook(viewer, webhook_id)
    if changes.get("url") is not None:
        subscription.url = changes["url"].strip()
        parse(subscription.url, allow_insecure)
    if changes.get("events") is not None:
        subscription.events = clean_events(changes["events"])
    if "description" in changes:
        subscription.description = clean_description(changes["description"])
    if changes.get("active") is not None:
        subscription.is_active = bool(changes["active"])
        if subscription.is_active:
            subscription.disabled_at = None
            subscription.failing_since = None
    await subscription.save()
    webhook_outbox.forget(viewer.company_id)
    return subscription


async def delete_webhook(viewer: Viewer, webhook_id: int) -> None:
    subscription = await get_webhook(viewer, webhook_id)
    async with in_transaction():
        await WebhookDelivery.filter(subscription_id=subscription.id).delete()
        await subscription.delete()
    webhook_outbox.forget(viewer.company_id)


async def rotate_secret(viewer: Viewer, webhook_id: int) -> tuple[WebhookSubscription, str]:
    """A new secret; deliveries from now on are signed with it only."""
    subscription = await get_webhook(viewer, webhook_id)
    subscription.secret = new_secret()
    await subscription.save(update_fields=["secret", "updated_at"])
    return subscription, subscription.secret


@dataclass(frozen=True)
class DeliveryRow:
    delivery: WebhookDelivery
    event: WebhookEvent


def check_deliveries_page(first: int) -> None:
    if not 0 <= first <= MAX_DELIVERIES_PAGE:
        raise fail(f"Ask for 0 to {MAX_DELIVERIES_PAGE} deliveries.", ErrorCode.INVALID, "first")


async def deliveries(viewer: Viewer, webhook_ids: Sequence[int], first: int) -> dict[int, list[DeliveryRow]]:
    """The most recent deliveries of each of the viewer's company's subscriptions among
    ``webhook_ids``, newest first, at most ``first`` each: three statements however many
    subscriptions a list holds (another company's ids get nothing)."""
    _require_admin(viewer)
    check_deliveries_page(first)
    ids = sorted(set(webhook_ids))
    found: dict[int, list[DeliveryRow]] = {webhook_id: [] for webhook_id in ids}
    if not ids or first == 0:
        return found
    marks = ", ".join("?" * len(ids))
    newest = await fetch(
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY id DESC) AS n"
        f" FROM webhook_delivery WHERE company_id = ? AND subscription_id IN ({marks})) AS page WHERE n <= ?",
        [viewer.company_id, *ids, first],
    )
    rows = await WebhookDelivery.filter(id__in=[row["id"] for row in newest]).order_by("-id")
    events = {e.id: e for e in await WebhookEvent.filter(id__in=list({r.event_id for r in rows}))}
    for row in rows:
        found[row.subscription_id].append(DeliveryRow(row, events[row.event_id]))
    return found


async def redeliver(viewer: Viewer, webhook_id: int, event_key: str) -> DeliveryRow:
    """Send one event to the subscription again, as soon as possible, with the same event id."""
    subscription = await get_webhook(viewer, webhook_id)
    event = await WebhookEvent.get_or_none(key=event_key.strip(), company_id=viewer.company_id)
    delivery = await WebhookDelivery.get_or_none(event_id=event.id, subscription_id=subscription.id) if event else None
    if event is None or delivery is None:
        raise fail("This webhook has no such event.", ErrorCode.NOT_FOUND, "input", "event_id")
    await WebhookDelivery.filter(id=delivery.id).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=dt.datetime.now(dt.UTC),
        locked_until=None,
        locked_by=None,
    )
    await delivery.refresh_from_db()
    return DeliveryRow(delivery, event)
