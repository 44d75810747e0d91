"""The tables of migrations/0001_initial.py that models/contacts/ describes."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.base import Visibility

ORGANIZATION = ops.CreateModel(
    name="Organization",
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
                related_name="organizations",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=255)),
        ("address_street", fields.CharField(null=True, max_length=255)),
        ("address_city", fields.CharField(null=True, max_length=120)),
        ("address_postal_code", fields.CharField(null=True, max_length=32)),
        ("address_country", fields.CharField(null=True, max_length=120)),
        ("latitude", fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
        ("longitude", fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
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
        ("custom_fields", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
    ],
    options={
        "table": "organization",
        "app": "models",
        "indexes": [Index(fields=["company_id", "name"])],
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)

PERSON = ops.CreateModel(
    name="Person",
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
                related_name="persons",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=255)),
        ("first_name", fields.CharField(null=True, max_length=120)),
        ("last_name", fields.CharField(null=True, max_length=120)),
        ("emails", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("phones", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("email_search", fields.TextField(default="", unique=False)),
        ("phone_search", fields.TextField(default="", unique=False)),
        ("job_title", fields.CharField(null=True, max_length=255)),
        (
            "organization",
            fields.ForeignKeyField(
                "models.Organization",
                source_field="organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="persons",
                on_delete=OnDelete.SET_NULL,
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
        ("custom_fields", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
    ],
    options={
        "table": "person",
        "app": "models",
        "indexes": [Index(fields=["company_id", "name"]), Index(fields=["organization_id"])],
        "pk_attr": "id",
    },
    bases=["TimestampMixin", "Model"],
)
