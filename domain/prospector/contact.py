"""A bought prospect becomes the company's own records: organization, person, PROSPECTOR lead
and a note with what fits no field (SPEC §7). Called inside the purchase's transaction.

Duplicates are decided first, for the person and the organization together, so that one
answer lists everything the caller has to choose. A person linked to an existing one gives
it the purchased emails and phones it lacks (and the job title when it has none); an
organization linked to an existing one gives it the address parts it lacks. The change log
records both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.errors import DomainError, FieldError
from domain.activity.note import create_note
from domain.activity.target import Target
from domain.contacts.duplicate import DuplicatePolicy, Resolution, lock_duplicates, resolve_organization, resolve_person
from domain.contacts.organization import OrganizationData, get_organization, update_organization
from domain.contacts.person import ContactValue, PersonData, get_person, update_person
from domain.leads.lead import LeadData, create_lead
from domain.viewer import Viewer
from models import Lead, LeadSource, ProspectOrganization, ProspectPerson


@dataclass(frozen=True)
class PurchaseChoice:
    """What to do when the prospect's person or organization has duplicates in the company."""

    person: Resolution | None = None
    person_id: int | None = None
    organization: Resolution | None = None
    organization_id: int | None = None

    def policy(self) -> DuplicatePolicy:
        return DuplicatePolicy(
            person=self.person,
            person_id=self.person_id,
            organization=self.organization,
            organization_id=self.organization_id,
            lead=Resolution.CREATE,
        )


def _value(value: Enum | str | None) -> str:
    """What a value reads as in a note: an enum's value ("51-200"), never its program name
    (``f"{EmployeeRange.EMPLOYEES_51_200}"`` is "EmployeeRange.EMPLOYEES_51_200")."""
    if isinstance(value, Enum):
        return str(value.value)
    return value or ""


def _label(value: Enum | str | None) -> str:
    """A word of a code such as ``C_LEVEL``, as a person reads it: "C level"."""
    return _value(value).replace("_", " ").capitalize()


def _employees(value: Enum | str | None) -> str:
    return f"{_value(value)} employees" if value else "? employees"


def _person_note(p: ProspectPerson) -> str:
    lines = ["Added from Prospector."]
    if p.linkedin_url:
        lines.append(f"LinkedIn: {p.linkedin_url}")
    if p.seniority or p.department:
        lines.append(f"Seniority: {_label(p.seniority) or '-'}; department: {_label(p.department) or '-'}")
    if p.city or p.country:
        lines.append("Location: " + ", ".join(x for x in (p.city, p.country) if x))
    if p.industry or p.employee_range:
        lines.append(f"Employer: {_value(p.industry) or '-'}, {_employees(p.employee_range)}")
    if p.secondary_phones:
        lines.append("Secondary phones: " + ", ".join(p.secondary_phones))
    if p.work_history:
        lines.append("Work history:")
        for job in p.work_history:
            period = f"{job.get('start') or '?'}-{job.get('end') or 'now'}"
            lines.append(f"- {job.get('title') or '?'}, {job.get('company') or '?'} ({period})")
    return "\n".join(lines)


def _organization_note(o: ProspectOrganization) -> str:
    lines = ["Added from Prospector."]
    if o.domain:
        lines.append(f"Website: {o.domain}")
    if o.industry:
        lines.append(f"Industry: {_value(o.industry)}")
    if o.employee_range or o.revenue_range:
        lines.append(f"Size: {_employees(o.employee_range)}; revenue {_value(o.revenue_range) or '?'} USD")
    if o.phones:
        lines.append("Phones: " + ", ".join(o.phones))
    return "\n".join(lines)


def _organization_data(org: ProspectOrganization | None, name: str) -> OrganizationData:
    if org is None:
        return OrganizationData(name=name)
    return OrganizationData(
        name=name,
        address_street=org.street,
        address_city=org.city,
        address_postal_code=org.postal_code,
        address_country=org.country,
    )


async def _resolve(
    viewer: Viewer, choice: PurchaseChoice, person_name: str | None, org_name: str | None, path: tuple[str, ...]
) -> tuple[int | None, int | None]:
    """The existing person and organization to link (None: create), or every DUPLICATE at once."""
    policy = choice.policy()
    # Inside the purchase's transaction: a createLead of the same name waits (domain.contacts.duplicate).
    await lock_duplicates(viewer.company_id, person_name=person_name, organization_name=org_name)
    errors: list[FieldError] = []
    person_id = organization_id = None
    if person_name is not None:
        try:
            person_id = await resolve_person(viewer, person_name, policy, (*path, "person"), (*path, "link_person_id"))
        except DomainError as error:
            errors += error.errors
    if org_name is not None:
        try:
            organization_id = await resolve_organization(
                viewer, org_name, policy, (*path, "organization"), (*path, "link_organization_id")
            )
        except DomainError as error:
            errors += error.errors
    if errors:
        raise DomainError(errors)
    return person_id, organization_id


async def _fill_organization(viewer: Viewer, organization_id: int, data: OrganizationData) -> None:
    """Give a linked organization the address parts it lacks."""
    existing = await get_organization(viewer, organization_id)
    changes = {
        name: getattr(data, name)
        for name in ("address_street", "address_city", "address_postal_code", "address_country")
        if getattr(data, name) and not getattr(existing, name)
    }
    if changes:
        await update_organization(viewer, organization_id, changes)


async def _fill_person(viewer: Viewer, person_id: int, data: PersonData) -> None:
    """Give a linked person the purchased emails and phones it lacks, and a missing job title."""
    existing = await get_person(viewer, person_id)
    changes: dict[str, Any] = {}
    for name in ("emails", "phones"):
        have = [
            ContactValue(e["value"], e.get("label", "work"), bool(e.get("primary"))) for e in getattr(existing, name)
        ]
        known = {c.value.strip().lower() for c in have}
        extra = [
            ContactValue(c.value, c.label, False) for c in getattr(data, name) or [] if c.value.lower() not in known
        ]
        if extra:
            changes[name] = have + extra
    if data.job_title and not existing.job_title:
        changes["job_title"] = data.job_title
    if changes:
        await update_person(viewer, person_id, changes)


async def add_prospect(
    viewer: Viewer, profile: ProspectPerson | ProspectOrganization, choice: PurchaseChoice, path: tuple[str, ...]
) -> Lead:
    if isinstance(profile, ProspectOrganization):
        person = None
        org_profile: ProspectOrganization | None = profile
        org_name: str | None = profile.name
        note = _organization_note(profile)
    else:
        org_profile = (
            await ProspectOrganization.get_or_none(id=profile.organization_id) if profile.organization_id else None
        )
        org_name = org_profile.name if org_profile else profile.company_name
        emails = [ContactValue(profile.work_email, "work", True)] if profile.work_email else []
        emails += [ContactValue(e, "other") for e in profile.other_emails or []]
        phones = [ContactValue(profile.direct_phone, "work", True)] if profile.direct_phone else []
        phones += [ContactValue(profile.mobile_phone, "mobile")] if profile.mobile_phone else []
        person = PersonData(
            name=profile.name,
            first_name=profile.first_name,
            last_name=profile.last_name,
            emails=emails,
            phones=phones,
            job_title=profile.job_title,
        )
        note = _person_note(profile)

    person_id, organization_id = await _resolve(viewer, choice, profile.name if person else None, org_name, path)
    organization = _organization_data(org_profile, org_name) if org_name else None
    data = LeadData(
        person_id=person_id,
        person=person if person is not None and person_id is None else None,
        organization_id=organization_id,
        organization=organization if organization is not None and organization_id is None else None,
        # Decided above: create_lead must not ask again.
        duplicates=DuplicatePolicy.create_all(),
    )
    lead = await create_lead(viewer, data, LeadSource.PROSPECTOR, path)
    if organization_id is not None and organization is not None:
        await _fill_organization(viewer, organization_id, organization)
    if person_id is not None and person is not None:
        await _fill_person(viewer, person_id, person)
    await create_note(viewer, Target("lead", lead.id), note)
    return lead
