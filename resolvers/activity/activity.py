"""Activity mutations: schedule, change, complete, delete."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

import models
from core.ids import decode_input_id
from domain.activity import activity as rules
from domain.activity.activity import ActivityData
from resolvers.activity.note import decode_target
from resolvers.common import create_once, mutate
from schema.activity.activity import Activity, ActivityTypeEnum
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, UserError, given, optional_id


@strawberry.input(description="A new activity on a lead, deal, person or organization you can see.")
class ScheduleActivityInput:
    target_id: strawberry.ID = strawberry.field(description="The lead, deal, person or organization.")
    subject: str = strawberry.field(description="What it is about; required, at most 255 characters.")
    due_date: dt.date = strawberry.field(description="The day it is due.")
    type: ActivityTypeEnum | None = strawberry.field(default=None, description="TASK when left out.")
    due_time: dt.time | None = strawberry.field(default=None, description="UTC; leave out for all day.")
    duration_minutes: int | None = strawberry.field(default=None, description="Planned length, 1 to 44640 minutes.")
    note: str | None = strawberry.field(default=None, description="Free text about the activity.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="An active user of the company; defaults to the caller."
    )


@strawberry.input(description="Changes to an activity: only the fields given change.")
class UpdateActivityInput:
    id: strawberry.ID = strawberry.field(description="The activity.")
    subject: str | None = strawberry.field(default=strawberry.UNSET, description="A new subject; cannot be emptied.")
    type: ActivityTypeEnum | None = strawberry.field(
        default=strawberry.UNSET, description="A new type; null keeps the current one."
    )
    due_date: dt.date | None = strawberry.field(default=strawberry.UNSET, description="A new day; cannot be null.")
    due_time: dt.time | None = strawberry.field(
        default=strawberry.UNSET, description="A new time (UTC); null makes it an all-day activity."
    )
    duration_minutes: int | None = strawberry.field(
        default=strawberry.UNSET, description="1 to 44640 minutes; null clears it."
    )
    note: str | None = strawberry.field(default=strawberry.UNSET, description="New free text; null empties it.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Another active user of the company."
    )


@strawberry.input(description="An activity to mark done or not done.")
class CompleteActivityInput:
    id: strawberry.ID = strawberry.field(description="The activity.")
    done: bool = strawberry.field(default=True, description="False reopens a done activity.")


@strawberry.type(description="The result of an activity mutation.")
class ActivityPayload:
    activity: Activity | None = strawberry.field(
        default=None, description="The activity as saved; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: INVALID_ID, NOT_FOUND (the activity, its target or the assignee), REQUIRED, "
            "TOO_LONG, INVALID (duration). Empty on success."
        ),
    )


@strawberry.type
class ActivityMutation:
    @strawberry.mutation(description="Schedule an activity on a lead, deal, person or organization that you can see.")
    async def schedule_activity(
        self,
        info: InfoT,
        input: Annotated[ScheduleActivityInput, strawberry.argument(description="The activity and what it is on.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            data = ActivityData(
                subject=input.subject,
                type=input.type,
                due_date=input.due_date,
                due_time=input.due_time,
                duration_minutes=input.duration_minutes,
                note=input.note,
                assignee_id=optional_id(input.assignee_id, "User", "input", "assignee_id"),
            )
            target = decode_target(input.target_id)
            return {
                "activity": Activity.from_model(
                    await create_once(
                        viewer,
                        "scheduleActivity",
                        idempotency_key,
                        input,
                        models.Activity,
                        lambda: rules.create_activity(viewer, target, data),
                    )
                )
            }

        return await mutate(ActivityPayload, work)

    @strawberry.mutation(description="Change an activity of a record you can see.")
    async def update_activity(
        self,
        info: InfoT,
        input: Annotated[UpdateActivityInput, strawberry.argument(description="The activity and the changes.")],
    ) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            activity_id = decode_input_id(input.id, "Activity", "input", "id")
            changes = {
                name: getattr(input, name)
                for name in ("subject", "type", "due_date", "due_time", "duration_minutes", "note")
                if given(getattr(input, name))
            }
            if given(input.assignee_id):
                changes["assignee_id"] = optional_id(input.assignee_id, "User", "input", "assignee_id")
            return {"activity": Activity.from_model(await rules.update_activity(viewer, activity_id, changes))}

        return await mutate(ActivityPayload, work)

    @strawberry.mutation(description="Mark an activity done (it then shows in the change log), or not done again.")
    async def complete_activity(
        self,
        info: InfoT,
        input: Annotated[
            CompleteActivityInput, strawberry.argument(description="The activity and whether it is done.")
        ],
    ) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            activity_id = decode_input_id(input.id, "Activity", "input", "id")
            return {"activity": Activity.from_model(await rules.set_done(viewer, activity_id, input.done))}

        return await mutate(ActivityPayload, work)

    @strawberry.mutation(description="Delete an activity of a record you can see; `activity` is null on success.")
    async def delete_activity(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The activity to delete.")]
    ) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_activity(viewer, decode_input_id(input.id, "Activity", "input", "id"))
            return {}

        return await mutate(ActivityPayload, work)
