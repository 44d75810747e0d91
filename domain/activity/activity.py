"""Scheduled activities and the lead's denormalised "next activity" that the inbox sorts on."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import changelog, webhook_outbox
from domain.activity.target import Target, check_target, target_of
from domain.refs import check_owner_user
from domain.validation import text
from domain.viewer import Viewer
from models import Activity, ActivityType, Lead


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
    ``timetz::time`` drops the offset; SQLite keeps ISO text (``HH:MM:SS[.ffffff]`` then the offset)."""
    today = now.date()
    clock = now.time().replace(tzinfo=None)
    # The values as each driver takes them: dates and times for asyncpg, ISO text for SQLite.
    date_param: dt.date | str
    clock_param: dt.time | str
    if postgres:
        time_of_day, date_param, clock_param = f"{due_time}::time", today, clock
    else:
        fraction = f"CASE WHEN substr({due_time}, 9, 1) = '.' THEN substr({due_time}, 9, 7) ELSE '' END"
        time_of_day = f"(substr({due_time}, 1, 8) || {fraction})"
        date_param, clock_param = today.isoformat(), clock.isoformat()
    text = (
        f"CASE WHEN {due_date} IS NULL THEN 'NONE' WHEN {due_date} < ? THEN 'OVERDUE'"
        f" WHEN {due_date} > ? THEN 'PLANNED'"
        f" WHEN {due_time} IS NOT NULL AND {time_of_day} < ? THEN 'OVERDUE' ELSE 'TODAY' END"
    )
    return text, [date_param, date_param, clock_param]


@dataclass
class ActivityData:
    subject: str | None = None
    type: ActivityType | None = None
    due_date: dt.date | None = None
    due_time: dt.time | None = None
    duration_minutes: int | None = None
    note: str | None = None
    assignee_id: int | None = None


def _clean(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = dict(values)
    if "subject" in out or creating:
        out["subject"], errs = text(out.get("subject"), ("input", "subject"), required=True)
        errors += errs
    if creating and out.get("due_date") is None:
        errors.append(FieldError("due_date is required.", ErrorCode.REQUIRED, ("input", "due_date")))
    if "due_date" in out and out["due_date"] is None and not creating:
        errors.append(FieldError("due_date cannot be cleared.", ErrorCode.REQUIRED, ("input", "due_date")))
    minutes = out.get("duration_minutes")
    if minutes is not None and not (0 < minutes <= 24 * 60 * 31):
        errors.append(
            FieldError(
                "duration_minutes must be between 1 and 44640.", ErrorCode.INVALID, ("input", "duration_minutes")
            )
        )
    if out.get("due_time") is not None and out["due_time"].tzinfo is None:
        # Times are UTC: say so, rather than leave the database layer to guess (and warn).
        out["due_time"] = out["due_time"].replace(tzinfo=dt.UTC)
    if "note" in out:
        out["note"] = (out["note"] or "").strip()
    if "type" in out and out["type"] is None:
        out.pop("type")
    if errors:
        raise DomainError(errors)
    return out


def _pending_order(row: dict[str, Any]) -> tuple[Any, ...]:
    # Earliest day first; on one day, all-day activities before timed ones, then by time.
    return (row["due_date"], row["due_time"] is not None, row["due_time"] or dt.time(), row["id"])


async def earliest_pending(lead_ids: Iterable[Any]) -> tuple[int, dt.date] | None:
    """The earliest activity not yet done among all these leads' together, as (id, due date):
    what a lead made of them would show as its next activity."""
    ids = [uuid.UUID(str(i)) for i in lead_ids]
    pending = await Activity.filter(lead_id__in=ids, done=False).values("id", "due_date", "due_time")
    if not pending:
        return None
    best = min(pending, key=_pending_order)
    return best["id"], best["due_date"]


async def refresh_next_activity(lead_ids: Iterable[Any]) -> None:
    """Recompute each lead's next (earliest not done) activity."""
    ids = [uuid.UUID(str(i)) for i in lead_ids]
    if not ids:
        return
    pending = await Activity.filter(lead_id__in=ids, done=False).values("id", "lead_id", "due_date", "due_time")
    best: dict[uuid.UUID, dict[str, Any]] = {}
    for row in pending:
        key = _pending_order(row)
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


async def create_activity(viewer: Viewer, target: Target, data: ActivityData) -> Activity:
    await check_target(viewer, target, ("input", "target_id"))
    values = _clean({k: v for k, v in vars(data).items() if v is not None}, creating=True)
    values.setdefault("assignee_id", viewer.user_id)
    await check_owner_user(viewer, values["assignee_id"], ("input", "assignee_id"))
    async with in_transaction():
        activity = await Activity.create(
            company_id=viewer.company_id, created_by_id=viewer.user_id, **target.columns(), **values
        )
        if target.kind == "lead":
            await refresh_next_activity([target.key])
        await changelog.write(
            [
                changelog.entry(
                    viewer,
                    viewer.company_id,
                    target.kind,
                    target.key,
                    "ACTIVITY_SCHEDULED",
                    "activity",
                    None,
                    activity.subject,
                )
            ]
        )
        await webhook_outbox.emit_row(viewer.company_id, "activity", "created", activity)
    return activity


async def get_activity(viewer: Viewer, activity_id: int) -> Activity:
    activity = await Activity.get_or_none(id=activity_id, company_id=viewer.company_id)
    if activity is None:
        raise fail("Activity not found.", ErrorCode.NOT_FOUND, "input", "id")
    await check_target(viewer, target_of(activity), ("input", "id"))
    return activity


async def update_activity(viewer: Viewer, activity_id: int, changes: dict[str, Any]) -> Activity:
    activity = await get_activity(viewer, activity_id)
    values = _clean(changes, creating=False)
    if "assignee_id" in values:
        await check_owner_user(viewer, values["assignee_id"], ("input", "assignee_id"))
    before = {k: getattr(activity, k) for k in values}
    async with in_transaction():
        for k, v in values.items():
            setattr(activity, k, v)
        await activity.save()
        if activity.lead_id is not None:
            await refresh_next_activity([activity.lead_id])
        await changelog.write(
            changelog.field_changes(viewer, viewer.company_id, "activity", activity.id, before, values)
        )
    return activity


async def set_done(viewer: Viewer, activity_id: int, done: bool) -> Activity:
    """Mark an activity done (it then shows in the change log) or not done again."""
    activity = await get_activity(viewer, activity_id)
    if activity.done == done:
        return activity
    target = target_of(activity)
    async with in_transaction():
        activity.done = done
        activity.done_at = dt.datetime.now(dt.UTC) if done else None
        await activity.save()
        if activity.lead_id is not None:
            await refresh_next_activity([activity.lead_id])
        action = "ACTIVITY_DONE" if done else "ACTIVITY_REOPENED"
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, target.kind, target.key, action, "activity", None, activity.subject
                )
            ]
        )
        await webhook_outbox.emit_row(
            viewer.company_id, "activity", "updated", activity, {"done": {"old": not done, "new": done}}
        )
    return activity


async def delete_activity(viewer: Viewer, activity_id: int) -> None:
    activity = await get_activity(viewer, activity_id)
    target = target_of(activity)
    async with in_transaction():
        await activity.delete()
        if activity.lead_id is not None:
            await refresh_next_activity([activity.lead_id])
        await changelog.write(
            [
                changelog.entry(
                    viewer,
                    viewer.company_id,
                    target.kind,
                    target.key,
                    "ACTIVITY_DELETED",
                    "activity",
                    activity.subject,
                    None,
                )
            ]
        )
        await webhook_outbox.emit_row(viewer.company_id, "activity", "deleted", activity)
