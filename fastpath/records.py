"""The page's rows as plain records: one SELECT for the page, one for what its values refer to.

The page statement is the inbox's own keyset query (domain.leads.query.page_statement) with more
columns: the linked person and organization, the owning user or team, the next activity, and the
lead's labels aggregated into JSON (``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL).
Its rows are read as the driver returns them (:func:`fetch_rows`: no dict per row) and wrapped in
records with the models' attribute names (:func:`row_record`), which domain.columns.values reads
as it reads models. A value is converted when it is first read, exactly as tortoise converts it
when it makes a model (the same field converters, so a date, a decimal or a time reads the same
on both paths); the columns nobody reads are never converted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from tortoise import fields
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model

from core.db import conn, dialect, fetch, is_postgres, note_statement, render
from core.sql import Sql, raw
from domain.columns.sql import JOIN_ORGANIZATION, JOIN_OWNER, JOIN_PERSON
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.fold import fold_key
from domain.leads.label import label_order
from domain.leads.query import JOIN_NEXT_ACTIVITY
from domain.viewer import Viewer
from fastpath.sqljson import register_functions
from models import Activity, Lead, Note, Organization, Person, Team, User

Converter = Callable[[Any], Any] | None

# What the compiled path shows of each record (and what domain.columns.values reads).
# A person's and an organization's declared fields (domain.contact_fields) come after their ids.
PERSON_COLUMNS = (
    "id",
    "company_id",
    *(c for f in PERSON_FIELDS for c in f.columns),
    "emails",
    "phones",
    "owner_id",
    "organization_id",
    "custom_fields",
)
ORGANIZATION_COLUMNS = (
    "id",
    "company_id",
    *(c for f in ORGANIZATION_FIELDS for c in f.columns),
    "address_street",
    "address_city",
    "address_postal_code",
    "address_country",
    "latitude",
    "longitude",
    "owner_id",
    "custom_fields",
)
USER_COLUMNS = ("id", "company_id", "name", "email")
TEAM_COLUMNS = ("id", "company_id", "name")
ACTIVITY_COLUMNS = (
    "id",
    "company_id",
    "type",
    "subject",
    "due_date",
    "due_time",
    "duration_minutes",
    "note",
    "done",
    "done_at",
    "created_at",
)
# alias in the page statement, model, columns, the join that brings the table in
JOINED: tuple[tuple[str, type[Model], tuple[str, ...], str], ...] = (
    ("p", Person, PERSON_COLUMNS, JOIN_PERSON),
    ("o", Organization, ORGANIZATION_COLUMNS, JOIN_ORGANIZATION),
    ("ou", User, USER_COLUMNS, JOIN_OWNER),
    ("ot", Team, TEAM_COLUMNS, JOIN_OWNER),
    ("na", Activity, ACTIVITY_COLUMNS, JOIN_NEXT_ACTIVITY),
)

_converters: dict[tuple[type[Model], str], dict[str, Converter]] = {}


def converters(model: type[Model]) -> dict[str, Converter]:
    """Column name to converter (None: the driver's value is kept), as tortoise's ``_init_from_db``
    converts for the connected backend."""
    key = (model, dialect())
    found = _converters.get(key)
    if found is None:
        meta = model._meta
        found = {column: None for column, _, _ in meta.db_native_fields}
        for column, _, field in meta.db_default_fields:
            found[column] = _typed(field.field_type)
        for column, _, field in meta.db_complex_fields:
            found[column] = _parsing(field)
        _converters[key] = found
    return found


def _parsing(field: Any) -> Callable[[Any], Any]:
    """``field.to_python_value``, with ISO text parsed by the standard library first: tortoise's own
    parser takes ~30 µs a value, ``fromisoformat`` about 1 µs, and a datetime or date given to
    ``to_python_value`` goes through the same time zone handling. Text it cannot read goes to tortoise."""
    convert = field.to_python_value
    if isinstance(field, CharEnumFieldInstance):
        # enum_type(value) looks the value up by a slower path; a dict gives the same member.
        members = {m.value: m for m in field.enum_type}

        def member(value: Any) -> Any:
            found = members.get(value)
            return found if found is not None else convert(value)

        return member
    if isinstance(field, fields.DatetimeField):
        parse: Callable[[str], Any] = dt.datetime.fromisoformat
    elif isinstance(field, fields.DateField):
        parse = dt.date.fromisoformat
    else:
        return convert

    def fast(value: Any) -> Any:
        if isinstance(value, str):
            try:  # noqa: SIM105 (suppress() costs more on a path taken per value)
                value = parse(value)
            except ValueError:
                pass
        return convert(value)

    return fast


def _typed(kind: Any) -> Callable[[Any], Any]:
    return lambda value: None if value is None else kind(value)


class Record:
    """A row with the model's attribute names (domain.columns.values reads it as it reads a model)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    if TYPE_CHECKING:
        # Its attributes are the row's columns, known at run time only.
        def __getattr__(self, name: str) -> Any: ...


def record(model: type[Model], values: dict[str, Any]) -> Record:
    """A record of ``model`` from raw column values, converted as tortoise converts them."""
    convert = converters(model)
    return Record({c: (v if (fn := convert.get(c)) is None else fn(v)) for c, v in values.items()})


class _Column:
    """One column of a row record: converted on first read, then kept in the instance's
    ``__dict__`` (a non-data descriptor, so later reads are plain attribute reads). A row has ~110
    columns and a page reads ~25 of them; the others are never converted."""

    __slots__ = ("convert", "index", "name")

    def __init__(self, name: str, index: int, convert: Converter) -> None:
        self.name = name
        self.index = index
        self.convert = convert

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        value = record._row[self.index]
        if self.convert is not None:
            value = self.convert(value)
        record.__dict__[self.name] = value
        return value


class RowRecord:
    """A record over a row as the driver gives it (read by position); see :func:`row_record`."""

    # The position of "id" and "company_id" in the row, for the checks made before reading.
    _id_at: int
    _company_at: int | None

    def __init__(self, row: Sequence[Any]) -> None:
        self._row = row

    if TYPE_CHECKING:
        # Its attributes are the model's columns, set on the class by row_record() at run time.
        def __getattr__(self, name: str) -> Any: ...


_record_types: dict[tuple[type[Model], str, str, tuple[str, ...]], type[RowRecord]] = {}


def row_record(model: type[Model], keys: Sequence[str], prefix: str = "") -> type[RowRecord]:
    """The record type of ``model``'s columns in rows of columns ``keys``: those named
    ``<prefix>column`` (no prefix: those without ``__``), converted as tortoise converts them. One
    type per statement shape, made once."""
    cache_key = (model, dialect(), prefix, tuple(keys))
    found = _record_types.get(cache_key)
    if found is None:
        convert = converters(model)
        if prefix:
            named = {k[len(prefix) :]: i for i, k in enumerate(keys) if k.startswith(prefix)}
        else:
            named = {k: i for i, k in enumerate(keys) if "__" not in k and k != "sort_key"}
        attributes: dict[str, Any] = {name: _Column(name, i, convert.get(name)) for name, i in named.items()}
        attributes["_id_at"] = named["id"]
        attributes["_company_at"] = named.get("company_id")
        found = type(f"{model.__name__}Record", (RowRecord,), attributes)
        _record_types[cache_key] = found
    return found


async def fetch_rows(sql: str, params: Sequence[Any]) -> tuple[list[str], list[Sequence[Any]]]:
    """The column names and the rows as the driver returns them (sqlite3.Row, asyncpg.Record: read
    by position), without the dict per row of ``execute_query_dict``. Logged as tortoise logs a
    statement, so statement counts see it."""
    client = conn()
    text = render(sql, len(params))
    async with client.acquire_connection() as connection:
        client.log.debug("%s: %s", text, params)
        note_statement()  # the request log's count (core/request_log.py)
        if is_postgres():
            rows = await connection.fetch(text, *params)
        else:
            await register_functions(connection)
            rows = await connection.execute_fetchall(text.replace("\x00", "'||CHAR(0)||'"), list(params))
    return (list(rows[0].keys()) if rows else []), list(rows)


def labels_sql() -> Sql:
    """The lead's labels as one JSON array of {id, name, color} (null without labels)."""
    if is_postgres():
        aggregate = "json_agg(json_build_object('id', ll.id, 'name', ll.name, 'color', ll.color) ORDER BY ll.id)"
    else:
        aggregate = "json_group_array(json_object('id', ll.id, 'name', ll.name, 'color', ll.color))"
    return raw(
        f"(SELECT {aggregate} FROM lead_label_link lll JOIN lead_label ll ON ll.id = lll.label_id"
        " WHERE lll.lead_id = l.id AND ll.company_id = l.company_id) AS x__labels"
    )


def page_select(with_labels: bool = True) -> Sql:
    """The columns the compiled page adds to ``l.*``, with the joins they need."""
    parts: list[str] = []
    joins: list[str] = []
    for alias, _, columns, join in JOINED:
        parts += [f"{alias}.{c} AS {alias}__{c}" for c in columns]
        if join not in joins:
            joins.append(join)
    text = ", ".join(parts)
    if with_labels:
        text += ", " + labels_sql().text
    return raw(text, joins=tuple(joins))


class PageRecords:
    """One page row split into records: the lead, its visible person and organization, owner,
    next activity and labels (sorted as the labels loader sorts them)."""

    __slots__ = (
        "activities",
        "activity",
        "cells",
        "labels",
        "lead",
        "notes",
        "org",
        "owner_team",
        "owner_user",
        "person",
    )

    def __init__(
        self, row: Sequence[Any], viewer: Viewer, types: dict[str, type[RowRecord]], labels_at: int | None
    ) -> None:
        company = viewer.company_id
        self.lead = types[""](row)
        self.person = _visible(row, types["p"], viewer)
        self.org = _visible(row, types["o"], viewer)
        self.owner_user = _owned(row, types["ou"], company)
        self.owner_team = _owned(row, types["ot"], company)
        self.activity = _owned(row, types["na"], company)
        self.labels = [] if labels_at is None else _labels(row[labels_at])
        self.cells: dict[str, Any] = {}
        self.notes: list[Any] = []
        self.activities: list[Any] = []


def page_records(keys: list[str], rows: list[Sequence[Any]], viewer: Viewer) -> list[PageRecords]:
    """The records of page rows read by :func:`fetch_rows` with :func:`page_select`'s columns."""
    if not rows:
        return []
    types = {"": row_record(Lead, keys)}
    for alias, model, _, _ in JOINED:
        types[alias] = row_record(model, keys, f"{alias}__")
    labels_at = keys.index("x__labels") if "x__labels" in keys else None
    return [PageRecords(row, viewer, types, labels_at) for row in rows]


def _owned(row: Sequence[Any], kind: type[RowRecord], company_id: int) -> RowRecord | None:
    # The loaders read only the viewer's company's rows; so does this path.
    if row[kind._id_at] is None or (kind._company_at is not None and row[kind._company_at] != company_id):
        return None
    return kind(row)


def _visible(row: Sequence[Any], kind: type[RowRecord], viewer: Viewer) -> RowRecord | None:
    found = _owned(row, kind, viewer.company_id)
    return found if found is not None and viewer.can_see(found.visibility, found.owner_id) else None


def _labels(value: Any) -> list[Record]:
    if value is None:
        return []
    items = orjson.loads(value) if isinstance(value, str | bytes) else value
    labels = [Record(i) for i in items if i and i.get("id") is not None]
    # The JSON carries no name_key: the name folded is what the model stores as name_key.
    labels.sort(key=lambda label: label_order(fold_key(label.name), label.id))
    return labels


async def referenced(
    viewer: Viewer, user_ids: Sequence[int], person_ids: Sequence[int], org_ids: Sequence[int]
) -> tuple[dict[int, Record], dict[int, Record], dict[int, Record]]:
    """Users, persons and organizations by id, in one statement: those of the viewer's company,
    persons and organizations only where the viewer may see them (as the loaders answer)."""
    parts: list[str] = []
    params: list[Any] = []
    for kind, table, ids in (("u", "app_user", user_ids), ("p", "person", person_ids), ("o", "organization", org_ids)):
        if not ids:
            continue
        rest = "CAST(NULL AS VARCHAR(16)) AS visibility, CAST(NULL AS INTEGER) AS owner_id"
        if kind != "u":
            rest = "visibility, owner_id"
        marks = ",".join("?" * len(ids))
        parts.append(f"SELECT '{kind}' AS kind, id, name, {rest} FROM {table} WHERE company_id = ? AND id IN ({marks})")
        params += [viewer.company_id, *ids]
    users: dict[int, Record] = {}
    persons: dict[int, Record] = {}
    orgs: dict[int, Record] = {}
    if not parts:
        return users, persons, orgs
    for row in await fetch(" UNION ALL ".join(parts), params):
        kind = row.pop("kind")
        if kind == "u":
            users[row["id"]] = Record(row)
            continue
        model = Person if kind == "p" else Organization
        found = record(model, row)
        if viewer.can_see(found.visibility, found.owner_id):
            (persons if kind == "p" else orgs)[found.id] = found
    return users, persons, orgs


def lead_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# A lead's notes and activities, in the order of the loaders (notes_by_lead_id, activities_by_lead_id).
CHILDREN = {
    "notes": ("note", "author_id", "n.created_at DESC, n.id DESC", Note),
    "activities": ("activity", "assignee_id", "n.done, n.due_date, n.due_time, n.id", Activity),
}


async def fill_children(viewer: Viewer, rows: list[PageRecords], raw_ids: list[Any], kind: str) -> None:
    """Every lead's notes (with their authors) or activities (with their assignees) in one statement."""
    table, user_column, order, model = CHILDREN[kind]
    if not rows:
        return
    marks = ",".join("?" * len(raw_ids))
    keys, found = await fetch_rows(
        f"SELECT n.*, u.id AS u__id, u.company_id AS u__company_id, u.name AS u__name, u.email AS u__email"
        f" FROM {table} n LEFT JOIN app_user u ON u.id = n.{user_column}"
        f" WHERE n.company_id = ? AND n.lead_id IN ({marks}) ORDER BY {order}",
        [viewer.company_id, *raw_ids],
    )
    by_lead: dict[uuid.UUID, list[Any]] = {}
    if found:
        item_type, user_type = row_record(model, keys), row_record(User, keys, "u__")
        for row in found:
            item: Any = item_type(row)
            # The user as the loader gives it: of the viewer's company, or none.
            item.user = _owned(row, user_type, viewer.company_id)
            by_lead.setdefault(lead_uuid(item.lead_id), []).append(item)
    for r in rows:
        setattr(r, kind, by_lead.get(lead_uuid(r.lead.id), []))
