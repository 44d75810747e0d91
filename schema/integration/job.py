"""Background jobs and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.ids import to_global_id
from core.pagination import Cursor, InvalidCursor, page_size
from models import Job as JobModel
from models import JobItem as JobItemModel
from models import JobStatus
from models import Notification as NotificationModel
from schema.base import AFTER, FIRST, InfoT, Node, PageInfo, describe_values

JobStatusEnum = JobStatus
strawberry.enum(JobStatusEnum, name="JobStatus", description="Where a background job stands.")
describe_values(
    JobStatusEnum,
    {
        "CREATED": "Waiting for a worker.",
        "RUNNING": "Being worked on; it resumes after a server restart.",
        "COMPLETED": "Finished; `result` holds what it made.",
        "FAILED": "Stopped by an error; `error` says which.",
        "CANCELED": "Stopped by `cancelJob`; what it did before stays done.",
    },
)


@strawberry.type(description="An item of a job that did not succeed, with its reason.")
class JobItemError:
    position: int = strawberry.field(description="The item's place in the job, from 0.")
    key: str = strawberry.field(description="What the item was about, e.g. a lead or deal id.")
    code: str | None = strawberry.field(description="A UserErrorCode value, e.g. NOT_FOUND or DELIVERY_FAILED.")
    message: str | None = strawberry.field(description="Why it failed, for a person to read.")

    @classmethod
    def from_model(cls, item: JobItemModel) -> JobItemError:
        return cls(position=item.position, key=item.key, code=item.code, message=item.error)


@strawberry.type(description="A problem a job met with one part of its input; for an import, a row that made no lead.")
class JobReportEntry:
    row: int = strawberry.field(description="The row number as a spreadsheet shows it: the header is row 1.")
    code: str = strawberry.field(description="Stable code, e.g. INVALID_EMAIL, MISSING_TITLE, UNKNOWN_OWNER.")
    field: str | None = strawberry.field(description="The column key (mapping target) concerned, when one is.")
    message: str = strawberry.field(description="What is wrong, for a person to read.")


@strawberry.type(description="One report entry of a page, with its cursor.")
class JobReportEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the entries after this one.")
    node: JobReportEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A page of a job's report, in row order.")
class JobReportConnection:
    edges: list[JobReportEdge] = strawberry.field(description="The page's entries with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are more entries, and the cursors to get them.")
    _job_id: strawberry.Private[int]

    @strawberry.field(description="The page's entries, without cursors.")
    def nodes(self) -> list[JobReportEntry]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many entries the report has; computed only when asked for.")
    async def total_count(self, info: InfoT) -> int:
        return await info.context.loaders.report_count_by_job.load(self._job_id)


REPORT_SORT = "ROW:ASC"


@strawberry.type(description="Long work running in the background; poll it with `job(id:)` or `node`.")
class Job(Node):
    id: strawberry.ID = strawberry.field(description="The job's global id.")
    kind: str = strawberry.field(
        description="What it does: `import_leads`, `export_leads`, `bulk_email` or `convert_deals_to_leads`."
    )
    status: JobStatusEnum = strawberry.field(description="Where it stands.")
    total: int = strawberry.field(description="How many items it has to handle.")
    done: int = strawberry.field(description="How many items succeeded so far.")
    failed: int = strawberry.field(description="How many items failed so far (see `errors`).")
    result: JSON = strawberry.field(
        description="What it made, by kind (an export's file and row counts, an import's counts); {} until it has any."
    )
    error: str | None = strawberry.field(description="Why it FAILED; null otherwise.")
    created_at: dt.datetime = strawberry.field(description="When it was started.")
    started_at: dt.datetime | None = strawberry.field(description="When a worker first took it; null while CREATED.")
    finished_at: dt.datetime | None = strawberry.field(description="When it ended; null while it runs.")
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
            result=JSON(job.result),
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
    async def errors(
        self,
        info: InfoT,
        first: Annotated[int, strawberry.argument(description="How many failed items, at most 1000.")] = 100,
    ) -> list[JobItemError]:
        items = await info.context.loaders.failed_items_by_job.load((self._id, max(0, min(first, 1000))))
        return [JobItemError.from_model(i) for i in items]

    @strawberry.field(
        description="What the job reports about its input, in row order: for an import, each problem of "
        "each row that made no lead (a row may have several). Empty for kinds of job without a report."
    )
    async def report(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> JobReportConnection:
        size = page_size(first)
        start: tuple[int, int] | None = None
        if after:
            cursor = Cursor.decode(after, REPORT_SORT)
            if not isinstance(cursor.key, int) or not isinstance(cursor.id, int):
                raise InvalidCursor()
            start = (cursor.key, cursor.id)
        # The jobs of a list share one statement per page (loaders/job.py).
        rows = await info.context.loaders.report_page_by_job.load((self._id, size + 1, start))
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


@strawberry.type(description="Something the viewer should know about: a job finished, a mention, a report reviewed.")
class Notification(Node):
    id: strawberry.ID = strawberry.field(description="The notification's global id.")
    kind: str = strawberry.field(description="JOB_FINISHED, MENTIONED, PROSPECT_REPORT_REVIEWED, ...")
    message: str = strawberry.field(description="What happened, for a person to read.")
    subject_id: strawberry.ID | None = strawberry.field(description="What it is about: a job, a lead, a note.")
    read: bool = strawberry.field(description="Whether it was marked read (`markNotificationsRead`).")
    created_at: dt.datetime = strawberry.field(description="When it was sent.")

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


@strawberry.type(description="One notification of a page, with its cursor.")
class NotificationEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get older notifications.")
    node: Notification = strawberry.field(description="The notification.")


@strawberry.type(description="A page of notifications, newest first.")
class NotificationConnection:
    edges: list[NotificationEdge] = strawberry.field(description="The page's notifications with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are older ones, and the cursors to get them.")
    unread_count: int = strawberry.field(description="How many of all your notifications are unread.")
