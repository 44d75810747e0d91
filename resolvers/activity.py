"""Activity mutations: schedule, change, complete, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.ids import decode_input_id
from domain import activity as rules
from domain.activity import ActivityData
from resolvers.common import given, mutate, optional_id
from resolvers.note import decode_target
from schema.activity import Activity, ActivityTypeEnum
from schema.base import IdInput, InfoT, UserError


@strawberry.input
class ScheduleActivityInput:
    target_id: strawberry.ID = strawberry.field(description="The lead, deal, person or organization.")
    subject: str
    due_date: dt.date
    type: ActivityTypeEnum | None = None  # type: ignore[valid-type]
    due_time: dt.time | None = strawberry.field(default=None, description="UTC; leave out for all day.")
    duration_minutes: int | None = None
    note: str | None = None
    assignee_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to the caller.")


@strawberry.input
class UpdateActivityInput:
    id: strawberry.ID
    subject: str | None = strawberry.UNSET
    type: ActivityTypeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    due_date: dt.date | None = strawberry.UNSET
    due_time: dt.time | None = strawberry.UNSET
    duration_minutes: int | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    assignee_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CompleteActivityInput:
    id: strawberry.ID
    done: bool = True


@strawberry.type
class ActivityPayload:
    activity: Activity | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ActivityMutation:
    @strawberry.mutation(description="Schedule an activity on a lead, person or organization.")
    async def schedule_activity(self, info: InfoT, input: ScheduleActivityInput) -> ActivityPayload:
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
            return {
                "activity": Activity.from_model(
                    await rules.create_activity(viewer, decode_target(input.target_id), data)
                )
            }

        return await mutate(ActivityPayload, work)

    @strawberry.mutation
    async def update_activity(self, info: InfoT, input: UpdateActivityInput) -> ActivityPayload:
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
            return {"activity": Activity.from_model(await rules.update_activity(viewer, activity_id, changes))}  # type: ignore[arg-type]

        return await mutate(ActivityPayload, work)

    @strawberry.mutation(description="Mark an activity done (it then shows in the change log), or not done again.")
    async def complete_activity(self, info: InfoT, input: CompleteActivityInput) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            activity_id = decode_input_id(input.id, "Activity", "input", "id")
            return {"activity": Activity.from_model(await rules.set_done(viewer, activity_id, input.done))}  # type: ignore[arg-type]

        return await mutate(ActivityPayload, work)

    @strawberry.mutation
    async def delete_activity(self, info: InfoT, input: IdInput) -> ActivityPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_activity(viewer, decode_input_id(input.id, "Activity", "input", "id"))  # type: ignore[arg-type]
            return {}

        return await mutate(ActivityPayload, work)
