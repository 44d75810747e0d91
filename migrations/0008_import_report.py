from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0007_lead_views")]

    initial = False

    operations = [
        ops.CreateModel(
            name="JobReportEntry",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "job",
                    fields.ForeignKeyField(
                        "models.Job",
                        source_field="job_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="report",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("row", fields.IntField()),
                ("code", fields.CharField(max_length=32)),
                ("field", fields.CharField(null=True, max_length=255)),
                ("message", fields.TextField(unique=False)),
            ],
            options={
                "table": "job_report_entry",
                "app": "models",
                "indexes": [Index(fields=["job_id", "row", "id"])],
                "pk_attr": "id",
                "table_description": "One problem a job met with one part of its input, e.g. an import's row that made no",
            },
            bases=["Model"],
        ),
    ]
