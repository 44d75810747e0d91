"""Selections (SPEC §8): named searches over persons or organizations, saved as static (the
members found at save time, kept as they were) or dynamic (the criteria, evaluated on every
read). A selection is its owner's, or shared with the whole company.

Members are always read with the reader's eyes: a contact the reader may not see is no
member for them, whatever the selection holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.db import conn, fetch, render
from core.errors import DomainError, ErrorCode, fail
from core.pagination import Cursor, InvalidCursor
from domain import changelog
from domain.contacts.query import ContactPage
from domain.contacts.selection_criteria import Condition, base_sql, check_conditions, criteria_sql
from domain.fold import fold
from domain.validation import text
from domain.viewer import Viewer
from models import Organization, Person, Selection, SelectionEntity, SelectionKind, SelectionMember

ENTITY = "selection"
SORT = "NAME:ASC"


@dataclass
class SelectionData:
    name: str
    entity: SelectionEntity
    kind: SelectionKind
    conditions: list[Condition] = field(default_factory=list)
    is_shared: bool = False


def conditions_of(selection: Selection) -> list[Condition]:
    return [Condition.from_json(c) for c in selection.criteria or []]


def _name(name: str | None) -> str:
    cleaned, errors = text(name, ("input", "name"), required=True, max_length=200)
    if errors:
        raise DomainError(errors)
    assert cleaned is not None
    return cleaned


def alias_of(entity: SelectionEntity) -> str:
    return "p" if entity is SelectionEntity.PERSON else "o"


def member_sql(viewer: Viewer, selection: Selection, now: dt.datetime) -> tuple[str, list[str], list[Any]]:
    """FROM clause and conditions of the members the viewer sees, for any member query."""
    entity = SelectionEntity(selection.entity)
    source, where, params = base_sql(viewer, entity)
    alias = alias_of(entity)
    if selection.kind == SelectionKind.STATIC:
        column = "person_id" if entity is SelectionEntity.PERSON else "organization_id"
        where.append(f"{alias}.id IN (SELECT sm.{column} FROM selection_member sm WHERE sm.selection_id = ?)")
        params.append(selection.id)
    else:
        more, more_params = criteria_sql(viewer, entity, conditions_of(selection), now)
        where += more
        params += more_params
    return source, where, params


async def _save_members(viewer: Viewer, selection: Selection, conditions: list[Condition], now: dt.datetime) -> None:
    """Take the members of a static selection: one INSERT ... SELECT, whatever their number."""
    await SelectionMember.filter(selection_id=selection.id).delete()
    entity = SelectionEntity(selection.entity)
    source, where, params = base_sql(viewer, entity)
    more, more_params = criteria_sql(viewer, entity, conditions, now)
    column = "person_id" if entity is SelectionEntity.PERSON else "organization_id"
    sql = (
        f"INSERT INTO selection_member (selection_id, {column}) SELECT ?, {alias_of(entity)}.id"
        f" FROM {source} WHERE {' AND '.join(where + more)}"
    )
    all_params = [selection.id, *params, *more_params]
    await conn().execute_query(render(sql, len(all_params)), all_params)


async def list_selections(viewer: Viewer) -> list[Selection]:
    """The viewer's own selections and those shared with the company, by folded name (domain.fold)."""
    mine_or_shared = Q(owner_id=viewer.user_id) | Q(is_shared=True)
    found = await Selection.filter(mine_or_shared, company_id=viewer.company_id)
    return sorted(found, key=lambda s: (fold(s.name), s.id))


def can_see_selection(viewer: Viewer, selection: Selection) -> bool:
    """A shared selection is the company's; a private one only its owner's."""
    return selection.is_shared or selection.owner_id == viewer.user_id


async def get_selection(viewer: Viewer, selection_id: int, path: tuple[str, ...] = ("input", "id")) -> Selection:
    selection = await Selection.get_or_none(id=selection_id, company_id=viewer.company_id)
    if selection is None or not can_see_selection(viewer, selection):
        raise fail("Selection not found.", ErrorCode.NOT_FOUND, *path)
    return selection


def _check_can_change(viewer: Viewer, selection: Selection) -> None:
    if selection.owner_id != viewer.user_id and not viewer.is_admin:
        raise fail("Only the selection's owner or an admin can change it.", ErrorCode.PERMISSION_DENIED, "input", "id")


async def create_selection(viewer: Viewer, data: SelectionData, *, now: dt.datetime | None = None) -> Selection:
    now = now or dt.datetime.now(dt.UTC)
    name = _name(data.name)
    entity = SelectionEntity(data.entity)
    conditions = await check_conditions(viewer, entity, data.conditions, ("input", "conditions"))
    static = data.kind == SelectionKind.STATIC
    async with in_transaction():
        selection = await Selection.create(
            company_id=viewer.company_id,
            name=name,
            entity=entity,
            kind=data.kind,
            criteria=[c.to_json() for c in conditions],
            owner_id=viewer.user_id,
            is_shared=data.is_shared,
            members_saved_at=now if static else None,
        )
        if static:
            await _save_members(viewer, selection, conditions, now)
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, selection.id, "CREATED", "name", None, name)]
        )
    return selection


async def update_selection(
    viewer: Viewer, selection_id: int, changes: dict[str, Any], *, now: dt.datetime | None = None
) -> Selection:
    """Rename, share, change the criteria or the kind. A static selection takes its members
    again when its criteria change, when it becomes static, or when ``refresh`` is asked."""
    now = now or dt.datetime.now(dt.UTC)
    selection = await get_selection(viewer, selection_id)
    _check_can_change(viewer, selection)
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = _name(changes["name"])
    if "is_shared" in changes:
        values["is_shared"] = bool(changes["is_shared"])
    conditions = conditions_of(selection)
    if "conditions" in changes:
        conditions = await check_conditions(
            viewer, SelectionEntity(selection.entity), changes["conditions"], ("input", "conditions")
        )
        values["criteria"] = [c.to_json() for c in conditions]
    kind = SelectionKind(changes.get("kind") or selection.kind)
    values["kind"] = kind
    retake = kind == SelectionKind.STATIC and (
        "conditions" in changes or selection.kind != SelectionKind.STATIC or bool(changes.get("refresh"))
    )
    before = {
        "name": selection.name,
        "is_shared": selection.is_shared,
        "criteria": selection.criteria,
        "kind": selection.kind,
    }
    async with in_transaction():
        for key, value in values.items():
            setattr(selection, key, value)
        if retake:
            selection.members_saved_at = now
            await _save_members(viewer, selection, conditions, now)
        elif kind == SelectionKind.DYNAMIC and before["kind"] == SelectionKind.STATIC:
            selection.members_saved_at = None
            await SelectionMember.filter(selection_id=selection.id).delete()
        await selection.save()
        entries = changelog.field_changes(viewer, viewer.company_id, ENTITY, selection.id, before, values)
        if retake:
            entries.append(changelog.entry(viewer, viewer.company_id, ENTITY, selection.id, "MEMBERS_SAVED"))
        await changelog.write(entries)
    return selection


async def delete_selection(viewer: Viewer, selection_id: int) -> None:
    selection = await get_selection(viewer, selection_id)
    _check_can_change(viewer, selection)
    async with in_transaction():
        await selection.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, selection_id, "DELETED", "name", selection.name, None)]
        )


def decode_name_cursor(after: str, sort: str) -> tuple[str, int]:
    cursor = Cursor.decode(after, sort)
    if not isinstance(cursor.key, str) or not isinstance(cursor.id, int) or isinstance(cursor.id, bool):
        raise InvalidCursor()
    return cursor.key, cursor.id


def page_from_rows(model: Any, rows: list[dict[str, Any]], first: int, sort: str) -> ContactPage:
    """Rows fetched with ``first + 1`` and a ``sort_key`` column, as a page of model objects."""
    has_next = len(rows) > first
    out: list[Any] = []
    cursors: list[str] = []
    for row in rows[:first]:
        key = row.pop("sort_key")
        for extra in ("board_status", "board_rank"):
            row.pop(extra, None)
        out.append(model._init_from_db(**row))
        cursors.append(Cursor(sort, key, row["id"]).encode())
    return ContactPage(out, cursors, has_next)


# A page of members asked for: the selection, how many, after which cursor (None: the first page).
MembersAsk = tuple[Selection, int, str | None]


async def find_members_of(
    viewer: Viewer, asks: Sequence[MembersAsk], *, now: dt.datetime | None = None
) -> list[ContactPage]:
    """A page of members for each ask, in the asks' order: one statement a kind of member (persons,
    organizations) however many selections a list holds, each selection's query a part of a
    UNION ALL."""
    moment = now or dt.datetime.now(dt.UTC)
    parts: dict[SelectionEntity, list[tuple[str, list[Any]]]] = {}
    for number, (selection, first, after) in enumerate(asks):
        entity = SelectionEntity(selection.entity)
        source, where, params = member_sql(viewer, selection, moment)
        alias = alias_of(entity)
        if after:
            key, last_id = decode_name_cursor(after, SORT)
            where.append(f"({alias}.name_key, {alias}.id) > (?, ?)")
            params += [key, last_id]
        sql = (
            f"SELECT * FROM (SELECT {number} AS part, {alias}.*, {alias}.name_key AS sort_key FROM {source}"
            f" WHERE {' AND '.join(where)} ORDER BY {alias}.name_key, {alias}.id LIMIT ?) AS part{number}"
        )
        parts.setdefault(entity, []).append((sql, [*params, first + 1]))
    rows_of: list[list[dict[str, Any]]] = [[] for _ in asks]
    for entity_parts in parts.values():
        sql = " UNION ALL ".join(part for part, _ in entity_parts)
        for row in await fetch(sql, [p for _, params in entity_parts for p in params]):
            rows_of[int(row.pop("part"))].append(row)
    pages = []
    for (selection, first, _), rows in zip(asks, rows_of, strict=True):
        rows.sort(key=lambda row: (row["sort_key"] or "", row["id"]))
        model = Person if selection.entity == SelectionEntity.PERSON else Organization
        pages.append(page_from_rows(model, rows, first, SORT))
    return pages


async def count_members_of(
    viewer: Viewer, selections: Sequence[Selection], *, now: dt.datetime | None = None
) -> list[int]:
    """How many members the viewer sees in each selection: one statement for all of them."""
    moment = now or dt.datetime.now(dt.UTC)
    parts: list[str] = []
    params: list[Any] = []
    for number, selection in enumerate(selections):
        source, where, more = member_sql(viewer, selection, moment)
        parts.append(f"SELECT {number} AS part, count(*) AS n FROM {source} WHERE {' AND '.join(where)}")
        params += more
    counts = [0 for _ in selections]
    if parts:
        for row in await fetch(" UNION ALL ".join(parts), params):
            counts[int(row["part"])] = int(row["n"])
    return counts
