"""The tables of migrations/0001_initial.py that models/accounts/ describes."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.base import Role

COMPANY = ops.CreateModel(
    name="Company",
    fields=[
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("name", fields.CharField(max_length=200)),
        ("open_deals_limit", fields.IntField(default=1000)),
    ],
    options={"table": "company", "app": "models", "pk_attr": "id"},
    bases=["TimestampMixin", "Model"],
)

TEAM = ops.CreateModel(
    name="Team",
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
                related_name="teams",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=200)),
    ],
    options={"table": "team", "app": "models", "unique_together": (("company", "name"),), "pk_attr": "id"},
    bases=["TimestampMixin", "Model"],
)

USER = ops.CreateModel(
    name="User",
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
                related_name="users",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(max_length=200)),
        ("email", fields.CharField(max_length=254)),
        (
            "role",
            fields.CharEnumField(
                default=Role.REGULAR,
                description="ADMIN: ADMIN\nREGULAR: REGULAR",
                enum_type=Role,
                max_length=16,
            ),
        ),
        ("is_active", fields.BooleanField(default=True)),
        ("can_convert_deals_to_leads", fields.BooleanField(default=True)),
        ("can_add_prospector_leads", fields.BooleanField(default=False)),
    ],
    options={"table": "app_user", "app": "models", "unique_together": (("company", "email"),), "pk_attr": "id"},
    bases=["TimestampMixin", "Model"],
)

API_TOKEN = ops.CreateModel(
    name="ApiToken",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "user",
            fields.ForeignKeyField(
                "models.User",
                source_field="user_id",
                db_constraint=True,
                to_field="id",
                related_name="tokens",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("name", fields.CharField(default="", max_length=200)),
        ("token_hash", fields.CharField(unique=True, max_length=64)),
        ("client", fields.CharField(default="API", max_length=8)),
        ("prefix", fields.CharField(max_length=16)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("last_used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
    ],
    options={
        "table": "api_token",
        "app": "models",
        "pk_attr": "id",
        "table_description": "A per-user API token. Only its SHA-256 digest is stored, the token itself is shown once.",
    },
    bases=["Model"],
)

TEAM_MEMBER = ops.CreateModel(
    name="TeamMember",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "team",
            fields.ForeignKeyField(
                "models.Team",
                source_field="team_id",
                db_constraint=True,
                to_field="id",
                related_name="members",
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
                related_name="team_memberships",
                on_delete=OnDelete.CASCADE,
            ),
        ),
    ],
    options={
        "table": "team_member",
        "app": "models",
        "unique_together": (("team", "user"),),
        "indexes": [Index(fields=["user_id", "team_id"])],
        "pk_attr": "id",
    },
    bases=["Model"],
)
