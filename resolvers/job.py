"""`job`, `notifications` and their mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from core.db import fetch
from core.errors import DomainError
from core.ids import decode_id, decode_input_id
from core.pagination import Cursor, page_size
from domain.notification import mark_read
from jobs.runner import cancel_job, get_job
from models import Notification as NotificationModel
from resolvers.common import id_list, mutate
from schema.base import IdInput, InfoT, PageInfo, UserError
from schema.job import Job, Notification, NotificationConnection, NotificationEdge

SORT = "ID:DESC"


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Leave out to mark all read.")


@strawberry.type
class JobPayload:
    job: Job | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MarkNotificationsReadPayload:
    marked_count: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class JobQueries:
    @strawberry.field(description="A job you started (admins: any job of the company); null when not found.")
    async def job(self, info: InfoT, id: strawberry.ID) -> Job | None:
        viewer = info.context.require_viewer()
        try:
            return Job.from_model(await get_job(viewer, decode_id(id, "Job")))  # type: ignore[arg-type]
        except DomainError:
            return None

    @strawberry.field(description="Your notifications, newest first.")
    async def notifications(
        self, info: InfoT, first: int | None = None, after: str | None = None, unread_only: bool = False
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
        unread = await fetch(
            "SELECT count(*) AS n FROM notification WHERE user_id = ? AND read_at IS NULL", [viewer.user_id]
        )
        return NotificationConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
            unread_count=int(unread[0]["n"]),
        )


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Stop a job that has not finished; what it already did stays done.")
    async def cancel_job(self, info: InfoT, input: IdInput) -> JobPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            job = await cancel_job(viewer, decode_input_id(input.id, "Job", "input", "id"))  # type: ignore[arg-type]
            return {"job": Job.from_model(job)}

        return await mutate(JobPayload, work)

    @strawberry.mutation
    async def mark_notifications_read(
        self, info: InfoT, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.ids, "Notification", "input", "ids") if input.ids is not None else None
            return {"marked_count": await mark_read(viewer, ids)}

        return await mutate(MarkNotificationsReadPayload, work)
