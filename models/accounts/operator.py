"""Operators: the people who run the service, not users of any company (SPEC §1).

An operator reviews reports of incorrect prospects and manages the prospect database. Their
tokens are a separate kind from users' API tokens, so no company user, admins included, can
ever act as one.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OperatorToken(Model):
    id = fields.IntField(primary_key=True)
    # Who holds it, as shown on what they reviewed.
    name = fields.CharField(max_length=200)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "operator_token"
