"""The worker that runs jobs inside the server process, started and stopped by the lifespan."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from core.config import Settings
from core.periodic import Periodic

# The kinds of job the worker runs, imported for the handlers they register.
from jobs import (
    bulk_email,  # noqa: F401
    deal_conversion,  # noqa: F401  (registers its kind of job)
    export_leads,  # noqa: F401
    import_leads,  # noqa: F401
)
from jobs.file_cleanup import Cleanup
from jobs.runner import LEASE, claim_job, run_job
from jobs.webhooks import Dispatcher

log = logging.getLogger("leadbox.jobs")


class Worker:
    """Runs jobs; given the settings, :meth:`start` also starts the webhook dispatcher and the
    clean-up of files and old rows (jobs/file_cleanup.py) beside it."""

    def __init__(
        self, poll_seconds: float = 1.0, lease: dt.timedelta = LEASE, settings: Settings | None = None
    ) -> None:
        self.poll_seconds = poll_seconds
        self.webhooks = Dispatcher(settings) if settings is not None else None
        self.cleanup = Cleanup(settings) if settings is not None else None
        self.lease = lease
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        # A job that fails records its failure itself; the worker goes on.
        self._periodic = Periodic("leadbox-job-worker", self._run, poll_seconds, log=log, failure="job worker error")

    def start(self) -> None:
        self._periodic.start()
        if self.webhooks is not None:
            self.webhooks.start()
        if self.cleanup is not None:
            self.cleanup.start()

    def wake(self) -> None:
        """Look for work now rather than at the next poll (a job was just created)."""
        self._periodic.wake()

    async def stop(self) -> None:
        if self.cleanup is not None:
            await self.cleanup.stop()
        if self.webhooks is not None:
            await self.webhooks.stop()
        await self._periodic.stop()

    async def run_pending(self) -> int:
        """Run every job that can be claimed now; return how many ran."""
        count = 0
        while (job := await claim_job(self.name, self.lease)) is not None:
            log.info("job %s (%s) of company %s started", job.id, job.kind, job.company_id)
            done = await run_job(job, self.name, self.lease)
            log.info("job %s (%s) %s", done.id, done.kind, done.status.value.lower())
            count += 1
        return count

    async def _run(self) -> bool:
        await self.run_pending()
        return False
