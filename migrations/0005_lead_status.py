from tortoise import migrations
from tortoise.migrations import operations as ops
from models.contacts.selection import SelectionEntity, SelectionKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
import datetime as dt

# Frozen copies of domain.category.DEFAULT_GROUPS and domain.lead_status.DEFAULT_STATUSES as
# they were when this migration was written: the set-up every existing company gets.
DEFAULT_GROUPS = (
    ("Potential customer", True, ("Lead", "Marketing qualified lead")),
    ("Customer", False, ("Customer",)),
)
DEFAULT_STATUSES = (
    ("Open", "A new lead: nobody has worked on it yet."),
    ("Contacting", "You are trying to reach the lead."),
    ("Qualified", "The lead has the right profile and interest."),
    ("Disqualified", "The lead is not relevant."),
    ("Re-nurture", "Not now: follow up later."),
)


async def add_defaults(apps, schema_editor):
    """Give every existing company the default category groups, categories and lead statuses
    (a company that has any already is left alone, so that running this twice adds nothing)."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"

    def sql(text):
        if not postgres:
            return text
        pieces = text.split("?")
        return pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], start=1))

    now = dt.datetime.now(dt.UTC)
    stamp = now if postgres else now.isoformat(" ")
    companies = await client.execute_query_dict("SELECT id FROM company ORDER BY id")
    for company in companies:
        company_id = company["id"]
        groups = await client.execute_query_dict(
            sql("SELECT id FROM category_group WHERE company_id = ?"), [company_id]
        )
        if not groups:
            position = 0
            for group_position, (group_name, enabled, names) in enumerate(DEFAULT_GROUPS):
                await client.execute_query(
                    sql(
                        "INSERT INTO category_group (company_id, name, lead_status_enabled, position, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)"
                    ),
                    [company_id, group_name, enabled, group_position, stamp, stamp],
                )
                rows = await client.execute_query_dict(
                    sql("SELECT id FROM category_group WHERE company_id = ? AND name = ?"), [company_id, group_name]
                )
                for name in names:
                    await client.execute_query(
                        sql(
                            "INSERT INTO category (company_id, group_id, name, position, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?)"
                        ),
                        [company_id, rows[0]["id"], name, position, stamp, stamp],
                    )
                    position += 1
        statuses = await client.execute_query_dict(sql("SELECT id FROM lead_status WHERE company_id = ?"), [company_id])
        if not statuses:
            for position, (name, description) in enumerate(DEFAULT_STATUSES):
                await client.execute_query(
                    sql(
                        "INSERT INTO lead_status (company_id, name, description, position, is_initial, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)"
                    ),
                    [company_id, name, description, position, position == 0, stamp, stamp],
                )


class Migration(migrations.Migration):
    dependencies = [("models", "0004_deals_products_custom_fields")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CategoryGroup",
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
                        related_name="category_groups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("lead_status_enabled", fields.BooleanField(default=False)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "category_group",
                "app": "models",
                "unique_together": (("company", "name"),),
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="Category",
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
                        related_name="categories",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "group",
                    fields.ForeignKeyField(
                        "models.CategoryGroup",
                        source_field="group_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="categories",
                        on_delete=OnDelete.NO_ACTION,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "category",
                "app": "models",
                "unique_together": (("company", "name"),),
                "indexes": [Index(fields=["group_id"])],
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="LeadStatus",
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
                        related_name="lead_statuses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("description", fields.TextField(default="", unique=False)),
                ("position", fields.IntField(default=0)),
                ("is_initial", fields.BooleanField(default=False)),
                ("retired_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "lead_status",
                "app": "models",
                "unique_together": (("company", "name"),),
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="Selection",
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
                        related_name="selections",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                (
                    "entity",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nORGANIZATION: ORGANIZATION",
                        enum_type=SelectionEntity,
                        max_length=16,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="STATIC: STATIC\nDYNAMIC: DYNAMIC", enum_type=SelectionKind, max_length=16
                    ),
                ),
                ("criteria", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
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
                ("is_shared", fields.BooleanField(default=False)),
                ("members_saved_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "selection",
                "app": "models",
                "indexes": [Index(fields=["company_id", "name"])],
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="SelectionMember",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "selection",
                    fields.ForeignKeyField(
                        "models.Selection",
                        source_field="selection_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
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
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "selection_member",
                "app": "models",
                "indexes": [
                    Index(fields=["selection_id", "person_id"]),
                    Index(fields=["selection_id", "organization_id"]),
                    Index(fields=["person_id"]),
                    Index(fields=["organization_id"]),
                ],
                "pk_attr": "id",
                "table_description": "One member of a static selection: a person or an organization.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Organization",
            name="category",
            field=fields.ForeignKeyField(
                "models.Category",
                source_field="category_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.NO_ACTION,
            ),
        ),
        ops.AddIndex(
            model_name="Organization",
            index=Index(fields=["company_id", "category_id"]),
        ),
        ops.AddField(
            model_name="Person",
            name="lead_status",
            field=fields.ForeignKeyField(
                "models.LeadStatus",
                source_field="lead_status_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.NO_ACTION,
            ),
        ),
        ops.AddIndex(
            model_name="Person",
            index=Index(fields=["company_id", "lead_status_id"]),
        ),
        ops.RunPython(add_defaults, ops.RunPython.noop),
    ]
