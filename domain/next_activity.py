"""A lead's next activity (the earliest not done), denormalised on the lead for the inbox to sort
on, and where it stands against the clock (its activity status), in Python and in SQL.

What every domain calls: activities keep it, a merge and a conversion move activities and
refresh it, the inbox's activity-status column shows it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from enum import Enum
from typing import Any

from models import Activity, Lead


class ActivityStatus(str, Enum):
    NONE = "NONE"
    PLANNED = "PLANNED"
    TODAY = "TODAY"
    OVERDUE = "OVERDUE"


def activity_status(due_date: dt.date | None, due_time: dt.time | None, now: dt.datetime) -> ActivityStatus:
    """Where the next activity stands against the clock (UTC): overdue, due today, planned."""
    if due_date is None:
        return ActivityStatus.NONE
    today = now.date()
    if due_date < today:
        return ActivityStatus.OVERDUE
    if due_date > today:
        return ActivityStatus.PLANNED
    if due_time is not None and due_time.replace(tzinfo=None) < now.time().replace(tzinfo=None):
        return ActivityStatus.OVERDUE
    return ActivityStatus.TODAY


def activity_status_sql(due_date: str, due_time: str, now: dt.datetime, postgres: bool) -> tuple[str, list[Any]]:
    """:func:`activity_status` as SQL over the columns ``due_date`` and ``due_time`` (a ``CASE``
    giving the status's name; NULL dates give NONE), for a page whose JSON the database writes
    (fastpath/sqljson.py). tests/activity/test_activity_status_sql.py holds it to :func:`activity_status`
    on both databases. The time of day is compared without its zone, as above: PostgreSQL's
    ``timetz::time`` drops the offset; SQLite keeps ISO text (``HH:MM:SS[.ffffff]`` then the offset).
    The text is :func:`activity_status_case`, the same at any moment; the clock is in its
    parameters alone, :func:`activity_status_values`."""
    return activity_status_case(due_date, due_time, postgres), activity_status_values(now, postgres)


def activity_status_case(due_date: str, due_time: str, postgres: bool) -> str:
    """The ``CASE`` of :func:`activity_status_sql`: its three ``?`` are :func:`activity_status_values`."""
    if postgres:
        time_of_day = f"{due_time}::time"
    else:
        fraction = f"CASE WHEN substr({due_time}, 9, 1) = '.' THEN substr({due_time}, 9, 7) ELSE '' END"
        time_of_day = f"(substr({due_time}, 1, 8) || {fraction})"
    return (
        f"CASE WHEN {due_date} IS NULL THEN 'NONE' WHEN {due_date} < ? THEN 'OVERDUE'"
        f" WHEN {due_date} > ? THEN 'PLANNED'"
        f" WHEN {due_time} IS NOT NULL AND {time_of_day} < ? THEN 'OVERDUE' ELSE 'TODAY' END"
    )


def activity_status_values(now: dt.datetime, postgres: bool) -> list[Any]:
    """The parameters of :func:`activity_status_case` at ``now``: today twice, then the time of day."""
    today = now.date()
    clock = now.time().replace(tzinfo=None)
    # The values as each driver takes them: dates and times for asyncpg, ISO text for SQLite.
    if postgres:
        return [today, today, clock]
    return [today.isoformat(), today.isoformat(), clock.isoformat()]


def pending_order(row: dict[str, Any]) -> tuple[Any, ...]:
    # Earliest day first; on one day, all-day activities before timed ones, then by time.
    return (row["due_date"], row["due_time"] is not None, row["due_time"] or dt.time(), row["id"])


async def earliest_pending(lead_ids: Iterable[Any]) -> tuple[int, dt.date] | None:
    """The earliest activity not yet done among all these leads' together, as (id, due date):
    what a lead made of them would show as its next activity."""
    ids = [uuid.UUID(str(i)) for i in lead_ids]
    pending = await Activity.filter(lead_id__in=ids, done=False).values("id", "due_date", "due_time")
    if not pending:
        return None
    best = min(pending, key=pending_order)
    return best["id"], best["due_date"]


async def refresh_next_activity(lead_ids: Iterable[Any]) -> None:
    """Recompute each lead's next (earliest not done) activity."""
    ids = [uuid.UUID(str(i)) for i in lead_ids]
    if not ids:
        return
    pending = await Activity.filter(lead_id__in=ids, done=False).values("id", "lead_id", "due_date", "due_time")
    best: dict[uuid.UUID, dict[str, Any]] = {}
    for row in pending:
        key = pending_order(row)
        lead_id = uuid.UUID(str(row["lead_id"]))
        current = best.get(lead_id)
        if current is None or key < current["key"]:
            best[lead_id] = {"key": key, "id": row["id"], "date": row["due_date"]}
    for lead_id in ids:
        found = best.get(lead_id)
        await Lead.filter(id=lead_id).update(
            next_activity_id=found["id"] if found else None,
            next_activity_date=found["date"] if found else None,
        )
