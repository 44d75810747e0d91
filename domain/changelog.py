"""The change log: who changed which field of which record from what to what, and when."""

from __future__ import annotations

from typing import Any

import orjson

from core.db import insert_rows
from core.jsonable import loggable
from domain import webhook_outbox
from domain.viewer import Viewer
from models import ChangeLogEntry


def entry(
    viewer: Viewer | None,
    company_id: int,
    entity_type: str,
    entity_id: object,
    action: str,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> ChangeLogEntry:
    return ChangeLogEntry(**entry_values(viewer, company_id, entity_type, entity_id, action, field, old, new))


def entry_values(
    viewer: Viewer | None,
    company_id: int,
    entity_type: str,
    entity_id: object,
    action: str,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> dict[str, Any]:
    """An entry's fields as a plain row, for writers inserting many at once (imports)."""
    return {
        "company_id": company_id,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "action": action,
        "field": field,
        "old_value": orjson.dumps(loggable(old)).decode() if old is not None else None,
        "new_value": orjson.dumps(loggable(new)).decode() if new is not None else None,
        "actor_id": viewer.user_id if viewer else None,
    }


def field_changes(
    viewer: Viewer | None,
    company_id: int,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any],
    after: dict[str, Any],
) -> list[ChangeLogEntry]:
    """One UPDATED entry per field whose value differs between ``before`` and ``after``."""
    return [
        entry(viewer, company_id, entity_type, entity_id, "UPDATED", name, before.get(name), new)
        for name, new in after.items()
        if loggable(before.get(name)) != loggable(new)
    ]


async def write(entries: list[ChangeLogEntry]) -> None:
    """Store the entries, and the webhook events they make, in the caller's transaction."""
    if entries:
        await ChangeLogEntry.bulk_create(entries)
        await webhook_outbox.record(entries)


async def write_values(rows: list[dict[str, Any]]) -> None:
    """:func:`write` for plain rows (:func:`entry_values`), inserted without model instances."""
    if rows:
        await insert_rows(ChangeLogEntry, rows)
        await webhook_outbox.record(rows)
