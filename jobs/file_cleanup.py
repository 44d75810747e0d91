"""Clean-up of the files folder and of bookkeeping rows, at start and then periodically.

Uploaded import files hold personal data and finished exports are copies of the inbox: neither
is kept longer than it is needed. :func:`sweep` removes, under ``LEADBOX_FILES_DIR``:

- an export's temporary files (``exports/<company>/.<job>.<owner>-<random>.part``: the file being
  written and, for XLSX, the sheet openpyxl streams rows into; see domain/integration/export.py) that no
  running job owns: the job is over, or another worker holds it now, or its holder is a process
  of this machine that no longer exists (killed half-way);
- an uploaded import file once no import job that has not finished reads it (the import job
  removes its file itself when it completes; this catches failed and canceled ones, and uploads
  whose job was never made), after a short grace for an upload still being made into a job;
- a finished export's file ``LEADBOX_FILE_RETENTION_HOURS`` after the job finished; its job
  remembers when (``fileRemovedAt``), and ``GET /exports/<id>`` answers 410 Gone from then on.

and, from the database, rows kept only for a while: keyed create requests
(:class:`~models.IdempotentRequest`; a retry comes within minutes, not weeks), webhook
deliveries that are over (delivered or failed) and persisted query texts,
``LEADBOX_RECORD_RETENTION_DAYS`` after they were made (deliveries: last changed). The webhook
events left with no delivery go with them.

:class:`Cleanup` runs :func:`sweep` when the worker starts (so a restart clears what a killed
process left) and then every :data:`INTERVAL`. Every step is idempotent: two server processes
sweeping at once remove nothing that either needs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import socket
from collections import Counter
from pathlib import Path
from typing import Any

from tortoise.expressions import Subquery

from core.config import Settings
from core.periodic import Periodic
from domain.integration.export import PART_SUFFIX
from domain.integration.import_file import IMPORTS_FOLDER
from domain.integration.lead_import import KIND as IMPORT_KIND
from jobs.export_leads import KIND as EXPORT_KIND
from jobs.export_leads import owner_token
from jobs.runner import ACTIVE
from models import (
    IdempotentRequest,
    Job,
    JobItem,
    JobItemStatus,
    JobStatus,
    PersistedQuery,
    WebhookDelivery,
    WebhookEvent,
)
from models.integration.webhook import DeliveryStatus

log = logging.getLogger("leadbox.cleanup")
INTERVAL = dt.timedelta(minutes=15)
# An upload is made into its job within the request that saved it; one not in a job after
# this long never will be.
UPLOAD_GRACE = dt.timedelta(minutes=30)
EXPORTS_FOLDER = "exports"
PART_NAME = re.compile(r"\.(?P<job>[0-9]+)\.(?P<owner>[0-9a-f]+)-.*" + re.escape(PART_SUFFIX))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _modified(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except FileNotFoundError:
        return None


def _remove(path: Path, counts: Counter[str], what: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        counts[what] += 1


def holder_alive(worker: str | None) -> bool:
    """Whether the worker named ``worker`` (``host:pid:…``, jobs/worker.py) may still run: a
    process of this machine that no longer exists does not; one elsewhere is taken to run."""
    host, _, rest = (worker or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _owners(now: dt.datetime) -> dict[int, str]:
    """The running export jobs and the owner token of the worker holding each one."""
    held = await Job.filter(kind=EXPORT_KIND, status__in=ACTIVE, locked_until__gt=now).values_list("id", "locked_by")
    return {job_id: owner_token(worker) for job_id, worker in held if holder_alive(worker)}


async def sweep_export_parts(files_dir: Path, now: dt.datetime, counts: Counter[str]) -> None:
    folder = files_dir / EXPORTS_FOLDER
    if not folder.is_dir():
        return
    parts = [p for p in folder.glob(f"*/.*{PART_SUFFIX}") if p.is_file()]
    if not parts:
        return
    owners = await _owners(now)
    for part in parts:
        match = PART_NAME.fullmatch(part.name)
        if match is not None and owners.get(int(match["job"])) == match["owner"]:
            continue
        _remove(part, counts, "exportParts")


async def sweep_imports(files_dir: Path, now: dt.datetime, counts: Counter[str]) -> None:
    folder = files_dir / IMPORTS_FOLDER
    if not folder.is_dir():
        return
    files = [p for p in folder.iterdir() if p.is_file()]
    if not files:
        return
    params: list[Any] = await Job.filter(kind=IMPORT_KIND, status__in=ACTIVE).values_list("params", flat=True)
    wanted = {Path(str(p.get("file", ""))).name for p in params if isinstance(p, dict)}
    for path in files:
        if path.name in wanted:
            continue
        modified = _modified(path)
        if modified is not None and now - modified >= UPLOAD_GRACE:
            _remove(path, counts, "importFiles")


async def sweep_exports(files_dir: Path, retention: dt.timedelta, now: dt.datetime, counts: Counter[str]) -> None:
    """Remove the files of exports finished more than ``retention`` ago, and say so on their jobs."""
    due = await Job.filter(kind=EXPORT_KIND, status=JobStatus.COMPLETED, finished_at__lt=now - retention).values_list(
        "id", "result"
    )
    due = [(job_id, result) for job_id, result in due if not (result or {}).get("fileRemovedAt")]
    if not due:
        return
    items = await JobItem.filter(
        job_id__in=[job_id for job_id, _ in due], position=0, status=JobItemStatus.DONE
    ).values_list("job_id", "result")
    files = {job_id: (result or {}).get("file") for job_id, result in items}
    root = files_dir.resolve()
    for job_id, result in due:
        name = files.get(job_id)
        if name:
            path = Path(name)
            # Only a file under the files folder is ours to remove.
            if path.resolve().is_relative_to(root):
                _remove(path, counts, "exportFiles")
        await Job.filter(id=job_id).update(result={**(result or {}), "fileRemovedAt": now.isoformat()})


async def prune_records(retention: dt.timedelta, now: dt.datetime, counts: Counter[str]) -> None:
    cutoff = now - retention
    counts["idempotentRequests"] += await IdempotentRequest.filter(created_at__lt=cutoff).delete()
    counts["webhookDeliveries"] += await WebhookDelivery.filter(
        status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED), updated_at__lt=cutoff
    ).delete()
    # An event is kept while any delivery of it is: a subscription may still ask for it again.
    kept = Subquery(WebhookDelivery.all().values("event_id"))
    counts["webhookEvents"] += await WebhookEvent.filter(created_at__lt=cutoff).exclude(id__in=kept).delete()
    # Any client can store query texts; one asked for again after this is PERSISTED_QUERY_NOT_FOUND
    # once, and the client sends its text again (Apollo's protocol).
    counts["persistedQueries"] += await PersistedQuery.filter(created_at__lt=cutoff).delete()


async def sweep(settings: Settings, now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of every clean-up; how many files and rows each step removed."""
    now = now or _now()
    files_dir = Path(settings.files_dir)
    counts: Counter[str] = Counter()
    await sweep_export_parts(files_dir, now, counts)
    await sweep_imports(files_dir, now, counts)
    await sweep_exports(files_dir, dt.timedelta(hours=settings.file_retention_hours), now, counts)
    await prune_records(dt.timedelta(days=settings.record_retention_days), now, counts)
    return dict(counts)


class Cleanup:
    """Runs :func:`sweep` now and then every ``interval``, beside the job worker."""

    def __init__(self, settings: Settings, interval: dt.timedelta = INTERVAL) -> None:
        self.settings = settings
        # A failed pass removes nothing it should not; the next one cleans what it left.
        self._periodic = Periodic(
            "leadbox-cleanup", self._sweep, interval.total_seconds(), log=log, failure="clean-up failed"
        )

    def start(self) -> None:
        self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()

    async def _sweep(self) -> bool:
        removed = await sweep(self.settings)
        if removed and any(removed.values()):
            log.info("clean-up removed %s", ", ".join(f"{n} {what}" for what, n in removed.items() if n))
        return False
