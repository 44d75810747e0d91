"""Webhooks (SPEC §10.7): a company's subscriptions, and the outbox of events and deliveries.

An event is written in the transaction of the change it reports, with one delivery row per
subscription that wants it; the dispatcher (jobs/webhooks.py) sends the deliveries afterwards.
"""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User


class DeliveryStatus(str, Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    # Every attempt failed (or the subscription was disabled for failing): not tried again
    # unless redelivered.
    FAILED = "FAILED"


class WebhookSubscription(Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=2048)
    description = fields.CharField(max_length=255, default="")
    # Event types ("lead.created"), or "*" for every event.
    events: fields.JSONField[list[str]] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=64)
    is_active = fields.BooleanField(default=True)
    # Since when every delivery attempt has failed; cleared by a success. After a day the
    # subscription is disabled (disabled_at) and the company's admins are notified.
    failing_since = fields.DatetimeField(null=True)
    disabled_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: int
    created_by_id: int | None

    class Meta:
        table = "webhook_subscription"
        indexes = (("company_id", "is_active"),)


class WebhookEvent(Model):
    id = fields.BigIntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    # The event id partners deduplicate by (the `webhook-id` header and the body's `id`).
    key = fields.CharField(max_length=40, unique=True)
    type = fields.CharField(max_length=48)
    # What the event is about ("lead:<uuid>"): deliveries of one object go out in order.
    object_key = fields.CharField(max_length=128)
    # The JSON body exactly as sent, so that every attempt and a redelivery send the same bytes.
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int

    class Meta:
        table = "webhook_event"


class WebhookDelivery(Model):
    id = fields.BigIntField(primary_key=True)
    event: fields.ForeignKeyRelation[WebhookEvent] = fields.ForeignKeyField(
        "models.WebhookEvent", related_name=False, on_delete=fields.CASCADE
    )
    # No foreign key: a process may still hold a just-deleted subscription in its cache when it
    # writes an event; the dispatcher drops deliveries whose subscription is gone.
    subscription_id = fields.IntField()
    company_id = fields.IntField()
    object_key = fields.CharField(max_length=128)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # Lease of the dispatcher sending it; a lapsed lease (the process died) lets another send it.
    locked_by = fields.CharField(max_length=64, null=True)
    locked_until = fields.DatetimeField(null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    latency_ms = fields.IntField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "next_attempt_at"), ("subscription_id", "object_key", "id"), ("subscription_id", "id"))
