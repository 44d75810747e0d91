"""Persons: contact details as labelled lists, with the search columns derived from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.locks import lock_row
from domain import changelog
from domain.columns.custom_value import changed_values, clean_values, merge
from domain.contacts.duplicate import match_key
from domain.contacts.lead_state import (
    HIDDEN_MESSAGES,
    category_enabled,
    lead_states,
    organization_category_id,
    person_category_changed,
)
from domain.contacts.lead_status import get_status, initial_status_id
from domain.contacts.organization import get_organization
from domain.fold import key_columns, keyed
from domain.refs import check_owner_user
from domain.validation import email_problem, phone_problem, text
from domain.versioned import check_version, write_changes, write_many
from domain.viewer import Viewer
from models import CustomFieldEntity, Lead, Person, Visibility

ENTITY = "person"
# Columns derived from others for search and duplicate matching: kept, never logged.
DERIVED = frozenset({"email_search", "phone_search", *key_columns(Person)})


@dataclass
class ContactValue:
    value: str
    label: str = "work"
    primary: bool = False


@dataclass
class PersonData:
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    emails: list[ContactValue] | None = None
    phones: list[ContactValue] | None = None
    job_title: str | None = None
    organization_id: int | None = None
    owner_id: int | None = None
    visibility: Visibility | None = None
    # Values of the entity's custom fields, by key (SPEC §9).
    custom_fields: dict[str, Any] | None = None
    # Set when the client tried to give the person a category: refused, it is inherited.
    sets_category: bool = False


def digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _contact_list(
    items: list[ContactValue], path: tuple[str, ...], kind: str
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    errors: list[FieldError] = []
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        value = (item.value or "").strip()
        where = (*path, str(i), "value")
        problem = email_problem(value) if kind == "email" else phone_problem(value)
        if problem:
            shown = value if len(value) <= 80 else value[:77] + "..."
            errors.append(FieldError(f"{shown!r} {problem}.", ErrorCode.INVALID, where))
        out.append({"value": value, "label": (item.label or "work").strip()[:32], "primary": bool(item.primary)})
    # Exactly one primary entry in a non-empty list: the first marked one, else the first.
    if out:
        first = next((i for i, e in enumerate(out) if e["primary"]), 0)
        for i, e in enumerate(out):
            e["primary"] = i == first
    return out, errors


def split_name(name: str) -> tuple[str, str | None]:
    first, _, last = name.partition(" ")
    return first, last.strip() or None


def clean(changes: dict[str, Any], path: tuple[str, ...], *, creating: bool) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = dict(changes)
    if "category_id" in out:
        out.pop("category_id")
        errors.append(
            FieldError(
                "A person's category is its organization's: change the category of the organization instead.",
                ErrorCode.CATEGORY_INHERITED,
                (*path, "category_id"),
            )
        )
    for name, limit in (("name", 255), ("first_name", 120), ("last_name", 120), ("job_title", 255)):
        if name in out:
            out[name], errs = text(out[name], (*path, name), required=name == "name", max_length=limit)
            errors += errs
    if creating and not out.get("name"):
        parts = [out.get("first_name"), out.get("last_name")]
        if any(parts):
            out["name"] = " ".join(p for p in parts if p)
        elif not any(e.field == (*path, "name") for e in errors):
            errors.append(FieldError("name is required.", ErrorCode.REQUIRED, (*path, "name")))
    if out.get("name"):
        out["name_key"] = match_key(out["name"])
    if out.get("name") and "first_name" not in out and "last_name" not in out:
        out["first_name"], out["last_name"] = split_name(out["name"])
    if out.get("emails") is not None:
        out["emails"], errs = _contact_list(out["emails"], (*path, "emails"), "email")
        errors += errs
        out["email_search"] = " ".join(e["value"].lower() for e in out["emails"])
    if out.get("phones") is not None:
        out["phones"], errs = _contact_list(out["phones"], (*path, "phones"), "phone")
        errors += errs
        out["phone_search"] = " ".join(digits(p["value"]) for p in out["phones"])
    if errors:
        raise DomainError(errors)
    return out


async def create_person(viewer: Viewer, data: PersonData, path: tuple[str, ...] = ("input",)) -> Person:
    raw = {
        f.name: getattr(data, f.name)
        for f in fields(data)
        if getattr(data, f.name) is not None and f.name != "sets_category"
    }
    custom = raw.pop("custom_fields", None)
    if data.sets_category:
        raw["category_id"] = None
    values = clean(raw, path, creating=True)
    values["custom_fields"] = merge(
        {}, await clean_values(viewer, CustomFieldEntity.PERSON, custom or {}, (*path, "custom_fields"))
    )
    values.setdefault("owner_id", viewer.user_id)
    await check_owner_user(viewer, values["owner_id"], (*path, "owner_id"))
    if values.get("organization_id") is not None:
        await get_organization(viewer, values["organization_id"], (*path, "organization_id"))
    async with in_transaction():
        # In an organization whose category has lead status enabled, a person starts at the
        # initial status (Open), as part of its creation.
        category_id = await organization_category_id(viewer.company_id, values.get("organization_id"))
        if await category_enabled(viewer.company_id, category_id):
            values["lead_status_id"] = await initial_status_id(viewer.company_id)
        person = await Person.create(company_id=viewer.company_id, **keyed(Person, values))
        await changelog.write([changelog.entry(viewer, viewer.company_id, ENTITY, person.id, "CREATED")])
    return person


def can_see_person(viewer: Viewer, person: Person) -> bool:
    """Whether the viewer may see this person of their company."""
    return viewer.can_see(person.visibility, person.owner_id)


async def get_person(
    viewer: Viewer, person_id: int, path: tuple[str, ...] = ("input", "id"), *, lock: bool = False
) -> Person:
    """The person if it is the viewer's company's and visible to them, else NOT_FOUND; ``lock``
    (inside a transaction) reads it afresh and holds it against other writers (core.locks)."""
    if lock:
        person = await lock_row(Person, person_id, viewer.company_id)
    else:
        person = await Person.get_or_none(id=person_id, company_id=viewer.company_id)
    if person is None or not can_see_person(viewer, person):
        raise fail("Person not found.", ErrorCode.NOT_FOUND, *path)
    return person


async def update_person(
    viewer: Viewer, person_id: int, changes: dict[str, Any], expected_version: int | None = None
) -> Person:
    """Apply the given changes to one person: under its row lock, writing only what changes
    (domain.versioned); with ``expected_version`` a person changed meanwhile is a CONFLICT."""
    await get_person(viewer, person_id)
    changes = dict(changes)
    custom = changes.pop("custom_fields", None)
    values = clean(changes, ("input",), creating=False)
    if "owner_id" in values:
        await check_owner_user(viewer, values["owner_id"], ("input", "owner_id"))
    if values.get("organization_id") is not None:
        await get_organization(viewer, values["organization_id"], ("input", "organization_id"))
    async with in_transaction():
        person = await get_person(viewer, person_id, lock=True)
        check_version(person, expected_version, "person")
        merged, custom_entries = await changed_values(
            viewer, CustomFieldEntity.PERSON, person, ENTITY, custom, ("input", "custom_fields")
        )
        if merged is not None:
            values["custom_fields"] = merged
        before = {k: getattr(person, k) for k in values}
        changed = await write_changes(person, values)
        logged = {k: v for k, v in changed.items() if k not in DERIVED and k != "custom_fields"}
        await changelog.write(
            changelog.field_changes(viewer, viewer.company_id, ENTITY, person.id, before, logged) + custom_entries
        )
        if "organization_id" in changed:
            await person_category_changed(
                viewer, viewer.company_id, person.id, before["organization_id"], person.organization_id
            )
            await person.refresh_from_db(fields=["lead_status_id", "updated_at"])
    return person


async def set_lead_status(viewer: Viewer, person_id: int, status_id: int) -> Person:
    """Change a person's lead status: only while it is visible (its organization's category has
    lead status enabled) and to a status not retired. Logged; choosing the held one is no change."""
    person = await get_person(viewer, person_id, ("input", "person_id"))
    status = await get_status(viewer, status_id, ("input", "lead_status_id"))
    async with in_transaction():
        state = (await lead_states(viewer.company_id, [person.id]))[person.id]
        reason = state.hidden_reason
        if reason is not None:
            raise fail(
                f"The lead status cannot be changed. {HIDDEN_MESSAGES[reason]}",
                ErrorCode.LEAD_STATUS_NOT_EDITABLE,
                "input",
                "person_id",
            )
        if status.retired_at is not None:
            raise fail(
                f"The lead status {status.name!r} is retired and can no longer be chosen.",
                ErrorCode.LEAD_STATUS_RETIRED,
                "input",
                "lead_status_id",
            )
        if state.stored is not None and state.stored.id == status.id:
            return person
        old = state.stored.name if state.stored else None
        person.lead_status_id = status.id
        person.updated_at = dt.datetime.now(dt.UTC)
        await write_many(Person, [person.id], lead_status_id=status.id, updated_at=person.updated_at)
        person.version += 1
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, person.id, "UPDATED", "lead_status", old, status.name)]
        )
    return person


async def delete_person(viewer: Viewer, person_id: int) -> None:
    """Delete a person. Refused while a lead has no other contact, so no lead is left bare."""
    person = await get_person(viewer, person_id)
    orphaned = await Lead.filter(company_id=viewer.company_id, person_id=person.id, organization_id=None).count()
    if orphaned:
        raise fail(
            f"{orphaned} lead(s) are linked only to this person; link them to another contact or delete them first.",
            ErrorCode.IN_USE,
            "input",
            "id",
        )
    async with in_transaction():
        await person.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, person_id, "DELETED", "name", person.name, None)]
        )
