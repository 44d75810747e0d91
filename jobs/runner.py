"""Creating, claiming and running jobs.

Claiming is a conditional UPDATE (``WHERE lease lapsed``), so two processes never hold one
job; each item is claimed by another conditional UPDATE (``WHERE status = 'PENDING'``) inside
the transaction that does its work, which on PostgreSQL row-locks it and on SQLite takes the
single write lock: a second worker either waits and then finds it done, or skips it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import traceback
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, fail
from domain.job import create_job as create_job  # queued from the domain; named here for the jobs' callers
from domain.notification import notify
from domain.viewer import Viewer, viewer_for_user
from jobs import HANDLERS, LeaseLost
from models import Job, JobItem, JobItemStatus, JobStatus

log = logging.getLogger("leadbox.jobs")
LEASE = dt.timedelta(seconds=60)
ACTIVE = (JobStatus.CREATED, JobStatus.RUNNING)
# The lease of the job the current task runs, for items that renew it themselves (keep_lease).
_lease: contextvars.ContextVar[dt.timedelta] = contextvars.ContextVar("job_lease", default=LEASE)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def claim_job(worker: str, lease: dt.timedelta = LEASE) -> Job | None:
    """Take the oldest job that nobody holds (or whose holder's lease lapsed)."""
    stamp = now()
    free = Q(locked_until=None) | Q(locked_until__lt=stamp)
    candidates = await Job.filter(free, status__in=ACTIVE).order_by("id").limit(5).values_list("id", flat=True)
    for job_id in candidates:
        taken = await Job.filter(free, id=job_id, status__in=ACTIVE).update(
            locked_by=worker, locked_until=stamp + lease
        )
        if taken:
            return await Job.get(id=job_id)
    return None


async def claim_this_job(job_id: int, worker: str, lease: dt.timedelta = LEASE) -> Job | None:
    """Take one given job, as :func:`claim_job` would (the CLI runs the job it just created)."""
    stamp = now()
    free = Q(locked_until=None) | Q(locked_until__lt=stamp)
    taken = await Job.filter(free, id=job_id, status__in=ACTIVE).update(locked_by=worker, locked_until=stamp + lease)
    return await Job.get(id=job_id) if taken else None


async def _renew(job: Job, worker: str, lease: dt.timedelta) -> bool:
    """Extend our lease; False when the job was canceled or taken over meanwhile."""
    renewed = await Job.filter(id=job.id, locked_by=worker, status__in=ACTIVE).update(locked_until=now() + lease)
    return bool(renewed)


async def run_job(job: Job, worker: str, lease: dt.timedelta = LEASE) -> Job:
    """Work the job's remaining items, then complete it and tell its creator."""
    handler = HANDLERS[job.kind]
    _lease.set(lease)
    if job.created_by_id is None:
        await _finish(job, JobStatus.FAILED, error="The user who started this job no longer exists.")
        return await Job.get(id=job.id)
    viewer = await viewer_for_user(job.created_by_id)
    if job.status == JobStatus.CREATED:
        await Job.filter(id=job.id).update(status=JobStatus.RUNNING, started_at=now())
    # Items claimed for an outside effect by a run that died are not retried: report them.
    await JobItem.filter(job_id=job.id, status=JobItemStatus.STARTED).update(
        status=JobItemStatus.FAILED,
        code="INTERRUPTED",
        error="Interrupted by a restart while in progress; not retried so that it cannot happen twice.",
    )
    await _recount(job)
    try:
        while True:
            if not await _renew(job, worker, lease):
                return await Job.get(id=job.id)
            batch = await JobItem.filter(job_id=job.id, status=JobItemStatus.PENDING).order_by("position").limit(50)
            if not batch:
                break
            renewed_at = now()
            for item in batch:
                # Renew well before the lease lapses, however slow the items are (an SMTP
                # server taking its time), so that no second worker takes the job over.
                if now() - renewed_at > lease / 3:
                    if not await _renew(job, worker, lease):
                        return await Job.get(id=job.id)
                    renewed_at = now()
                await _run_item(handler, viewer, job, item)
        # The running counters are for progress display; the items are the truth.
        await _recount(job)
        result = await handler.finish(viewer, job)
        await _finish(job, JobStatus.COMPLETED, result=result)
    except Exception as exc:  # a bug in a handler must not leave the job running forever
        log.error("job %s failed: %s", job.id, traceback.format_exc())
        await _finish(job, JobStatus.FAILED, error=f"Internal error ({type(exc).__name__}).")
    return await Job.get(id=job.id)


async def _run_item(handler: Any, viewer: Viewer, job: Job, item: JobItem) -> None:
    try:
        if getattr(handler, "repeatable", False):
            try:
                result = await handler.run_item(viewer, job, item)
            except LeaseLost:
                return
            async with in_transaction():
                if await JobItem.filter(id=item.id, status=JobItemStatus.PENDING).update(
                    status=JobItemStatus.DONE, result=result
                ):
                    await Job.filter(id=job.id).update(done=F("done") + 1)
            return
        if handler.external:
            if not await JobItem.filter(id=item.id, status=JobItemStatus.PENDING).update(status=JobItemStatus.STARTED):
                return
            result = await handler.run_item(viewer, job, item)
            await JobItem.filter(id=item.id).update(status=JobItemStatus.DONE, result=result)
            await Job.filter(id=job.id).update(done=F("done") + 1)
            return
        async with in_transaction():
            if not await JobItem.filter(id=item.id, status=JobItemStatus.PENDING).update(status=JobItemStatus.DONE):
                return
            result = await handler.run_item(viewer, job, item)
            if result is not None:
                await JobItem.filter(id=item.id).update(result=result)
            await Job.filter(id=job.id).update(done=F("done") + 1)
    except DomainError as error:
        first = error.errors[0]
        await JobItem.filter(id=item.id, status__in=(JobItemStatus.PENDING, JobItemStatus.STARTED)).update(
            status=JobItemStatus.FAILED, code=first.code.value, error=str(error)
        )
        await Job.filter(id=job.id).update(failed=F("failed") + 1)


async def keep_lease(job: Job) -> None:
    """For a long item: extend the lease of the worker running ``job`` (by the lease it runs
    with); :class:`LeaseLost` when the job was canceled or another worker took it over meanwhile."""
    if job.locked_by is None or not await _renew(job, job.locked_by, _lease.get()):
        raise LeaseLost()


async def _recount(job: Job) -> None:
    done = await JobItem.filter(job_id=job.id, status=JobItemStatus.DONE).count()
    failed = await JobItem.filter(job_id=job.id, status=JobItemStatus.FAILED).count()
    await Job.filter(id=job.id).update(done=done, failed=failed)


async def _finish(
    job: Job, status: JobStatus, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    await Job.filter(id=job.id).update(
        status=status,
        result=result or {},
        error=error,
        finished_at=now(),
        locked_by=None,
        locked_until=None,
    )
    if job.created_by_id is not None:
        fresh = await Job.get(id=job.id)
        outcome = "finished" if status == JobStatus.COMPLETED else "failed"
        message = f"Your {job.kind.replace('_', ' ')} job {outcome}: {fresh.done} done, {fresh.failed} failed."
        await notify(job.company_id, job.created_by_id, "JOB_FINISHED", message, subject_id=f"Job:{job.id}")


async def cancel_job(viewer: Viewer, job_id: int) -> Job:
    job = await get_job(viewer, job_id)
    if job.status not in ACTIVE:
        raise fail("Only a job that has not finished can be canceled.", ErrorCode.CONFLICT, "input", "id")
    await Job.filter(id=job.id, status__in=ACTIVE).update(
        status=JobStatus.CANCELED, finished_at=now(), locked_until=None
    )
    return await Job.get(id=job.id)


def can_see_job(viewer: Viewer, job: Job) -> bool:
    """A job of the viewer's company is theirs if they started it; admins see them all."""
    return viewer.is_admin or job.created_by_id == viewer.user_id


async def get_job(viewer: Viewer, job_id: int) -> Job:
    """A job of the viewer's company that they started (admins see every job of the company)."""
    job = await Job.get_or_none(id=job_id, company_id=viewer.company_id)
    if job is None or not can_see_job(viewer, job):
        raise fail("Job not found.", ErrorCode.NOT_FOUND, "input", "id")
    return job
