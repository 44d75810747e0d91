from tortoise import migrations
from tortoise.migrations import operations as ops
from models.integration.job import JobItemStatus, JobStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Job",
            fields=[
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
                ("kind", fields.CharField(max_length=64)),
                (
                    "status",
                    fields.CharEnumField(
                        default=JobStatus.CREATED,
                        description="CREATED: CREATED\nRUNNING: RUNNING\nCOMPLETED: COMPLETED\nFAILED: FAILED\nCANCELED: CANCELED",
                        enum_type=JobStatus,
                        max_length=16,
                    ),
                ),
                ("params", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("result", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("error", fields.TextField(null=True, unique=False)),
                ("total", fields.IntField(default=0)),
                ("done", fields.IntField(default=0)),
                ("failed", fields.IntField(default=0)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("locked_by", fields.CharField(null=True, max_length=64)),
                ("locked_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("started_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("finished_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "job",
                "app": "models",
                "indexes": [Index(fields=["status", "locked_until"]), Index(fields=["company_id", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="JobItem",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "job",
                    fields.ForeignKeyField(
                        "models.Job",
                        source_field="job_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                ("key", fields.CharField(max_length=64)),
                (
                    "status",
                    fields.CharEnumField(
                        default=JobItemStatus.PENDING,
                        description="PENDING: PENDING\nSTARTED: STARTED\nDONE: DONE\nFAILED: FAILED",
                        enum_type=JobItemStatus,
                        max_length=16,
                    ),
                ),
                ("error", fields.TextField(null=True, unique=False)),
                ("code", fields.CharField(null=True, max_length=32)),
                ("result", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "job_item",
                "app": "models",
                "unique_together": (("job_id", "position"),),
                "indexes": [Index(fields=["job_id", "status", "position"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
            fields=[
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
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=32)),
                ("message", fields.TextField(unique=False)),
                ("subject_id", fields.CharField(null=True, max_length=128)),
                ("data", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "notification",
                "app": "models",
                "indexes": [Index(fields=["user_id", "read_at", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
