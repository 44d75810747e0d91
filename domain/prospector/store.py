"""Writing prospect profiles in bulk, as the loader and the generator both do.

Rows are tuples in the column order below and go to the database in one statement per batch
(``executemany`` on SQLite, ``COPY`` on PostgreSQL): a million profiles are minutes, not
hours. Ids are handed out here rather than by the database, so that a batch of persons can
point at the organizations and titles of the same batch; the PostgreSQL sequences are moved
past them afterwards (:func:`finish`). Only the operator writes this database, one command at
a time; two loads at once are not supported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from core.db import conn, fetch, is_postgres
from domain.contacts.duplicate import match_key

ORGANIZATION_COLUMNS = (
    "id",
    "external_id",
    "name",
    "name_key",
    "domain",
    "industry",
    "employee_range",
    "revenue_range",
    "country",
    "city",
    "street",
    "postal_code",
    "phones",
    "created_at",
    "updated_at",
)
PERSON_COLUMNS = (
    "id",
    "external_id",
    "name",
    "first_name",
    "last_name",
    "job_title",
    "title_id",
    "seniority",
    "department",
    "country",
    "city",
    "organization_id",
    "company_name",
    "company_name_key",
    "industry",
    "employee_range",
    "work_email",
    "other_emails",
    "direct_phone",
    "mobile_phone",
    "secondary_phones",
    "linkedin_url",
    "work_history",
    "erased_at",
    "created_at",
    "updated_at",
)
TABLES = ("prospect_organization", "prospect_person", "prospect_title")


def json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def db_time(value: dt.datetime) -> Any:
    """A timestamp as each driver takes it (tortoise keeps SQLite's as ISO text in UTC)."""
    return value if is_postgres() else value.astimezone(dt.UTC).isoformat(" ")


async def next_id(table: str) -> int:
    rows = await fetch(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}")
    return int(rows[0]["top"]) + 1


async def existing_ids(table: str, external_ids: Sequence[str]) -> dict[str, int]:
    """The ids of the profiles of ``table`` that have these external ids, 500 per statement."""
    found: dict[str, int] = {}
    for start in range(0, len(external_ids), 500):
        chunk = list(external_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in await fetch(f"SELECT id, external_id FROM {table} WHERE external_id IN ({marks})", chunk):
            found[row["external_id"]] = int(row["id"])
    return found


async def insert_rows(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    client = conn()
    if is_postgres():
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ", ".join("?" * len(columns))
    await client.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [list(r) for r in rows])


class TitleIds:
    """Ids of job titles by match key, created as new titles come along."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.next: int | None = None

    async def resolve(self, titles: Iterable[str | None]) -> None:
        """Make sure every title has an id (in the cache and in the database)."""
        wanted = {match_key(t) for t in titles if t} - self.ids.keys() - {""}
        if not wanted:
            return
        keys = sorted(wanted)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in await fetch(f"SELECT id, title_key FROM prospect_title WHERE title_key IN ({marks})", chunk):
                self.ids[row["title_key"]] = int(row["id"])
        missing = [k for k in keys if k not in self.ids]
        if not missing:
            return
        if self.next is None:
            self.next = await next_id("prospect_title")
        rows = []
        for key in missing:
            self.ids[key] = self.next
            rows.append((self.next, key))
            self.next += 1
        await insert_rows("prospect_title", ("id", "title_key"), rows)

    def get(self, title: str | None) -> int | None:
        return self.ids.get(match_key(title)) if title else None


async def finish() -> None:
    """After bulk writes: move PostgreSQL's id sequences past the ids given out here, and
    refresh the planner's statistics, which the search relies on to pick its index."""
    if is_postgres():
        for table in TABLES:
            await fetch(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
            await fetch(f"ANALYZE {table}")
    else:
        for table in TABLES:
            await fetch(f"ANALYZE {table}")
