"""Importing leads from a CSV or XLSX file (SPEC §3.2 "Import"), as a background job.

:func:`start_import` checks the column mapping against the file's header and the column
catalogue before anything runs, then creates an ``import_leads`` job with one item per batch
of :data:`BATCH_ROWS` data rows (the item's key names the batch's first and last row). The job
(:mod:`jobs.import_leads`) writes each batch in the transaction that records the item done,
through :func:`domain.integration.lead_import_batch.write_batch`, so an interrupted import resumes at the
first batch not committed and never doubles a row.

Mapping targets are column keys of ``leadColumns`` that :func:`domain.columns.column.importable`
accepts, plus ``lead.valueCurrency``. Choices made here, as a sales team would expect them:

- a lead's title, when not mapped or empty in a row, is its person's name, else its
  organization's name, as for ``createLead``; a row needs a person or an organization;
- duplicate persons and organizations (by name, SPEC §6) are linked under ``LINK`` (the
  default) and created anew under ``CREATE``; a name repeated within the file is one contact
  under ``LINK``; where several existing contacts match, the row is reported
  (``AMBIGUOUS_DUPLICATE``) rather than linked to a guess. A linked contact is left as it is:
  the row's person or organization details and custom values are not written onto it;
- labels are matched by name (any case); an unknown label name is reported
  (``UNKNOWN_LABEL``) rather than created, so that a typo does not add a label for everyone;
- the owner is given by a user's email; rows without one are owned by the importing user;
- a value without a currency column takes the import's default currency;
- rows with no cell at all are not data rows and are not counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain.columns.column import IMPORT_ONLY_COLUMNS, catalogue, importable
from domain.columns.custom_field import all_definitions
from domain.contacts.duplicate import Resolution
from domain.integration.import_file import FileFormat, read_rows
from domain.integration.import_limits import ImportLimits, inspect_xlsx, too_many_rows
from domain.job import create_job
from domain.validation import CURRENCIES
from domain.viewer import Viewer
from models import Job

KIND = "import_leads"
BATCH_ROWS = 500
CONTACT_TARGETS = ("person.name", "person.firstName", "person.lastName", "organization.name")


@dataclass(frozen=True)
class MappingEntry:
    column: str
    target: str


def batch_key(first: int, last: int, count: int) -> str:
    """An item's key: the batch's first and last row numbers and how many data rows it holds."""
    return f"{first}-{last}:{count}"


def parse_batch_key(key: str) -> tuple[int, int, int]:
    span, _, count = key.partition(":")
    first, _, last = span.partition("-")
    return int(first), int(last), int(count)


async def check_mapping(viewer: Viewer, mapping: Sequence[MappingEntry], path: tuple[str, ...]) -> None:
    """Every problem of the mapping itself, each at ``(*path, index, "target")``."""
    columns = {c.key: c for c in catalogue(await all_definitions(viewer.company_id))} | IMPORT_ONLY_COLUMNS
    errors: list[FieldError] = []
    seen: set[str] = set()
    if not mapping:
        raise fail("Map at least one column of the file.", ErrorCode.REQUIRED, *path)
    for index, entry in enumerate(mapping):
        where = (*path, str(index), "target")
        column = columns.get(entry.target)
        if column is None:
            errors.append(
                FieldError(
                    f"There is no column {entry.target!r}; `leadColumns` lists them.", ErrorCode.UNKNOWN_COLUMN, where
                )
            )
        elif not importable(column):
            errors.append(
                FieldError(
                    f"{column.label} ({entry.target}) is not set by an import.", ErrorCode.COLUMN_NOT_IMPORTABLE, where
                )
            )
        elif entry.target in seen:
            errors.append(FieldError(f"{entry.target} is mapped twice.", ErrorCode.DUPLICATE, where))
        seen.add(entry.target)
    targets = {e.target for e in mapping}
    if not errors and not targets & {"lead.title", *CONTACT_TARGETS}:
        errors.append(
            FieldError(
                "Map a column to the lead title, or to a person or organization name to take the title from.",
                ErrorCode.MISSING_TITLE,
                path,
            )
        )
    elif not errors and not targets & set(CONTACT_TARGETS):
        errors.append(
            FieldError(
                "A lead needs a person or an organization: map a column to a person or organization name.",
                ErrorCode.CONTACT_REQUIRED,
                path,
            )
        )
    if errors:
        raise DomainError(errors)


def header_columns(
    header: Sequence[str | None], mapping: Sequence[MappingEntry], path: tuple[str, ...]
) -> dict[str, int]:
    """Each target's position in the file; HEADER_NOT_FOUND for a column the header lacks."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if name:
            positions.setdefault(name, []).append(index)
    out: dict[str, int] = {}
    errors: list[FieldError] = []
    for index, entry in enumerate(mapping):
        where = (*path, str(index), "column")
        found = positions.get(entry.column.strip())
        if not found:
            errors.append(
                FieldError(f"The file's header has no column {entry.column!r}.", ErrorCode.HEADER_NOT_FOUND, where)
            )
        elif len(found) > 1:
            errors.append(
                FieldError(
                    f"The file's header has {len(found)} columns named {entry.column!r}.", ErrorCode.DUPLICATE, where
                )
            )
        else:
            out[entry.target] = found[0]
    if errors:
        raise DomainError(errors)
    return out


def plan_batches(
    path: Path, fmt: FileFormat, batch_rows: int | None = None, limits: ImportLimits | None = None
) -> tuple[tuple[int, list[str | None]], list[str], int]:
    """The header row, the batches' keys and the number of data rows, in one pass over the file.

    Blocking (it reads the whole file): run it on a thread. TOO_MANY_ROWS as soon as the file
    passes ``limits.max_rows`` data rows; an XLSX archive is inspected first (import_limits).
    """
    batch_rows = batch_rows or BATCH_ROWS
    limits = limits or ImportLimits()
    if fmt == FileFormat.XLSX:
        inspect_xlsx(path, limits)
    rows = read_rows(path, fmt)
    header = next(rows, None)
    if header is None or not any(header[1]):
        raise fail("The file is empty: its first row must name the columns.", ErrorCode.INVALID_FILE, "input", "file")
    keys: list[str] = []
    count = first = last = 0
    in_batch = 0
    for number, cells in rows:
        if not any(cells):
            continue
        if count == limits.max_rows:
            raise too_many_rows(limits.max_rows)
        if in_batch == 0:
            first = number
        last = number
        in_batch += 1
        count += 1
        if in_batch == batch_rows:
            keys.append(batch_key(first, last, in_batch))
            in_batch = 0
    if in_batch:
        keys.append(batch_key(first, last, in_batch))
    return header, keys, count


async def start_import(
    viewer: Viewer,
    file: Path,
    fmt: FileFormat,
    mapping: Sequence[MappingEntry],
    duplicates: Resolution = Resolution.LINK,
    default_currency: str | None = None,
    filename: str | None = None,
    limits: ImportLimits | None = None,
) -> Job:
    """Check the mapping against the saved file and queue the import; nothing is written yet."""
    path = ("input", "mapping")
    await check_mapping(viewer, mapping, path)
    currency = (default_currency or "").strip().upper() or None
    if currency is not None and currency not in CURRENCIES:
        raise fail(
            f"{default_currency!r} is not an ISO 4217 currency code.",
            ErrorCode.INVALID_CURRENCY,
            "input",
            "default_currency",
        )
    # Reading the whole file is blocking work: off the event loop, bounded by the limits.
    (header_row, header), keys, count = await asyncio.to_thread(plan_batches, file, fmt, None, limits)
    columns = header_columns(header, mapping, path)
    params: dict[str, Any] = {
        "file": str(file.resolve()),
        "filename": filename,
        "format": fmt.value,
        "mapping": [[e.column, e.target] for e in mapping],
        "columns": columns,
        "header_row": header_row,
        "duplicates": duplicates.value,
        "default_currency": currency,
        "rows_total": count,
    }
    return await create_job(viewer, KIND, params, keys)
