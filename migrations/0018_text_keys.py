from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads, dumps
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from anyascii import anyascii

BATCH = 5000


def fold(text):
    # A frozen copy of domain.fold.fold as it was when this migration was written:
    # transliterated to ASCII, case folded, white space collapsed.
    return " ".join(anyascii(text or "").casefold().split())


def column_key(text):
    # domain.fold.column_key of a text whose key is NULL when empty: cut to the column.
    return fold(text)[:255] or None


# (table, columns the keys are made from); each key column is "<column>_key".
TEXTS = (
    ("lead", ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")),
    ("person", ("first_name", "last_name", "job_title")),
    ("organization", ("address_street", "address_city", "address_postal_code", "address_country")),
)
# Names that are never empty: their keys are '' rather than NULL when they fold to nothing.
NAMES = ("app_user", "team", "lead_label")
CUSTOM = ("lead", "person", "organization")
# Every folded key column, made "C" on PostgreSQL so that keys sort by byte as on SQLite.
COLLATED = (
    *((table, f"{column}_key") for table, columns in TEXTS for column in columns),
    *((table, "name_key") for table in ("person", "organization", *NAMES)),
    ("lead", "title_key"),
    ("deal", "title_key"),
)


async def fill_keys(apps, schema_editor):
    """Key the rows that exist already, in batches by id so that memory stays flat; a row
    without any text to fold keeps the defaults (NULL keys, an empty custom_keys)."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    if postgres:
        for table, column in COLLATED:
            await client.execute_script(f'ALTER TABLE "{table}" ALTER COLUMN {column} TYPE VARCHAR(255) COLLATE "C"')
    plans = [(t, ("name",), lambda r: [fold(r["name"])[:255]], None) for t in NAMES]
    for table, columns in TEXTS:
        custom = table in CUSTOM

        def make(r, columns=columns, custom=custom):
            values = [column_key(r[c]) for c in columns]
            if custom:
                document = r["custom_fields"]
                document = loads(document) if isinstance(document, (str, bytes)) else (document or {})
                folded = {k: fold(v) for k, v in document.items() if isinstance(v, str)}
                values.append(dumps(folded).decode())
            return values

        empty = [None] * len(columns) + (["{}"] if custom else [])
        plans.append((table, (*columns, *(("custom_fields",) if custom else ())), make, empty))
    for table, sources, make, empty in plans:
        targets = [f"{c}_key" if c != "custom_fields" else "custom_keys" for c in sources]
        sets = ", ".join(
            f"{t} = {mark(i + 1)}" + ("::jsonb" if postgres and t == "custom_keys" else "")
            for i, t in enumerate(targets)
        )
        update = f'UPDATE "{table}" SET {sets} WHERE id = {mark(len(targets) + 1)}'
        last = None
        while True:
            where = "" if last is None else f" WHERE id > {mark(1)}"
            rows = await client.execute_query_dict(
                f'SELECT id, {", ".join(sources)} FROM "{table}"{where} ORDER BY id LIMIT {BATCH}',
                [] if last is None else [last],
            )
            if not rows:
                break
            changed = [[*values, r["id"]] for r in rows if (values := make(r)) != empty]
            if changed:
                await client.execute_many(update, changed)
            last = rows[-1]["id"]


class Migration(migrations.Migration):
    # Folded keys (domain.fold) of every text the inbox, contact lists and selections filter
    # and sort on: addresses, job titles, UTM values, user, team and label names, text custom
    # values (custom_keys). Filled for the rows there are; on PostgreSQL every key column
    # takes the "C" collation.
    dependencies = [("models", "0017_custom_fields_version")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Lead",
            name="custom_keys",
            field=fields.JSONField(default=dict, db_default="{}", encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name="Lead",
            name="utm_campaign_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Lead",
            name="utm_content_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Lead",
            name="utm_medium_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Lead",
            name="utm_source_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Lead",
            name="utm_term_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="LeadLabel",
            name="name_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="address_city_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="address_country_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="address_postal_code_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="address_street_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="custom_keys",
            field=fields.JSONField(default=dict, db_default="{}", encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name="Person",
            name="custom_keys",
            field=fields.JSONField(default=dict, db_default="{}", encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name="Person",
            name="first_name_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Person",
            name="job_title_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Person",
            name="last_name_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Team",
            name="name_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.AddField(
            model_name="User",
            name="name_key",
            field=fields.CharField(default="", db_default="", max_length=255),
        ),
        ops.RunPython(fill_keys, ops.RunPython.noop),
    ]
