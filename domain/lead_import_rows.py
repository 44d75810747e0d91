"""An import's rows, a batch at a time: each checked whole, then the good ones written in bulk.

A row becomes a lead, with its person and organization linked or created, or it is reported
with every problem it has and nothing of it is written: every check runs before the first
insert, so a bad row cannot leave a contact behind. Duplicates are looked up for the whole
batch with one statement per kind (:func:`domain.duplicate.contacts_by_key`); a name repeated in
the file links, under LINK, to the contact an earlier row created. The rows written get what
the one-at-a-time create rules give them: match keys and search columns from
:func:`domain.person.clean` and :func:`domain.organization.clean`, custom values checked by
:func:`domain.custom_value.clean_values`, a lead status where the organization's category has
one, and a CREATED entry in the change log for every record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.db import fetch, insert_rows, reserve_ids
from core.errors import DomainError, ErrorCode
from domain import changelog
from domain import organization as organizations
from domain import person as persons
from domain.columns import CF_PREFIX, VISIBILITY_LABELS
from domain.custom_value import clean_values, merge
from domain.duplicate import Resolution, contacts_by_key, match_key
from domain.lead_state import enabled_sql
from domain.lead_status import initial_status_id
from domain.validation import money, text
from domain.viewer import Viewer
from models import (
    ChangeLogEntry,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    JobReportEntry,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
    User,
    Visibility,
)

PERSON_TARGETS = {
    "person.name": "name",
    "person.firstName": "first_name",
    "person.lastName": "last_name",
    "person.jobTitle": "job_title",
}
ORGANIZATION_TARGETS = {
    "organization.name": "name",
    "organization.address.street": "address_street",
    "organization.address.city": "address_city",
    "organization.address.postalCode": "address_postal_code",
    "organization.address.country": "address_country",
}
UTM_TARGETS = {
    "lead.utmSource": "utm_source",
    "lead.utmMedium": "utm_medium",
    "lead.utmCampaign": "utm_campaign",
    "lead.utmTerm": "utm_term",
    "lead.utmContent": "utm_content",
}
# Where the create rules report a problem (their input path) → the import's target.
PERSON_PATHS = {
    "name": "person.name",
    "first_name": "person.firstName",
    "last_name": "person.lastName",
    "job_title": "person.jobTitle",
    "emails": "person.email",
    "phones": "person.phone",
}
ORGANIZATION_PATHS = {
    ("name",): "organization.name",
    ("address", "street"): "organization.address.street",
    ("address", "city"): "organization.address.city",
    ("address", "postal_code"): "organization.address.postalCode",
    ("address", "country"): "organization.address.country",
}
CF_ENTITIES = {prefix: entity for entity, prefix in CF_PREFIX.items()}
CONTACT_SOURCES = frozenset({"person", "organization"})


@dataclass(frozen=True)
class Problem:
    code: ErrorCode
    target: str | None
    message: str


@dataclass
class GoodRow:
    row: int
    lead: dict[str, Any]
    label_ids: list[int]
    person: dict[str, Any] | None
    organization: dict[str, Any] | None
    # Filled when contacts are resolved: the ids the lead links to and the names it can take.
    person_id: int | None = None
    person_name: str | None = None
    organization_id: int | None = None
    organization_name: str | None = None


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


@dataclass
class BatchContext:
    """What every row of a batch is checked against, read once per batch."""

    viewer: Viewer
    columns: dict[str, int]
    duplicates: Resolution
    default_currency: str | None
    fields: dict[str, CustomField] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    owners: dict[str, int] = field(default_factory=dict)


async def load_context(
    viewer: Viewer,
    columns: dict[str, int],
    duplicates: Resolution,
    default_currency: str | None,
    rows: Sequence[tuple[int, list[str | None]]],
    definitions: Sequence[CustomField],
) -> BatchContext:
    context = BatchContext(viewer, columns, duplicates, default_currency)
    context.fields = {CF_PREFIX[CustomFieldEntity(d.entity)] + d.key: d for d in definitions if d.deleted_at is None}
    if "lead.labels" in columns:
        labels = await LeadLabel.filter(company_id=viewer.company_id).values_list("id", "name")
        context.labels = {str(name).casefold(): int(i) for i, name in labels}
    if "lead.owner" in columns:
        index = columns["lead.owner"]
        emails = {cells[index].casefold() for _, cells in rows if index < len(cells) and cells[index]}
        if emails:
            users = await User.filter(company_id=viewer.company_id, is_active=True).values_list("id", "email")
            context.owners = {str(email).casefold(): int(i) for i, email in users if str(email).casefold() in emails}
    return context


def _cell(context: BatchContext, cells: list[str | None], target: str) -> str | None:
    index = context.columns.get(target)
    return cells[index] if index is not None and index < len(cells) else None


def _custom_text(definition: CustomField, value: str, default_currency: str | None) -> Any:
    """A cell as the API would send the field's value; what does not fit is left for
    :func:`clean_values` to refuse with its own message."""
    kind = CustomFieldType(definition.type)
    by_label = {str(o["label"]).casefold(): o["id"] for o in (definition.options or [])}
    if kind == CustomFieldType.SINGLE_OPTION:
        return by_label.get(value.casefold(), value)
    if kind == CustomFieldType.MULTIPLE_OPTIONS:
        return [by_label.get(part.strip().casefold(), part.strip()) for part in value.split(",") if part.strip()]
    if kind == CustomFieldType.MONETARY:
        parts = value.split()
        amount, currency = parts[0] if parts else "", default_currency
        if len(parts) == 2:
            # "12.50 EUR" or "EUR 12.50"
            amount, currency = (parts[0], parts[1]) if parts[1].isalpha() else (parts[1], parts[0])
        return {"amount": amount, "currency": currency}
    return value


async def check_row(context: BatchContext, row: int, cells: list[str | None]) -> GoodRow | list[Problem]:
    """The row ready to write, or every problem it has."""
    problems: list[Problem] = []
    cell = lambda target: _cell(context, cells, target)  # noqa: E731

    # Custom values first, grouped by the record they belong to.
    custom: dict[CustomFieldEntity, dict[str, Any]] = {}
    for target, definition in context.fields.items():
        if target in context.columns and (value := cell(target)) is not None:
            entity = CustomFieldEntity(definition.entity)
            custom.setdefault(entity, {})[definition.key] = _custom_text(definition, value, context.default_currency)
    cleaned: dict[CustomFieldEntity, dict[str, Any]] = {}
    for entity, values in custom.items():
        try:
            cleaned[entity] = await clean_values(
                context.viewer, entity, values, (), fields=[context.fields[CF_PREFIX[entity] + k] for k in values]
            )
        except DomainError as error:
            for e in error.errors:
                key = e.field[-1] if e.field else ""
                problems.append(Problem(e.code, CF_PREFIX[entity] + key, e.message))

    person = _person(cell, cleaned.get(CustomFieldEntity.PERSON), CustomFieldEntity.PERSON in custom, problems)
    organization = _organization(
        cell, cleaned.get(CustomFieldEntity.ORGANIZATION), CustomFieldEntity.ORGANIZATION in custom, problems
    )
    lead, label_ids = _lead(context, cell, problems)
    lead["custom_fields"] = merge({}, cleaned.get(CustomFieldEntity.LEAD_DEAL, {}))
    # A row without a contact says so, unless its person or organization was there but refused.
    contact_refused = any(p.target and p.target.split(".")[0] in CONTACT_SOURCES for p in problems)
    if person is None and organization is None and not contact_refused:
        if lead.get("title"):
            problems.append(
                Problem(
                    ErrorCode.CONTACT_REQUIRED, None, "A lead needs a person or an organization: the row names neither."
                )
            )
        else:
            problems.append(
                Problem(
                    ErrorCode.MISSING_TITLE,
                    "lead.title",
                    "No title, and no person or organization name to take one from.",
                )
            )
    if problems:
        return problems
    return GoodRow(row=row, lead=lead, label_ids=label_ids, person=person, organization=organization)


def _person(
    cell: Any, custom: dict[str, Any] | None, has_custom: bool, problems: list[Problem]
) -> dict[str, Any] | None:
    raw: dict[str, Any] = {name: cell(target) for target, name in PERSON_TARGETS.items() if cell(target)}
    email, phone = cell("person.email"), cell("person.phone")
    if email:
        raw["emails"] = [persons.ContactValue(email, "work", True)]
    if phone:
        raw["phones"] = [persons.ContactValue(phone, "work", True)]
    if not raw and not has_custom:
        return None
    try:
        values = persons.clean(raw, (), creating=True)
    except DomainError as error:
        for e in error.errors:
            target = PERSON_PATHS.get(e.field[0] if e.field else "", "person.name")
            code = {"person.email": ErrorCode.INVALID_EMAIL, "person.phone": ErrorCode.INVALID_PHONE}.get(
                target, e.code
            )
            message = (
                e.message
                if target != "person.name" or e.code != ErrorCode.REQUIRED
                else ("The row has person details but no person name (or first and last name).")
            )
            problems.append(Problem(code, target, message))
        return None
    values["custom_fields"] = merge({}, custom or {})
    return values


def _organization(
    cell: Any, custom: dict[str, Any] | None, has_custom: bool, problems: list[Problem]
) -> dict[str, Any] | None:
    raw = {name: cell(target) for target, name in ORGANIZATION_TARGETS.items() if cell(target)}
    if not raw and not has_custom:
        return None
    try:
        values = organizations.clean(raw, (), creating=True)
    except DomainError as error:
        for e in error.errors:
            target = ORGANIZATION_PATHS.get(tuple(e.field or ()), "organization.name")
            message = (
                e.message
                if target != "organization.name" or e.code != ErrorCode.REQUIRED
                else ("The row has organization details but no organization name.")
            )
            problems.append(Problem(e.code, target, message))
        return None
    values["custom_fields"] = merge({}, custom or {})
    return values


def _lead(context: BatchContext, cell: Any, problems: list[Problem]) -> tuple[dict[str, Any], list[int]]:
    lead: dict[str, Any] = {}
    title, errors = text(cell("lead.title"), ("lead.title",))
    lead["title"] = title
    problems += [Problem(e.code, "lead.title", e.message) for e in errors]
    for target, name in UTM_TARGETS.items():
        lead[name], errors = text(cell(target), (target,))
        problems += [Problem(e.code, target, e.message) for e in errors]

    amount = cell("lead.value")
    if amount is not None:
        currency = cell("lead.valueCurrency") or context.default_currency
        if currency is None:
            problems.append(
                Problem(
                    ErrorCode.INVALID_MONEY,
                    "lead.value",
                    "The value has no currency: map a currency column or give a default currency.",
                )
            )
        else:
            value, code, errors = money(amount.replace(" ", ""), currency, ("value",))
            for e in errors:
                if e.code == ErrorCode.INVALID_CURRENCY:
                    problems.append(Problem(e.code, "lead.valueCurrency", e.message))
                else:
                    problems.append(Problem(ErrorCode.INVALID_MONEY, "lead.value", f"{amount!r}: {e.message}"))
            lead["value_amount"], lead["value_currency"] = (value, code) if not errors else (None, None)

    close = cell("lead.expectedCloseDate")
    if close is not None:
        try:
            lead["expected_close_date"] = dt.date.fromisoformat(close[:10] if "T" in close else close)
        except ValueError:
            problems.append(
                Problem(ErrorCode.INVALID_DATE, "lead.expectedCloseDate", f"{close!r} is not a date (YYYY-MM-DD).")
            )

    owner = cell("lead.owner")
    if owner is not None:
        owner_id = context.owners.get(owner.casefold())
        if owner_id is None:
            problems.append(
                Problem(
                    ErrorCode.UNKNOWN_OWNER,
                    "lead.owner",
                    f"{owner!r} is not the email of an active user of the company.",
                )
            )
        lead["owner_user_id"] = owner_id

    visibility = cell("lead.visibility")
    if visibility is not None:
        wanted = visibility.casefold()
        found = next(
            (v for v, label in VISIBILITY_LABELS.items() if wanted in (v.value.casefold(), label.casefold())), None
        )
        if found is None:
            choices = ", ".join(v.value for v in Visibility)
            problems.append(Problem(ErrorCode.INVALID, "lead.visibility", f"{visibility!r} is not one of {choices}."))
        lead["visibility"] = found

    label_ids: list[int] = []
    names = cell("lead.labels")
    if names is not None:
        unknown = []
        for name in (n.strip() for n in names.split(",")):
            if name:
                found_id = context.labels.get(name.casefold())
                if found_id is None:
                    unknown.append(name)
                elif found_id not in label_ids:
                    label_ids.append(found_id)
        if unknown:
            problems.append(
                Problem(
                    ErrorCode.UNKNOWN_LABEL,
                    "lead.labels",
                    "No label named " + ", ".join(repr(n) for n in unknown) + "; create it first or fix the name.",
                )
            )
    return lead, label_ids


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
            {
                **values,
                "id": lead_id,
                "company_id": company_id,
                "title": title,
                "title_key": match_key(title),
                "person_id": r.person_id,
                "organization_id": r.organization_id,
                "owner_user_id": values.get("owner_user_id", user_id),
                "visibility": values.get("visibility", Visibility.COMPANY),
                "source": LeadSource.IMPORT,
                "created_by_id": user_id,
            }
        )
        links += [{"lead_id": lead_id, "label_id": i} for i in r.label_ids]
    outcome.leads = len(leads)

    await insert_rows(Organization, [{**v, "company_id": company_id, "owner_id": user_id} for v in new_orgs])
    await insert_rows(Person, [{**v, "company_id": company_id, "owner_id": user_id} for v in new_persons])
    await insert_rows(Lead, leads)
    await insert_rows(LeadLabelLink, links)
    log = [changelog.entry_values(viewer, company_id, organizations.ENTITY, o["id"], "CREATED") for o in new_orgs]
    log += [changelog.entry_values(viewer, company_id, persons.ENTITY, p["id"], "CREATED") for p in new_persons]
    log += [
        changelog.entry_values(viewer, company_id, "lead", lead["id"], "CREATED", "source", None, LeadSource.IMPORT)
        for lead in leads
    ]
    await insert_rows(ChangeLogEntry, log)
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
