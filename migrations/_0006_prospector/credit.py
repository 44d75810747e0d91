"""The tables of migrations/0006_prospector.py that models/prospector/credit.py describes."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.prospector.credit import AddOnState, CreditEntryKind

CREDIT_ACCOUNT = ops.CreateModel(
    name="CreditAccount",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.OneToOneField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name="credit_account",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "add_on",
            fields.CharEnumField(
                default=AddOnState.OFF,
                description="OFF: OFF\nTRIAL: TRIAL\nON: ON",
                enum_type=AddOnState,
                max_length=8,
            ),
        ),
        ("trial_ends_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("monthly_allowance", fields.IntField(default=10)),
        ("billing_anchor", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("period_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("period_end", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("lock_version", fields.IntField(default=0)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "credit_account",
        "app": "models",
        "indexes": [Index(fields=["period_end"])],
        "pk_attr": "id",
        "table_description": "One row per company: the add-on, the allowance and the current billing period.",
    },
    bases=["Model"],
)

CREDIT_LEDGER_ENTRY = ops.CreateModel(
    name="CreditLedgerEntry",
    fields=[
        ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "kind",
            fields.CharEnumField(
                description="PERIOD_GRANT: PERIOD_GRANT\nPURCHASE: PURCHASE\nQUOTA_CHANGE: QUOTA_CHANGE\nSPEND: SPEND\nREFUND: REFUND\nEXPIRY: EXPIRY",
                enum_type=CreditEntryKind,
                max_length=16,
            ),
        ),
        ("amount", fields.IntField()),
        ("period_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("once_key", fields.CharField(null=True, max_length=160)),
        (
            "user",
            fields.ForeignKeyField(
                "models.User",
                source_field="user_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("purchase_id", fields.IntField(null=True)),
        ("note", fields.CharField(default="", max_length=255)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "credit_ledger",
        "app": "models",
        "unique_together": (("company", "once_key"),),
        "indexes": [Index(fields=["company_id", "id"])],
        "pk_attr": "id",
        "table_description": "One change of a company's credits. Rows are only ever added, never changed.",
    },
    bases=["Model"],
)
