"""Create requests made with an idempotency key, and what they made (domain.idempotency)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User


class IdempotentRequest(Model):
    """One keyed create request of a company: a retry with the same key and the same input gets
    the record the first one made; the same key with another input is refused."""

    id = fields.BigIntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=128)
    # The mutation, e.g. "createLead"; part of the fingerprint too, kept for reading.
    operation = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # SHA-256 of the operation, the user and the input: what "the same request" means.
    fingerprint = fields.CharField(max_length=64)
    # The primary key of the record the first request made, as text (leads have UUIDs).
    result_id = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    user_id: int | None

    class Meta:
        table = "idempotent_request"
        unique_together = (("company", "key"),)
