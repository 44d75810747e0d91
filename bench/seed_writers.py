"""The big tables bench/seed.py fills: their columns, in the order the generator's rows hold them,
and the writers that load the rows into SQLite or PostgreSQL in each backend's stored form."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from domain.fold import CUSTOM_KEY_TABLES, KEYS, column_key, custom_keys

ORGANIZATION_COLUMNS = (
    "id",
    "company_id",
    "name",
    "name_key",
    "address_street",
    "address_city",
    "address_postal_code",
    "address_country",
    "owner_id",
    "visibility",
    "custom_fields",
    "created_at",
    "updated_at",
)
PERSON_COLUMNS = (
    "id",
    "company_id",
    "name",
    "name_key",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "email_search",
    "phone_search",
    "job_title",
    "organization_id",
    "owner_id",
    "visibility",
    "custom_fields",
    "created_at",
    "updated_at",
)
LEAD_COLUMNS = (
    "id",
    "company_id",
    "title",
    "title_key",
    "person_id",
    "organization_id",
    "owner_user_id",
    "owner_team_id",
    "value_amount",
    "value_currency",
    "expected_close_date",
    "source",
    "visibility",
    "custom_fields",
    "was_seen",
    "is_archived",
    "archived_at",
    "next_activity_id",
    "next_activity_date",
    "created_by_id",
    "created_at",
    "updated_at",
)
DEAL_COLUMNS = (
    "id",
    "company_id",
    "title",
    "title_key",
    "value_amount",
    "value_currency",
    "person_id",
    "organization_id",
    "pipeline_id",
    "stage_id",
    "status",
    "owner_id",
    "visibility",
    "expected_close_date",
    "custom_fields",
    "version",
    "won_at",
    "lost_at",
    "lost_reason",
    "deleted_at",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("id", "lead_id", "label_id")
NOTE_COLUMNS = ("id", "company_id", "lead_id", "author_id", "content", "created_at", "updated_at")
ACTIVITY_COLUMNS = (
    "id",
    "company_id",
    "lead_id",
    "type",
    "subject",
    "due_date",
    "due_time",
    "duration_minutes",
    "note",
    "done",
    "done_at",
    "assignee_id",
    "created_by_id",
    "created_at",
    "updated_at",
)
BIG_TABLES = ("organization", "person", "lead", "lead_label_link", "note", "activity", "deal")
JSON_COLUMNS = {"custom_fields", "custom_keys", "emails", "phones"}


@dataclass
class Chunk:
    organizations: list[tuple[Any, ...]] = field(default_factory=list)
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    leads: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]:
        return [
            ("organization", ORGANIZATION_COLUMNS, self.organizations),
            ("person", PERSON_COLUMNS, self.persons),
            ("lead", LEAD_COLUMNS, self.leads),
            ("lead_label_link", LINK_COLUMNS, self.links),
            ("note", NOTE_COLUMNS, self.notes),
            ("activity", ACTIVITY_COLUMNS, self.activities),
        ]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _stamp_text(value: dt.datetime | None) -> str | None:
    # The generator's stamps are UTC already; tortoise stores ISO text with a space.
    return None if value is None else value.isoformat(" ")


def _iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)


# How each column's Python value is stored, by column name (the same meaning in every table).
SQLITE_CONVERTERS: dict[str, Any] = {
    **dict.fromkeys(
        ("created_at", "updated_at", "archived_at", "done_at", "won_at", "lost_at", "deleted_at"), _stamp_text
    ),
    **dict.fromkeys(("expected_close_date", "next_activity_date", "due_date", "due_time"), _iso),
    **dict.fromkeys(("lead_id", "value_amount"), _text),
    **dict.fromkeys(("was_seen", "is_archived", "done"), _int),
    **dict.fromkeys(JSON_COLUMNS, _json),
}


def _converter(table: str, columns: Sequence[str], converters: dict[str, Any]) -> Any:
    """A function turning one row into its stored form, touching only the columns that need it."""
    chosen = [
        (i, _text if (table == "lead" and name == "id") else converters.get(name)) for i, name in enumerate(columns)
    ]
    plan = [(i, f) for i, f in chosen if f is not None]

    def convert(row: tuple[Any, ...]) -> list[Any]:
        out = list(row)
        for i, f in plan:
            out[i] = f(out[i])
        return out

    return convert


class Writer:
    """Writes rows to one backend's tables, with their secondary indexes dropped meanwhile."""

    async def open(self) -> None: ...
    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...
    async def commit(self) -> None: ...
    async def close(self) -> None: ...


class SqliteWriter(Writer):
    def __init__(self, path: str) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        self.indexes: list[str] = []

    async def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA temp_store=MEMORY")
        names = ",".join(f"'{t}'" for t in BIG_TABLES)
        rows = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).fetchall()
        self.indexes = [sql for _, sql in rows]
        for name, _ in rows:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        convert = _converter(table, columns, SQLITE_CONVERTERS)
        self.db.executemany(sql, map(convert, rows))

    async def commit(self) -> None:
        assert self.db is not None
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    async def close(self) -> None:
        assert self.db is not None
        self.db.execute("COMMIT")
        for sql in self.indexes:
            self.db.execute(sql)
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA optimize")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PostgresWriter(Writer):
    def __init__(self, url: str) -> None:
        self.url = url
        self.db: asyncpg.Connection | None = None
        self.indexes: list[str] = []
        self.tx: Any = None

    async def open(self) -> None:
        self.db = await asyncpg.connect(self.url.replace("postgres://", "postgresql://", 1))
        rows = await self.db.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'"
            " AND i.tablename = ANY($1::text[]) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            list(BIG_TABLES),
        )
        self.indexes = [r["indexdef"] for r in rows]
        for r in rows:
            await self.db.execute(f'DROP INDEX "{r["indexname"]}"')
        await self.db.execute("SET synchronous_commit = off")
        self.tx = self.db.transaction()
        await self.tx.start()

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        convert = _converter(table, columns, dict.fromkeys(JSON_COLUMNS, _json))
        records = [tuple(convert(row)) for row in rows]
        await self.db.copy_records_to_table(table, records=records, columns=list(columns))

    async def commit(self) -> None:
        await self.tx.commit()
        assert self.db is not None
        self.tx = self.db.transaction()
        await self.tx.start()

    async def close(self) -> None:
        assert self.db is not None
        await self.tx.commit()
        await self.db.execute("SET maintenance_work_mem = '256MB'")
        for sql in self.indexes:
            await self.db.execute(sql)
        for table in ("organization", "person", "lead_label_link", "note", "activity", "deal"):
            await self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        await self.db.execute("ANALYZE")
        await self.db.close()


@functools.lru_cache(maxsize=65536)
def _cached_column_key(text: str | None, nullable: bool) -> str | None:
    return column_key(text, nullable)


def keyed_rows(
    table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """``rows`` with the folded keys (domain.fold.keyed) their columns leave out: the keys of
    the texts, and ``custom_keys``, appended to each row."""
    places = {name: i for i, name in enumerate(columns)}
    missing = [(places[s], k, n) for s, (k, n) in KEYS.get(table, {}).items() if s in places and k not in places]
    custom = places.get("custom_fields") if table in CUSTOM_KEY_TABLES and "custom_keys" not in places else None
    added = tuple(k for _, k, _ in missing) + (("custom_keys",) if custom is not None else ())
    if not added:
        return tuple(columns), rows
    out = []
    for row in rows:
        extra: list[Any] = [_cached_column_key(row[i], nullable) for i, _, nullable in missing]
        if custom is not None:
            extra.append(custom_keys(row[custom]))
        out.append((*row, *extra))
    return (*columns, *added), out
