"""Each column as SQL over the inbox query (``lead l``, joined ``person p``, ``organization o``).

:func:`column_sql` gives a column's *value* (what filters compare) and *sort key*. Custom field
values are read from the JSON column: ``json_extract`` on SQLite, ``->``/``->>`` on PostgreSQL,
with a ``jsonb_typeof`` guard before each cast so that no stored value can make a statement fail.
Keys go into the SQL text: they are checked against ``KEY_RE`` when a field is made.

The linked person's and organization's columns read as empty where the viewer may not see that
contact (SPEC §1): a filter or sort on them never tells anything about a hidden contact.

Text columns are compared and sorted by their folded keys (domain.fold: ``title_key``,
``address_city_key``, a custom value's entry in ``custom_keys``...), never by ``lower()``, which
folds ASCII only on SQLite: "orebro" finds "Örebro" and "Élodie" sorts between "Eaton" and
"Emma" on both databases.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from core.db import db_date, is_postgres
from core.sql import Param, Sql, compose, raw
from domain.columns.column import DECLARED, Column, ColumnSource, ColumnType
from domain.columns.custom_field import KEY_RE
from domain.fields import InboxField, Kind
from domain.viewer import Viewer
from models import CustomFieldType

JOIN_PERSON = "LEFT JOIN person p ON p.id = l.person_id"
JOIN_ORGANIZATION = "LEFT JOIN organization o ON o.id = l.organization_id"
JOIN_OWNER = "LEFT JOIN app_user ou ON ou.id = l.owner_user_id LEFT JOIN team ot ON ot.id = l.owner_team_id"

TEXT_TYPES = (ColumnType.TEXT, ColumnType.LARGE_TEXT, ColumnType.ADDRESS, ColumnType.PHONE, ColumnType.EMAIL)


@dataclass(frozen=True)
class ColumnSql:
    # What filters compare: the text, number, date, id... of the column; None where the
    # column has no single value (labels, multiple options).
    value: Sql | None
    # What the list sorts on, and what a cursor's key must be: text, number, integer, date,
    # datetime, isodate (a date kept as ISO text), isotime.
    sort: Sql | None
    kind: str = "text"
    # Whether the sort key can be empty (empty values sort last in both directions).
    nullable: bool = True
    # Text columns: the folded key (domain.fold) that text filters compare, and whether it is
    # cut to a key column's length (domain.fold.fold_key) or whole (a custom value's key).
    key: Sql | None = None
    key_cut: bool = True


def lead_col(name: str, joins: tuple[str, ...] = ()) -> Sql:
    return raw(f"l.{name}", joins=joins)


def visible(viewer: Viewer, alias: str, expression: Sql) -> Sql:
    """``expression``, or NULL where the contact behind ``alias`` is hidden from the viewer."""
    condition, params = viewer.visibility_sql(alias, "owner_id")
    if not condition:
        return expression
    return compose("CASE WHEN ", Sql(condition, tuple(params)), " THEN ", expression, " END")


def contact_col(viewer: Viewer, source: ColumnSource, column: str) -> Sql:
    alias, join = ("p", JOIN_PERSON) if source == ColumnSource.PERSON else ("o", JOIN_ORGANIZATION)
    return visible(viewer, alias, raw(f"{alias}.{column}", joins=(join,)))


def name_of(table: str, id_expression: Sql, viewer: Viewer | None = None) -> Sql:
    """The folded name (``name_key``) of the row ``id_expression`` points at (users, persons,
    organizations)."""
    alias = {"app_user": "nu", "person": "np", "organization": "no"}[table]
    condition = compose(f"{alias}.id = ", id_expression)
    if viewer is not None:
        hidden, params = viewer.visibility_sql(alias, "owner_id")
        if hidden:
            condition = compose(condition, " AND ", Sql(hidden, tuple(params)))
    return compose(f"(SELECT {alias}.name_key FROM {table} {alias} WHERE ", condition, ")")


def number(expression: Sql) -> Sql:
    # SQLite keeps decimals as text; compare them as numbers.
    return expression if is_postgres() else compose("CAST(", expression, " AS REAL)")


LABEL_SORT = raw(
    "(SELECT min(ll.name_key) FROM lead_label_link lll JOIN lead_label ll ON ll.id = lll.label_id"
    " WHERE lll.lead_id = l.id)"
)

# The cursor kind of a declared field's sort key (domain.fields.InboxField), by its kind.
_CURSOR_KINDS = {Kind.TEXT: "text", Kind.OPTION: "text", Kind.DATE: "date", Kind.DATETIME: "datetime"}


def activity_status_sort(now: dt.datetime) -> Sql:
    """The activity status (domain.next_activity.activity_status) as its option's place: planned 1,
    due today 2, overdue 3; no activity is empty (last). ``now`` is the moment of the query,
    the same clock the status cells are computed with."""
    today = db_date(now.date())
    clock = now.astimezone(dt.UTC).timetz()
    # PostgreSQL keeps due times with their zone (UTC); SQLite as ISO text, possibly with an
    # offset: compare its HH:MM:SS.
    due_time = "sa.due_time" if is_postgres() else "substr(sa.due_time, 1, 8)"
    return compose(
        "CASE WHEN l.next_activity_date IS NULL THEN NULL WHEN l.next_activity_date < ",
        Param(today),
        " THEN 3 WHEN l.next_activity_date > ",
        Param(today),
        f" THEN 1 WHEN (SELECT {due_time} FROM activity sa WHERE sa.id = l.next_activity_id) < ",
        Param(clock if is_postgres() else clock.replace(tzinfo=None).isoformat()),
        " THEN 3 ELSE 2 END",
    )


def column_sql(column: Column, viewer: Viewer, now: dt.datetime | None = None) -> ColumnSql:
    """``now`` is the query's moment, for the columns that depend on the clock (activity status)."""
    key = column.key
    if column.custom_field is not None:
        return custom_sql(column, viewer)
    declared = DECLARED.get(key)
    if declared is not None:
        return declared_sql(declared[1], viewer, declared[0])
    if key == "lead.nextActivityDate":
        value = lead_col("next_activity_date")
        return ColumnSql(value, value, "date")
    if key == "lead.owner":
        # Filters compare owner ids themselves (see domain.leads.filter); the sort is the name.
        return ColumnSql(None, raw("COALESCE(ou.name_key, ot.name_key)", joins=(JOIN_OWNER,)))
    if key == "lead.labels":
        return ColumnSql(None, LABEL_SORT)
    if key == "lead.createdBy":
        value = lead_col("created_by_id")
        return ColumnSql(value, name_of("app_user", value))
    if key == "lead.activityStatus":
        return ColumnSql(None, activity_status_sort(now or dt.datetime.now(dt.UTC)), "integer")
    if key == "person.email":
        value = contact_col(viewer, column.source, "email_search")
        return ColumnSql(value, compose("NULLIF(", value, ", '')"))
    if key == "person.phone":
        value = contact_col(viewer, column.source, "phone_search")
        return ColumnSql(value, compose("NULLIF(", value, ", '')"))
    if key in ("person.owner", "organization.owner"):
        value = contact_col(viewer, column.source, "owner_id")
        return ColumnSql(value, name_of("app_user", value))
    if key == "person.organization":
        value = contact_col(viewer, column.source, "organization_id")
        return ColumnSql(value, name_of("organization", value, viewer))
    raise AssertionError(f"no SQL for column {key}")


def declared_sql(declared: InboxField, viewer: Viewer, source: ColumnSource = ColumnSource.LEAD) -> ColumnSql:
    """The column of a stored field of the lead or of a lead's person or organization
    (domain.fields.InboxField), by its kind."""
    if source == ColumnSource.LEAD:
        read, nullable = lead_col, declared.nullable
    else:
        # Empty where the lead has no such contact or the viewer may not see it.
        read, nullable = functools.partial(contact_col, viewer, source), True
    if declared.kind == Kind.MONEY:
        value = number(read(declared.columns[0]))
        return ColumnSql(value, value, "number")
    value = read(declared.column)
    if declared.kind == Kind.BOOLEAN:
        return ColumnSql(value, None)
    if declared.key_column is not None:
        # Sorted and compared by its folded key (domain.fold), the same on both databases. A
        # required text's key is never NULL but can be empty (domain.fold.column_key): where the
        # column is empty anyway for some leads (a contact's), an empty key sorts with them, last.
        folded = read(declared.key_column)
        sort = compose("NULLIF(", folded, ", '')") if nullable and not declared.nullable else folded
        return ColumnSql(value, sort, "text", nullable, key=folded)
    return ColumnSql(value, value, _CURSOR_KINDS[declared.kind], nullable)


# --- Custom fields ---------------------------------------------------------------------


def document(column: Column, viewer: Viewer, name: str = "custom_fields") -> Sql:
    """The JSON document holding a custom column's value (NULL where its contact is hidden);
    ``name="custom_keys"``: the one holding its folded text (domain.fold.custom_keys)."""
    if column.source == ColumnSource.LEAD:
        return lead_col(name)
    return contact_col(viewer, column.source, name)


def _key(column: Column) -> str:
    assert column.custom_field is not None
    key = column.custom_field.key
    if not KEY_RE.match(key):  # keys are checked when made; they go into the SQL text
        raise AssertionError(f"unsafe custom field key {key!r}")
    return key


def json_typed(doc: Sql, key: str, json_type: str, cast: str = "") -> Sql:
    """The value at ``key`` when it has the JSON type given (string, number, integer, object), else NULL."""
    if is_postgres():
        pg_type = "number" if json_type == "integer" else json_type
        text = compose("(", doc, f"->>'{key}')")
        value = compose(text, cast) if cast else text
        return compose("CASE WHEN jsonb_typeof(", doc, f"->'{key}') = '{pg_type}' THEN ", value, " END")
    types = {"string": "'text'", "number": "'integer', 'real'", "integer": "'integer'", "object": "'object'"}
    return compose(
        "CASE WHEN json_type(",
        doc,
        f", '$.{key}') IN ({types[json_type]}) THEN json_extract(",
        doc,
        f", '$.{key}') END",
    )


def money_amount(doc: Sql, key: str) -> Sql:
    if is_postgres():
        return compose(
            "CASE WHEN jsonb_typeof(", doc, f"->'{key}') = 'object' THEN (", doc, f"->'{key}'->>'amount')::numeric END"
        )
    return compose("CAST(json_extract(", doc, f", '$.{key}.amount') AS REAL)")


def elements(column: Column, viewer: Viewer) -> Sql:
    """A FROM item over a multiple-options value: one row per chosen id, in ``je.value``."""
    doc, key = document(column, viewer), _key(column)
    if is_postgres():
        array = compose("CASE WHEN jsonb_typeof(", doc, f"->'{key}') = 'array' THEN ", doc, f"->'{key}' END")
        return compose("jsonb_array_elements_text(", array, ") AS je(value)")
    return compose("json_each(", doc, f", '$.{key}') AS je")


def element_value(option_id: int) -> object:
    """An option id as ``je.value`` holds it: text on PostgreSQL, an integer on SQLite."""
    return str(option_id) if is_postgres() else option_id


def option_position(value: Sql, column: Column, *, elements_text: bool = False) -> Sql:
    """An option id's place in the field's order (the sort of option columns)."""
    if not column.options:
        return raw("NULL")
    parts: list[str | Sql] = ["CASE ", value]
    for position, option in enumerate(column.options):
        literal = f"'{int(option.id)}'" if elements_text else str(int(option.id))
        parts.append(f" WHEN {literal} THEN {position}")
    parts.append(" END")
    return compose(*parts)


REFERENCE_TABLES = {ColumnType.USER: "app_user", ColumnType.PERSON: "person", ColumnType.ORGANIZATION: "organization"}


def custom_sql(column: Column, viewer: Viewer) -> ColumnSql:
    assert column.custom_field is not None
    doc, key = document(column, viewer), _key(column)
    kind = CustomFieldType(column.custom_field.type)
    if column.type in TEXT_TYPES:
        value = json_typed(doc, key, "string")
        folded = json_typed(document(column, viewer, "custom_keys"), key, "string")
        return ColumnSql(value, folded if column.sortable else None, key=folded, key_cut=False)
    if kind == CustomFieldType.NUMBER:
        value = json_typed(doc, key, "number", "::numeric")
        return ColumnSql(value, value, "number")
    if kind == CustomFieldType.MONETARY:
        value = money_amount(doc, key)
        return ColumnSql(value, value, "number")
    if kind == CustomFieldType.DATE:
        value = json_typed(doc, key, "string")
        return ColumnSql(value, value, "isodate")
    if kind == CustomFieldType.TIME:
        value = json_typed(doc, key, "string")
        return ColumnSql(value, value, "isotime")
    if kind == CustomFieldType.SINGLE_OPTION:
        value = json_typed(doc, key, "integer", "::numeric::bigint")
        return ColumnSql(value, option_position(value, column), "integer")
    if kind == CustomFieldType.MULTIPLE_OPTIONS:
        position = option_position(raw("je.value"), column, elements_text=is_postgres())
        sort = compose("(SELECT min(", position, ") FROM ", elements(column, viewer), ")")
        return ColumnSql(None, sort, "integer")
    value = json_typed(doc, key, "integer", "::numeric::bigint")
    table = REFERENCE_TABLES[column.type]
    return ColumnSql(value, name_of(table, value, viewer if table != "app_user" else None))
