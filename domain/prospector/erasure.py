"""Erasing a person from the prospect database on their request (SPEC §7, data protection).

The profile keeps its row (purchases point at it) but loses every personal detail, drops out
of search and can never be bought again. The digests of its work email and LinkedIn address
are kept, so that a later load never brings the person back, whatever id the source gives.
Copies a company bought before the erasure are that company's own records and stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from tortoise.transactions import in_transaction

from core.db import fetch
from domain.prospector.store import db_time
from models import ProspectPerson


def suppression_digests(work_email: str | None, linkedin_url: str | None) -> list[str]:
    """What identifies an erased person across loads: their email and LinkedIn address,
    normalised (case, a trailing slash, the scheme and ``www.``) and hashed."""
    out = []
    if work_email:
        out.append(_digest("email", work_email.strip().lower()))
    if linkedin_url:
        url = linkedin_url.strip().lower().rstrip("/")
        for prefix in ("https://", "http://", "www."):
            url = url.removeprefix(prefix)
        out.append(_digest("linkedin", url))
    return out


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def find_person(ref: str) -> ProspectPerson | None:
    """A person profile by database id or by the id of the source it was loaded from."""
    person = await ProspectPerson.get_or_none(external_id=ref)
    if person is None and ref.isdigit():
        person = await ProspectPerson.get_or_none(id=int(ref))
    return person


async def erase_person(person: ProspectPerson, now: dt.datetime | None = None) -> bool:
    """Erase one person; False when they were erased already."""
    if person.erased_at is not None:
        return False
    now = now or dt.datetime.now(dt.UTC)
    digests = suppression_digests(person.work_email, person.linkedin_url)
    async with in_transaction():
        for digest in digests:
            await fetch(
                "INSERT INTO prospect_suppression (digest, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [digest, db_time(now)],
            )
        await ProspectPerson.filter(id=person.id).update(
            erased_at=now,
            name="(erased)",
            first_name=None,
            last_name=None,
            job_title=None,
            title_id=None,
            seniority=None,
            department=None,
            country=None,
            city=None,
            organization_id=None,
            company_name=None,
            company_name_key="",
            industry=None,
            employee_range=None,
            work_email=None,
            other_emails=[],
            direct_phone=None,
            mobile_phone=None,
            secondary_phones=[],
            linkedin_url=None,
            work_history=[],
        )
    return True
