"""Writing one batch of an import: every row ends as a lead or in the job's report.

Every check (:func:`domain.integration.lead_import_rows.check_row`) runs before the first insert, so a bad
row cannot leave a contact behind. Duplicates are looked up for the whole batch with one
statement per kind (:func:`domain.contacts.duplicate.contacts_by_key`); a name repeated in the file
links, under LINK, to the contact an earlier row created. The rows written get what the
one-at-a-time create rules give them: match keys and search columns, checked custom values, a
lead status where the organization's category has one (as ``create_person``), the person in
the lead's organization and the title from the contact (as ``create_lead``), and a CREATED
entry in the change log for every record. They are inserted as plain rows
(:func:`core.db.insert_rows`), a few statements per batch whatever its size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.db import fetch, insert_rows, reserve_ids
from core.errors import ErrorCode
from domain import changelog
from domain.contacts import organization as organizations
from domain.contacts import person as persons
from domain.contacts.duplicate import Resolution, contacts_by_key, lock_contact_keys
from domain.contacts.lead_state import enabled_sql
from domain.contacts.lead_status import initial_status_id
from domain.fold import keyed
from domain.integration.lead_import_rows import BatchContext, GoodRow, Problem, check_row
from models import JobReportEntry, Lead, LeadLabelLink, LeadSource, Organization, Person, Visibility


@dataclass
class BatchOutcome:
    rows: int = 0
    leads: int = 0
    failed: int = 0
    persons_created: int = 0
    persons_linked: int = 0
    organizations_created: int = 0
    organizations_linked: int = 0

    def as_result(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "leads": self.leads,
            "failed": self.failed,
            "personsCreated": self.persons_created,
            "personsLinked": self.persons_linked,
            "organizationsCreated": self.organizations_created,
            "organizationsLinked": self.organizations_linked,
        }


def _ambiguous(kind: str, name: str, count: int, target: str) -> Problem:
    return Problem(
        ErrorCode.AMBIGUOUS_DUPLICATE,
        target,
        f"{count} {kind}s named {name!r} exist already; an import cannot tell which one to link."
        " Merge them, or import this row with duplicates: CREATE.",
    )


async def write_batch(context: BatchContext, job_id: int, rows: Sequence[tuple[int, list[str | None]]]) -> BatchOutcome:
    """Check, resolve and write one batch; every row ends as a lead or in the job's report."""
    viewer = context.viewer
    outcome = BatchOutcome(rows=len(rows))
    report: list[dict[str, Any]] = []
    good: list[GoodRow] = []

    def refuse(row: int, problems: list[Problem]) -> None:
        outcome.failed += 1
        report.extend(
            {"job_id": job_id, "row": row, "code": p.code.value, "field": p.target, "message": p.message}
            for p in problems
        )

    for number, cells in rows:
        checked = await check_row(context, number, cells)
        if isinstance(checked, list):
            refuse(number, checked)
        else:
            good.append(checked)

    # createLead's duplicate locks (domain.contacts.duplicate), for every name of the batch, held until the
    # batch commits: a createLead or another import of one of these names waits, then finds the
    # contact made here, instead of both checking before either inserts.
    await lock_contact_keys(
        viewer.company_id,
        organization_keys=[r.organization["name_key"] for r in good if r.organization],
        person_keys=[r.person["name_key"] for r in good if r.person],
    )
    link = context.duplicates == Resolution.LINK
    existing_orgs: dict[str, list[dict[str, Any]]] = {}
    existing_persons: dict[str, list[dict[str, Any]]] = {}
    if link:
        existing_orgs = await contacts_by_key(
            viewer, Organization, [r.organization["name_key"] for r in good if r.organization]
        )
        existing_persons = await contacts_by_key(viewer, Person, [r.person["name_key"] for r in good if r.person])
        kept = []
        for r in good:
            problems = []
            if r.organization and len(found := existing_orgs.get(r.organization["name_key"], [])) > 1:
                problems.append(_ambiguous("organization", r.organization["name"], len(found), "organization.name"))
            if r.person and len(found := existing_persons.get(r.person["name_key"], [])) > 1:
                problems.append(_ambiguous("person", r.person["name"], len(found), "person.name"))
            if problems:
                refuse(r.row, problems)
            else:
                kept.append(r)
        good = kept

    # Contacts: link an existing one (LINK), or one an earlier row of this batch creates, or
    # create one. Rows from earlier batches are in the database already, found above.
    new_orgs: list[dict[str, Any]] = []
    org_by_key: dict[str, dict[str, Any]] = {}
    for r in good:
        if r.organization is None:
            continue
        key = r.organization["name_key"]
        if link and key in existing_orgs:
            match = existing_orgs[key][0]
            r.organization_id, r.organization_name = match["id"], match["name"]
            outcome.organizations_linked += 1
        elif link and key in org_by_key:
            r.organization = org_by_key[key]
            outcome.organizations_linked += 1
        else:
            new_orgs.append(r.organization)
            org_by_key[key] = r.organization
            outcome.organizations_created += 1
    for values, new_id in zip(new_orgs, await reserve_ids("organization", len(new_orgs)), strict=True):
        values["id"] = new_id
    for r in good:
        if r.organization is not None and r.organization_id is None:
            r.organization_id, r.organization_name = r.organization["id"], r.organization["name"]

    # A new person in an organization whose category has lead status starts at the initial
    # status, as create_person does; organizations new in this batch have no category.
    new_org_ids = {o["id"] for o in new_orgs}
    joined = {
        r.organization_id for r in good if r.person and r.organization_id and r.organization_id not in new_org_ids
    }
    enabled_orgs = await _status_enabled(viewer.company_id, joined)
    initial = await initial_status_id(viewer.company_id) if enabled_orgs else None
    new_persons: list[dict[str, Any]] = []
    person_by_key: dict[str, dict[str, Any]] = {}
    for r in good:
        if r.person is None:
            continue
        key = r.person["name_key"]
        if link and key in existing_persons:
            match = existing_persons[key][0]
            r.person_id, r.person_name = match["id"], match["name"]
            outcome.persons_linked += 1
        elif link and key in person_by_key:
            r.person = person_by_key[key]
            outcome.persons_linked += 1
        else:
            # As createLead does: a new person joins the lead's organization.
            r.person["organization_id"] = r.organization_id
            if initial is not None and r.organization_id in enabled_orgs:
                r.person["lead_status_id"] = initial
            new_persons.append(r.person)
            person_by_key[key] = r.person
            outcome.persons_created += 1
    for values, new_id in zip(new_persons, await reserve_ids("person", len(new_persons)), strict=True):
        values["id"] = new_id
    for r in good:
        if r.person is not None and r.person_id is None:
            r.person_id, r.person_name = r.person["id"], r.person["name"]

    # Plain rows, inserted without building model instances (core.db.insert_rows): at this
    # volume building them costs more than the inserts.
    company_id, user_id = viewer.company_id, viewer.user_id
    leads: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for r in good:
        values = {k: v for k, v in r.lead.items() if v is not None}
        # The title createLead gives: the person's name as stored, else the organization's.
        title = values.pop("title", None) or r.person_name or r.organization_name or ""
        lead_id = uuid.uuid4()
        leads.append(
            keyed(
                Lead,
                {
                    **values,
                    "id": lead_id,
                    "company_id": company_id,
                    "title": title,
                    "person_id": r.person_id,
                    "organization_id": r.organization_id,
                    "owner_user_id": values.get("owner_user_id", user_id),
                    "visibility": values.get("visibility", Visibility.COMPANY),
                    "source": LeadSource.IMPORT,
                    "created_by_id": user_id,
                },
            )
        )
        links += [{"lead_id": lead_id, "label_id": i} for i in r.label_ids]
    outcome.leads = len(leads)

    owned = {"company_id": company_id, "owner_id": user_id}
    await insert_rows(Organization, [keyed(Organization, {**v, **owned}) for v in new_orgs])
    await insert_rows(Person, [keyed(Person, {**v, **owned}) for v in new_persons])
    await insert_rows(Lead, leads)
    await insert_rows(LeadLabelLink, links)
    log = [changelog.entry_values(viewer, company_id, organizations.ENTITY, o["id"], "CREATED") for o in new_orgs]
    log += [changelog.entry_values(viewer, company_id, persons.ENTITY, p["id"], "CREATED") for p in new_persons]
    log += [
        changelog.entry_values(viewer, company_id, "lead", lead["id"], "CREATED", "source", None, LeadSource.IMPORT)
        for lead in leads
    ]
    await changelog.write_values(log)
    report.sort(key=lambda e: e["row"])
    await insert_rows(JobReportEntry, report)
    return outcome


async def _status_enabled(company_id: int, organization_ids: set[int]) -> set[int]:
    """Which of these (existing) organizations have a category with lead status enabled."""
    if not organization_ids:
        return set()
    ids = sorted(organization_ids)
    enabled, params = enabled_sql("g")
    rows = await fetch(
        "SELECT o.id FROM organization o JOIN category c ON c.id = o.category_id"
        " JOIN category_group g ON g.id = c.group_id"
        f" WHERE o.company_id = ? AND o.id IN ({','.join('?' * len(ids))}) AND {enabled}",
        [company_id, *ids, *params],
    )
    return {int(r["id"]) for r in rows}
