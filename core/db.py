"""Database set-up for both backends: the tortoise config, schema migrations, raw SQL helpers.

SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg) is selected by a
``postgres://`` or ``postgresql://`` URL. Hot list queries are written in SQL and go through
:func:`fetch`, which renders placeholders for the active dialect.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import asyncpg
from tortoise import Tortoise, connections, fields
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.asyncpg.client import TransactionWrapper as AsyncpgTransaction
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.backends.base_postgres.client import BasePostgresClient
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper
from tortoise.exceptions import OperationalError
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.migrations.api import migrate

from core.config import database_url_from_env

MODEL_MODULES = ["models"]

# tortoise's SQLite backend adapts dates and datetimes but not times, so a TimeField (an
# activity's due time) could not be written at all. ISO text is what tortoise reads back.
sqlite3.register_adapter(dt.time, lambda value: value.isoformat())

# SQLite tuned for a server (PERFORMANCE.md): WAL, relaxed fsync, a bigger page cache (32 MiB),
# foreign keys on, and a busy timeout instead of instant lock errors. No memory-mapped reads:
# on the 1,000,000-lead benchmark database a 256 MiB map added ~250 MB of file pages to the
# server's resident memory (390 MB against 121 MB without) and made the inbox no faster
# (Q1 median 28.8 ms with it, 23.1 ms without, in-process); the OS page cache holds the file.
SQLITE_PRAGMAS: dict[str, Any] = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
    "cache_size": -32768,
    "mmap_size": 0,
    "busy_timeout": 5000,
    "temp_store": "MEMORY",
}


class StatementTally:
    """How many SQL statements were sent on behalf of one request (core/request_log.py)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


# Set per request; tasks the request starts (DataLoader batches) copy the context and so share
# the same tally. Unset (None) outside requests: jobs and the CLI count nothing.
_tally: ContextVar[StatementTally | None] = ContextVar("leadbox_statement_tally", default=None)


@contextlib.contextmanager
def counting_statements() -> Iterator[StatementTally]:
    """Count the statements sent from the current context (and tasks started from it) meanwhile."""
    tally = StatementTally()
    token = _tally.set(tally)
    try:
        yield tally
    finally:
        _tally.reset(token)


def note_statement() -> None:
    """Count one statement sent straight to the driver, past tortoise's methods (fastpath/records.py)."""
    tally = _tally.get()
    if tally is not None:
        tally.count += 1


def _counted(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        tally = _tally.get()
        if tally is not None:
            tally.count += 1
        return await method(self, *args, **kwargs)

    return send


# tortoise has no hook per statement other than its DEBUG log line, and turning that logger on
# for every request would build a log record per statement (and let test runners capture them
# all). So each backend method that sends a statement is wrapped once, here: the methods each
# class defines itself, none of which calls another of them.
for _cls in (SqliteClient, SqliteTransactionWrapper, AsyncpgDBClient, AsyncpgTransaction, BasePostgresClient):
    for _name in ("execute_insert", "execute_many", "execute_query", "execute_query_dict", "execute_script"):
        _method = _cls.__dict__.get(_name)
        if _method is not None and not getattr(_method, "__isabstractmethod__", False):
            setattr(_cls, _name, _counted(_method))


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def tortoise_config(database_url: str) -> dict[str, Any]:
    if is_postgres_url(database_url):
        parts = urlsplit(database_url)
        params = dict(parse_qsl(parts.query))
        connection: dict[str, Any] = {
            "engine": "tortoise.backends.asyncpg",
            "credentials": {
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                "user": parts.username or "postgres",
                "password": parts.password or "",
                "database": parts.path.lstrip("/") or "leadbox",
                "minsize": int(params.get("minsize", 1)),
                "maxsize": int(params.get("maxsize", 10)),
                # asyncpg prepares every statement, and after five runs PostgreSQL may switch
                # a prepared statement to a generic plan made without the parameters' values;
                # for filters whose selectivity depends on the value (a country, a title) that
                # plan can be many times slower. Planning anew each time costs well under 1 ms.
                # Random reads cost about what sequential ones do on the SSDs we run on (the
                # default 4.0 assumes spinning disks and kept the prospect search on the
                # primary key: 20-60 ms instead of 5 ms over a million profiles).
                "server_settings": {
                    "plan_cache_mode": "force_custom_plan",
                    "random_page_cost": params.get("random_page_cost", "1.1"),
                },
            },
        }
    else:
        path = database_url.split("://", 1)[1] if "://" in database_url else database_url
        connection = {
            "engine": "tortoise.backends.sqlite",
            "credentials": {"file_path": path, **SQLITE_PRAGMAS},
        }
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(
    database_url: str, *, create_db: bool = False, shared: bool = False, migration_hooks: Any = None
) -> None:
    """Connect and bring the schema up to date by applying pending migrations.

    ``migration_hooks`` (an object with ``reporter`` and ``step`` methods, cli/progress.py) hears
    of the migration plan and of each migration applied.

    ``shared`` makes the connection visible to every task of the process, as a server needs:
    uvicorn runs the lifespan (which connects) in a task of its own, and request tasks do not
    inherit its context variables, where tortoise keeps its state by default.
    """

    config = tortoise_config(database_url)
    try:
        await Tortoise.init(config=config, _create_db=create_db)
    except OperationalError as exc:
        # tortoise creates a PostgreSQL database with a bare CREATE DATABASE, which fails when
        # it exists already: then it is simply the database to use.
        if not isinstance(exc.__cause__, asyncpg.DuplicateDatabaseError):
            raise
        await Tortoise.close_connections()
        await Tortoise.init(config=config)
    if migration_hooks is None:
        await migrate(config=config)
    else:
        await migrate(config=config, reporter=migration_hooks.reporter, progress=migration_hooks.step)
    # migrate() re-initialises the apps without connections; make sure they are open.
    await Tortoise.init(config=config, _enable_global_fallback=shared)


async def close_db() -> None:
    await Tortoise.close_connections()
    # Forget the models' binding to this connection too, so that the same process can open
    # another database afterwards (the test suite runs SQLite, then PostgreSQL). tortoise has
    # no public call for this, and its executors cache SQL per connection *name*, so the
    # cached statements of the old dialect must go as well.
    await Tortoise._reset_apps()
    EXECUTOR_CACHE.clear()


def conn() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


def dialect() -> str:
    return conn().capabilities.dialect


def is_postgres() -> bool:
    return dialect() == "postgres"


def db_uuid(value: uuid.UUID | str) -> Any:
    """A UUID as the driver wants it: a UUID for asyncpg, canonical text for SQLite."""
    return uuid.UUID(str(value)) if is_postgres() else str(value)


def db_date(value: dt.date) -> Any:
    return value if is_postgres() else value.isoformat()


def db_datetime(value: dt.datetime) -> Any:
    # tortoise keeps SQLite timestamps as ISO text in UTC; compare in the same form.
    return value if is_postgres() else value.astimezone(dt.UTC).isoformat(" ")


def render(sql: str, count: int) -> str:
    """Turn the ``?`` placeholders of ``sql`` into ``$1..$n`` on PostgreSQL."""
    if not is_postgres():
        return sql
    pieces = sql.split("?")
    if len(pieces) - 1 != count:
        raise ValueError("placeholder count does not match the parameters")
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:], start=1):
        out.append(f"${i}")
        out.append(piece)
    return "".join(out)


async def fetch(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return await conn().execute_query_dict(render(sql, len(params)), list(params))


async def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run an UPDATE or DELETE written with ``?`` placeholders; returns the number of rows changed."""
    count, _ = await conn().execute_query(render(sql, len(params)), list(params))
    return count


async def reserve_ids(table: str, count: int) -> list[int]:
    """Ids for rows about to be inserted in bulk, so that other rows can point at them at once.

    PostgreSQL hands them out from the table's sequence, safe alongside other writers. SQLite
    continues after the largest id: the caller must have written in the same transaction
    already, so that SQLite's write lock keeps every other writer out until it commits.
    """
    if count == 0:
        return []
    if is_postgres():
        rows = await fetch(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, ?)", [count]
        )
        return [int(r["id"]) for r in rows]
    # Past the AUTOINCREMENT counter too, so that an id of a deleted row is never handed out again.
    rows = await fetch(
        f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0),"
        " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) AS top",
        [table],
    )
    start = int(rows[0]["top"]) + 1
    return list(range(start, start + count))


# Field types whose values :func:`insert_rows` converts with the field's own ``to_db_value``.
CONVERTED = (fields.JSONField, fields.DecimalField, fields.UUIDField, CharEnumFieldInstance)


async def insert_rows(model: Any, rows: Sequence[dict[str, Any]], *, batch: int = 500) -> None:
    """Insert plain rows (field name → Python value), one ``executemany`` per ``batch`` rows,
    without building model instances: an import writes hundreds of thousands of rows, and
    building a tortoise instance costs more than inserting it.

    Values are converted as tortoise converts them (each field's ``to_db_value``), and no
    validation runs: the caller has checked them. A field a row leaves out takes its default
    (a callable default is called per row); ``auto_now``/``auto_now_add`` fields get one moment
    for the whole call. A generated field (an id) is written only when the rows give it.
    """
    if not rows:
        return
    meta = model._meta
    names = [n for n in meta.fields_db_projection if not meta.fields_map[n].generated or n in rows[0]]
    columns = ", ".join(f'"{meta.fields_db_projection[n]}"' for n in names)
    sql = render(f'INSERT INTO "{meta.db_table}" ({columns}) VALUES ({", ".join("?" * len(names))})', len(names))
    stamp = dt.datetime.now(dt.UTC)
    fields = [meta.fields_map[n] for n in names]
    missing: list[Any] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            missing.append(lambda: stamp)
        elif callable(field.default):
            missing.append(field.default)
        else:
            missing.append(lambda value=field.default: value)
    # Text, numbers, dates and flags go to the driver as they are (SQLite's adapters and
    # asyncpg's codecs take them); JSON, decimals, UUIDs and enums need the field's conversion.
    convert = [
        (lambda value, field=field: field.to_db_value(value, None)) if isinstance(field, CONVERTED) else None
        for field in fields
    ]
    values = [
        [
            (value if to_db is None or value is None else to_db(value))
            for name, make, to_db in zip(names, missing, convert, strict=True)
            for value in (row[name] if name in row else make(),)
        ]
        for row in rows
    ]
    for start in range(0, len(values), batch):
        await conn().execute_many(sql, values[start : start + batch])


def __getattr__(name: str) -> Any:
    # TORTOISE_ORM is read by the `tortoise` migrations CLI ([tool.tortoise] in pyproject.toml).
    # Built when asked for, not on import: a bad DATABASE_URL must not break importing this
    # module (the leadbox CLI reports it as one line of error).
    if name == "TORTOISE_ORM":
        return tortoise_config(database_url_from_env())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
