"""The tables of migrations/0006_prospector.py that models/prospector/purchase.py describes."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.prospector.purchase import ProspectKind, ReportReason, ReportStatus

PROSPECT_PURCHASE_REQUEST = ops.CreateModel(
    name="ProspectPurchaseRequest",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
        ("key", fields.CharField(max_length=128)),
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
        ("fingerprint", fields.CharField(max_length=64)),
        ("result", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "prospect_purchase_request",
        "app": "models",
        "unique_together": (("company", "key"),),
        "pk_attr": "id",
        "table_description": "A purchase made with an idempotency key, and what it returned: a retry with the same",
    },
    bases=["Model"],
)

PROSPECT_PURCHASE = ops.CreateModel(
    name="ProspectPurchase",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
                description="PERSON: PERSON\nORGANIZATION: ORGANIZATION", enum_type=ProspectKind, max_length=16
            ),
        ),
        (
            "prospect_person",
            fields.ForeignKeyField(
                "models.ProspectPerson",
                source_field="prospect_person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            "prospect_organization",
            fields.ForeignKeyField(
                "models.ProspectOrganization",
                source_field="prospect_organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            "buyer",
            fields.ForeignKeyField(
                "models.User",
                source_field="buyer_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("lead_id", fields.UUIDField(null=True)),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "organization",
            fields.ForeignKeyField(
                "models.Organization",
                source_field="organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("credits", fields.IntField(default=1)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "prospect_purchase",
        "app": "models",
        "unique_together": (("company", "prospect_person"), ("company", "prospect_organization")),
        "indexes": [Index(fields=["company_id", "created_at", "id"]), Index(fields=["company_id", "lead_id"])],
        "pk_attr": "id",
        "table_description": "A prospect a company bought: once per company and prospect, whoever bought it.",
    },
    bases=["Model"],
)

PROSPECT_REPORT = ops.CreateModel(
    name="ProspectReport",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
            "purchase",
            fields.ForeignKeyField(
                "models.ProspectPurchase",
                source_field="purchase_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "reporter",
            fields.ForeignKeyField(
                "models.User",
                source_field="reporter_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "reason",
            fields.CharEnumField(
                description="PHONE_NOT_IN_USE: PHONE_NOT_IN_USE\nEMAIL_BOUNCES: EMAIL_BOUNCES\nWRONG_COMPANY: WRONG_COMPANY\nWRONG_JOB_TITLE: WRONG_JOB_TITLE\nOTHER: OTHER",
                enum_type=ReportReason,
                max_length=24,
            ),
        ),
        ("details", fields.TextField(default="", unique=False)),
        (
            "status",
            fields.CharEnumField(
                default=ReportStatus.OPEN,
                description="OPEN: OPEN\nCONFIRMED: CONFIRMED\nREJECTED: REJECTED",
                enum_type=ReportStatus,
                max_length=16,
            ),
        ),
        ("open_key", fields.IntField(null=True, unique=True)),
        ("reviewed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("reviewer", fields.CharField(null=True, max_length=200)),
        ("review_note", fields.TextField(null=True, unique=False)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "prospect_report",
        "app": "models",
        "indexes": [Index(fields=["status", "created_at", "id"]), Index(fields=["purchase_id", "id"])],
        "pk_attr": "id",
        "table_description": "A report that a bought prospect is incorrect, waiting for (or after) the operator's review.",
    },
    bases=["Model"],
)

SAVED_PROSPECT_FILTER = ops.CreateModel(
    name="SavedProspectFilter",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
            "user",
            fields.ForeignKeyField(
                "models.User",
                source_field="user_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=100)),
        (
            "kind",
            fields.CharEnumField(
                description="PERSON: PERSON\nORGANIZATION: ORGANIZATION", enum_type=ProspectKind, max_length=16
            ),
        ),
        ("criteria", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "saved_prospect_filter",
        "app": "models",
        "unique_together": (("user", "name"),),
        "pk_attr": "id",
        "table_description": "A named Prospector search of one user.",
    },
    bases=["Model"],
)
