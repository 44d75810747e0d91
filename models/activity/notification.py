"""Notifications to a user: a job finished, a mention in a note, a report reviewed."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User


class Notification(Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    message = fields.TextField()
    # The global id of what the notification is about (a job, a lead), when there is one.
    subject_id = fields.CharField(max_length=128, null=True)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    user_id: int

    class Meta:
        table = "notification"
        indexes = (("user_id", "read_at", "created_at"),)
