from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0004_deals_products_custom_fields")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LeadColumnPreference",
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
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        unique=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("columns", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "lead_column_preference",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The inbox columns a user chose, in order, by column key (domain.columns). None saved: the defaults.",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="SavedFilter",
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
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="owner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=255)),
                ("shared", fields.BooleanField(default=False)),
                ("definition", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "saved_filter",
                "app": "models",
                "indexes": [Index(fields=["company_id", "owner_id"]), Index(fields=["company_id", "shared"])],
                "pk_attr": "id",
                "table_description": "A named inbox filter, owned by a user, private to them or shared with the company.",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="SavedFilterFavorite",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "saved_filter",
                    fields.ForeignKeyField(
                        "models.SavedFilter",
                        source_field="saved_filter_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="favorites",
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
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "saved_filter_favorite",
                "app": "models",
                "unique_together": (("saved_filter", "user"),),
                "indexes": [Index(fields=["user_id", "saved_filter_id"])],
                "pk_attr": "id",
                "table_description": "A favourite mark a user put on a saved filter (their own or a shared one), for quick access.",
            },
            bases=["Model"],
        ),
    ]
