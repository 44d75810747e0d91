from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
import unicodedata

BATCH = 5000


def match_key(text):
    # A frozen copy of domain.duplicate.match_key as it was when this migration was written:
    # a later change to the rule needs its own migration to re-key the rows.
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())[:255]


async def fill_keys(apps, schema_editor):
    """Key the rows that exist already, in batches by id so that memory stays flat."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for table, source, target in (
        ("person", "name", "name_key"),
        ("organization", "name", "name_key"),
        ("lead", "title", "title_key"),
    ):
        last = None
        while True:
            if last is None:
                sql, params = f'SELECT id, {source} AS text FROM "{table}" ORDER BY id LIMIT {BATCH}', []
            else:
                mark = "$1" if postgres else "?"
                sql, params = (
                    f'SELECT id, {source} AS text FROM "{table}" WHERE id > {mark} ORDER BY id LIMIT {BATCH}',
                    [last],
                )
            rows = await client.execute_query_dict(sql, params)
            if not rows:
                break
            update = f'UPDATE "{table}" SET {target} = ' + ("$1 WHERE id = $2" if postgres else "? WHERE id = ?")
            await client.execute_many(update, [[match_key(r["text"]), r["id"]] for r in rows])
            last = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [("models", "0002_jobs_and_notifications")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Lead",
            name="title_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddIndex(
            model_name="Lead",
            index=Index(fields=["company_id", "title_key"]),
        ),
        ops.AddField(
            model_name="Organization",
            name="name_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddIndex(
            model_name="Organization",
            index=Index(fields=["company_id", "name_key"]),
        ),
        ops.AddField(
            model_name="Person",
            name="name_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddIndex(
            model_name="Person",
            index=Index(fields=["company_id", "name_key"]),
        ),
        ops.RunPython(fill_keys, ops.RunPython.noop),
    ]
