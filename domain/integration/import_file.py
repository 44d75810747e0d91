"""Files handed in for an import: kept under the files folder, read back as rows, streamed.

An upload is copied to ``<files_dir>/imports/<random>.<csv|xlsx>``: the name is made here,
never taken from the client, so no client can choose where a file lands. Reading yields one
``(row number, cells)`` per line of the file, the header included, numbered as a spreadsheet
shows them (the header is row 1), each cell as stripped text or None, so that the rest of an
import never cares which format the file had. CSV is read as UTF-8 (a byte-order mark is
skipped), with the delimiter (comma, semicolon or tab) taken from the header line; XLSX is
read from its first sheet in openpyxl's read-only mode, in constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from core.errors import ErrorCode, fail
from domain.integration.import_limits import MAX_CELL_CHARS

IMPORTS_FOLDER = "imports"
CHUNK = 1 << 20
# A CSV cell can be long (a note pasted into a large-text field) but not unbounded: one a
# little longer than any field takes is still read, so that its row is reported as too long.
csv.field_size_limit(MAX_CELL_CHARS + 1)


class FileFormat(str, Enum):
    CSV = "CSV"
    XLSX = "XLSX"


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


def detect_format(filename: str | None, given: FileFormat | None) -> FileFormat:
    """The format named by the client, else the one the file name's extension says."""
    if given is not None:
        return given
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".csv", ".txt"):
        return FileFormat.CSV
    if suffix == ".xlsx":
        return FileFormat.XLSX
    raise fail(
        "Say whether the file is CSV or XLSX (format), or upload it with a .csv or .xlsx name.",
        ErrorCode.INVALID_FILE,
        "input",
        "format",
    )


async def save_upload(files_dir: str, upload: Readable, fmt: FileFormat, max_bytes: int) -> Path:
    """Copy an upload under the files folder; FILE_TOO_LARGE (and nothing kept) past ``max_bytes``."""
    folder = Path(files_dir) / IMPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{fmt.value.lower()}"
    size = 0
    try:
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise fail(
                        f"The file is larger than {max_bytes // (1 << 20)} MB; split it into smaller files.",
                        ErrorCode.FILE_TOO_LARGE,
                        "input",
                        "file",
                    )
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def cell_text(value: Any) -> str | None:
    """A cell as text: stripped, None when empty; numbers without float noise, dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip() or None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str | None]]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        # Strict: a quote never closed is an error, not a cell swallowing the rest of the file.
        reader = csv.reader(handle, delimiter=_sniff_delimiter(first), strict=True)
        # Records are numbered as a spreadsheet opening the file numbers its rows (a quoted
        # cell spanning lines is still one row).
        number = 0
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise fail(
                    f"Row {number + 1} (line {line}) of the CSV cannot be read: {_csv_reason(exc)}. "
                    "Nothing was imported; correct the file and import it again.",
                    ErrorCode.INVALID_FILE,
                    "input",
                    "file",
                ) from exc
            number += 1
            yield number, [c.strip() or None for c in row]


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return 'a quoted cell is never closed (a " is missing)'
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_CELL_CHARS:,} characters"
    return text


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str | None]]]:
    # Imported here, when an XLSX file is read: about 200 modules that every server and CLI start
    # (cli/lead_import.py imports this module) would load for nothing otherwise.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook, or no zip at all: several exception types
        raise fail("The file is not an XLSX workbook.", ErrorCode.INVALID_FILE, "input", "file") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows():
            values: list[str | None] = []
            number = None
            for cell in row:
                column = getattr(cell, "column", None)
                if column is None:  # an empty cell of read-only mode: no position of its own
                    values.append(None)
                    continue
                number = cell.row
                while len(values) < column - 1:
                    values.append(None)
                values.append(cell_text(cell.value))
            if number is not None:
                yield number, values
    finally:
        workbook.close()


def read_rows(path: Path, fmt: FileFormat) -> Iterator[tuple[int, list[str | None]]]:
    """Every row of the file with its number, the header (row 1) first; rows with no cell at all
    may be left out by XLSX. INVALID_FILE when the file is not what its format says."""
    if fmt == FileFormat.XLSX:
        yield from _xlsx_rows(path)
        return
    try:
        yield from _csv_rows(path)
    except UnicodeDecodeError as exc:
        raise fail(
            "The file is not UTF-8 text; save it as CSV UTF-8 and upload it again.",
            ErrorCode.INVALID_FILE,
            "input",
            "file",
        ) from exc
