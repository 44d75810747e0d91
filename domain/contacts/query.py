"""Lists of persons and organizations: by name, searchable, keyset-paginated like the inbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.db import fetch
from core.pagination import Cursor
from core.sql import Sql, like_pattern
from domain.fold import key_pattern
from domain.viewer import Viewer
from models import Organization, Person

SORT = "NAME:ASC"
TABLES = {"p": "person", "o": "organization"}


@dataclass
class ContactPage:
    rows: list[Any]
    cursors: list[str]
    has_next_page: bool


def _where(viewer: Viewer, alias: str, search: str | None, organization_id: int | None) -> tuple[list[str], list[Any]]:
    where, params = viewer.readable_sql(alias, "owner_id")
    text = (search or "").strip()
    if text:
        # Names in their folded keys (domain.fold): "orebro" finds "Örebro" on both databases.
        if alias == "p":
            where.append("(p.name_key LIKE ? ESCAPE '\\' OR p.email_search LIKE ? ESCAPE '\\')")
            params += [key_pattern(text), like_pattern(text)]
        else:
            where.append("o.name_key LIKE ? ESCAPE '\\'")
            params.append(key_pattern(text))
    if organization_id is not None and alias == "p":
        where.append("p.organization_id = ?")
        params.append(organization_id)
    return where, params


def page_statement(
    viewer: Viewer,
    alias: str,
    first: int,
    after: str | None,
    search: str | None,
    organization_id: int | None,
    *,
    base: str = "",
    extra: Sql | None = None,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one keyset page of persons (``alias`` p) or organizations (o):
    ``base`` (``<alias>.*``), ``sort_key`` (for :func:`contact_cursor`), then ``extra``'s columns
    (with its joins); ``first + 1`` rows at most. fastpath/sqljson.py asks ``<alias>.id`` and the
    JSON of each row."""
    where, params = _where(viewer, alias, search, organization_id)
    if after:
        cursor = Cursor.decode(after, SORT)
        where.append(f"({alias}.name_key, {alias}.id) > (?, ?)")
        params += [cursor.key, cursor.id]
    table = TABLES[alias]
    more, joins = (f", {extra.text}", " ".join(("", *extra.joins))) if extra is not None else ("", "")
    return (
        f"SELECT {base or alias + '.*'}, {alias}.name_key AS sort_key{more} FROM {table} {alias}{joins}"
        f" WHERE {' AND '.join(where)} ORDER BY {alias}.name_key, {alias}.id LIMIT ?",
        [*(extra.params if extra is not None else ()), *params, first + 1],
    )


def contact_cursor(sort_key: Any, contact_id: Any) -> str:
    return Cursor(SORT, sort_key, contact_id).encode()


async def _find(
    viewer: Viewer,
    model: Any,
    alias: str,
    first: int,
    after: str | None,
    search: str | None,
    organization_id: int | None,
) -> ContactPage:
    rows = await fetch(*page_statement(viewer, alias, first, after, search, organization_id))
    has_next = len(rows) > first
    out: list[Any] = []
    cursors: list[str] = []
    for row in rows[:first]:
        key = row.pop("sort_key")
        out.append(model._init_from_db(**row))
        cursors.append(contact_cursor(key, row["id"]))
    return ContactPage(out, cursors, has_next)


async def find_persons(
    viewer: Viewer, first: int, after: str | None, search: str | None = None, organization_id: int | None = None
) -> ContactPage:
    return await _find(viewer, Person, "p", first, after, search, organization_id)


async def find_organizations(viewer: Viewer, first: int, after: str | None, search: str | None = None) -> ContactPage:
    return await _find(viewer, Organization, "o", first, after, search, None)


async def count_contacts(viewer: Viewer, kind: str, search: str | None, organization_id: int | None = None) -> int:
    alias, table = ("p", "person") if kind == "person" else ("o", "organization")
    where, params = _where(viewer, alias, search, organization_id)
    rows = await fetch(f"SELECT count(*) AS n FROM {table} {alias} WHERE {' AND '.join(where)}", params)
    return int(rows[0]["n"])
