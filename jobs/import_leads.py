"""The ``import_leads`` job: one item per batch of rows of the uploaded file.

Each item reads its rows (the key names the first and last row number) and writes them with
:func:`domain.integration.lead_import_batch.write_batch` inside the runner's transaction for the item, so
a batch's leads, contacts, report entries and the item's DONE mark commit together: after a
crash the import resumes at the first batch not committed, and no row is written twice.

The file is read as a stream. Items run in order, so the handler keeps the open reader between
the items of a job and continues where the previous batch stopped; a job resumed elsewhere
opens the file anew and skips to its batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, cast

from core.errors import ErrorCode, fail
from domain.columns.custom_field import all_definitions
from domain.contacts.duplicate import Resolution
from domain.integration.import_file import FileFormat, read_rows
from domain.integration.lead_import import KIND, parse_batch_key
from domain.integration.lead_import_batch import write_batch
from domain.integration.lead_import_rows import load_context
from domain.viewer import Viewer
from jobs import register
from models import Job, JobItem, JobItemStatus

Row = tuple[int, list[str | None]]
COUNTS = ("personsCreated", "personsLinked", "organizationsCreated", "organizationsLinked")


class _Reader:
    """The rows of one job's file, read forward only; remembers a row read past the batch end."""

    def __init__(self, job_id: int, path: Path, fmt: FileFormat, header_row: int) -> None:
        self.job_id = job_id
        self.header_row = header_row
        self.rows: Iterator[Row] = read_rows(path, fmt)
        self.pending: Row | None = None
        self.position = 0  # the last row number handed out or skipped

    def take(self, first: int, last: int) -> list[Row]:
        out: list[Row] = []
        while True:
            row = self.pending or next(self.rows, None)
            self.pending = None
            if row is None:
                return out
            number, cells = row
            if number > last:
                self.pending = row
                return out
            self.position = number
            if number >= first and number > self.header_row and any(cells):
                out.append(row)

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


class ImportLeads:
    kind: ClassVar[str] = KIND
    external: ClassVar[bool] = False

    def __init__(self) -> None:
        self._reader: _Reader | None = None

    def _rows(self, job: Job, first: int, last: int) -> list[Row]:
        reader = self._reader
        if reader is None or reader.job_id != job.id or reader.position >= first:
            if reader is not None:
                reader.close()
            path = Path(job.params["file"])
            if not path.exists():
                raise fail("The uploaded file is no longer there; import it again.", ErrorCode.INVALID_FILE, "file")
            reader = self._reader = _Reader(
                job.id, path, FileFormat(job.params["format"]), int(job.params.get("header_row", 1))
            )
        return reader.take(first, last)

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        first, last, _ = parse_batch_key(item.key)
        rows = self._rows(job, first, last)
        params = job.params
        context = await load_context(
            viewer,
            {k: int(v) for k, v in params["columns"].items()},
            Resolution(params["duplicates"]),
            params.get("default_currency"),
            rows,
            await all_definitions(viewer.company_id),
        )
        outcome = await write_batch(context, job.id, rows)
        return outcome.as_result()

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        if self._reader is not None and self._reader.job_id == job.id:
            self._reader.close()
            self._reader = None
        # Every row is written or reported: the upload (personal data) is not needed any more.
        # A failed or canceled import's file goes at the next clean-up (jobs/file_cleanup.py).
        Path(job.params["file"]).unlink(missing_ok=True)
        return await import_summary(job)


async def import_summary(job: Job) -> dict[str, Any]:
    """The counts of an import: every row is a lead created or a row failed.

    A batch that failed as a whole (its file gone) counts all of its rows as failed; its reason
    is the item's error in ``Job.errors``.
    """
    sums = dict.fromkeys(("rows", "leads", "failed", *COUNTS), 0)
    done = await JobItem.filter(job_id=job.id, status=JobItemStatus.DONE).values_list("result", flat=True)
    for result in cast(list[dict[str, Any] | None], done):
        for name in sums:
            sums[name] += int((result or {}).get(name, 0))
    lost = await JobItem.filter(job_id=job.id, status=JobItemStatus.FAILED).values_list("key", flat=True)
    lost_rows = sum(parse_batch_key(str(key))[2] for key in lost)
    return {
        "rowsTotal": int(job.params.get("rows_total", 0)),
        "leadsCreated": sums["leads"],
        "rowsFailed": sums["failed"] + lost_rows,
        **{name: sums[name] for name in COUNTS},
    }


register(ImportLeads())
