"""The inbox list: filters, free-text search, sorting and keyset pages of leads, in SQL.

One statement fetches a page (and one more counts, only when the count is asked for). The
sort is a single column plus the lead id as tie-breaker; empty values sort last in both
directions so that "no value" never crowds the top of a list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from core.db import fetch, is_postgres
from core.pagination import Cursor, InvalidCursor
from domain.lead_state import enabled_sql, person_joins
from domain.viewer import Viewer
from models import Lead, LeadSource


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


class SortDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class PredefinedLeadFilter(str, Enum):
    ADDED_MORE_THAN_THREE_MONTHS_AGO = "ADDED_MORE_THAN_THREE_MONTHS_AGO"
    WITH_LINKED_PERSON = "WITH_LINKED_PERSON"
    WITH_EMAIL = "WITH_EMAIL"
    WITHOUT_ACTIVITY = "WITHOUT_ACTIVITY"
    WITH_PHONE = "WITH_PHONE"
    WITH_SCHEDULED_ACTIVITY = "WITH_SCHEDULED_ACTIVITY"
    WITH_VALUE = "WITH_VALUE"


@dataclass(frozen=True)
class SortSpec:
    expression: str
    nullable: bool
    joins: tuple[str, ...] = ()
    # What a cursor's key must be for this sort: text, number, date or datetime.
    kind: str = "text"


JOIN_PERSON = "LEFT JOIN person p ON p.id = l.person_id"
JOIN_ORGANIZATION = "LEFT JOIN organization o ON o.id = l.organization_id"
# The linked person's organization, category and group: whether its lead status shows.
JOIN_PERSON_CATEGORY = person_joins("p", "lpo", "lpc", "lpg")
JOIN_OWNER = "LEFT JOIN app_user ou ON ou.id = l.owner_user_id LEFT JOIN team ot ON ot.id = l.owner_team_id"


def sort_spec(sort: LeadSortField) -> SortSpec:
    value = "l.value_amount" if is_postgres() else "CAST(l.value_amount AS REAL)"
    specs = {
        LeadSortField.TITLE: SortSpec("lower(l.title)", False),
        LeadSortField.CREATED_AT: SortSpec("l.created_at", False, kind="datetime"),
        LeadSortField.UPDATED_AT: SortSpec("l.updated_at", False, kind="datetime"),
        LeadSortField.VALUE: SortSpec(value, True, kind="number"),
        LeadSortField.EXPECTED_CLOSE_DATE: SortSpec("l.expected_close_date", True, kind="date"),
        LeadSortField.NEXT_ACTIVITY: SortSpec("l.next_activity_date", True, kind="date"),
        LeadSortField.SOURCE: SortSpec("l.source", False),
        LeadSortField.OWNER: SortSpec("lower(COALESCE(ou.name, ot.name))", True, (JOIN_OWNER,)),
        LeadSortField.PERSON_NAME: SortSpec("lower(p.name)", True, (JOIN_PERSON,)),
        LeadSortField.ORGANIZATION_NAME: SortSpec("lower(o.name)", True, (JOIN_ORGANIZATION,)),
        LeadSortField.LABEL: SortSpec(
            "(SELECT min(lower(ll.name)) FROM lead_label_link lll JOIN lead_label ll ON ll.id = lll.label_id"
            " WHERE lll.lead_id = l.id)",
            True,
        ),
    }
    return specs[sort]


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
    sort: LeadSortField = LeadSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC

    @property
    def sort_name(self) -> str:
        return f"{self.sort.value}:{self.direction.value}"


def db_uuid(value: uuid.UUID | str) -> Any:
    """A lead id as the driver wants it: a UUID for asyncpg, canonical text for SQLite."""
    return uuid.UUID(str(value)) if is_postgres() else str(value)


def db_date(value: dt.date) -> Any:
    return value if is_postgres() else value.isoformat()


def db_datetime(value: dt.datetime) -> Any:
    # tortoise keeps SQLite timestamps as ISO text in UTC; compare in the same form.
    return value if is_postgres() else value.astimezone(dt.UTC).isoformat(" ")


def months_ago(now: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    day = min(
        now.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
            month - 1
        ],
    )
    return now.replace(year=year, month=month, day=day)


def like_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching ``text`` anywhere, case-insensitively."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class _Sql:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)

    def join(self, clause: str) -> None:
        if clause not in self.joins:
            self.joins.append(clause)

    def add(self, condition: str, *params: Any) -> None:
        self.where.append(condition)
        self.params.extend(params)


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _filters(viewer: Viewer, query: LeadQuery, now: dt.datetime) -> _Sql:
    sql = _Sql()
    sql.add("l.company_id = ?", viewer.company_id)
    sql.add("l.is_archived = ?", query.archived)
    visible, params = viewer.visibility_sql("l", "owner_user_id", "owner_team_id")
    if visible:
        sql.add(visible, *params)
    if query.sources:
        values = [s.value for s in query.sources]
        sql.add(f"l.source IN ({_marks(values)})", *values)
    if query.label_ids:
        sql.add(
            "EXISTS (SELECT 1 FROM lead_label_link fl"
            f" WHERE fl.lead_id = l.id AND fl.label_id IN ({_marks(query.label_ids)}))",
            *query.label_ids,
        )
    if query.owner_user_ids or query.team_ids:
        # A team stands for the leads it owns and those of its members.
        parts: list[str] = []
        params = []
        if query.owner_user_ids:
            parts.append(f"l.owner_user_id IN ({_marks(query.owner_user_ids)})")
            params += query.owner_user_ids
        if query.team_ids:
            marks = _marks(query.team_ids)
            parts.append(f"l.owner_team_id IN ({marks})")
            parts.append(
                "l.owner_user_id IN (SELECT tm.user_id FROM team_member tm JOIN team t ON t.id = tm.team_id"
                f" WHERE t.company_id = ? AND tm.team_id IN ({marks}))"
            )
            params += [*query.team_ids, viewer.company_id, *query.team_ids]
        sql.add("(" + " OR ".join(parts) + ")", *params)
    if query.lead_status_ids:
        sql.join(JOIN_PERSON)
        sql.join(JOIN_PERSON_CATEGORY)
        enabled, enabled_params = enabled_sql("lpg")
        # A status hidden by the organization's category does not count, nor does a person
        # the viewer may not see (its status would be told through the filter).
        condition, params = _visible_only(
            viewer,
            "p",
            [f"({enabled} AND p.lead_status_id IN ({_marks(query.lead_status_ids)}))"],
            [*enabled_params, *query.lead_status_ids],
        )
        sql.add(condition, *params)
    for predefined in dict.fromkeys(query.predefined):
        if predefined is PredefinedLeadFilter.ADDED_MORE_THAN_THREE_MONTHS_AGO:
            sql.add("l.created_at < ?", db_datetime(months_ago(now, 3)))
        elif predefined is PredefinedLeadFilter.WITH_LINKED_PERSON:
            sql.add("l.person_id IS NOT NULL")
        elif predefined is PredefinedLeadFilter.WITH_EMAIL:
            sql.join(JOIN_PERSON)
            sql.add("p.email_search <> ''")
        elif predefined is PredefinedLeadFilter.WITH_PHONE:
            sql.join(JOIN_PERSON)
            sql.add("p.phone_search <> ''")
        elif predefined is PredefinedLeadFilter.WITHOUT_ACTIVITY:
            sql.add("NOT EXISTS (SELECT 1 FROM activity fa WHERE fa.lead_id = l.id)")
        elif predefined is PredefinedLeadFilter.WITH_SCHEDULED_ACTIVITY:
            sql.add("l.next_activity_id IS NOT NULL")
        elif predefined is PredefinedLeadFilter.WITH_VALUE:
            sql.add("l.value_amount IS NOT NULL")
    search = (query.search or "").strip()
    if search:
        sql.join(JOIN_PERSON)
        sql.join(JOIN_ORGANIZATION)
        pattern = like_pattern(search)
        person_parts = ["lower(p.name) LIKE ? ESCAPE '\\'", "p.email_search LIKE ? ESCAPE '\\'"]
        person_params: list[Any] = [pattern, pattern]
        numbers = "".join(ch for ch in search if ch.isdigit())
        if len(numbers) >= 3:
            person_parts.append("p.phone_search LIKE ?")
            person_params.append(f"%{numbers}%")
        # A contact the viewer may not see must not make a lead match: the search would
        # otherwise confirm a hidden person's name, email or phone (SPEC §1 visibility).
        person, person_params = _visible_only(viewer, "p", person_parts, person_params)
        org, org_params = _visible_only(viewer, "o", ["lower(o.name) LIKE ? ESCAPE '\\'"], [pattern])
        sql.add(f"(lower(l.title) LIKE ? ESCAPE '\\' OR {person} OR {org})", pattern, *person_params, *org_params)
    return sql


def _visible_only(viewer: Viewer, alias: str, parts: list[str], params: list[Any]) -> tuple[str, list[Any]]:
    """``parts`` OR-ed together, and only where the contact behind ``alias`` is visible."""
    condition = "(" + " OR ".join(parts) + ")"
    visible, visible_params = viewer.visibility_sql(alias, "owner_id")
    if not visible:
        return condition, params
    return f"({visible} AND {condition})", [*visible_params, *params]


@dataclass
class LeadPage:
    leads: list[Lead]
    cursors: list[str]
    has_next_page: bool


def _cursor_id(value: Any) -> Any:
    if not isinstance(value, str | uuid.UUID):
        raise InvalidCursor()
    try:
        return db_uuid(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidCursor() from exc


def _cursor_key(value: Any, spec: SortSpec) -> Any:
    """A cursor's sort key checked against the sort column, in the form the driver wants.

    A cursor is client input: a forged or corrupted one must be an INVALID_CURSOR error, not a
    statement the database refuses (a masked internal error) or, on SQLite, a silently wrong page.
    """
    if value is None:
        if spec.nullable:
            return None
        raise InvalidCursor()
    try:
        if spec.kind == "text" and isinstance(value, str):
            return value
        if spec.kind == "number" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
            if number.is_finite():
                return number if is_postgres() else float(number)
        if spec.kind == "date" and isinstance(value, str | dt.date) and not isinstance(value, dt.datetime):
            return db_date(dt.date.fromisoformat(value) if isinstance(value, str) else value)
        if spec.kind == "datetime" and isinstance(value, str | dt.datetime):
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
            if moment.tzinfo is not None:
                return db_datetime(moment)
    except ValueError as exc:
        raise InvalidCursor() from exc
    raise InvalidCursor()


async def find_leads(
    viewer: Viewer, query: LeadQuery, first: int, after: str | None, *, now: dt.datetime | None = None
) -> LeadPage:
    now = now or dt.datetime.now(dt.UTC)
    sql = _filters(viewer, query, now)
    spec = sort_spec(query.sort)
    for clause in spec.joins:
        sql.join(clause)
    desc = query.direction is SortDirection.DESC
    op = "<" if desc else ">"
    if after:
        cursor = Cursor.decode(after, query.sort_name)
        key, lead_id = _cursor_key(cursor.key, spec), _cursor_id(cursor.id)
        if not spec.nullable:
            sql.add(f"({spec.expression}, l.id) {op} (?, ?)", key, lead_id)
        elif key is None:
            sql.add(f"({spec.expression} IS NULL AND l.id {op} ?)", lead_id)
        else:
            sql.add(
                f"({spec.expression} IS NULL OR {spec.expression} {op} ? OR ({spec.expression} = ? AND l.id {op} ?))",
                key,
                key,
                lead_id,
            )
    direction = "DESC" if desc else "ASC"
    order = f"{spec.expression} {direction}, l.id {direction}"
    if spec.nullable:
        order = f"({spec.expression} IS NULL) ASC, " + order
    text = (
        f"SELECT l.*, {spec.expression} AS sort_key FROM lead l {' '.join(sql.joins)}"
        f" WHERE {' AND '.join(sql.where)} ORDER BY {order} LIMIT ?"
    )
    rows = await fetch(text, [*sql.params, first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    leads: list[Lead] = []
    cursors: list[str] = []
    for row in rows:
        sort_key = row.pop("sort_key")
        lead = Lead._init_from_db(**row)
        leads.append(lead)
        cursors.append(Cursor(query.sort_name, sort_key, str(lead.id)).encode())
    return LeadPage(leads, cursors, has_next)


async def count_leads(viewer: Viewer, query: LeadQuery, *, now: dt.datetime | None = None) -> int:
    sql = _filters(viewer, query, now or dt.datetime.now(dt.UTC))
    rows = await fetch(
        f"SELECT count(*) AS n FROM lead l {' '.join(sql.joins)} WHERE {' AND '.join(sql.where)}", sql.params
    )
    return int(rows[0]["n"])
