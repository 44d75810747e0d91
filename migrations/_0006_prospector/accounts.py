"""The table of migrations/0006_prospector.py that models/accounts/operator.py describes."""

from tortoise import fields
from tortoise.migrations import operations as ops

OPERATOR_TOKEN = ops.CreateModel(
    name="OperatorToken",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("name", fields.CharField(max_length=200)),
        ("token_hash", fields.CharField(unique=True, max_length=64)),
        ("prefix", fields.CharField(max_length=16)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("last_used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ],
    options={"table": "operator_token", "app": "models", "pk_attr": "id"},
    bases=["Model"],
)
