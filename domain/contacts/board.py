"""The lead-status board of a selection (SPEC §8): its persons in one column per status, in
the company's order, and one column for persons without a (visible) status.

A person selection shows its members; an organization selection shows the persons of its
member organizations. A retired status has a column only while persons still hold it.
Moving a card is ``set_lead_status``. Counts take one statement for the whole board; the
first page of every column takes one more (a window over the statuses), whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.db import fetch
from domain.contacts.lead_state import visible_status_sql
from domain.contacts.lead_status import list_statuses
from domain.contacts.query import ContactPage
from domain.contacts.selection import decode_name_cursor, member_sql, page_from_rows
from domain.contacts.selection_criteria import base_sql
from domain.viewer import Viewer
from models import LeadStatus, Person, Selection, SelectionEntity

NO_STATUS = "NONE"


@dataclass
class BoardColumn:
    status: LeadStatus | None
    count: int

    @property
    def key(self) -> int | None:
        return self.status.id if self.status else None


def column_sort(status_id: int | None) -> str:
    """The sort a column's cursors are made for: a cursor of one column fits no other."""
    return f"BOARD:{status_id if status_id is not None else NO_STATUS}:NAME:ASC"


def board_persons_sql(viewer: Viewer, selection: Selection, now: dt.datetime) -> tuple[str, list[str], list[Any]]:
    """FROM clause and conditions of the persons on the board, as the viewer sees them."""
    if selection.entity == SelectionEntity.PERSON:
        return member_sql(viewer, selection, now)
    source, where, params = base_sql(viewer, SelectionEntity.PERSON)
    org_source, org_where, org_params = member_sql(viewer, selection, now)
    where.append(f"p.organization_id IN (SELECT o.id FROM {org_source} WHERE {' AND '.join(org_where)})")
    return source, where, [*params, *org_params]


async def board_columns(viewer: Viewer, selection: Selection, *, now: dt.datetime | None = None) -> list[BoardColumn]:
    source, where, params = board_persons_sql(viewer, selection, now or dt.datetime.now(dt.UTC))
    status, status_params = visible_status_sql()
    rows = await fetch(
        f"SELECT x.status_id AS status_id, count(*) AS n FROM (SELECT {status} AS status_id FROM {source}"
        f" WHERE {' AND '.join(where)}) x GROUP BY x.status_id",
        [*status_params, *params],
    )
    counts = {row["status_id"]: int(row["n"]) for row in rows}
    columns = [
        BoardColumn(s, counts.get(s.id, 0))
        for s in await list_statuses(viewer)
        if s.retired_at is None or counts.get(s.id)
    ]
    columns.append(BoardColumn(None, counts.get(None, 0)))
    return columns


async def first_pages(
    viewer: Viewer, selection: Selection, first: int, *, now: dt.datetime | None = None
) -> dict[int | None, ContactPage]:
    """The first ``first`` persons of every column, by name, in one statement."""
    source, where, params = board_persons_sql(viewer, selection, now or dt.datetime.now(dt.UTC))
    status, status_params = visible_status_sql()
    rows = await fetch(
        f"SELECT * FROM (SELECT p.*, p.name_key AS sort_key, {status} AS board_status,"
        f" ROW_NUMBER() OVER (PARTITION BY {status} ORDER BY p.name_key, p.id) AS board_rank"
        f" FROM {source} WHERE {' AND '.join(where)}) x WHERE x.board_rank <= ? ORDER BY x.board_rank",
        [*status_params, *status_params, *params, first + 1],
    )
    grouped: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["board_status"], []).append(row)
    return {key: page_from_rows(Person, found, first, column_sort(key)) for key, found in grouped.items()}


async def column_page(
    viewer: Viewer,
    selection: Selection,
    status_id: int | None,
    first: int,
    after: str,
    *,
    now: dt.datetime | None = None,
) -> ContactPage:
    """A further page of one column."""
    source, where, params = board_persons_sql(viewer, selection, now or dt.datetime.now(dt.UTC))
    status, status_params = visible_status_sql()
    if status_id is None:
        where.append(f"{status} IS NULL")
        params += status_params
    else:
        where.append(f"{status} = ?")
        params += [*status_params, status_id]
    key, last_id = decode_name_cursor(after, column_sort(status_id))
    where.append("(p.name_key, p.id) > (?, ?)")
    params += [key, last_id]
    rows = await fetch(
        f"SELECT p.*, p.name_key AS sort_key FROM {source} WHERE {' AND '.join(where)}"
        " ORDER BY p.name_key, p.id LIMIT ?",
        [*params, first + 1],
    )
    return page_from_rows(Person, rows, first, column_sort(status_id))


async def column_pages(
    viewer: Viewer, selection: Selection, keys: Sequence[tuple[int | None, int, str | None]], now: dt.datetime
) -> list[ContactPage]:
    """Pages for (status id, first, after) keys: one window statement per distinct ``first``
    for first pages, one statement per further page."""
    firsts: dict[int, dict[int | None, ContactPage]] = {}
    out: list[ContactPage] = []
    for status_id, first, after in keys:
        if after:
            out.append(await column_page(viewer, selection, status_id, first, after, now=now))
            continue
        if first not in firsts:
            firsts[first] = await first_pages(viewer, selection, first, now=now)
        out.append(firsts[first].get(status_id) or ContactPage([], [], False))
    return out
