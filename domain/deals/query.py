"""The deals list: filters, search, sorting and keyset pages in SQL, like the inbox's.

Deleted deals are left out unless asked for. The same filter also names the deals of a
filter-wide conversion (:func:`matching_deal_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.db import fetch, is_postgres
from core.pagination import Cursor
from core.sql import Sql
from domain.columns.filter_refs import FilterRef, check_list_refs
from domain.fold import key_pattern
from domain.leads.query import SortDirection
from domain.viewer import Viewer
from models import Deal, DealStatus


class DealSortField(str, Enum):
    TITLE = "TITLE"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    VALUE = "VALUE"
    EXPECTED_CLOSE_DATE = "EXPECTED_CLOSE_DATE"


@dataclass(frozen=True)
class _Sort:
    expression: str
    nullable: bool


def _sort(sort: DealSortField) -> _Sort:
    value = "d.value_amount" if is_postgres() else "CAST(d.value_amount AS REAL)"
    return {
        DealSortField.TITLE: _Sort("d.title_key", False),
        DealSortField.CREATED_AT: _Sort("d.created_at", False),
        DealSortField.UPDATED_AT: _Sort("d.updated_at", False),
        DealSortField.VALUE: _Sort(value, True),
        DealSortField.EXPECTED_CLOSE_DATE: _Sort("d.expected_close_date", True),
    }[sort]


@dataclass
class DealQuery:
    statuses: list[DealStatus] = field(default_factory=list)
    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_ids: list[int] = field(default_factory=list)
    search: str | None = None
    include_deleted: bool = False
    sort: DealSortField = DealSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC

    @property
    def sort_name(self) -> str:
        return f"{self.sort.value}:{self.direction.value}"

    def to_params(self) -> dict[str, Any]:
        """A JSON form, kept with a job so that one can see what it was asked to do."""
        return {
            "statuses": [s.value for s in self.statuses],
            "pipeline_id": self.pipeline_id,
            "stage_id": self.stage_id,
            "owner_ids": self.owner_ids,
            "search": self.search,
            "include_deleted": self.include_deleted,
        }


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _filters(viewer: Viewer, query: DealQuery) -> tuple[list[str], list[str], list[Any]]:
    joins: list[str] = []
    where, params = viewer.readable_sql("d", "owner_id")
    if not query.include_deleted:
        where.append("d.deleted_at IS NULL")
    if query.statuses:
        values = [s.value for s in query.statuses]
        where.append(f"d.status IN ({_marks(values)})")
        params += values
    if query.pipeline_id is not None:
        where.append("d.pipeline_id = ?")
        params.append(query.pipeline_id)
    if query.stage_id is not None:
        where.append("d.stage_id = ?")
        params.append(query.stage_id)
    if query.owner_ids:
        where.append(f"d.owner_id IN ({_marks(query.owner_ids)})")
        params += query.owner_ids
    search = (query.search or "").strip()
    if search:
        joins += ["LEFT JOIN person p ON p.id = d.person_id", "LEFT JOIN organization o ON o.id = d.organization_id"]
        # A person or organization the viewer may not see must not make a deal match: the
        # search would confirm its name (SPEC §1 visibility).
        # Titles and names in their folded keys (domain.fold), the same on both databases.
        parts = ["d.title_key LIKE ? ESCAPE '\\'"]
        params.append(key_pattern(search))
        for alias in ("p", "o"):
            condition = f"{alias}.name_key LIKE ? ESCAPE '\\'"
            visible, visible_params = viewer.visibility_sql(alias, "owner_id")
            parts.append(f"({visible} AND {condition})" if visible else condition)
            params += [*visible_params, key_pattern(search)]
        where.append("(" + " OR ".join(parts) + ")")
    return joins, where, params


@dataclass
class DealPage:
    deals: list[Deal]
    cursors: list[str]
    has_next_page: bool


def deal_refs(query: DealQuery, path: tuple[str, ...]) -> list[FilterRef]:
    """The ids a deals filter names, each to be the company's own (field names as the API's)."""
    return [
        FilterRef("Pipeline", [query.pipeline_id] if query.pipeline_id is not None else [], (*path, "pipelineId")),
        FilterRef("Stage", [query.stage_id] if query.stage_id is not None else [], (*path, "stageId")),
        FilterRef("User", query.owner_ids, (*path, "ownerIds")),
    ]


async def page_statement(
    viewer: Viewer, query: DealQuery, first: int, after: str | None, *, base: str = "d.*", extra: Sql | None = None
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one keyset page of deals: ``base`` (``d.*``), ``sort_key`` (for
    :func:`deal_cursor`), then ``extra``'s columns (with its joins); ``first + 1`` rows at most.
    fastpath/sqljson.py asks ``d.id`` and the JSON of each deal."""
    await check_list_refs(viewer, deal_refs(query, ("filter",)))
    joins, where, params = _filters(viewer, query)
    spec = _sort(query.sort)
    desc = query.direction is SortDirection.DESC
    op = "<" if desc else ">"
    if after:
        cursor = Cursor.decode(after, query.sort_name)
        key, deal_id = cursor.key, cursor.id
        if not spec.nullable:
            where.append(f"({spec.expression}, d.id) {op} (?, ?)")
            params += [key, deal_id]
        elif key is None:
            where.append(f"({spec.expression} IS NULL AND d.id {op} ?)")
            params.append(deal_id)
        else:
            where.append(
                f"({spec.expression} IS NULL OR {spec.expression} {op} ? OR ({spec.expression} = ? AND d.id {op} ?))"
            )
            params += [key, key, deal_id]
    direction = "DESC" if desc else "ASC"
    order = f"{spec.expression} {direction}, d.id {direction}"
    if spec.nullable:
        order = f"({spec.expression} IS NULL) ASC, " + order
    more = ""
    if extra is not None:
        more = f", {extra.text}"
        joins = [*joins, *(j for j in extra.joins if j not in joins)]
    return (
        f"SELECT {base}, {spec.expression} AS sort_key{more} FROM {Deal._meta.db_table} d {' '.join(joins)}"
        f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        [*(extra.params if extra is not None else ()), *params, first + 1],
    )


def deal_cursor(query: DealQuery, sort_key: Any, deal_id: Any) -> str:
    return Cursor(query.sort_name, sort_key, deal_id).encode()


async def find_deals(viewer: Viewer, query: DealQuery, first: int, after: str | None) -> DealPage:
    rows = await fetch(*await page_statement(viewer, query, first, after))
    has_next = len(rows) > first
    deals: list[Deal] = []
    cursors: list[str] = []
    for row in rows[:first]:
        sort_key = row.pop("sort_key")
        deal = Deal._init_from_db(**row)
        deals.append(deal)
        cursors.append(deal_cursor(query, sort_key, deal.id))
    return DealPage(deals, cursors, has_next)


async def count_deals(viewer: Viewer, query: DealQuery) -> int:
    joins, where, params = _filters(viewer, query)
    rows = await fetch(
        f"SELECT count(*) AS n FROM {Deal._meta.db_table} d {' '.join(joins)} WHERE {' AND '.join(where)}", params
    )
    return int(rows[0]["n"])


async def matching_deal_ids(viewer: Viewer, query: DealQuery) -> list[int]:
    """Every deal the filter finds, oldest first (ids only: a filter can match many thousands)."""
    joins, where, params = _filters(viewer, query)
    rows = await fetch(
        f"SELECT d.id FROM {Deal._meta.db_table} d {' '.join(joins)} WHERE {' AND '.join(where)} ORDER BY d.id",
        params,
    )
    return [int(r["id"]) for r in rows]
