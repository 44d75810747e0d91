"""Queuing a background job: the rule the domains that start long work call (bulk email, imports,
exports, filter-wide conversions). Running jobs is :mod:`jobs` (the handlers and the runner), which
sits above the domain; it registers each kind of job here, so that the domain queues a job without
importing the package that runs it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.transactions import in_transaction

from domain.viewer import Viewer
from models import Job, JobItem

# The kinds of job that have a handler (jobs.register adds each).
KINDS: set[str] = set()


async def create_job(viewer: Viewer, kind: str, params: dict[str, Any], keys: Sequence[str]) -> Job:
    """Persist a job with one item per key; a worker picks it up."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    async with in_transaction():
        job = await Job.create(
            company_id=viewer.company_id, kind=kind, params=params, total=len(keys), created_by_id=viewer.user_id
        )
        await JobItem.bulk_create(
            [JobItem(job_id=job.id, position=i, key=str(k)) for i, k in enumerate(keys)], batch_size=1000
        )
    return job
