from tortoise import migrations
from tortoise.migrations import operations as ops
from models.columns.custom_field import CustomFieldEntity, CustomFieldType
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0003_duplicate_keys")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CustomField",
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
                        related_name="custom_fields",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "entity",
                    fields.CharEnumField(
                        description="LEAD_DEAL: LEAD_DEAL\nPERSON: PERSON\nORGANIZATION: ORGANIZATION",
                        enum_type=CustomFieldEntity,
                        max_length=16,
                    ),
                ),
                ("key", fields.CharField(max_length=64)),
                ("name", fields.CharField(max_length=255)),
                (
                    "type",
                    fields.CharEnumField(
                        description="TEXT: TEXT\nLARGE_TEXT: LARGE_TEXT\nNUMBER: NUMBER\nMONETARY: MONETARY\nDATE: DATE\nTIME: TIME\nSINGLE_OPTION: SINGLE_OPTION\nMULTIPLE_OPTIONS: MULTIPLE_OPTIONS\nUSER: USER\nPERSON: PERSON\nORGANIZATION: ORGANIZATION\nPHONE: PHONE\nADDRESS: ADDRESS\nFORMULA: FORMULA",
                        enum_type=CustomFieldType,
                        max_length=20,
                    ),
                ),
                ("options", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("position", fields.IntField(default=0)),
                ("formula", fields.TextField(null=True, unique=False)),
                ("deleted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "custom_field",
                "app": "models",
                "unique_together": (("company", "entity", "key"),),
                "indexes": [Index(fields=["company_id", "entity", "position"])],
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="DealParticipant",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "deal",
                    fields.ForeignKeyField(
                        "models.Deal",
                        source_field="deal_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="participants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deal_participations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "deal_participant",
                "app": "models",
                "unique_together": (("deal", "person"),),
                "pk_attr": "id",
                "table_description": "A person taking part in a deal besides its main contact.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Product",
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
                        related_name="products",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=255)),
                ("code", fields.CharField(null=True, max_length=64)),
                ("unit_price_amount", fields.DecimalField(max_digits=18, decimal_places=2)),
                ("unit_price_currency", fields.CharField(max_length=3)),
            ],
            options={
                "table": "product",
                "app": "models",
                "unique_together": (("company", "code"),),
                "indexes": [Index(fields=["company_id", "name"])],
                "pk_attr": "id",
            },
            bases=["TimestampMixin", "Model"],
        ),
        ops.CreateModel(
            name="DealProduct",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "deal",
                    fields.ForeignKeyField(
                        "models.Deal",
                        source_field="deal_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="products",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "product",
                    fields.ForeignKeyField(
                        "models.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deal_lines",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("quantity", fields.DecimalField(max_digits=14, decimal_places=4)),
                ("unit_price_amount", fields.DecimalField(max_digits=18, decimal_places=2)),
                ("unit_price_currency", fields.CharField(max_length=3)),
                ("discount_percent", fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
                ("position", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "deal_product",
                "app": "models",
                "indexes": [Index(fields=["deal_id", "position"])],
                "pk_attr": "id",
                "table_description": "A product on a deal: its own price (the catalogue's when added), quantity and discount.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Lead",
            name="source_deal",
            field=fields.ForeignKeyField(
                "models.Deal",
                source_field="source_deal_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
