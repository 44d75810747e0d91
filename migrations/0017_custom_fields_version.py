from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    # A stamp of a company's custom field definitions, new at every change of them, for the
    # per-process cache of them (domain.custom_field.viewer_definitions).
    dependencies = [("models", "0016_persisted_queries")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Company",
            name="custom_fields_version",
            field=fields.BigIntField(default=0, db_default=0),
        ),
    ]
