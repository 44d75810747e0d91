"""The page's rows as plain records: one SELECT for the page, one for what its values refer to.

The page statement is the inbox's own keyset query (domain.lead_query.find_lead_rows) with more
columns: the linked person and organization, the owning user or team, the next activity, and the
lead's labels aggregated into JSON (``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL).
Each value is converted exactly as tortoise converts it when it makes a model (the same field
converters, so a date, a decimal or a time reads the same on both paths), into light records with
the models' attribute names, which domain.column_values reads as it reads models.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from tortoise import fields
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model

from core.db import dialect, fetch, is_postgres
from core.sql import Sql, raw
from domain.column_sql import JOIN_ORGANIZATION, JOIN_OWNER, JOIN_PERSON
from domain.lead_query import JOIN_NEXT_ACTIVITY
from domain.viewer import Viewer
from models import Activity, Lead, Note, Organization, Person, Team, User

Converter = Callable[[Any], Any] | None

# What the compiled path shows of each record (and what domain.column_values reads).
PERSON_COLUMNS = (
    "id",
    "company_id",
    "name",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "job_title",
    "owner_id",
    "organization_id",
    "visibility",
    "custom_fields",
)
ORGANIZATION_COLUMNS = (
    "id",
    "company_id",
    "name",
    "address_street",
    "address_city",
    "address_postal_code",
    "address_country",
    "latitude",
    "longitude",
    "owner_id",
    "visibility",
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
    """A row with the model's attribute names (domain.column_values reads it as it reads a model)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values


def record(model: type[Model], values: dict[str, Any]) -> Record:
    """A record of ``model`` from raw column values, converted as tortoise converts them."""
    convert = converters(model)
    return Record({c: (v if (fn := convert.get(c)) is None else fn(v)) for c, v in values.items()})


Spec = list[tuple[str, str, Converter]]


def _spec(keys: list[str], prefix: str, convert: dict[str, Converter]) -> Spec:
    """(attribute, key in the page row, converter) of one table's columns in the page row."""
    if prefix:
        return [(k[len(prefix) :], k, convert.get(k[len(prefix) :])) for k in keys if k.startswith(prefix)]
    return [(k, k, convert.get(k)) for k in keys if "__" not in k]


def _build(row: dict[str, Any], spec: Spec) -> Record:
    found = Record.__new__(Record)
    found.__dict__ = {a: (row[k] if fn is None else fn(row[k])) for a, k, fn in spec}
    return found


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

    def __init__(self, row: dict[str, Any], viewer: Viewer, specs: dict[str, Spec]) -> None:
        company = viewer.company_id
        self.lead = _build(row, specs[""])
        self.person = _visible(row, "p", specs, viewer)
        self.org = _visible(row, "o", specs, viewer)
        self.owner_user = _owned(row, "ou", specs, company)
        self.owner_team = _owned(row, "ot", specs, company)
        self.activity = _owned(row, "na", specs, company)
        self.labels = _labels(row.get("x__labels"))
        self.cells: dict[str, Any] = {}
        self.notes: list[Record] = []
        self.activities: list[Record] = []


def page_records(rows: list[dict[str, Any]], viewer: Viewer) -> list[PageRecords]:
    if not rows:
        return []
    keys = list(rows[0])
    specs = {"": _spec(keys, "", converters(Lead))}
    for alias, model, _, _ in JOINED:
        specs[alias] = _spec(keys, f"{alias}__", converters(model))
    return [PageRecords(row, viewer, specs) for row in rows]


def _owned(row: dict[str, Any], alias: str, specs: dict[str, Spec], company_id: int) -> Record | None:
    # The loaders read only the viewer's company's rows; so does this path.
    if row[f"{alias}__id"] is None or row[f"{alias}__company_id"] != company_id:
        return None
    return _build(row, specs[alias])


def _visible(row: dict[str, Any], alias: str, specs: dict[str, Spec], viewer: Viewer) -> Record | None:
    found = _owned(row, alias, specs, viewer.company_id)
    return found if found is not None and viewer.can_see(found.visibility, found.owner_id) else None


def _labels(value: Any) -> list[Record]:
    if value is None:
        return []
    items = orjson.loads(value) if isinstance(value, str | bytes) else value
    labels = [Record(i) for i in items if i and i.get("id") is not None]
    labels.sort(key=lambda label: label.name.lower())
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


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    found = await fetch(
        f"SELECT n.*, u.id AS u__id, u.company_id AS u__company_id, u.name AS u__name, u.email AS u__email"
        f" FROM {table} n LEFT JOIN app_user u ON u.id = n.{user_column}"
        f" WHERE n.company_id = ? AND n.lead_id IN ({marks}) ORDER BY {order}",
        [viewer.company_id, *raw_ids],
    )
    by_lead: dict[uuid.UUID, list[Record]] = {}
    if found:
        keys = list(found[0])
        item_spec = _spec(keys, "", converters(model))
        user_spec = _spec(keys, "u__", converters(User))
        for row in found:
            item = _build(row, item_spec)
            # The user as the loader gives it: of the viewer's company, or none.
            item.user = (
                None if row["u__id"] is None or row["u__company_id"] != viewer.company_id else _build(row, user_spec)
            )
            by_lead.setdefault(lead_uuid(item.lead_id), []).append(item)
    for r in rows:
        setattr(r, kind, by_lead.get(lead_uuid(r.lead.id), []))
