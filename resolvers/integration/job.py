"""`job`, `notifications` and their mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import DomainError
from core.ids import decode_id, decode_input_id
from core.pagination import Cursor, page_size
from domain.notification import mark_read, unread_count
from jobs.runner import cancel_job, get_job
from models import Notification as NotificationModel
from resolvers.common import mutate
from schema.base import AFTER, FIRST, IdInput, InfoT, PageInfo, UserError, id_list
from schema.integration.job import Job, Notification, NotificationConnection, NotificationEdge

SORT = "ID:DESC"


@strawberry.input(description="Notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Leave out to mark all read.")


@strawberry.type(description="The result of `cancelJob`.")
class JobPayload:
    job: Job | None = strawberry.field(default=None, description="The job as it is now; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing changed: INVALID_ID, NOT_FOUND, CONFLICT (the job has finished). Empty on success.",
    )


@strawberry.type(description="The result of `markNotificationsRead`.")
class MarkNotificationsReadPayload:
    marked_count: int = strawberry.field(default=0, description="How many unread notifications were marked.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was marked: INVALID_ID. Empty on success."
    )


@strawberry.type
class JobQueries:
    @strawberry.field(description="A job you started (admins: any job of the company); null when not found.")
    async def job(
        self, info: InfoT, id: Annotated[strawberry.ID, strawberry.argument(description="The job's global id.")]
    ) -> Job | None:
        viewer = info.context.require_viewer()
        try:
            return Job.from_model(await get_job(viewer, decode_id(id, "Job")))
        except DomainError:
            return None

    @strawberry.field(description="Your notifications, newest first.")
    async def notifications(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        unread_only: Annotated[bool, strawberry.argument(description="Only the notifications not yet read.")] = False,
    ) -> NotificationConnection:
        viewer = info.context.require_viewer()
        size = page_size(first)
        query = NotificationModel.filter(user_id=viewer.user_id, company_id=viewer.company_id)
        if unread_only:
            query = query.filter(read_at=None)
        if after:
            query = query.filter(id__lt=Cursor.decode(after, SORT).id)
        rows = await query.order_by("-id").limit(size + 1)
        edges = [
            NotificationEdge(cursor=Cursor(SORT, None, n.id).encode(), node=Notification.from_model(n))
            for n in rows[:size]
        ]
        return NotificationConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
            unread_count=await unread_count(viewer),
        )


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Stop a job that has not finished; what it already did stays done.")
    async def cancel_job(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The job to stop.")]
    ) -> JobPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            job = await cancel_job(viewer, decode_input_id(input.id, "Job", "input", "id"))
            return {"job": Job.from_model(job)}

        return await mutate(JobPayload, work)

    @strawberry.mutation(description="Mark your notifications read: those given, or all.")
    async def mark_notifications_read(
        self,
        info: InfoT,
        input: Annotated[MarkNotificationsReadInput, strawberry.argument(description="Which notifications.")],
    ) -> MarkNotificationsReadPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.ids, "Notification", "input", "ids") if input.ids is not None else None
            return {"marked_count": await mark_read(viewer, ids)}

        return await mutate(MarkNotificationsReadPayload, work)
