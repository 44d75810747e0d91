"""Background jobs and notifications."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON
from tortoise.expressions import Q

from core.ids import to_global_id
from core.pagination import Cursor, InvalidCursor, page_size
from models import Job as JobModel
from models import JobItem as JobItemModel
from models import JobReportEntry as JobReportEntryModel
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


@strawberry.type(description="A problem a job met with one part of its input; for an import, a row that made no lead.")
class JobReportEntry:
    row: int = strawberry.field(description="The row number as a spreadsheet shows it: the header is row 1.")
    code: str = strawberry.field(description="Stable code, e.g. INVALID_EMAIL, MISSING_TITLE, UNKNOWN_OWNER.")
    field: str | None = strawberry.field(description="The column key (mapping target) concerned, when one is.")
    message: str


@strawberry.type
class JobReportEdge:
    cursor: str
    node: JobReportEntry


@strawberry.type
class JobReportConnection:
    edges: list[JobReportEdge]
    page_info: PageInfo
    _job_id: strawberry.Private[int]

    @strawberry.field(description="The page's entries, without cursors.")
    def nodes(self) -> list[JobReportEntry]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many entries the report has; computed only when asked for.")
    async def total_count(self) -> int:
        return await JobReportEntryModel.filter(job_id=self._job_id).count()


REPORT_SORT = "ROW:ASC"


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

    @strawberry.field(
        description="What the job reports about its input, in row order: for an import, each problem of "
        "each row that made no lead (a row may have several). Empty for kinds of job without a report."
    )
    async def report(self, first: int | None = None, after: str | None = None) -> JobReportConnection:
        size = page_size(first)
        query = JobReportEntryModel.filter(job_id=self._id)
        if after:
            cursor = Cursor.decode(after, REPORT_SORT)
            if not isinstance(cursor.key, int) or not isinstance(cursor.id, int):
                raise InvalidCursor()
            query = query.filter(Q(row__gt=cursor.key) | Q(row=cursor.key, id__gt=cursor.id))
        rows = await query.order_by("row", "id").limit(size + 1)
        page = rows[:size]
        cursors = [Cursor(REPORT_SORT, r.row, r.id).encode() for r in page]
        return JobReportConnection(
            edges=[
                JobReportEdge(cursor=c, node=JobReportEntry(row=r.row, code=r.code, field=r.field, message=r.message))
                for c, r in zip(cursors, page, strict=True)
            ],
            page_info=PageInfo.of(cursors, len(rows) > size, after),
            _job_id=self._id,
        )


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
