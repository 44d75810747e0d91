"""The webhook outbox: events written in the transaction of the change they report.

Every change goes through the change log (domain/changelog.py), which hands its entries to
:func:`record`; rules whose change the log does not name precisely (activities, credits, a
prospect purchase) call :func:`emit`. Either writes one ``webhook_event`` row per object and
kind of change, and one ``webhook_delivery`` row per active subscription that wants it, in the
caller's transaction: a rolled-back change sends nothing, a committed one is sent by the
dispatcher (jobs/webhooks.py) even if the process dies right after the commit.

A company without subscriptions pays one dictionary look-up per write: its active
subscriptions are cached per process for :data:`CACHE_SECONDS` (changes made through this
process clear the cache at once; another process notices a new subscription within that time).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from core.db import conn, insert_rows, reserve_ids
from core.ids import to_global_id
from domain.webhook_payload import MODELS, camel, global_id, load, render
from models import ChangeLogEntry, WebhookDelivery, WebhookEvent, WebhookSubscription

# What each kind of object can report; "<entity>.<kind>" are the event types.
ENTITY_EVENTS: dict[str, tuple[str, ...]] = {
    "lead": ("created", "updated", "deleted", "archived", "unarchived", "converted", "merged"),
    "deal": ("created", "updated", "deleted", "restored", "converted"),
    "person": ("created", "updated", "deleted"),
    "organization": ("created", "updated", "deleted"),
    "note": ("created", "updated", "deleted"),
    "activity": ("created", "updated", "deleted"),
}
OTHER_EVENTS = ("prospect.purchased", "credits.changed")
EVENT_TYPES: tuple[str, ...] = (
    *(f"{entity}.{kind}" for entity, kinds in ENTITY_EVENTS.items() for kind in kinds),
    *OTHER_EVENTS,
)
ALL_EVENTS = "*"
CACHE_SECONDS = 5.0
# Change log actions that are an event of their entity under another name, or of a note.
RENAMED = {
    "MERGED_INTO": "deleted",
    ("lead", "CONVERTED_TO_DEAL"): "converted",
    ("deal", "CONVERTED_TO_LEAD"): "converted",
}
RENAMED_LINKS = ("CONVERTED_TO_DEAL", "CONVERTED_TO_LEAD")
NOTE_ACTIONS = {"NOTE_ADDED": "created", "NOTE_UPDATED": "updated", "NOTE_DELETED": "deleted"}

Subscriptions = list[tuple[int, frozenset[str]]]
_cache: dict[int, tuple[float, Subscriptions]] = {}


async def subscriptions(company_id: int) -> Subscriptions:
    """The company's active subscriptions (id, event types), cached for a few seconds."""
    now = time.monotonic()
    hit = _cache.get(company_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = await WebhookSubscription.filter(company_id=company_id, is_active=True).values_list("id", "events")
    found = [(int(sid), frozenset(events)) for sid, events in rows]
    if len(_cache) > 50_000:
        _cache.clear()
    _cache[company_id] = (now + CACHE_SECONDS, found)
    return found


def forget(company_id: int | None = None) -> None:
    """Drop the cached subscriptions of a company (all companies when None)."""
    if company_id is None:
        _cache.clear()
    else:
        _cache.pop(company_id, None)


@dataclass
class Pending:
    """One event about to be written."""

    type: str
    object_key: str
    data: dict[str, Any]
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _wanted(subs: Subscriptions, event_type: str) -> list[int]:
    return [sid for sid, events in subs if event_type in events or ALL_EVENTS in events]


def _value(text: str | None) -> Any:
    return orjson.loads(text) if text is not None else None


def _plain(entry: ChangeLogEntry | dict[str, Any]) -> dict[str, Any]:
    if isinstance(entry, dict):
        return entry
    return {k: getattr(entry, k) for k in ("company_id", "entity_type", "entity_id", "action", "field")} | {
        "old_value": entry.old_value,
        "new_value": entry.new_value,
    }


def _event_of(row: dict[str, Any]) -> tuple[str, str, str] | None:
    """(entity, key, kind) of the event a change log entry belongs to, if any."""
    entity, action = row["entity_type"], row["action"]
    if action in NOTE_ACTIONS:
        note_id = _value(row["old_value"] if action == "NOTE_DELETED" else row["new_value"])
        return ("note", str(note_id), NOTE_ACTIONS[action]) if note_id is not None else None
    if entity not in ENTITY_EVENTS:
        return None
    kind = RENAMED.get((entity, action)) or RENAMED.get(action) or action.lower()
    return (entity, row["entity_id"], kind) if kind in ENTITY_EVENTS[entity] else None


async def record(entries: Sequence[ChangeLogEntry | dict[str, Any]]) -> None:
    """Write the events the change log entries of one transaction make (see the module's doc)."""
    by_company: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        row = _plain(entry)
        by_company.setdefault(row["company_id"], []).append(row)
    for company_id, rows in by_company.items():
        subs = await subscriptions(company_id)
        if subs:
            await _record_company(company_id, subs, rows)


async def _record_company(company_id: int, subs: Subscriptions, rows: list[dict[str, Any]]) -> None:
    events: dict[tuple[str, str, str], Pending] = {}
    for row in rows:
        found = _event_of(row)
        if found is None or not _wanted(subs, f"{found[0]}.{found[2]}"):
            continue
        entity, key, kind = found
        pending = events.get(found)
        if pending is None:
            pending = events[found] = Pending(f"{entity}.{kind}", f"{entity}:{key}", {"id": global_id(entity, key)})
        if kind in ("updated", "merged") and row["field"]:
            name = camel(row["field"])
            earlier = pending.changes.get(name)
            old = earlier["old"] if earlier else _value(row["old_value"])
            pending.changes[name] = {"old": old, "new": _value(row["new_value"])}
        elif kind in ("deleted", "converted") and row["action"] in ("MERGED_INTO", *RENAMED_LINKS):
            pending.extra.update(_links(row))
    if not events:
        return
    # The objects as they are now, in this transaction: one query per kind of object.
    keys: dict[str, list[str]] = {}
    for entity, key, _ in events:
        keys.setdefault(entity, []).append(key)
    for entity, wanted in keys.items():
        rendered = await load(entity, wanted)
        for (kind_entity, key, _), pending in events.items():
            if kind_entity == entity and key in rendered:
                pending.data = rendered[key]
    await _write(company_id, subs, list(events.values()))


def _links(row: dict[str, Any]) -> dict[str, Any]:
    """What a merge or conversion links the object to: the survivor's or the new record's global id."""
    new = _value(row["new_value"])
    if row["action"] == "MERGED_INTO" and isinstance(new, dict):
        return {"mergedInto": global_id("lead", new.get("id"))}
    if row["action"] == "CONVERTED_TO_DEAL":
        return {"deal": new}
    if row["action"] == "CONVERTED_TO_LEAD":
        return {"lead": new}
    return {}


async def emit(
    company_id: int,
    event_type: str,
    object_key: str,
    data: Callable[[], Awaitable[dict[str, Any]]],
    changes: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Write one event that the change log does not make; ``data`` is only awaited when some
    subscription wants the event (so a company without webhooks pays nothing more)."""
    subs = await subscriptions(company_id)
    if not _wanted(subs, event_type):
        return
    await _write(company_id, subs, [Pending(event_type, object_key, await data(), changes or {})])


def body(event_key: str, pending: Pending, company_id: int, stamp: dt.datetime) -> str:
    payload: dict[str, Any] = {
        "id": event_key,
        "type": pending.type,
        "timestamp": stamp.isoformat().replace("+00:00", "Z"),
        "companyId": to_global_id("Company", company_id),
        "data": pending.data,
    }
    if pending.changes:
        payload["changes"] = pending.changes
    payload.update(pending.extra)
    return orjson.dumps(payload).decode()


async def _write(company_id: int, subs: Subscriptions, pending: Iterable[Pending]) -> None:
    if isinstance(conn(), TransactionalDBClient):
        await _insert(company_id, subs, list(pending))
    else:
        # A rule that writes without a transaction of its own: at least keep the event whole.
        async with in_transaction():
            await _insert(company_id, subs, list(pending))


async def _insert(company_id: int, subs: Subscriptions, pending: list[Pending]) -> None:
    stamp = dt.datetime.now(dt.UTC)
    ids = await reserve_ids(WebhookEvent._meta.db_table, len(pending))
    events, deliveries = [], []
    for event_id, item in zip(ids, pending, strict=True):
        key = f"evt_{uuid.uuid4().hex}"
        events.append(
            {
                "id": event_id,
                "company_id": company_id,
                "key": key,
                "type": item.type,
                "object_key": item.object_key,
                "body": body(key, item, company_id, stamp),
                "created_at": stamp,
            }
        )
        deliveries += [
            {
                "event_id": event_id,
                "subscription_id": sid,
                "company_id": company_id,
                "object_key": item.object_key,
                "next_attempt_at": stamp,
            }
            for sid in _wanted(subs, item.type)
        ]
    await insert_rows(WebhookEvent, events)
    await insert_rows(WebhookDelivery, deliveries)


async def emit_row(
    company_id: int, entity: str, kind: str, row: Any, changes: dict[str, dict[str, Any]] | None = None
) -> None:
    """:func:`emit` for a row of one of the entities (an activity), rendered as it is now."""

    async def data() -> dict[str, Any]:
        return render(row, MODELS[entity][1])

    await emit(company_id, f"{entity}.{kind}", f"{entity}:{row.pk}", data, changes)
