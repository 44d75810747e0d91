"""Locks that make a read-then-write one decision: a row held for update, a key held for a check.

Both are taken inside ``in_transaction()`` and last until it ends.

PostgreSQL: a row is locked with ``SELECT ... FOR UPDATE`` and a key with
``pg_advisory_xact_lock``; concurrent transactions on other connections wait for the holder.

SQLite: the database has one writer at a time. Within this process tortoise already runs one
transaction at a time on its single connection; a first write at the start of the transaction
also takes SQLite's write lock at once, so that another process on the same file (the CLI next
to the server) waits as well instead of interleaving between our read and our write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise.fields import UUIDField
from tortoise.models import Model

from core.db import db_uuid, execute, fetch, is_postgres

M = TypeVar("M", bound=Model)


def _key_number(parts: tuple[object, ...]) -> int:
    """A signed 64-bit number for an advisory lock, the same for the same parts in every process."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _sqlite_write_lock(table: str) -> None:
    # An UPDATE begins SQLite's write transaction even when it matches no row.
    await execute(f'UPDATE "{table}" SET id = id WHERE 0')


async def lock_key(*parts: object) -> None:
    """Hold a lock named by ``parts`` (e.g. company, kind, match key) until the transaction ends,
    so that a check and the insert it allows cannot be split by a concurrent caller."""
    await lock_keys([parts])


async def lock_keys(names: Sequence[tuple[object, ...]]) -> None:
    """Hold every lock named in ``names`` until the transaction ends (an import's batch locks
    all its contacts' names at once). Every caller takes its locks in the order of their
    numbers, so two callers wanting some of the same locks never wait on each other; on
    PostgreSQL in one statement, however many."""
    if not names:
        return
    if is_postgres():
        numbers = sorted({_key_number(parts) for parts in names})
        if len(numbers) == 1:
            await fetch("SELECT pg_advisory_xact_lock(?)", numbers)
        else:
            # The subquery hands the numbers over in order; each lock is taken as its row is read.
            await fetch(
                "SELECT count(pg_advisory_xact_lock(k)) FROM"
                " (SELECT k FROM unnest(?::bigint[]) AS k ORDER BY k) AS wanted",
                [numbers],
            )
    else:
        await _sqlite_write_lock("company")


async def lock_row(model: type[M], row_id: Any, company_id: int) -> M | None:
    """The company's row ``row_id`` read afresh and locked against other writers until the
    transaction ends; None when it does not exist (any more)."""
    table = model._meta.db_table
    key = db_uuid(row_id) if isinstance(model._meta.fields_map["id"], UUIDField) else row_id
    if is_postgres():
        rows = await fetch(f'SELECT * FROM "{table}" WHERE id = ? AND company_id = ? FOR UPDATE', [key, company_id])
        return model._init_from_db(**rows[0]) if rows else None
    await _sqlite_write_lock(table)
    return await model.get_or_none(id=row_id, company_id=company_id)
