"""Small async factories for test data, built on the domain rules rather than raw rows.

Going through ``domain`` keeps test data honest: a lead made here has its owner, source and
change log exactly as one made through the API would. Each factory takes the acting
``Viewer`` (``await account.viewer()``) and keyword overrides.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from core.ids import to_global_id
from domain.activity.activity import ActivityData, create_activity
from domain.activity.note import create_note
from domain.activity.target import Target
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import ContactValue, PersonData, create_person
from domain.leads.label import create_label
from domain.leads.lead import LeadData, create_lead
from domain.viewer import Viewer
from models import Activity, Lead, LeadLabel, LeadSource, Note, Organization, Person, Visibility

# The userErrors selection of a mutation payload, as the tests ask for it.
USER_ERRORS = "userErrors { field message code }"


def gid(type_name: str, key: object) -> str:
    """The global id of a row, as the API shows it."""
    return to_global_id(type_name, key)


def lead_gid(lead: Lead | uuid.UUID) -> str:
    return gid("Lead", lead.id if isinstance(lead, Lead) else lead)


async def make_org(viewer: Viewer, name: str = "Initech", **fields: Any) -> Organization:
    return await create_organization(viewer, OrganizationData(name=name, **fields))


async def make_person(
    viewer: Viewer,
    name: str = "Peter Gibbons",
    *,
    email: str | None = None,
    phone: str | None = None,
    **fields: Any,
) -> Person:
    data = PersonData(name=name, **fields)
    if email is not None:
        data.emails = [ContactValue(email)]
    if phone is not None:
        data.phones = [ContactValue(phone)]
    return await create_person(viewer, data)


async def make_lead(
    viewer: Viewer,
    title: str | None = "Printer upgrade",
    *,
    source: LeadSource = LeadSource.MANUAL,
    visibility: Visibility | None = None,
    **fields: Any,
) -> Lead:
    """A lead; without a person or organization given, a fresh person is made for it."""
    if not any(fields.get(k) is not None for k in ("person_id", "person", "organization_id", "organization")):
        fields["person_id"] = (await make_person(viewer, f"Contact of {title or 'lead'}")).id
    return await create_lead(viewer, LeadData(title=title, visibility=visibility, **fields), source)


async def make_label(viewer: Viewer, name: str = "VIP", color: str = "green") -> LeadLabel:
    return await create_label(viewer, name, color)


async def make_note(viewer: Viewer, target: Lead | Person | Organization, content: str = "Called, no answer.") -> Note:
    return await create_note(viewer, _target(target), content)


async def make_activity(
    viewer: Viewer,
    target: Lead | Person | Organization,
    subject: str = "Follow-up call",
    due_date: dt.date | None = None,
    **fields: Any,
) -> Activity:
    data = ActivityData(subject=subject, due_date=due_date or dt.date.today() + dt.timedelta(days=3), **fields)
    return await create_activity(viewer, _target(target), data)


def _target(row: Lead | Person | Organization) -> Target:
    kind = {Lead: "lead", Person: "person", Organization: "organization"}[type(row)]
    return Target(kind, row.id)
