from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
from anyascii import anyascii

BATCH = 5000


def fold_key(text):
    # A frozen copy of domain.fold.fold_key as it was when this migration was written:
    # transliterated to ASCII, case folded, white space collapsed, cut to the column.
    return " ".join(anyascii(text or "").casefold().split())[:255]


# (table, column the key is made from, key column); prospect_title keeps only its key, which
# is re-folded (the old key already had case and accents folded).
KEYS = (
    ("person", "name", "name_key"),
    ("organization", "name", "name_key"),
    ("lead", "title", "title_key"),
    ("deal", "title", "title_key"),
    ("prospect_organization", "name", "name_key"),
    ("prospect_person", "company_name", "company_name_key"),
    ("prospect_title", "title_key", "title_key"),
)


async def refold_keys(apps, schema_editor):
    """Key every row by the new rule, in batches by id so that memory stays flat; only rows
    whose key changes are written."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    for table, source, target in KEYS:
        taken = set()
        if table == "prospect_title":
            # Unique keys: two titles that now fold together keep the second's old key.
            rows = await client.execute_query_dict(f'SELECT title_key FROM "{table}"')
            taken = {r["title_key"] for r in rows}
        last = None
        while True:
            where = "" if last is None else f" WHERE id > {mark(1)}"
            rows = await client.execute_query_dict(
                f'SELECT id, {source} AS text, {target} AS old FROM "{table}"{where} ORDER BY id LIMIT {BATCH}',
                [] if last is None else [last],
            )
            if not rows:
                break
            changed = []
            for r in rows:
                new = fold_key(r["text"])
                if new == r["old"]:
                    continue
                if table == "prospect_title":
                    if new in taken:
                        continue
                    taken.add(new)
                changed.append([new, r["id"]])
            if changed:
                await client.execute_many(f'UPDATE "{table}" SET {target} = {mark(1)} WHERE id = {mark(2)}', changed)
            last = rows[-1]["id"]


class Migration(migrations.Migration):
    # Keys fold national letters too (anyascii), and deals get a title key for search and sort.
    dependencies = [("models", "0014_label_permission")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Deal",
            name="title_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddIndex(
            model_name="Deal",
            index=Index(fields=["company_id", "title_key"]),
        ),
        ops.RunPython(refold_keys, ops.RunPython.noop),
    ]
