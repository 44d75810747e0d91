from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


async def unlogged_buckets(apps, schema_editor):
    """On PostgreSQL the buckets skip the write-ahead log: every request writes its bucket, and
    after a crash the buckets may as well start full."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script("ALTER TABLE rate_bucket SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [('models', '0010_record_versions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateBucket',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('available', fields.FloatField()),
                ('updated_at', fields.FloatField()),
                ('charged', fields.IntField(default=1)),
            ],
            options={'table': 'rate_bucket', 'app': 'models', 'pk_attr': 'key'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Company',
            name='rate_limit_points',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Company',
            name='rate_limit_restore_rate',
            field=fields.IntField(null=True),
        ),
        ops.RunPython(unlogged_buckets, ops.RunPython.noop),
    ]
