"""Searching the prospect database: filters, keyset pages in id order, "already bought" marks.

One statement fetches a page. Every filter column has an index ending in ``id`` (see
models.prospector.prospect), so a page is an index range scan on whichever filter the database judges
the most selective, followed in id order; the statistics it judges by are refreshed after
every load (domain.prospector.store.finish). Job titles are matched through the small table
of distinct titles, names by the start of their match key.

Before purchase a result says which contact details exist, never what they are: the page's
statement reads ``work_email IS NOT NULL`` and the like, not the values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.db import fetch
from core.errors import ErrorCode, fail
from core.pagination import Cursor, InvalidCursor
from domain.contacts.duplicate import match_key
from models import Department, EmployeeRange, ProspectKind, RevenueRange, Seniority

# Counting every match of a loose filter over millions of rows costs more than a page; the
# count stops here and says so.
COUNT_CAP = 10_000
MAX_VALUES = 50
# A job-title search matching more distinct titles than this filters by a subquery instead.
MAX_TITLE_IDS = 500
PERSON_ONLY = ("job_title", "seniorities", "departments", "company_name")
ORGANIZATION_ONLY = ("revenue_ranges", "name")


@dataclass
class ProspectFilter:
    """Conditions combined with AND; a list matches any of its values; empty means any."""

    job_title: str | None = None
    seniorities: list[Seniority] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    employee_ranges: list[EmployeeRange] = field(default_factory=list)
    revenue_ranges: list[RevenueRange] = field(default_factory=list)
    company_name: str | None = None
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The set conditions, as a saved filter stores them."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value:
                out[key] = [getattr(v, "value", v) for v in value] if isinstance(value, list) else value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProspectFilter:
        enums = {
            "seniorities": Seniority,
            "departments": Department,
            "employee_ranges": EmployeeRange,
            "revenue_ranges": RevenueRange,
        }
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in enums:
                values[key] = [enums[key](v) for v in value]
            elif key in cls.__dataclass_fields__:
                values[key] = value
        return cls(**values)


def check_filter(kind: ProspectKind, f: ProspectFilter, path: tuple[str, ...] = ("filter",)) -> ProspectFilter:
    """Refuse conditions that do not apply to the kind; tidy the values given."""
    wrong = PERSON_ONLY if kind == ProspectKind.ORGANIZATION else ORGANIZATION_ONLY
    for name in wrong:
        if getattr(f, name):
            raise fail(f"{name} does not filter {kind.value.lower()} prospects.", ErrorCode.INVALID, *path, name)
    for name in (
        "countries",
        "cities",
        "industries",
        "seniorities",
        "departments",
        "employee_ranges",
        "revenue_ranges",
    ):
        if len(getattr(f, name)) > MAX_VALUES:
            raise fail(f"At most {MAX_VALUES} values per condition.", ErrorCode.TOO_MANY_ITEMS, *path, name)
    f.countries = sorted({c.strip().upper() for c in f.countries if c.strip()})
    f.cities = sorted({" ".join(c.split()) for c in f.cities if c.strip()})
    f.industries = sorted({" ".join(i.split()) for i in f.industries if i.strip()})
    for name in ("job_title", "company_name", "name"):
        value = getattr(f, name)
        setattr(f, name, value.strip() or None if value is not None else None)
    return f


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _starts_with(column: str, text: str, where: list[str], params: list[Any]) -> None:
    key = match_key(text)
    # A range the column's index can serve, then the exact prefix test.
    where.append(f"{column} >= ? AND {column} < ? AND {column} LIKE ? ESCAPE '\\'")
    params += [key, key + "\U0010ffff", _like(key)[1:]]


def _in(column: str, values: list[Any], where: list[str], params: list[Any]) -> None:
    if values:
        where.append(f"{column} IN ({','.join('?' * len(values))})")
        params += [getattr(v, "value", v) for v in values]


async def _title_ids(job_title: str) -> list[int] | None:
    """Ids of the titles holding every word, or None when there are too many to list."""
    words = match_key(job_title).split()
    likes = " AND ".join("title_key LIKE ? ESCAPE '\\'" for _ in words)
    rows = await fetch(
        f"SELECT id FROM prospect_title WHERE {likes} ORDER BY id LIMIT ?",
        [*(_like(w) for w in words), MAX_TITLE_IDS + 1],
    )
    return [int(r["id"]) for r in rows] if len(rows) <= MAX_TITLE_IDS else None


async def _conditions(kind: ProspectKind, f: ProspectFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if kind == ProspectKind.PERSON:
        where.append("p.erased_at IS NULL")
        if f.job_title:
            # The matching titles as a list of ids, so that the planner can weigh that list
            # against the other filters with its statistics; a subquery it could not weigh.
            title_ids = await _title_ids(f.job_title)
            if title_ids is None:
                words = match_key(f.job_title).split()
                likes = " AND ".join("t.title_key LIKE ? ESCAPE '\\'" for _ in words)
                where.append(f"p.title_id IN (SELECT t.id FROM prospect_title t WHERE {likes})")
                params += [_like(w) for w in words]
            elif not title_ids:
                where.append("1 = 0")
            else:
                _in("p.title_id", title_ids, where, params)
        _in("p.seniority", f.seniorities, where, params)
        _in("p.department", f.departments, where, params)
        if f.company_name:
            _starts_with("p.company_name_key", f.company_name, where, params)
    else:
        _in("p.revenue_range", f.revenue_ranges, where, params)
        if f.name:
            _starts_with("p.name_key", f.name, where, params)
    _in("p.country", f.countries, where, params)
    _in("p.city", f.cities, where, params)
    _in("p.industry", f.industries, where, params)
    _in("p.employee_range", f.employee_ranges, where, params)
    return (" AND ".join(where) or "1 = 1"), params


PERSON_SELECT = (
    "SELECT p.id, p.name, p.job_title, p.seniority, p.department, p.country, p.city, p.organization_id,"
    " p.company_name, p.industry, p.employee_range,"
    " CASE WHEN p.work_email IS NULL THEN 0 ELSE 1 END AS has_work_email,"
    " CASE WHEN p.direct_phone IS NULL THEN 0 ELSE 1 END AS has_direct_phone,"
    " CASE WHEN p.mobile_phone IS NULL THEN 0 ELSE 1 END AS has_mobile,"
    " CASE WHEN p.linkedin_url IS NULL THEN 0 ELSE 1 END AS has_linkedin"
    " FROM prospect_person p"
)
ORGANIZATION_SELECT = (
    "SELECT p.id, p.name, p.domain, p.industry, p.employee_range, p.revenue_range, p.country, p.city,"
    " CASE WHEN p.street IS NULL THEN 0 ELSE 1 END AS has_address,"
    " CASE WHEN p.phones IS NULL OR CAST(p.phones AS TEXT) = '[]' THEN 0 ELSE 1 END AS has_phone"
    " FROM prospect_organization p"
)


@dataclass(frozen=True)
class ProspectPage:
    kind: ProspectKind
    rows: list[dict[str, Any]]
    cursors: list[str]
    has_next_page: bool
    owned: frozenset[int]


def _sort(kind: ProspectKind) -> str:
    return f"{kind.value}:ID"


async def search_prospects(
    company_id: int, kind: ProspectKind, f: ProspectFilter, first: int, after: str | None
) -> ProspectPage:
    """One page of prospects of a kind in id order, with those the company bought marked."""
    where, params = await _conditions(kind, f)
    if after:
        cursor = Cursor.decode(after, _sort(kind))
        if not isinstance(cursor.id, int):
            raise InvalidCursor()
        where += " AND p.id > ?"
        params.append(cursor.id)
    select = PERSON_SELECT if kind == ProspectKind.PERSON else ORGANIZATION_SELECT
    rows = await fetch(f"{select} WHERE {where} ORDER BY p.id LIMIT ?", [*params, first + 1])
    page = rows[:first]
    return ProspectPage(
        kind=kind,
        rows=page,
        cursors=[Cursor(_sort(kind), None, r["id"]).encode() for r in page],
        has_next_page=len(rows) > first,
        owned=await owned_prospects(company_id, kind, [r["id"] for r in page]),
    )


async def count_prospects(kind: ProspectKind, f: ProspectFilter) -> int:
    """How many prospects match, counted up to :data:`COUNT_CAP` (one more means "more")."""
    where, params = await _conditions(kind, f)
    table = "prospect_person" if kind == ProspectKind.PERSON else "prospect_organization"
    rows = await fetch(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {table} p WHERE {where} LIMIT ?) q", [*params, COUNT_CAP + 1]
    )
    return int(rows[0]["n"])


async def owned_prospects(company_id: int, kind: ProspectKind, ids: list[int]) -> frozenset[int]:
    """Which of these prospects the company has bought."""
    if not ids:
        return frozenset()
    column = "prospect_person_id" if kind == ProspectKind.PERSON else "prospect_organization_id"
    marks = ",".join("?" * len(ids))
    rows = await fetch(
        f"SELECT {column} AS id FROM prospect_purchase WHERE company_id = ? AND {column} IN ({marks})",
        [company_id, *ids],
    )
    return frozenset(int(r["id"]) for r in rows)
