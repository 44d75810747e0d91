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
from types import SimpleNamespace
from typing import Any

import orjson
from tortoise.models import Model

from core.db import dialect, fetch, is_postgres
from core.sql import Sql, raw
from domain.column_sql import JOIN_ORGANIZATION, JOIN_OWNER, JOIN_PERSON
from domain.lead_query import JOIN_NEXT_ACTIVITY
from domain.viewer import Viewer
from models import Activity, Lead, Organization, Person, Team, User

Record = SimpleNamespace
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
            found[column] = field.to_python_value
        _converters[key] = found
    return found


def _typed(kind: Any) -> Callable[[Any], Any]:
    return lambda value: None if value is None else kind(value)


def record(model: type[Model], values: dict[str, Any]) -> Record:
    """A record of ``model`` from raw column values."""
    convert = converters(model)
    out = {}
    for column, value in values.items():
        fn = convert.get(column)
        out[column] = value if fn is None else fn(value)
    return Record(**out)


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

    __slots__ = ("activity", "cells", "labels", "lead", "org", "owner_team", "owner_user", "person")

    def __init__(self, row: dict[str, Any], viewer: Viewer) -> None:
        parts: dict[str, dict[str, Any]] = {alias: {} for alias, *_ in JOINED}
        lead: dict[str, Any] = {}
        labels: Any = None
        for name, value in row.items():
            alias, sep, column = name.partition("__")
            if sep and alias in parts:
                parts[alias][column] = value
            elif name == "x__labels":
                labels = value
            else:
                lead[name] = value
        company = viewer.company_id
        self.lead = record(Lead, lead)
        self.person = _visible(Person, parts["p"], viewer)
        self.org = _visible(Organization, parts["o"], viewer)
        self.owner_user = _owned(User, parts["ou"], company)
        self.owner_team = _owned(Team, parts["ot"], company)
        self.activity = _owned(Activity, parts["na"], company)
        self.labels = _labels(labels)
        self.cells: dict[str, Any] = {}


def _owned(model: type[Model], values: dict[str, Any], company_id: int) -> Record | None:
    # The loaders read only the viewer's company's rows; so does this path.
    if values.get("id") is None or values.get("company_id") != company_id:
        return None
    return record(model, values)


def _visible(model: type[Model], values: dict[str, Any], viewer: Viewer) -> Record | None:
    if values.get("id") is None or values.get("company_id") != viewer.company_id:
        return None
    found = record(model, values)
    return found if viewer.can_see(found.visibility, found.owner_id) else None


def _labels(value: Any) -> list[Record]:
    if value is None:
        return []
    items = orjson.loads(value) if isinstance(value, str | bytes) else value
    labels = [Record(id=i["id"], name=i["name"], color=i["color"]) for i in items if i and i.get("id") is not None]
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
            users[row["id"]] = Record(id=row["id"], name=row["name"])
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
