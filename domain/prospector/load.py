"""Loading the prospect database from JSON Lines or CSV (the operator's job, SPEC §7).

Each line (JSON Lines) or record (CSV, with a header) is one profile: ``type`` says which
kind (``person`` or ``organization``) unless the whole file is one kind. A bad line is
reported with its line number and reason and the others are loaded; nothing is dropped
silently. A profile whose ``id`` was loaded before is updated; an erased person stays erased
and is never brought back, whatever id the source gives them (domain.prospector.erasure).

Fields of a person: ``id``, ``name`` (or ``first_name`` and ``last_name``), ``job_title``,
``seniority``, ``department``, ``country`` (ISO 3166 alpha-2), ``city``, ``organization_id``
(the ``id`` of an organization profile, loaded earlier or earlier in the file), ``company``,
``industry``, ``employee_range``, ``work_email``, ``other_emails``, ``direct_phone``,
``mobile_phone``, ``secondary_phones``, ``linkedin_url``, ``work_history`` (a list of
``{company, title, start, end}``). Of an organization: ``id``, ``name``, ``domain``,
``industry``, ``employee_range``, ``revenue_range``, ``country``, ``city``, ``street``,
``postal_code``, ``phones``. In CSV, lists are separated by ``;`` and ``work_history`` is JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from core.db import fetch
from domain.contacts.duplicate import match_key
from domain.prospector.erasure import suppression_digests
from domain.prospector.fields import ProfileError, clean_organization, clean_person
from domain.prospector.store import (
    ORGANIZATION_COLUMNS,
    PERSON_COLUMNS,
    TitleIds,
    db_time,
    finish,
    insert_rows,
    json_text,
    next_id,
)
from models import ProspectKind

BATCH = 2000


@dataclass
class LoadReport:
    organizations_created: int = 0
    organizations_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    # Erased persons met again: never loaded (they are not errors in the file).
    erased_skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _records_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | ProfileError]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, ProfileError(f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(value, dict):
            yield number, ProfileError("a line must be one JSON object")
            continue
        yield number, value


def _records_csv(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | ProfileError]]:
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    start = reader.line_num + 1
    for row in reader:
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield number, ProfileError(f"{len(row)} cells but only {len(header)} columns")
            continue
        yield number, {name: cell for name, cell in zip(header, row, strict=False) if cell.strip()}


def _kind(record: dict[str, Any], kind: ProspectKind | None) -> ProspectKind:
    given = str(record.pop("type", "") or "").strip().upper()
    if given:
        if given not in ProspectKind.__members__:
            raise ProfileError(f"type must be person or organization, not {given.lower()!r}")
        if kind is not None and given != kind.value:
            raise ProfileError(f"a {given.lower()} in a file of {kind.value.lower()}s")
        return ProspectKind(given)
    if kind is None:
        raise ProfileError("type is required (person or organization)")
    return kind


async def load_prospects(
    source: Iterable[str], fmt: str, kind: ProspectKind | None = None, now: dt.datetime | None = None
) -> LoadReport:
    """Load profiles from lines of text (an open file); ``fmt`` is ``jsonl`` or ``csv``."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown format {fmt!r}")
    is_csv = fmt == "csv"
    records = _records_csv(source) if is_csv else _records_jsonl(source)
    report = LoadReport()
    loader = _Loader(report, now or dt.datetime.now(dt.UTC))
    organizations: list[tuple[int, dict[str, Any]]] = []
    persons: list[tuple[int, dict[str, Any]]] = []
    for number, record in records:
        try:
            if isinstance(record, ProfileError):
                raise record
            if _kind(record, kind) == ProspectKind.ORGANIZATION:
                organizations.append((number, clean_organization(record, from_csv=is_csv)))
            else:
                persons.append((number, clean_person(record, from_csv=is_csv)))
        except ProfileError as error:
            report.errors.append((number, str(error)))
        if len(organizations) + len(persons) >= BATCH:
            await loader.write(organizations, persons)
            organizations, persons = [], []
    await loader.write(organizations, persons)
    await finish()
    report.errors.sort()
    return report


async def load_text(text: str, fmt: str, kind: ProspectKind | None = None) -> LoadReport:
    return await load_prospects(io.StringIO(text), fmt, kind)


class _Loader:
    def __init__(self, report: LoadReport, now: dt.datetime) -> None:
        self.report = report
        self.stamp = db_time(now)
        self.titles = TitleIds()

    async def _existing(self, table: str, external_ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(external_ids), 500):
            chunk = external_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            extra = ", erased_at" if table == "prospect_person" else ""
            for row in await fetch(f"SELECT id, external_id{extra} FROM {table} WHERE external_id IN ({marks})", chunk):
                found[row["external_id"]] = row
        return found

    async def write(
        self, organizations: list[tuple[int, dict[str, Any]]], persons: list[tuple[int, dict[str, Any]]]
    ) -> None:
        if organizations:
            await self._write_organizations(organizations)
        if persons:
            await self._write_persons(persons)

    async def _write_organizations(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        batch = _last_of_each(batch)
        existing = await self._existing("prospect_organization", [r["external_id"] for _, r in batch])
        new_id = await next_id("prospect_organization")
        rows = []
        for _, record in batch:
            values = {**record, "phones": json_text(record["phones"]), "updated_at": self.stamp}
            old = existing.get(record["external_id"])
            if old is not None:
                await _update("prospect_organization", old["id"], values)
                self.report.organizations_updated += 1
                continue
            values.update(id=new_id, created_at=self.stamp)
            rows.append(tuple(values.get(c) for c in ORGANIZATION_COLUMNS))
            new_id += 1
        await insert_rows("prospect_organization", ORGANIZATION_COLUMNS, rows)
        self.report.organizations_created += len(rows)

    async def _write_persons(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        batch = _last_of_each(batch)
        existing = await self._existing("prospect_person", [r["external_id"] for _, r in batch])
        suppressed = await _suppressed(batch)
        organizations = await self._organizations({r["organization_ref"] for _, r in batch if r["organization_ref"]})
        await self.titles.resolve(r["job_title"] for _, r in batch)
        new_id = await next_id("prospect_person")
        rows = []
        for number, record in batch:
            old = existing.get(record["external_id"])
            if (old is not None and old["erased_at"] is not None) or number in suppressed:
                self.report.erased_skipped += 1
                continue
            ref = record.pop("organization_ref")
            organization = organizations.get(ref) if ref else None
            if ref and organization is None:
                self.report.errors.append(
                    (number, f"organization_id {ref!r} is not a loaded organization; loaded without it")
                )
            values = _person_values(record, organization)
            values.update(title_id=self.titles.get(record["job_title"]), updated_at=self.stamp)
            if old is not None:
                await _update("prospect_person", old["id"], values)
                self.report.persons_updated += 1
                continue
            values.update(id=new_id, created_at=self.stamp, erased_at=None)
            rows.append(tuple(values.get(c) for c in PERSON_COLUMNS))
            new_id += 1
        await insert_rows("prospect_person", PERSON_COLUMNS, rows)
        self.report.persons_created += len(rows)

    async def _organizations(self, refs: set[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        keys = sorted(refs)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in await fetch(
                "SELECT id, external_id, name, industry, employee_range FROM prospect_organization"
                f" WHERE external_id IN ({marks})",
                chunk,
            ):
                found[row["external_id"]] = row
        return found


def _last_of_each(batch: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """One record per id in a batch: a later line with the same id wins, as a reload would."""
    last: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, record in batch:
        last[record["external_id"]] = (number, record)
    return sorted(last.values(), key=lambda item: item[0])


def _person_values(record: dict[str, Any], organization: dict[str, Any] | None) -> dict[str, Any]:
    values = dict(record)
    if organization is not None:
        values["organization_id"] = organization["id"]
        values["company_name"] = values.get("company_name") or organization["name"]
        values["industry"] = values.get("industry") or organization["industry"]
        values["employee_range"] = values.get("employee_range") or organization["employee_range"]
    values["company_name_key"] = match_key(values.get("company_name"))
    for name in ("other_emails", "secondary_phones", "work_history"):
        values[name] = json_text(values[name])
    return values


async def _update(table: str, row_id: int, values: dict[str, Any]) -> None:
    columns = [c for c in values if c not in ("id", "created_at", "erased_at")]
    assignments = ", ".join(f"{c} = ?" for c in columns)
    await fetch(f"UPDATE {table} SET {assignments} WHERE id = ?", [*(values[c] for c in columns), row_id])


async def _suppressed(batch: list[tuple[int, dict[str, Any]]]) -> set[int]:
    """Line numbers of persons whose email or LinkedIn belongs to someone erased."""
    digests: dict[str, list[int]] = {}
    for number, record in batch:
        for digest in suppression_digests(record.get("work_email"), record.get("linkedin_url")):
            digests.setdefault(digest, []).append(number)
    if not digests:
        return set()
    found: set[int] = set()
    keys = sorted(digests)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in await fetch(f"SELECT digest FROM prospect_suppression WHERE digest IN ({marks})", chunk):
            found.update(digests[row["digest"]])
    return found
