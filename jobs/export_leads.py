"""The ``export_leads`` job: one item that writes the whole export file (domain.integration.export).

The item is ``repeatable``: it runs outside a transaction (it only reads, for as long as a
large inbox takes, and must hold no lock meanwhile) and rewrites its file from the start when
it is redone after a crash; the file is renamed into place only once complete. Between pages
it renews the job's lease, so that no other worker takes over a long export, and it stops
when the job was canceled.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, ClassVar

from core.config import settings_from_env
from core.errors import ErrorCode, fail
from core.ids import InvalidId, decode_id, to_global_id
from domain.integration import export
from domain.integration.export import ExportFormat, ExportRequest, check_export, write_export
from domain.leads.query import LeadQuery
from domain.viewer import Viewer
from jobs import register
from jobs.runner import create_job, get_job, keep_lease
from loaders import Loaders, make_loaders
from models import Job, JobItem, JobItemStatus, JobStatus

KIND = "export_leads"
KEY = "file"


def export_path(job: Job) -> Path:
    """Where the file of an export job goes: the files folder, per company, named by the job."""
    request = ExportRequest.from_params(job.params)
    folder = Path(settings_from_env().files_dir).resolve() / "exports" / str(job.company_id)
    return folder / f"{job.id}{export.SUFFIXES[request.format]}"


def owner_token(worker: str | None) -> str:
    """The short name, safe in a file name, of the worker holding a job: the names of an
    export's temporary files carry it, so that a clean-up knows which run wrote them."""
    return hashlib.sha256((worker or "").encode()).hexdigest()[:12]


def download_path(job_id: int) -> str:
    return f"/exports/{to_global_id('Job', job_id)}"


def page_loaders(viewer: Viewer, kept: Loaders) -> Loaders:
    """Fresh loaders for one page of an export, whose caches go with the page; the company's
    users, teams and field definitions (few, whatever the size of the inbox) stay cached in
    ``kept`` for the whole export."""
    return dataclasses.replace(
        make_loaders(viewer),
        user_by_id=kept.user_by_id,
        team_by_id=kept.team_by_id,
        custom_fields_by_entity=kept.custom_fields_by_entity,
    )


class ExportLeads:
    kind: ClassVar[str] = KIND
    external: ClassVar[bool] = False
    repeatable: ClassVar[bool] = True

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        target = export_path(job)

        async def progress(rows: int) -> None:
            await keep_lease(job)
            await Job.filter(id=job.id).update(result={"rowsWritten": rows})

        kept = make_loaders(viewer)
        outcome = await write_export(
            viewer,
            ExportRequest.from_params(job.params),
            target,
            lambda: page_loaders(viewer, kept),
            page_rows=export.PAGE_ROWS,
            after_page=progress,
            owner=owner_token(job.locked_by),
        )
        # The file's place stays on the server side (items are not shown); the API shows the download path.
        return {"file": str(target), "rows": outcome.rows, "size": outcome.size, "pages": outcome.pages}

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        item = await JobItem.get(job_id=job.id, position=0)
        done = item.result if item.status == JobItemStatus.DONE else None
        created = job.created_at.date().isoformat()
        request = ExportRequest.from_params(job.params)
        if not done:
            return {"rows": 0, "format": request.format.value}
        return {
            "rows": done["rows"],
            "format": request.format.value,
            "fileSize": done["size"],
            "fileName": f"leads-{created}{export.SUFFIXES[request.format]}",
            "downloadPath": download_path(job.id),
        }


register(ExportLeads())


async def start_export(
    viewer: Viewer, query: LeadQuery, columns: list[str] | None, format: ExportFormat, now: Any
) -> Job:
    """Check the export now (errors as userErrors), then write it in the background."""
    request = await check_export(viewer, query, columns, format, now)
    return await create_job(viewer, KIND, request.to_params(), [KEY])


async def export_file(viewer: Viewer, global_id: str) -> tuple[Path, str, str]:
    """The finished export file a viewer may download: path, file name and media type.

    NOT_FOUND for a job that is not an export of the viewer's company that they started (an
    admin may download any export of the company); CONFLICT while it has not finished; DELETED
    (HTTP 410) once its file is gone, removed after the retention (jobs/file_cleanup.py).
    """
    try:
        job_id = int(decode_id(global_id, "Job"))
    except InvalidId as exc:
        raise fail("Export not found.", ErrorCode.NOT_FOUND, "id") from exc
    job = await get_job(viewer, job_id)
    if job.kind != KIND:
        raise fail("Export not found.", ErrorCode.NOT_FOUND, "id")
    if job.status != JobStatus.COMPLETED:
        raise fail(f"The export is {job.status.value.lower()}, not ready.", ErrorCode.CONFLICT, "id")
    item = await JobItem.get_or_none(job_id=job.id, position=0, status=JobItemStatus.DONE)
    path = Path(item.result["file"]) if item is not None and item.result else None
    if path is None or not path.is_file():
        removed = job.result.get("fileRemovedAt")
        when = f" on {removed[:16].replace('T', ' ')} UTC" if isinstance(removed, str) else ""
        raise fail(
            f"The export's file was removed{when}: finished exports are kept for a limited time. Export again.",
            ErrorCode.DELETED,
            "id",
        )
    request = ExportRequest.from_params(job.params)
    name = job.result.get("fileName") or f"leads{export.SUFFIXES[request.format]}"
    return path, name, export.MEDIA_TYPES[request.format]
