"""Scheduled activities: create, update, mark done, delete; each keeps the lead's next activity
(domain.next_activity) up to date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import changelog, webhook_outbox
from domain.activity.target import Target, check_target, target_of
from domain.next_activity import refresh_next_activity
from domain.refs import check_owner_user
from domain.validation import text
from domain.viewer import Viewer
from models import Activity, ActivityType


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
