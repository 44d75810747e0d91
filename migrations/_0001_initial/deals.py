"""The tables of migrations/0001_initial.py that models/deals/ describes."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.base import Visibility
from models.deals.deal import DealStatus

PIPELINE = ops.CreateModel(
    name="Pipeline",
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
                related_name="pipelines",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=200)),
        ("position", fields.IntField(default=0)),
        ("is_default", fields.BooleanField(default=False)),
    ],
    options={"table": "pipeline", "app": "models", "pk_attr": "id"},
    bases=["TimestampMixin", "Model"],
)

STAGE = ops.CreateModel(
    name="Stage",
    fields=[
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "pipeline",
            fields.ForeignKeyField(
                "models.Pipeline",
                source_field="pipeline_id",
                db_constraint=True,
                to_field="id",
                related_name="stages",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=200)),
        ("position", fields.IntField(default=0)),
        ("probability", fields.IntField(default=100)),
    ],
    options={
        "table": "stage",
        "app": "models",
        "indexes": [Index(fields=["pipeline_id", "position"])],
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)

DEAL = ops.CreateModel(
    name="Deal",
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
                related_name="deals",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("title", fields.CharField(max_length=255)),
        ("value_amount", fields.DecimalField(null=True, max_digits=18, decimal_places=2)),
        ("value_currency", fields.CharField(null=True, max_length=3)),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="deals",
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
                related_name="deals",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "pipeline",
            fields.ForeignKeyField(
                "models.Pipeline",
                source_field="pipeline_id",
                db_constraint=True,
                to_field="id",
                related_name="deals",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            "stage",
            fields.ForeignKeyField(
                "models.Stage",
                source_field="stage_id",
                db_constraint=True,
                to_field="id",
                related_name="deals",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            "status",
            fields.CharEnumField(
                default=DealStatus.OPEN,
                description="OPEN: OPEN\nWON: WON\nLOST: LOST",
                enum_type=DealStatus,
                max_length=8,
            ),
        ),
        (
            "owner",
            fields.ForeignKeyField(
                "models.User",
                source_field="owner_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
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
        ("expected_close_date", fields.DateField(null=True)),
        ("custom_fields", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
        ("source_lead_id", fields.UUIDField(null=True)),
        ("won_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("lost_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("lost_reason", fields.CharField(null=True, max_length=255)),
        ("deleted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ],
    options={
        "table": "deal",
        "app": "models",
        "indexes": [
            Index(fields=["company_id", "deleted_at", "status"]),
            Index(fields=["company_id", "stage_id"]),
            Index(fields=["person_id"]),
            Index(fields=["organization_id"]),
        ],
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)
