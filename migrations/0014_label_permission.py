from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    # Who may manage the company-wide lead labels: admins always, regular users when given it.
    dependencies = [("models", "0013_webhooks")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="can_manage_labels",
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
