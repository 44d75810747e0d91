"""An import's rows checked one at a time: each becomes a :class:`GoodRow` ready to write, or
the list of every :class:`Problem` it has (nothing of it is written).

The checks are the create rules' own: :func:`domain.contacts.person.clean` and
:func:`domain.contacts.organization.clean` (which also derive the match keys and search columns),
:func:`domain.columns.custom_value.clean_values` for custom values, :func:`domain.validation.text` and
``money`` for the lead's fields. Their errors are reported under the import's target keys
(``person.email``, ``cf.lead.fleet_size``) with the import's codes where a spreadsheet user
needs a precise one (``INVALID_EMAIL``, ``INVALID_MONEY``, ``UNKNOWN_OWNER`` ...).
Writing a batch of checked rows is :mod:`domain.integration.lead_import_batch`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.errors import DomainError, ErrorCode
from domain.columns.column import CF_PREFIX
from domain.columns.custom_value import clean_values, merge
from domain.contacts import organization as organizations
from domain.contacts import person as persons
from domain.contacts.duplicate import Resolution
from domain.fields import Kind
from domain.integration.import_limits import MAX_CELL_CHARS
from domain.lead_fields import of_kind
from domain.validation import money, text
from domain.viewer import Viewer
from models import (
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    LeadLabel,
    User,
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
        emails = {cell.casefold() for _, cells in rows if index < len(cells) and (cell := cells[index])}
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


def _unreadable(context: BatchContext, cells: list[str | None]) -> list[Problem]:
    """Cells no field can take whatever its rules: a NUL character, or longer than any field."""
    problems = []
    for target, index in context.columns.items():
        value = cells[index] if index < len(cells) else None
        if value is None:
            continue
        if "\x00" in value:
            problems.append(
                Problem(ErrorCode.INVALID_INPUT, target, "The cell holds a NUL character (U+0000), which text cannot.")
            )
        elif len(value) > MAX_CELL_CHARS:
            problems.append(
                Problem(ErrorCode.TOO_LONG, target, f"The cell is longer than {MAX_CELL_CHARS:,} characters.")
            )
    return problems


async def check_row(context: BatchContext, row: int, cells: list[str | None]) -> GoodRow | list[Problem]:
    """The row ready to write, or every problem it has."""
    unreadable = _unreadable(context, cells)
    if unreadable:
        return unreadable
    problems: list[Problem] = []

    def cell(target: str) -> str | None:
        return _cell(context, cells, target)

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
    # The lead's own fields (domain.lead_fields), by kind: texts, money, dates; owner; options; labels.
    lead: dict[str, Any] = {}
    for declared in of_kind(Kind.TEXT, importable=True):
        target = declared.key
        lead[declared.column], errors = text(cell(target), (target,))
        problems += [Problem(e.code, target, e.message) for e in errors]

    for declared in of_kind(Kind.MONEY, importable=True):
        target, amount = declared.key, cell(declared.key)
        if amount is None:
            continue
        currency_target = f"{target}Currency"
        currency = cell(currency_target) or context.default_currency
        if currency is None:
            problems.append(
                Problem(
                    ErrorCode.INVALID_MONEY,
                    target,
                    "The value has no currency: map a currency column or give a default currency.",
                )
            )
        else:
            value, code, errors = money(amount.replace(" ", ""), currency, ("value",))
            for e in errors:
                if e.code == ErrorCode.INVALID_CURRENCY:
                    problems.append(Problem(e.code, currency_target, e.message))
                else:
                    problems.append(Problem(ErrorCode.INVALID_MONEY, target, f"{amount!r}: {e.message}"))
            lead.update(zip(declared.columns, (value, code) if not errors else (None, None), strict=True))

    for declared in of_kind(Kind.DATE, importable=True):
        target, day = declared.key, cell(declared.key)
        if day is None:
            continue
        try:
            lead[declared.column] = dt.date.fromisoformat(day[:10] if "T" in day else day)
        except ValueError:
            problems.append(Problem(ErrorCode.INVALID_DATE, target, f"{day!r} is not a date (YYYY-MM-DD)."))

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

    for declared in of_kind(Kind.OPTION, importable=True):
        target, given = declared.key, cell(declared.key)
        if given is None:
            continue
        wanted = given.casefold()
        found = next(
            (v for v, label in declared.options.items() if wanted in (str(v.value).casefold(), label.casefold())),
            None,
        )
        if found is None:
            choices = ", ".join(str(v.value) for v in declared.options)
            problems.append(Problem(ErrorCode.INVALID, target, f"{given!r} is not one of {choices}."))
        lead[declared.column] = found

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
