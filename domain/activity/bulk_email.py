"""Bulk email: one message with merge fields to the persons of many leads, sent as a job.

Submitting checks everything that can be checked up front (the leads, the templates, that
an SMTP server is configured) and queues a ``bulk_email`` job with one item per lead;
:mod:`jobs.bulk_email` sends each message and records it on its lead. What can only be known
when the message goes out (the lead has no address, the server refuses it) is reported on
that lead's item.

Merge fields are written ``{{person.first_name}}`` (spaces inside the braces allowed). A
field the template names but this module does not know is refused when submitting, so that
a typo never goes out as a blank; a known field without a value renders as empty.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.config import settings_from_env
from core.errors import DomainError, ErrorCode, FieldError, fail
from core.ids import to_global_id
from domain import changelog
from domain.emails_phones import primary_value
from domain.job import create_job
from domain.leads.lead import get_lead, visible_leads
from domain.viewer import Viewer
from models import Email, EmailDirection, Job, Lead, Organization, Person, User

KIND = "bulk_email"
MAX_SUBJECT_LENGTH = 255
MAX_BODY_LENGTH = 100_000
# Email.subject holds at most 998 characters, the longest line a header may have.
MAX_RENDERED_SUBJECT = 998
MERGE_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
MERGE_FIELDS: dict[str, str] = {
    "person.name": "The person's full name.",
    "person.first_name": "The person's first name.",
    "person.last_name": "The person's last name.",
    "person.email": "The address the message goes to.",
    "person.job_title": "The person's job title.",
    "organization.name": "The lead's organization, else the person's.",
    "lead.title": "The lead's title.",
    "sender.name": "The name of the user sending.",
    "sender.email": "The address of the user sending.",
}


@dataclass(frozen=True)
class Outgoing:
    """One lead's message, rendered and addressed, ready to send."""

    lead_id: uuid.UUID
    person_id: int
    to: str
    subject: str
    body: str
    sender_name: str
    sender_email: str


def merge_fields_in(template: str) -> list[str]:
    return [m.group(1) for m in MERGE_FIELD.finditer(template)]


def check_templates(subject: str, body: str) -> tuple[str, str]:
    """The subject (trimmed) and body, or every problem with them as one DomainError."""
    errors: list[FieldError] = []
    subject = (subject or "").strip()
    if not subject:
        errors.append(FieldError("subject is required.", ErrorCode.REQUIRED, ("input", "subject")))
    elif len(subject) > MAX_SUBJECT_LENGTH:
        errors.append(
            FieldError(
                f"subject is longer than {MAX_SUBJECT_LENGTH} characters.", ErrorCode.TOO_LONG, ("input", "subject")
            )
        )
    elif "\n" in subject or "\r" in subject:
        errors.append(FieldError("subject must be one line.", ErrorCode.INVALID, ("input", "subject")))
    if not (body or "").strip():
        errors.append(FieldError("body is required.", ErrorCode.REQUIRED, ("input", "body")))
    elif len(body) > MAX_BODY_LENGTH:
        errors.append(
            FieldError(f"body is longer than {MAX_BODY_LENGTH} characters.", ErrorCode.TOO_LONG, ("input", "body"))
        )
    for name, template in (("subject", subject), ("body", body or "")):
        for field in dict.fromkeys(merge_fields_in(template)):
            if field not in MERGE_FIELDS:
                errors.append(
                    FieldError(
                        f"Unknown merge field {{{{{field}}}}} in the {name}; known fields: "
                        + ", ".join(f"{{{{{known}}}}}" for known in MERGE_FIELDS)
                        + ".",
                        ErrorCode.INVALID,
                        ("input", name),
                    )
                )
    if errors:
        raise DomainError(errors)
    return subject, body


def render(template: str, values: Mapping[str, str | None], *, one_line: bool = False) -> str:
    """The template with each merge field replaced by its value ("" when it has none)."""

    def value(match: re.Match[str]) -> str:
        text = values.get(match.group(1)) or ""
        return " ".join(text.split()) if one_line else text

    return MERGE_FIELD.sub(value, template)


async def submit_bulk_email(viewer: Viewer, lead_ids: Sequence[uuid.UUID], subject: str, body: str) -> Job:
    """Queue one message to each lead's person; all the leads must be the viewer's to see.

    A lead that is missing, another company's or hidden from the viewer refuses the whole
    submission (NOT_FOUND) and nothing is queued.
    """
    subject, body = check_templates(subject, body)
    leads = await visible_leads(viewer, lead_ids, ("input", "lead_ids"))
    if not settings_from_env().smtp_host:
        raise fail(
            "Email cannot be sent: no SMTP server is configured (LEADBOX_SMTP_HOST).",
            ErrorCode.EMAIL_NOT_CONFIGURED,
        )
    keys = [to_global_id("Lead", lead.id) for lead in leads]
    return await create_job(viewer, KIND, {"subject": subject, "body": body}, keys)


def primary_email(person: Person | None) -> str | None:
    """The address a message to ``person`` goes to: their primary email (domain.emails_phones)."""
    address = (primary_value(person.emails) or "").strip() if person else ""
    return address or None


async def prepare(viewer: Viewer, lead_id: uuid.UUID, subject: str, body: str) -> Outgoing:
    """Render one lead's message; NOT_FOUND when the lead went away, NO_EMAIL_ADDRESS when its
    person (one the viewer may see) has no address."""
    lead: Lead = await get_lead(viewer, lead_id, ("lead",))
    person = None
    if lead.person_id is not None:
        person = await Person.get_or_none(id=lead.person_id, company_id=viewer.company_id)
        if person is not None and not viewer.can_see(person.visibility, person.owner_id):
            person = None
    address = primary_email(person)
    if person is None or address is None:
        reason = "has no person" if person is None else f"has a person ({person.name}) without an email address"
        raise fail(f"Not sent: the lead {reason}.", ErrorCode.NO_EMAIL_ADDRESS, "lead")
    organization = None
    organization_id = lead.organization_id or person.organization_id
    if organization_id is not None:
        organization = await Organization.get_or_none(id=organization_id, company_id=viewer.company_id)
        if organization is not None and not viewer.can_see(organization.visibility, organization.owner_id):
            organization = None
    sender = await User.get(id=viewer.user_id)
    values: dict[str, str | None] = {
        "person.name": person.name,
        "person.first_name": person.first_name,
        "person.last_name": person.last_name,
        "person.email": address,
        "person.job_title": person.job_title,
        "organization.name": organization.name if organization else None,
        "lead.title": lead.title,
        "sender.name": sender.name,
        "sender.email": sender.email,
    }
    return Outgoing(
        lead_id=lead.id,
        person_id=person.id,
        to=address,
        subject=render(subject, values, one_line=True)[:MAX_RENDERED_SUBJECT],
        body=render(body, values),
        sender_name=sender.name,
        sender_email=sender.email,
    )


async def record_sent(viewer: Viewer, outgoing: Outgoing, from_address: str, sent_at: dt.datetime) -> Email:
    """The sent message as an email of its lead, and a line in the lead's change log."""
    async with in_transaction():
        email = await Email.create(
            company_id=viewer.company_id,
            lead_id=outgoing.lead_id,
            person_id=outgoing.person_id,
            direction=EmailDirection.SENT,
            from_address=from_address,
            to_addresses=[outgoing.to],
            subject=outgoing.subject,
            body=outgoing.body,
            sent_at=sent_at,
        )
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, "lead", outgoing.lead_id, "EMAIL_SENT", "email", None, email.id
                )
            ]
        )
    return email
