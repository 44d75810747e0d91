"""``leadbox import``: import leads from a CSV or XLSX file as a company's user, to the end.

The file is copied under the files folder and imported by the same job as ``importLeads``
(:mod:`jobs.import_leads`), run here in the foreground; the summary and the first problems of
the report are printed. Mistakes of the caller's making exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path
from typing import IO

from cli.progress import job_progress
from core.config import settings_from_env
from core.errors import ErrorCode, fail
from domain.contacts.duplicate import Resolution
from domain.integration.import_file import FileFormat, detect_format, save_upload
from domain.integration.import_limits import ImportLimits
from domain.integration.lead_import import MappingEntry, start_import
from domain.viewer import viewer_for_user
from jobs import import_leads  # noqa: F401  (registers the kind of job)
from jobs.runner import claim_this_job, run_job
from models import Company, JobReportEntry, User

# The report lines printed; the job keeps them all.
SHOWN_PROBLEMS = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser("import", help="import leads from a CSV or XLSX file (runs to the end)")
    command.add_argument("file", help="the CSV (UTF-8) or XLSX file")
    command.add_argument("--company", required=True, help="the company's id or exact name")
    command.add_argument("--user", required=True, metavar="EMAIL", help="the user importing (owner by default)")
    command.add_argument(
        "--map",
        action="append",
        required=True,
        metavar="HEADER=TARGET",
        help="a column of the file and the column key it fills, e.g. 'Company=organization.name'; repeatable",
    )
    command.add_argument("--duplicates", choices=["link", "create"], default="link", help="default: link")
    command.add_argument("--format", choices=["csv", "xlsx"], help="default: from the file name")
    command.add_argument("--default-currency", metavar="CODE", help="currency of values without one")


class _FileReader:
    """An open file with the async ``read`` an upload has."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    async def read(self, size: int = -1) -> bytes:
        return self.handle.read(size)


def _mapping(pairs: list[str]) -> list[MappingEntry]:
    out = []
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise fail(f"--map {pair!r}: write it as HEADER=TARGET.", ErrorCode.INVALID, "map")
        out.append(MappingEntry(column.strip(), target.strip()))
    return out


async def _company(ref: str) -> Company:
    if ref.isdigit():
        found = await Company.get_or_none(id=int(ref))
        if found is None:
            raise fail(f"no company with id {ref}", ErrorCode.NOT_FOUND, "company")
        return found
    named = await Company.filter(name=ref).limit(2)
    if len(named) != 1:
        raise fail(
            f"{'several companies are' if named else 'no company is'} named {ref!r}; give its id",
            ErrorCode.NOT_FOUND,
            "company",
        )
    return named[0]


async def run(args: argparse.Namespace) -> None:
    settings = settings_from_env()
    company = await _company(args.company)
    user = await User.get_or_none(company_id=company.id, email=args.user, is_active=True)
    if user is None:
        raise fail(f"no active user {args.user!r} in company {company.id}", ErrorCode.NOT_FOUND, "user")
    viewer = await viewer_for_user(user.id)
    path = Path(args.file)
    if not path.is_file():
        raise fail(f"no file {args.file!r}", ErrorCode.NOT_FOUND, "file")
    fmt = detect_format(path.name, FileFormat(args.format.upper()) if args.format else None)
    mapping = _mapping(args.map)
    with path.open("rb") as handle:
        saved = await save_upload(settings.files_dir, _FileReader(handle), fmt, settings.max_upload_bytes)
    try:
        job = await start_import(
            viewer,
            saved,
            fmt,
            mapping,
            Resolution(args.duplicates.upper()),
            args.default_currency,
            path.name,
            ImportLimits.of(settings),
        )
    except BaseException:
        saved.unlink(missing_ok=True)
        raise
    worker = f"cli:{socket.gethostname()}:{os.getpid()}"
    claimed = await claim_this_job(job.id, worker)
    if claimed is None:  # a server's worker took it first: it runs there
        print(f"import job {job.id} is running in the server; follow it with job(id:)")
        return
    async with job_progress(job.id, "import"):
        finished = await run_job(claimed, worker)
    result = finished.result
    print(
        f"import job {finished.id} {finished.status.value.lower()}: {result.get('rowsTotal', 0)} rows,"
        f" {result.get('leadsCreated', 0)} leads created, {result.get('rowsFailed', 0)} rows failed"
    )
    print(
        f"persons: {result.get('personsCreated', 0)} created, {result.get('personsLinked', 0)} linked;"
        f" organizations: {result.get('organizationsCreated', 0)} created,"
        f" {result.get('organizationsLinked', 0)} linked"
    )
    if finished.error:
        print(f"error: {finished.error}")
    problems = await JobReportEntry.filter(job_id=finished.id).order_by("row", "id").limit(SHOWN_PROBLEMS + 1)
    for entry in problems[:SHOWN_PROBLEMS]:
        where = f" ({entry.field})" if entry.field else ""
        print(f"row {entry.row}: {entry.code}{where}: {entry.message}")
    if len(problems) > SHOWN_PROBLEMS:
        total = await JobReportEntry.filter(job_id=finished.id).count()
        print(f"... {total - SHOWN_PROBLEMS} more problems in the job's report")


COMMANDS = {"import": run}
