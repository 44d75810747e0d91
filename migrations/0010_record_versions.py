from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0009_owner_inbox_indexes")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Deal",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Lead",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Organization",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Person",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
