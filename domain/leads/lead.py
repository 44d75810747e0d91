"""Leads: create, update, archive, delete, one at a time or in bulk; every change logged.

A lead is always linked to a person or an organization (or both) and owned by a user or a
team. Its source is decided by the path that made it, never by the client (SPEC §3.1).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.locks import lock_row
from domain import changelog
from domain.columns.custom_value import changed_values, clean_values, merge
from domain.contacts.duplicate import DuplicatePolicy, lock_duplicates, match_key, resolve_new_lead
from domain.contacts.organization import OrganizationData, create_organization, get_organization
from domain.contacts.person import PersonData, create_person, get_person
from domain.fold import key_columns, keyed
from domain.leads.label_links import replace_labels
from domain.refs import check_labels, check_owner_user, check_team
from domain.validation import money, text
from domain.versioned import check_version, write_changes, write_many
from domain.viewer import Viewer
from models import CustomFieldEntity, Lead, LeadLabelLink, LeadSource, Organization, Person, Visibility

ENTITY = "lead"
# Columns derived from others for search, filters, sorts and duplicate matching: kept, never logged.
DERIVED = key_columns(Lead)
MAX_BULK_IDS = 500
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass
class LeadData:
    title: str | None = None
    person_id: int | None = None
    person: PersonData | None = None
    organization_id: int | None = None
    organization: OrganizationData | None = None
    owner_user_id: int | None = None
    owner_team_id: int | None = None
    value_amount: Decimal | None = None
    value_currency: str | None = None
    expected_close_date: dt.date | None = None
    label_ids: list[int] = field(default_factory=list)
    visibility: Visibility | None = None
    was_seen: bool = False
    utm: dict[str, str | None] = field(default_factory=dict)
    # Values of the lead-and-deal custom fields, by key (SPEC §9).
    custom_fields: dict[str, Any] = field(default_factory=dict)
    # What to do with duplicates of the new lead and of its inline person and organization;
    # by default a duplicate found is a DUPLICATE error and nothing is created (SPEC §6).
    duplicates: DuplicatePolicy = field(default_factory=DuplicatePolicy)


def _person_name(data: PersonData) -> str | None:
    """The name a new person will get (its name, else first and last name), for matching."""
    name = (data.name or "").strip() or " ".join(p.strip() for p in (data.first_name, data.last_name) if p)
    return name or None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def can_see_lead(viewer: Viewer, lead: Lead) -> bool:
    """Whether the viewer may see this lead of their company (its visibility and owners)."""
    return viewer.can_see(lead.visibility, lead.owner_user_id, lead.owner_team_id)


async def get_lead(
    viewer: Viewer, lead_id: uuid.UUID, path: tuple[str, ...] = ("input", "id"), *, lock: bool = False
) -> Lead:
    """The lead if it belongs to the viewer's company and they may see it, else NOT_FOUND:
    another company's id looks exactly like one that does not exist. ``lock`` (inside a
    transaction) reads it afresh and holds it against other writers (core.locks)."""
    if lock:
        lead = await lock_row(Lead, lead_id, viewer.company_id)
    else:
        lead = await Lead.get_or_none(id=lead_id, company_id=viewer.company_id)
    if lead is None or not can_see_lead(viewer, lead):
        raise fail("Lead not found.", ErrorCode.NOT_FOUND, *path)
    return lead


async def visible_leads(
    viewer: Viewer, ids: Sequence[uuid.UUID], path: tuple[str, ...] = ("input", "ids")
) -> list[Lead]:
    """All the leads named, or a NOT_FOUND error listing the missing ones and nothing else."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise fail("Give at least one lead id.", ErrorCode.REQUIRED, *path)
    if len(wanted) > MAX_BULK_IDS:
        raise fail(f"At most {MAX_BULK_IDS} ids per call.", ErrorCode.TOO_MANY_ITEMS, *path)
    leads = await Lead.filter(id__in=wanted, company_id=viewer.company_id)
    found = {lead.id: lead for lead in leads if can_see_lead(viewer, lead)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise DomainError(
            FieldError(
                f"{len(missing)} lead(s) not found: " + ", ".join(str(m) for m in missing[:10]),
                ErrorCode.NOT_FOUND,
                path,
            )
        )
    return [found[i] for i in wanted]


def _clean_scalars(changes: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = dict(changes)
    if "title" in out:
        out["title"], errs = text(out["title"], (*path, "title"), required=True)
        errors += errs
    if "value" in out:
        value = out.pop("value")
        amount, currency = value if value is not None else (None, None)
        out["value_amount"], out["value_currency"], errs = money(amount, currency, (*path, "value"))
        errors += errs
    for name in UTM_FIELDS:
        if name in out:
            out[name], errs = text(out[name], (*path, name))
            errors += errs
    if out.get("owner_user_id") is not None and out.get("owner_team_id") is not None:
        errors.append(
            FieldError(
                "A lead is owned by a user or by a team, not both.", ErrorCode.OWNER_CONFLICT, (*path, "owner_team_id")
            )
        )
    if errors:
        raise DomainError(errors)
    return out


async def _check_refs(viewer: Viewer, values: dict[str, Any], path: tuple[str, ...]) -> None:
    # Error paths name the input field (`ownerId`), not the column behind it.
    await check_owner_user(viewer, values.get("owner_user_id"), (*path, "owner_id"))
    await check_team(viewer, values.get("owner_team_id"), (*path, "owner_team_id"))
    if values.get("person_id") is not None:
        await get_person(viewer, values["person_id"], (*path, "person_id"))
    if values.get("organization_id") is not None:
        await get_organization(viewer, values["organization_id"], (*path, "organization_id"))


async def create_lead(viewer: Viewer, data: LeadData, source: LeadSource, path: tuple[str, ...] = ("input",)) -> Lead:
    """Create a lead, and its person and organization when given inline, in one transaction."""
    if data.person_id is not None and data.person is not None:
        raise fail("Give either an existing person or a new one, not both.", ErrorCode.CONFLICT, *path, "person")
    if data.organization_id is not None and data.organization is not None:
        raise fail(
            "Give either an existing organization or a new one, not both.", ErrorCode.CONFLICT, *path, "organization"
        )
    if not any((data.person_id, data.person, data.organization_id, data.organization)):
        raise fail(
            "A lead must be linked to a person or an organization.", ErrorCode.CONTACT_REQUIRED, *path, "person_id"
        )
    scalars: dict[str, Any] = {
        "owner_user_id": data.owner_user_id,
        "owner_team_id": data.owner_team_id,
        "person_id": data.person_id,
        "organization_id": data.organization_id,
        **{k: data.utm.get(k) for k in UTM_FIELDS},
    }
    if data.title is not None:
        scalars["title"] = data.title
    if data.value_amount is not None or data.value_currency is not None:
        scalars["value"] = (data.value_amount if data.value_amount is not None else Decimal(0), data.value_currency)
    values = _clean_scalars(scalars, path)
    if values["owner_user_id"] is None and values["owner_team_id"] is None:
        values["owner_user_id"] = viewer.user_id
    await _check_refs(viewer, values, path)
    label_ids = await check_labels(viewer, data.label_ids, (*path, "label_ids"))
    custom = merge(
        {}, await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, data.custom_fields, (*path, "custom_fields"))
    )

    # Duplicates are decided before anything is written (an undecided one changes nothing),
    # inside the transaction that inserts.
    person_name = _person_name(data.person) if data.person is not None else None
    if person_name is None and values.get("person_id") is not None:
        person_name = (await Person.get(id=values["person_id"])).name
    organization_name = data.organization.name if data.organization is not None else None
    title = values.get("title") or person_name or organization_name
    if title is None and values.get("organization_id") is not None:
        title = (await Organization.get(id=values["organization_id"])).name

    async with in_transaction():
        # The check and the insert are one decision: no concurrent createLead of the company
        # can check the same person or organization name until this one has inserted its own.
        await lock_duplicates(viewer.company_id, person_name=person_name, organization_name=organization_name)
        resolved = await resolve_new_lead(
            viewer,
            new_person_name=person_name if data.person is not None else None,
            new_organization_name=organization_name if data.organization is not None else None,
            title=title or "",
            person_name=person_name,
            policy=data.duplicates,
            path=path,
        )
        organization: Organization | None = None
        person: Person | None = None
        if resolved.organization_id is not None:
            values["organization_id"] = resolved.organization_id
        elif data.organization is not None:
            organization = await create_organization(viewer, data.organization, (*path, "organization"))
            values["organization_id"] = organization.id
        if resolved.person_id is not None:
            values["person_id"] = resolved.person_id
        elif data.person is not None:
            if data.person.organization_id is None and values.get("organization_id") is not None:
                data.person.organization_id = values["organization_id"]
            person = await create_person(viewer, data.person, (*path, "person"))
            values["person_id"] = person.id
        if not values.get("title"):
            # The name of the contact as stored (a linked duplicate keeps its own spelling).
            if person is None and values.get("person_id") is not None:
                person = await Person.get(id=values["person_id"])
            if organization is None and values.get("organization_id") is not None:
                organization = await Organization.get(id=values["organization_id"])
            values["title"] = (person.name if person else None) or (organization.name if organization else "")
        values["title_key"] = match_key(values["title"])
        lead = await Lead.create(
            company_id=viewer.company_id,
            source=source,
            visibility=data.visibility or Visibility.COMPANY,
            expected_close_date=data.expected_close_date,
            was_seen=data.was_seen,
            created_by_id=viewer.user_id,
            **keyed(Lead, {**values, "custom_fields": custom}),
        )
        if label_ids:
            await LeadLabelLink.bulk_create([LeadLabelLink(lead_id=lead.id, label_id=i) for i in label_ids])
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, lead.id, "CREATED", "source", None, source)]
        )
    return lead


async def update_lead(
    viewer: Viewer, lead_id: uuid.UUID, changes: dict[str, Any], expected_version: int | None = None
) -> Lead:
    """Apply the given field changes (only the keys present) to one lead.

    The lead is read and changed under its row lock, and only the fields that change are
    written (domain.versioned): concurrent updates of other fields or other custom values all
    survive. With ``expected_version`` a lead changed meanwhile is a CONFLICT, nothing written.
    """
    await get_lead(viewer, lead_id)
    changes = dict(changes)
    label_ids = changes.pop("label_ids", None)
    custom = changes.pop("custom_fields", None)
    values = _clean_scalars(changes, ("input",))
    _owner_exclusive(values)
    await _check_refs(viewer, values, ("input",))
    if label_ids is not None:
        label_ids = await check_labels(viewer, label_ids, ("input", "label_ids"))
    if "title" in values:
        values["title_key"] = match_key(values["title"])
    async with in_transaction():
        lead = await get_lead(viewer, lead_id, lock=True)
        check_version(lead, expected_version, "lead")
        merged, custom_entries = await changed_values(
            viewer, CustomFieldEntity.LEAD_DEAL, lead, ENTITY, custom, ("input", "custom_fields")
        )
        if merged is not None:
            values["custom_fields"] = merged
        person_id = values.get("person_id", lead.person_id)
        organization_id = values.get("organization_id", lead.organization_id)
        if person_id is None and organization_id is None:
            raise fail(
                "A lead must stay linked to a person or an organization.",
                ErrorCode.CONTACT_REQUIRED,
                "input",
                "person_id",
            )
        if (
            values.get("owner_user_id", lead.owner_user_id) is None
            and values.get("owner_team_id", lead.owner_team_id) is None
        ):
            raise fail("A lead must have an owner: a user or a team.", ErrorCode.REQUIRED, "input", "owner_id")

        before = {k: getattr(lead, k) for k in values}
        label_entries = await replace_labels([lead.id], label_ids, viewer) if label_ids is not None else []
        # A change of labels is a change of the lead: it moves up in "last updated".
        changed = await write_changes(lead, values, touch=bool(label_entries))
        logged = {k: v for k, v in changed.items() if k not in DERIVED and k != "custom_fields"}
        entries = changelog.field_changes(viewer, viewer.company_id, ENTITY, lead.id, before, logged)
        await changelog.write(entries + custom_entries + label_entries)
    return lead


def _owner_exclusive(values: dict[str, Any]) -> None:
    """Setting one kind of owner clears the other."""
    if values.get("owner_user_id") is not None:
        values["owner_team_id"] = None
    elif values.get("owner_team_id") is not None:
        values["owner_user_id"] = None


async def set_archived(viewer: Viewer, ids: Sequence[uuid.UUID], archived: bool) -> list[Lead]:
    """Archive or unarchive leads; those already in the wanted state are left as they are."""
    leads = await visible_leads(viewer, ids)
    stamp = now()
    to_change = [lead for lead in leads if lead.is_archived != archived]
    async with in_transaction():
        if to_change:
            await write_many(
                Lead,
                [lead.id for lead in to_change],
                is_archived=archived,
                archived_at=stamp if archived else None,
                updated_at=stamp,
            )
        action = "ARCHIVED" if archived else "UNARCHIVED"
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, lead.id, action) for lead in to_change]
        )
    for lead in to_change:
        lead.is_archived = archived
        lead.archived_at = stamp if archived else None
        lead.updated_at = stamp
    return leads
