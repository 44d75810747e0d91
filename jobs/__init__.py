"""Background jobs: long work (filter-wide conversions, bulk email, imports, exports) persisted
as a :class:`~models.Job` with one :class:`~models.JobItem` per unit of work.

A kind of job is a :class:`JobHandler` registered under its name. The runner
(:mod:`jobs.runner`) works a job's items in order and records each item's outcome in the
same transaction as its effect, so that a job interrupted by a restart resumes where it
stopped and never does an item twice, even with several server processes on one database.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from domain.job import KINDS
from domain.viewer import Viewer
from models import Job, JobItem


class JobHandler(Protocol):
    kind: ClassVar[str]
    # True when an item's effect leaves the database (an email sent): such an item is
    # marked started before the effect and is never retried after a crash, so that nothing
    # happens twice; False when the effect and the item's outcome commit together.
    external: ClassVar[bool]
    # A handler may also set ``repeatable = True``: its item's effect is idempotent and long (an
    # export rewriting its file from the start), so the runner runs it outside a transaction,
    # holding no lock meanwhile, and marks it DONE afterwards; after a crash it is simply redone.

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        """Do one item. Raise a DomainError to record the item as failed with its reason."""

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        """The job's result once every item is done."""


class LeaseLost(Exception):
    """Raised by a long item that found its job canceled or taken over by another worker: the
    runner leaves the item as it was and stops (see ``repeatable`` in :mod:`jobs.runner`)."""


HANDLERS: dict[str, JobHandler] = {}


def register(handler: JobHandler) -> JobHandler:
    HANDLERS[handler.kind] = handler
    KINDS.add(handler.kind)
    return handler
