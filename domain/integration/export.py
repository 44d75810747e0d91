"""Export of the inbox (SPEC §3.2): the filtered, sorted list with chosen columns, as CSV or XLSX.

:func:`check_export` validates a request up front (columns, sort, filter) and gives the
:class:`ExportRequest` a job stores; :func:`write_export` writes the file by walking the list in
keyset pages of :data:`PAGE_ROWS` leads (:func:`domain.leads.query.find_leads`, then
:func:`domain.columns.values.page_values` for the page), writing each page's rows and dropping
them before the next, so memory does not grow with the number of leads. The file is written
under a temporary name beside its target and renamed into place once complete, so a reader
never sees half a file and a run redone after a crash starts again from nothing. Every
temporary file of an export (the ``.part`` file and, for XLSX, the sheet openpyxl streams its
rows into, which would otherwise go to the system's temporary folder) is named
``.<target stem>.<owner>-<random>.part`` beside the target, so that a process killed half-way
leaves nothing outside the files folder and :mod:`jobs.file_cleanup` can tell whose it is.

The export holds exactly what the viewer's ``leads`` list shows for the same filter and sort
(the same statement builds both), in the same order, each value as ``Cell.display()`` gives it:
labels' names, option labels, money as amount and currency, dates in ISO form, users, persons
and organizations by name.

CSV injection: a spreadsheet opening a CSV file runs a cell starting with ``=``, ``+``, ``-``
or ``@`` (or a tab or carriage return) as a formula, so text that users typed (titles, names,
custom text, labels, column labels) and that starts with one of them is written with a leading
apostrophe (``'=1+1``), which spreadsheets show as text. XLSX cells are typed: text is written as
a string cell, never as a formula, and needs no apostrophe.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet import _writer as sheet_writer
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain.columns.cells import BooleanCell, Cell, DateCell, DateTimeCell, MoneyCell, NumberCell, TimeCell
from domain.columns.column import Column, UnknownColumn, resolve
from domain.columns.custom_field import all_definitions
from domain.columns.preference import saved_keys, usable
from domain.columns.values import page_values
from domain.leads.filter import filter_errors
from domain.leads.query import (
    LeadQuery,
    LeadSortField,
    SortDirection,
    UnsortableColumn,
    find_leads,
    sort_sql,
)
from domain.leads.saved_filter import query_from_json, query_to_json
from domain.viewer import Viewer
from models import CustomField

if TYPE_CHECKING:
    # The loaders the caller builds for each page: a type only, the domain does not build them.
    from loaders import Loaders

# Leads read and written per page: a page's rows and values are all that is held at once.
PAGE_ROWS = 1000
# Rows written between two turns given to the rest of the event loop.
YIELD_ROWS = 100
MAX_COLUMNS = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Cells the export makes itself (numbers, dates, yes/no): never formulas, never escaped.
MADE_CELLS = (NumberCell, MoneyCell, DateCell, DateTimeCell, TimeCell, BooleanCell)


class ExportFormat(str, Enum):
    CSV = "CSV"
    XLSX = "XLSX"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUFFIXES = {ExportFormat.CSV: ".csv", ExportFormat.XLSX: ".xlsx"}


@dataclass
class ExportRequest:
    """What to export, checked: a job keeps it as JSON (:meth:`to_params`)."""

    query: LeadQuery
    keys: list[str]
    format: ExportFormat
    # The list as it was when asked for: "added more than three months ago" and activity
    # statuses are judged against this moment, however late the job runs.
    now: dt.datetime

    def to_params(self) -> dict[str, Any]:
        q = self.query
        return {
            "filter": query_to_json(q),
            "also": [query_to_json(extra) for extra in q.also],
            "archived": q.archived,
            "sort": q.sort.value,
            "sort_column": q.sort_column,
            "direction": q.direction.value,
            "columns": list(self.keys),
            "format": self.format.value,
            "now": self.now.isoformat(),
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExportRequest:
        query = query_from_json(params["filter"])
        query.also = [query_from_json(extra) for extra in params.get("also", [])]
        query.archived = bool(params.get("archived"))
        query.sort = LeadSortField(params["sort"])
        query.sort_column = params.get("sort_column")
        query.direction = SortDirection(params["direction"])
        return cls(
            query, list(params["columns"]), ExportFormat(params["format"]), dt.datetime.fromisoformat(params["now"])
        )


@dataclass(frozen=True)
class ExportOutcome:
    rows: int
    size: int
    pages: int


def _columns(keys: Sequence[str], definitions: Sequence[CustomField]) -> list[Column]:
    if len(keys) > MAX_COLUMNS:
        raise fail(f"At most {MAX_COLUMNS} columns.", ErrorCode.TOO_MANY_ITEMS, "input", "columns")
    errors: list[FieldError] = []
    found: list[Column] = []
    for i, key in enumerate(keys):
        try:
            found += resolve([key], definitions)
        except UnknownColumn as exc:
            errors.append(FieldError(exc.message, ErrorCode.UNKNOWN_COLUMN, ("input", "columns", str(i))))
    if errors:
        raise DomainError(errors)
    if not found:
        raise fail("Name at least one column.", ErrorCode.REQUIRED, "input", "columns")
    return found


async def check_export(
    viewer: Viewer, query: LeadQuery, keys: Sequence[str] | None, format: ExportFormat, now: dt.datetime
) -> ExportRequest:
    """Check an export before a job is made for it; without ``keys``, the viewer's own columns.

    Unknown columns are ``UNKNOWN_COLUMN`` at ``input.columns.<i>``; a sort on an unknown or
    unsortable column is an error at ``input.sort.column``; a filter that does not fit its
    columns is ``INVALID_FILTER`` at ``input.filter.conditions…``, as for bulk changes by filter.
    """
    definitions = await all_definitions(viewer.company_id)
    columns = usable(await saved_keys(viewer), definitions) if keys is None else _columns(keys, definitions)
    try:
        sort_sql(viewer, query, {c.key: c for c in resolve([query.sort_key], definitions)})
    except UnknownColumn as exc:
        raise fail(exc.message, ErrorCode.UNKNOWN_COLUMN, "input", "sort", "column") from exc
    except UnsortableColumn as exc:
        raise fail(exc.message, ErrorCode.INVALID_SORT, "input", "sort", "column") from exc
    with filter_errors("input", "filter"):
        # The first lead of the list: the statement the export runs, so that it cannot fail later.
        await find_leads(viewer, query, 1, None, now=now, definitions=definitions)
    return ExportRequest(query, [c.key for c in columns], format, now)


def escape_text(text: str) -> str:
    """Text a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    text = cell.display()
    return text if isinstance(cell, MADE_CELLS) else escape_text(text)


def xlsx_cell(sheet: WriteOnlyWorksheet, cell: Cell | None) -> Any:
    """A typed cell: numbers as numbers, dates as dates, the rest (money too) as display text."""
    if cell is None:
        return None
    if isinstance(cell, NumberCell):
        return WriteOnlyCell(sheet, value=cell.number)
    if isinstance(cell, DateCell):
        out = WriteOnlyCell(sheet, value=cell.date)
        out.number_format = "yyyy-mm-dd"
        return out
    return xlsx_text(sheet, cell.display())


def xlsx_text(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    out = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    # openpyxl would store text starting with "=" as a formula; it is text.
    out.data_type = "s"
    return out


class _Sink(Protocol):
    def header(self, labels: list[str]) -> None: ...
    def rows(self, values: list[list[Cell | None]]) -> None: ...
    async def finish(self) -> None: ...
    def abort(self) -> None: ...


class _CsvSink:
    def __init__(self, path: Path) -> None:
        # UTF-8 with a byte order mark: spreadsheets then read accents and other scripts right.
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)

    def header(self, labels: list[str]) -> None:
        self._writer.writerow([escape_text(label) for label in labels])

    def rows(self, values: list[list[Cell | None]]) -> None:
        self._writer.writerows([csv_value(cell) for cell in row] for row in values)

    async def finish(self) -> None:
        self._file.close()

    def abort(self) -> None:
        self._file.close()


class _XlsxSink:
    def __init__(self, path: Path, sheet_file: Path) -> None:
        self._path = path
        # Write-only: rows go to a temporary file as they come, strings inline, so nothing
        # accumulates in memory however many rows there are.
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("Leads")
        # openpyxl would make that file in the system's temporary folder, where a killed process
        # leaves it for good; the sheet's writer is made here instead, on a file of ours beside
        # the export. openpyxl's cleanup() removes the file from its list of temporaries.
        sheet_writer.ALL_TEMP_FILES.append(str(sheet_file))
        writer = sheet_writer.WorksheetWriter(self._sheet, out=str(sheet_file))
        writer.write_top()
        self._sheet._writer = writer

    def header(self, labels: list[str]) -> None:
        self._sheet.append([xlsx_text(self._sheet, label) for label in labels])

    def rows(self, values: list[list[Cell | None]]) -> None:
        for row in values:
            self._sheet.append([xlsx_cell(self._sheet, cell) for cell in row])

    async def finish(self) -> None:
        # Zipping the sheet is blocking work of a few seconds for a large export: off the loop.
        await asyncio.to_thread(self._book.save, str(self._path))

    def abort(self) -> None:
        # The rows written so far wait in openpyxl's own temporary file: remove it now rather
        # than when the process exits.
        writer = getattr(self._sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                self._sheet.close()
                writer.cleanup()


PART_SUFFIX = ".part"


def part_prefix(target: Path, owner: str) -> str:
    """How the temporary files of ``target`` written by ``owner`` begin (see jobs/file_cleanup.py)."""
    return f".{target.stem}.{owner}-"


@contextlib.contextmanager
def _temporary_beside(target: Path, owner: str) -> Iterator[Path]:
    """A fresh temporary file name in the target's folder, removed unless it was renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=part_prefix(target, owner), suffix=PART_SUFFIX, dir=target.parent)
    os.close(handle)
    part = Path(name)
    try:
        yield part
    finally:
        part.unlink(missing_ok=True)


async def write_export(
    viewer: Viewer,
    request: ExportRequest,
    target: Path,
    page_loaders: Callable[[], Loaders],
    *,
    page_rows: int = PAGE_ROWS,
    after_page: Callable[[int], Awaitable[None]] | None = None,
    owner: str = "local",
) -> ExportOutcome:
    """Write the export to ``target`` (replacing it whole), reading each page's related rows
    through fresh ``page_loaders()`` (the caller builds them: the domain does not import the
    loaders); ``after_page(rows so far)`` runs after each page, e.g. to renew a job's lease or to
    stop by raising. ``owner`` (letters and
    digits) goes into the names of the temporary files, so that a clean-up can tell whose they are."""
    definitions = await all_definitions(viewer.company_id)
    columns = resolve(request.keys, definitions)
    rows = pages = 0
    with contextlib.ExitStack() as temporaries:
        part = temporaries.enter_context(_temporary_beside(target, owner))
        if request.format is ExportFormat.CSV:
            sink: _Sink = _CsvSink(part)
        else:
            sink = _XlsxSink(part, temporaries.enter_context(_temporary_beside(target, owner)))
        try:
            sink.header([c.label for c in columns])
            after: str | None = None
            while True:
                page = await find_leads(
                    viewer, request.query, page_rows, after, now=request.now, definitions=definitions
                )
                values = await page_values(viewer, page.leads, request.keys, page_loaders(), request.now)
                for start in range(0, len(values), YIELD_ROWS):
                    sink.rows(values[start : start + YIELD_ROWS])
                    # Writing is CPU work (XLSX above all) in the server's event loop: let the
                    # requests waiting there through between slices.
                    await asyncio.sleep(0)
                rows += len(values)
                pages += 1
                if after_page is not None:
                    await after_page(rows)
                if not page.has_next_page:
                    break
                after = page.cursors[-1]
        except BaseException:
            sink.abort()
            raise
        await sink.finish()
        os.replace(part, target)
    return ExportOutcome(rows=rows, size=target.stat().st_size, pages=pages)
