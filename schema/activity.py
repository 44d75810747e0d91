"""Activities."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from domain.activity import ActivityStatus
from models import Activity as ActivityModel
from models import ActivityType
from schema.base import InfoT, Node

if TYPE_CHECKING:
    from schema.account import User


UserRef = Annotated["User", strawberry.lazy("schema.account")]
ActivityTypeEnum = strawberry.enum(ActivityType, name="ActivityType")
ActivityStatusEnum = strawberry.enum(
    ActivityStatus,
    name="ActivityStatus",
    description="Where a lead's next activity stands (UTC): NONE, PLANNED, TODAY or OVERDUE.",
)


@strawberry.type(description="A scheduled activity: a call, meeting, task, deadline, email or lunch.")
class Activity(Node):
    id: strawberry.ID
    type: ActivityTypeEnum  # type: ignore[valid-type]
    subject: str
    due_date: dt.date
    due_time: dt.time | None = strawberry.field(description="UTC; none for an all-day activity.")
    duration_minutes: int | None
    note: str
    done: bool
    done_at: dt.datetime | None
    created_at: dt.datetime
    _assignee_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, activity: ActivityModel) -> Activity:
        return cls(
            id=strawberry.ID(to_global_id("Activity", activity.id)),
            type=activity.type,
            subject=activity.subject,
            due_date=activity.due_date,
            due_time=activity.due_time,
            duration_minutes=activity.duration_minutes,
            note=activity.note,
            done=activity.done,
            done_at=activity.done_at,
            created_at=activity.created_at,
            _assignee_id=activity.assignee_id,
        )

    @strawberry.field
    async def assignee(self, info: InfoT) -> UserRef | None:
        from schema.account import User

        if self._assignee_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._assignee_id)
        return User.from_model(user) if user else None
