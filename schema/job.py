"""Background jobs and notifications."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from core.ids import to_global_id
from models import Job as JobModel
from models import JobItem as JobItemModel
from models import JobStatus
from models import Notification as NotificationModel
from schema.base import Node, PageInfo

JobStatusEnum = strawberry.enum(JobStatus, name="JobStatus")


@strawberry.type(description="An item of a job that did not succeed, with its reason.")
class JobItemError:
    position: int
    key: str = strawberry.field(description="What the item was about, e.g. a lead or deal id.")
    code: str | None
    message: str | None

    @classmethod
    def from_model(cls, item: JobItemModel) -> JobItemError:
        return cls(position=item.position, key=item.key, code=item.code, message=item.error)


@strawberry.type(description="Long work running in the background; poll it with `job(id:)` or `node`.")
class Job(Node):
    id: strawberry.ID
    kind: str
    status: JobStatusEnum  # type: ignore[valid-type]
    total: int
    done: int
    failed: int
    result: JSON
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, job: JobModel) -> Job:
        return cls(
            id=strawberry.ID(to_global_id("Job", job.id)),
            kind=job.kind,
            status=job.status,
            total=job.total,
            done=job.done,
            failed=job.failed,
            result=job.result,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            _id=job.id,
        )

    @strawberry.field(description="Share of the items handled, from 0 to 1.")
    def progress(self) -> float:
        return 1.0 if self.total == 0 else (self.done + self.failed) / self.total

    @strawberry.field(description="The items that failed, in order (at most `first`).")
    async def errors(self, first: int = 100) -> list[JobItemError]:
        items = await JobItemModel.filter(job_id=self._id, status="FAILED").order_by("position").limit(min(first, 1000))
        return [JobItemError.from_model(i) for i in items]


@strawberry.type
class Notification(Node):
    id: strawberry.ID
    kind: str = strawberry.field(description="JOB_FINISHED, MENTIONED, ...")
    message: str
    subject_id: strawberry.ID | None = strawberry.field(description="What it is about: a job, a lead, a note.")
    read: bool
    created_at: dt.datetime

    @classmethod
    def from_model(cls, n: NotificationModel) -> Notification:
        subject = None
        if n.subject_id:
            type_name, _, key = n.subject_id.partition(":")
            subject = strawberry.ID(to_global_id(type_name, key))
        return cls(
            id=strawberry.ID(to_global_id("Notification", n.id)),
            kind=n.kind,
            message=n.message,
            subject_id=subject,
            read=n.read_at is not None,
            created_at=n.created_at,
        )


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    unread_count: int
