"""The inbox list: the query a caller builds, its sorting and keyset pages of leads, in SQL; the
conditions it filters on (quick and predefined filters, search, custom conditions) are
:mod:`domain.leads.conditions`.

One statement fetches a page (and one more counts, only when the count is asked for; one more
reads the custom field definitions when a custom filter or the sort names a custom field). The
sort is one column of the catalogue (domain.columns.column) plus the lead id as tie-breaker; empty
values sort last in both directions so that "no value" never crowds the top of a list.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from core.db import db_date, db_datetime, db_uuid, fetch, is_postgres
from core.errors import PublicError
from core.pagination import Cursor, InvalidCursor, encode_cursor
from core.sql import Param, Sql, compose, join, raw
from domain.columns.column import Column, is_custom, load_columns, resolve
from domain.columns.sql import JOIN_ORGANIZATION, JOIN_OWNER, JOIN_PERSON, ColumnSql, column_sql
from domain.leads.conditions import JOIN_PERSON_CATEGORY, PredefinedLeadFilter, where_conditions
from domain.leads.filter import FilterGroup
from domain.viewer import Viewer
from models import CustomField, Lead, LeadSource


class LeadSortField(str, Enum):
    TITLE = "TITLE"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    VALUE = "VALUE"
    EXPECTED_CLOSE_DATE = "EXPECTED_CLOSE_DATE"
    NEXT_ACTIVITY = "NEXT_ACTIVITY"
    SOURCE = "SOURCE"
    OWNER = "OWNER"
    PERSON_NAME = "PERSON_NAME"
    ORGANIZATION_NAME = "ORGANIZATION_NAME"
    LABEL = "LABEL"
    ACTIVITY_STATUS = "ACTIVITY_STATUS"


# The column each named sort stands for.
SORT_COLUMNS = {
    LeadSortField.TITLE: "lead.title",
    LeadSortField.CREATED_AT: "lead.createdAt",
    LeadSortField.UPDATED_AT: "lead.updatedAt",
    LeadSortField.VALUE: "lead.value",
    LeadSortField.EXPECTED_CLOSE_DATE: "lead.expectedCloseDate",
    LeadSortField.NEXT_ACTIVITY: "lead.nextActivityDate",
    LeadSortField.SOURCE: "lead.source",
    LeadSortField.OWNER: "lead.owner",
    LeadSortField.PERSON_NAME: "person.name",
    LeadSortField.ORGANIZATION_NAME: "organization.name",
    LeadSortField.LABEL: "lead.labels",
    LeadSortField.ACTIVITY_STATUS: "lead.activityStatus",
}


class SortDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class UnsortableColumn(PublicError):
    def __init__(self, key: str) -> None:
        super().__init__(f"The list cannot be sorted by {key}.", code="INVALID_SORT")


@dataclass
class LeadQuery:
    archived: bool = False
    sources: list[LeadSource] = field(default_factory=list)
    label_ids: list[int] = field(default_factory=list)
    owner_user_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    predefined: list[PredefinedLeadFilter] = field(default_factory=list)
    # Leads whose linked person shows one of these lead statuses (SPEC §8).
    lead_status_ids: list[int] = field(default_factory=list)
    search: str | None = None
    # A custom filter: an AND/OR tree of conditions on columns (domain.leads.filter).
    conditions: FilterGroup | None = None
    sort: LeadSortField = LeadSortField.CREATED_AT
    # A column key to sort by instead of ``sort`` (any sortable column, custom fields too).
    sort_column: str | None = None
    direction: SortDirection = SortDirection.DESC
    # More filters that must hold as well (a saved filter used alongside): only their filter
    # parts count, not their archive flag or sort.
    also: list[LeadQuery] = field(default_factory=list)

    @property
    def sort_name(self) -> str:
        name = self.sort_column if self.sort_column is not None else self.sort.value
        return f"{name}:{self.direction.value}"

    @property
    def sort_key(self) -> str:
        return self.sort_column if self.sort_column is not None else SORT_COLUMNS[self.sort]

    def names_custom_columns(self) -> bool:
        return any(is_custom(k) for k in self.column_keys())

    def column_keys(self) -> list[str]:
        keys = self.conditions.column_keys() if self.conditions is not None else []
        for extra in self.also:
            keys += extra.column_keys()
        return list(dict.fromkeys([*keys, self.sort_key]))


# The lead's next activity, for a page that shows it (the compiled inbox, fastpath/).
JOIN_NEXT_ACTIVITY = "LEFT JOIN activity na ON na.id = l.next_activity_id AND na.company_id = l.company_id"
JOIN_ORDER = [JOIN_PERSON, JOIN_PERSON_CATEGORY, JOIN_ORGANIZATION, JOIN_OWNER, JOIN_NEXT_ACTIVITY]


def statement(select: Sql, where: list[Sql], tail: Sql | None = None) -> tuple[str, list[Any]]:
    """``SELECT <select> FROM lead l <joins> WHERE <where...> <tail>`` with every JOIN the pieces need."""
    condition = join(" AND ", where)
    needed = [*select.joins, *condition.joins, *(tail.joins if tail is not None else ())]
    joins = sorted(dict.fromkeys(needed), key=lambda j: JOIN_ORDER.index(j) if j in JOIN_ORDER else len(JOIN_ORDER))
    full = compose("SELECT ", select, f" FROM lead l {' '.join(joins)} WHERE ", condition, tail or "")
    return full.text, list(full.params)


@dataclass
class LeadPage:
    leads: list[Lead]
    cursors: list[str]
    has_next_page: bool


@dataclass
class LeadRows:
    """A page as the database returned it: ``lead l`` columns plus whatever ``extra`` selected."""

    rows: list[dict[str, Any]]
    cursors: list[str]
    has_next_page: bool


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def _cursor_id(value: Any) -> Any:
    if not isinstance(value, str | uuid.UUID):
        raise InvalidCursor()
    try:
        return db_uuid(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidCursor() from exc


def _cursor_key(value: Any, spec: ColumnSql) -> Any:
    """A cursor's sort key checked against the sort column, in the form the driver wants.

    A cursor is client input: a forged or corrupted one must be an INVALID_CURSOR error, not a
    statement the database refuses (a masked internal error) or, on SQLite, a silently wrong page.
    """
    kind = spec.kind
    if value is None:
        if spec.nullable:
            return None
        raise InvalidCursor()
    try:
        if kind == "text" and isinstance(value, str):
            return value
        if kind == "isodate" and isinstance(value, str) and _ISO_DATE.match(value):
            return dt.date.fromisoformat(value).isoformat()
        if kind == "isotime" and isinstance(value, str) and _ISO_TIME.match(value):
            return value
        if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "number" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
            if number.is_finite():
                return number if is_postgres() else float(number)
        if kind == "date" and isinstance(value, str | dt.date) and not isinstance(value, dt.datetime):
            return db_date(dt.date.fromisoformat(value) if isinstance(value, str) else value)
        if kind == "datetime" and isinstance(value, str | dt.datetime):
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
            if moment.tzinfo is not None:
                return db_datetime(moment)
    except ValueError as exc:
        raise InvalidCursor() from exc
    raise InvalidCursor()


def sort_sql(viewer: Viewer, query: LeadQuery, columns: dict[str, Column], now: dt.datetime | None = None) -> ColumnSql:
    spec = column_sql(columns[query.sort_key], viewer, now)
    if spec.sort is None or not columns[query.sort_key].sortable:
        raise UnsortableColumn(query.sort_key)
    return spec


async def query_columns(
    viewer: Viewer, query: LeadQuery, definitions: Sequence[CustomField] | None = None
) -> dict[str, Column]:
    """The columns a query filters and sorts on. The custom field definitions are read only when
    a custom column is named, and not at all when the caller has them already."""
    if definitions is not None:
        keys = list(dict.fromkeys(query.column_keys()))
        return {c.key: c for c in resolve(keys, definitions)}
    return await load_columns(viewer.company_id, query.column_keys())


async def find_leads(
    viewer: Viewer,
    query: LeadQuery,
    first: int,
    after: str | None,
    *,
    now: dt.datetime | None = None,
    definitions: Sequence[CustomField] | None = None,
) -> LeadPage:
    page = await find_lead_rows(viewer, query, first, after, now=now, definitions=definitions)
    leads = [Lead._init_from_db(**row) for row in page.rows]
    return LeadPage(leads, page.cursors, page.has_next_page)


async def find_lead_rows(
    viewer: Viewer,
    query: LeadQuery,
    first: int,
    after: str | None,
    *,
    now: dt.datetime | None = None,
    definitions: Sequence[CustomField] | None = None,
    extra: Sql | None = None,
) -> LeadRows:
    """One keyset page as raw rows: ``l.*``, then the columns of ``extra`` (with its joins) if given.

    :func:`find_leads` makes models of the rows; the compiled inbox (fastpath/) runs
    :func:`page_statement` itself, reading the page's person, organization, owner, next activity
    and labels through ``extra`` in the same statement.
    """
    rows = await fetch(
        *await page_statement(viewer, query, first, after, now=now, definitions=definitions, extra=extra)
    )
    has_next = len(rows) > first
    rows = rows[:first]
    cursor = page_cursors(query)
    cursors = [cursor(row.pop("sort_key"), row["id"]) for row in rows]
    return LeadRows(rows, cursors, has_next)


async def page_statement(
    viewer: Viewer,
    query: LeadQuery,
    first: int,
    after: str | None,
    *,
    now: dt.datetime | None = None,
    definitions: Sequence[CustomField] | None = None,
    extra: Sql | None = None,
    base: str = "l.*",
) -> tuple[str, list[Any]]:
    """The SQL and parameters of one keyset page: ``base`` (``l.*``), ``sort_key`` (for
    :func:`page_cursors`), then the columns of ``extra``; ``first + 1`` rows at most (the last one
    tells a next page). fastpath/sqljson.py asks ``l.id`` only, the database writing the JSON."""
    now = now or dt.datetime.now(dt.UTC)
    columns = await query_columns(viewer, query, definitions)
    spec = sort_sql(viewer, query, columns, now)
    sort = spec.sort
    assert sort is not None
    where = where_conditions(viewer, query, now, columns)
    desc = query.direction is SortDirection.DESC
    op = " < " if desc else " > "
    if after:
        cursor = Cursor.decode(after, query.sort_name)
        key, lead_id = _cursor_key(cursor.key, spec), _cursor_id(cursor.id)
        if not spec.nullable:
            where.append(compose("(", sort, ", l.id)", op, "(", Param(key), ", ", Param(lead_id), ")"))
        elif key is None:
            where.append(compose("(", sort, " IS NULL AND l.id", op, Param(lead_id), ")"))
        else:
            # Past the cursor: a greater (or smaller) key, the same key and a greater id, or
            # an empty key (empty values come last).
            beyond = compose(sort, op, Param(key))
            tie = compose("(", sort, " = ", Param(key), " AND l.id", op, Param(lead_id), ")")
            where.append(compose("(", sort, " IS NULL OR ", beyond, " OR ", tie, ")"))
    direction = " DESC" if desc else " ASC"
    order = compose(sort, direction, ", l.id", direction)
    if spec.nullable:
        order = compose("(", sort, " IS NULL) ASC, ", order)
    tail = compose(" ORDER BY ", order, " LIMIT ", Param(first + 1))
    select = (
        compose(f"{base}, ", sort, " AS sort_key")
        if extra is None
        else compose(f"{base}, ", sort, " AS sort_key, ", extra)
    )
    return statement(select, where, tail)


def page_cursors(query: LeadQuery) -> Callable[[Any, Any], str]:
    """The cursor of each row of a page, from its ``sort_key`` and lead id (the sort's name read
    once a page, not once a row)."""
    sort = query.sort_name

    def cursor(sort_key: Any, lead_id: Any) -> str:
        lead_id = lead_id if isinstance(lead_id, uuid.UUID) else uuid.UUID(lead_id)
        return encode_cursor(sort, sort_key, str(lead_id))

    return cursor


async def count_leads(
    viewer: Viewer,
    query: LeadQuery,
    *,
    now: dt.datetime | None = None,
    definitions: Sequence[CustomField] | None = None,
) -> int:
    columns = await query_columns(viewer, query, definitions)
    where = where_conditions(viewer, query, now or dt.datetime.now(dt.UTC), columns)
    rows = await fetch(*statement(raw("count(*) AS n"), where))
    return int(rows[0]["n"])


async def matching_leads(viewer: Viewer, query: LeadQuery, limit: int, *, now: dt.datetime | None = None) -> list[Lead]:
    """Every lead a filter matches (at most ``limit``), for bulk changes over a filter result."""
    columns = await query_columns(viewer, query)
    where = where_conditions(viewer, query, now or dt.datetime.now(dt.UTC), columns)
    rows = await fetch(*statement(raw("l.*"), where, compose(" ORDER BY l.id LIMIT ", Param(limit))))
    return [Lead._init_from_db(**row) for row in rows]
