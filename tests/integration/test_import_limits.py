"""Import files that would stall or flood the server are refused before they are expanded, and
every row of a CSV is accounted for (domain/integration/import_limits.py, domain/integration/import_file.py).

The XLSX bombs are built here as real archives: a sheet declaring a million rows that compresses
to a few hundred KB, a single cell of 150 MB, a part compressed a thousand times.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import create_app
from core.config import Settings
from models import Job, Lead
from tests.conftest import Account
from tests.integration.test_import import run_import, upload

SMALL_MAPPING = [{"column": "Title", "target": "lead.title"}, {"column": "Organization", "target": "organization.name"}]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _row(number: int, *cells: str) -> str:
    inline = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{inline}</row>'


def workbook(sheet_parts: Iterable[str], extra: dict[str, Iterable[bytes]] | None = None) -> bytes:
    """A real XLSX archive whose first sheet is written from ``sheet_parts`` as it is compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
        for name, chunks in (extra or {}).items():
            with archive.open(name, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk)
    return buffer.getvalue()


def million_rows(dimension: bool) -> Iterable[str]:
    yield SHEET_HEAD
    if dimension:
        yield '<dimension ref="A1:B1000000"/>'
    yield "<sheetData>" + _row(1, "Title", "Organization")
    # Positions are optional in a sheet: identical rows, which compress to almost nothing.
    same = '<row><c t="inlineStr"><is><t>Deal</t></is></c><c t="inlineStr"><is><t>Acme</t></is></c></row>'
    for _ in range(100):
        yield same * 9_999
    yield "</sheetData></worksheet>"


@pytest.fixture
async def http(database: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database, files_dir=str(tmp_path / "files"), max_upload_bytes=2 << 20, import_max_rows=50
    )
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


def uploaded(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "files" / "imports"
    return list(folder.iterdir()) if folder.exists() else []


async def refused(account: Account, content: bytes, filename: str) -> dict[str, Any]:
    payload = await upload(account, content, filename, mapping=SMALL_MAPPING)
    assert payload["job"] is None
    (error,) = payload["userErrors"]
    return error


async def test_a_sheet_declaring_a_million_rows_is_refused_unread(account: Account, tmp_path: Path) -> None:
    bomb = workbook(million_rows(dimension=True))
    assert len(bomb) < 1 << 20  # a few hundred KB that expand to a million rows
    error = await refused(account, bomb, "bomb.xlsx")
    assert error["code"] == "TOO_MANY_ROWS"
    assert "50" in error["message"]
    assert await Job.all().count() == 0
    assert uploaded(tmp_path) == []


async def test_rows_are_counted_when_a_sheet_declares_nothing(account: Account) -> None:
    error = await refused(account, workbook(million_rows(dimension=False)), "bomb.xlsx")
    assert error["code"] == "TOO_MANY_ROWS"


async def test_a_150_mb_cell_is_refused_from_the_archive_directory(account: Account) -> None:
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>',
        *(b"a" * (1 << 20) for _ in range(150)),
        b"</t></si></sst>",
    )
    sheet = [SHEET_HEAD, "<sheetData>", _row(1, "Title", "Organization"), "</sheetData></worksheet>"]
    bomb = workbook(sheet, {"xl/sharedStrings.xml": strings})
    assert len(bomb) < 1 << 20
    error = await refused(account, bomb, "cell.xlsx")
    assert error["code"] == "FILE_TOO_LARGE"
    assert "expands to 150 MB" in error["message"]


async def test_a_part_compressed_a_thousand_times_is_refused(account: Account) -> None:
    sheet = [SHEET_HEAD, "<sheetData>", _row(1, "Title", "Organization"), "</sheetData></worksheet>"]
    bomb = workbook(sheet, {"xl/media/padding.bin": (b"\0" * (1 << 20) for _ in range(20))})
    error = await refused(account, bomb, "ratio.xlsx")
    assert error["code"] == "INVALID_FILE"
    assert "compressed" in error["message"]


async def test_a_small_workbook_still_imports(account: Account) -> None:
    sheet = [SHEET_HEAD, "<sheetData>", _row(1, "Title", "Organization"), _row(2, "Deal", "Acme")]
    job = await run_import(account, workbook([*sheet, "</sheetData></worksheet>"]), "ok.xlsx", mapping=SMALL_MAPPING)
    assert job["result"]["leadsCreated"] == 1


def csv_file(*rows: str) -> bytes:
    return ("\n".join(["Title,Organization", *rows]) + "\n").encode()


async def test_more_csv_rows_than_the_limit_are_refused(account: Account) -> None:
    rows = [f"Deal {n},Acme" for n in range(51)]
    error = await refused(account, csv_file(*rows), "many.csv")
    assert error["code"] == "TOO_MANY_ROWS"
    job = await run_import(account, csv_file(*rows[:50]), "fifty.csv", mapping=SMALL_MAPPING)
    assert job["result"]["leadsCreated"] == 50


async def test_an_unterminated_quote_is_reported_with_its_row(account: Account) -> None:
    """Before: the quote swallowed rows 4-8 into one cell, which were neither imported nor reported."""
    rows = ["Deal 2,Acme", "Deal 3,Acme", '"Deal 4,Acme', "Deal 5,Acme", "Deal 6,Acme", "Deal 7,Acme", "Deal 8,Acme"]
    error = await refused(account, csv_file(*rows), "quote.csv")
    assert error["code"] == "INVALID_FILE"
    assert error["field"] == ["input", "file"]
    assert "Row 4" in error["message"]
    assert "never closed" in error["message"]
    assert await Lead.all().count() == 0


async def test_a_nul_cell_reports_its_row_and_keeps_the_others(account: Account) -> None:
    rows = ["Deal 2,Acme", "Deal\x003,Acme", "Deal 4,Acme"]
    job = await run_import(account, csv_file(*rows), "nul.csv", mapping=SMALL_MAPPING)
    assert job["result"]["rowsTotal"] == 3
    assert job["result"]["leadsCreated"] == 2
    assert job["result"]["rowsFailed"] == 1
    report = [e["node"] for e in job["report"]["edges"]]
    assert [(r["row"], r["code"], r["field"]) for r in report] == [(3, "INVALID_INPUT", "lead.title")]
    assert sorted(await Lead.all().values_list("title", flat=True)) == ["Deal 2", "Deal 4"]
