"""The tables of migrations/0001_initial.py that models/leads/ describes."""

from uuid import uuid4

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.base import Visibility
from models.leads.lead import LeadSource

LEAD_LABEL = ops.CreateModel(
    name="LeadLabel",
    fields=[
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name="lead_labels",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=100)),
        ("color", fields.CharField(max_length=16)),
    ],
    options={
        "table": "lead_label",
        "app": "models",
        "unique_together": (("company", "name"),),
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)

LEAD = ops.CreateModel(
    name="Lead",
    fields=[
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name="leads",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("title", fields.CharField(max_length=255)),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="leads",
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
                related_name="leads",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "owner_user",
            fields.ForeignKeyField(
                "models.User",
                source_field="owner_user_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "owner_team",
            fields.ForeignKeyField(
                "models.Team",
                source_field="owner_team_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("value_amount", fields.DecimalField(null=True, max_digits=18, decimal_places=2)),
        ("value_currency", fields.CharField(null=True, max_length=3)),
        ("expected_close_date", fields.DateField(null=True)),
        (
            "source",
            fields.CharEnumField(
                description="MANUAL: MANUAL\nDEAL: DEAL\nWEB_FORM: WEB_FORM\nPROSPECTOR: PROSPECTOR\nCHATBOT: CHATBOT\nLIVE_CHAT: LIVE_CHAT\nIMPORT: IMPORT\nWEB_VISITORS: WEB_VISITORS\nWORKFLOW_AUTOMATION: WORKFLOW_AUTOMATION\nAPI: API",
                enum_type=LeadSource,
                max_length=32,
            ),
        ),
        (
            "visibility",
            fields.CharEnumField(
                default=Visibility.COMPANY,
                description="OWNER: OWNER\nTEAM: TEAM\nCOMPANY: COMPANY",
                enum_type=Visibility,
                max_length=16,
            ),
        ),
        ("custom_fields", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
        ("was_seen", fields.BooleanField(default=False)),
        ("is_archived", fields.BooleanField(default=False)),
        ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("next_activity_id", fields.IntField(null=True)),
        ("next_activity_date", fields.DateField(null=True)),
        ("utm_source", fields.CharField(null=True, max_length=255)),
        ("utm_medium", fields.CharField(null=True, max_length=255)),
        ("utm_campaign", fields.CharField(null=True, max_length=255)),
        ("utm_term", fields.CharField(null=True, max_length=255)),
        ("utm_content", fields.CharField(null=True, max_length=255)),
        (
            "created_by",
            fields.ForeignKeyField(
                "models.User",
                source_field="created_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ],
    options={
        "table": "lead",
        "app": "models",
        "indexes": [
            Index(fields=["company_id", "is_archived", "created_at", "id"]),
            Index(fields=["company_id", "is_archived", "updated_at", "id"]),
            Index(fields=["company_id", "is_archived", "title", "id"]),
            Index(fields=["company_id", "is_archived", "value_amount", "id"]),
            Index(fields=["company_id", "is_archived", "expected_close_date", "id"]),
            Index(fields=["company_id", "is_archived", "next_activity_date", "id"]),
            Index(fields=["company_id", "is_archived", "source", "id"]),
            Index(fields=["company_id", "owner_user_id"]),
            Index(fields=["company_id", "owner_team_id"]),
            Index(fields=["person_id"]),
            Index(fields=["organization_id"]),
        ],
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)

LEAD_LABEL_LINK = ops.CreateModel(
    name="LeadLabelLink",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "lead",
            fields.ForeignKeyField(
                "models.Lead",
                source_field="lead_id",
                db_constraint=True,
                to_field="id",
                related_name="label_links",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "label",
            fields.ForeignKeyField(
                "models.LeadLabel",
                source_field="label_id",
                db_constraint=True,
                to_field="id",
                related_name="lead_links",
                on_delete=OnDelete.CASCADE,
            ),
        ),
    ],
    options={
        "table": "lead_label_link",
        "app": "models",
        "unique_together": (("lead", "label"),),
        "indexes": [Index(fields=["label_id", "lead_id"])],
        "pk_attr": "id",
    },
    bases=["Model"],
)
