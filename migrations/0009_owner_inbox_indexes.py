from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0008_import_report")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="Lead",
            name=None,
            fields=["company_id", "owner_user_id"],
        ),
        ops.RemoveIndex(
            model_name="Lead",
            name=None,
            fields=["company_id", "owner_team_id"],
        ),
        ops.AddIndex(
            model_name="Lead",
            index=Index(fields=["company_id", "owner_user_id", "is_archived", "created_at", "id"]),
        ),
        ops.AddIndex(
            model_name="Lead",
            index=Index(fields=["company_id", "owner_team_id", "is_archived", "created_at", "id"]),
        ),
    ]
