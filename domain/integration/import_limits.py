"""How much an import file may hold, checked before and while it is read, never by expanding it.

An XLSX file is a zip archive: a 358 KB upload can declare a sheet of a million rows, or a
single 300 MB cell, and expanding it to find out is the attack. :func:`inspect_xlsx` reads only
the archive's directory (each entry's declared size; a zip reader never returns more than the
declared size, and a mismatch is an error) and the start of the first sheet (its declared
dimension), and refuses:

- more than ``max_expanded_bytes`` in all when expanded: FILE_TOO_LARGE;
- an entry compressed more than :data:`MAX_RATIO` times (a zip bomb, never a spreadsheet): INVALID_FILE;
- a sheet that declares, or holds, more than ``max_rows`` rows: TOO_MANY_ROWS (its row tags
  are counted in the decompressed stream, which stops at the declared size).

Planning an import counts its rows as it reads them and stops at ``max_rows`` data rows
(TOO_MANY_ROWS), whatever the file declares, so that a CSV or an XLSX without a dimension is
held to the same bound. That reading runs on a worker thread (:func:`domain.integration.lead_import.start_import`),
never on the event loop. A cell longer than :data:`MAX_CELL_CHARS` cannot be read (the CSV
reader's field limit; an XLSX cell is reported with its row).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.errors import ErrorCode, fail

# The longest text any field takes (a note, a large-text custom field).
MAX_CELL_CHARS = 100_000
# Spreadsheet XML compresses 5-30 times; deflate cannot pass about 1,030.
MAX_RATIO = 300
# Entries smaller than this are not judged by their ratio (a tiny, very regular styles.xml).
RATIO_FROM_BYTES = 1 << 20
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d+:?[A-Z]*(\d*)"')
_FIRST_SHEET = re.compile(r"^xl/worksheets/sheet\d*\.xml$")


@dataclass(frozen=True)
class ImportLimits:
    """``LEADBOX_IMPORT_MAX_ROWS`` and ``LEADBOX_IMPORT_MAX_EXPANDED_MB``."""

    max_rows: int = 100_000
    max_expanded_bytes: int = 100 << 20

    @classmethod
    def of(cls, settings: Settings) -> ImportLimits:
        return cls(settings.import_max_rows, settings.import_max_expanded_bytes)


def too_many_rows(limit: int) -> Exception:
    return fail(
        f"The file has more than {limit:,} data rows; split it into smaller files.",
        ErrorCode.TOO_MANY_ROWS,
        "input",
        "file",
    )


def inspect_xlsx(path: Path, limits: ImportLimits) -> None:
    """Refuse an XLSX archive that would expand past the limits; reads its directory only."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise fail("The file is not an XLSX workbook.", ErrorCode.INVALID_FILE, "input", "file") from exc
    with archive:
        entries = archive.infolist()
        expanded = sum(e.file_size for e in entries)
        if expanded > limits.max_expanded_bytes:
            raise fail(
                f"The workbook expands to {expanded >> 20:,} MB, more than {limits.max_expanded_bytes >> 20:,} MB; "
                "split it into smaller files.",
                ErrorCode.FILE_TOO_LARGE,
                "input",
                "file",
            )
        for entry in entries:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if entry.file_size >= RATIO_FROM_BYTES and ratio > MAX_RATIO:
                raise fail(
                    f"The workbook's part {entry.filename} is compressed {ratio:,} times, as no spreadsheet is;"
                    " it is refused.",
                    ErrorCode.INVALID_FILE,
                    "input",
                    "file",
                )
        sheets = sorted(e.filename for e in entries if _FIRST_SHEET.match(e.filename))
        if sheets:
            _count_rows(archive, sheets[0], limits.max_rows)


def _count_rows(archive: zipfile.ZipFile, name: str, max_rows: int) -> None:
    """TOO_MANY_ROWS when the sheet declares, or holds, more rows than the header and ``max_rows``.

    The declared dimension answers at once; without one, row tags are counted in the stream
    (C-speed, a megabyte at a time, stopping at the limit): openpyxl takes seconds to open a
    workbook whose sheet is large, before it yields a row, and this need not wait for it.
    """
    with archive.open(name) as sheet:
        start = sheet.read(4096)
        match = _DIMENSION.search(start)
        if match and match.group(1) and int(match.group(1)) - 1 > max_rows:
            raise too_many_rows(max_rows)
        rows, tail, chunk = 0, b"", start
        while chunk:
            text = tail + chunk
            rows += text.count(b"<row") - tail.count(b"<row")
            if rows - 1 > max_rows:
                raise too_many_rows(max_rows)
            tail = text[-4:]
            chunk = sheet.read(1 << 20)
