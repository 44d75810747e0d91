"""Activities."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from domain.next_activity import ActivityStatus
from models import Activity as ActivityModel
from models import ActivityType
from schema.base import InfoT, Node, describe_values, node_type

if TYPE_CHECKING:
    from schema.accounts.account import User


UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]
ActivityTypeEnum = ActivityType
strawberry.enum(ActivityTypeEnum, name="ActivityType", description="What kind of activity it is.")
ActivityStatusEnum = ActivityStatus
strawberry.enum(
    ActivityStatusEnum,
    name="ActivityStatus",
    description="Where a lead's next activity stands (UTC): NONE, PLANNED, TODAY or OVERDUE.",
)

describe_values(
    ActivityTypeEnum,
    {
        "CALL": "A phone call.",
        "MEETING": "A meeting.",
        "TASK": "A task (the default).",
        "DEADLINE": "A deadline.",
        "EMAIL": "An email to send.",
        "LUNCH": "A lunch.",
    },
)
describe_values(
    ActivityStatusEnum,
    {
        "NONE": "No activity is scheduled.",
        "PLANNED": "The next activity is due after today.",
        "TODAY": "The next activity is due today, its time not yet passed.",
        "OVERDUE": "The next activity's due date, or today's due time, has passed.",
    },
)


@strawberry.type(description="A scheduled activity: a call, meeting, task, deadline, email or lunch.")
class Activity(Node):
    id: strawberry.ID = strawberry.field(description="The activity's global id.")
    type: ActivityTypeEnum = strawberry.field(description="The kind of activity.")
    subject: str = strawberry.field(description="What the activity is about; at most 255 characters.")
    due_date: dt.date = strawberry.field(description="The day it is due.")
    due_time: dt.time | None = strawberry.field(description="UTC; none for an all-day activity.")
    duration_minutes: int | None = strawberry.field(
        description="Planned length in minutes, 1 to 44640; null when not given.",
    )
    note: str = strawberry.field(description="Free text about the activity; empty when none.")
    done: bool = strawberry.field(description="Whether it was marked done (`completeActivity`).")
    done_at: dt.datetime | None = strawberry.field(description="When it was marked done; null while not done.")
    created_at: dt.datetime = strawberry.field(description="When it was scheduled.")
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

    @strawberry.field(description="The user who is to do it; null if that user was removed.")
    async def assignee(self, info: InfoT) -> UserRef | None:
        if self._assignee_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._assignee_id)
        return node_type("User").from_model(user) if user else None
