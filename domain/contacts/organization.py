"""Organizations: create, update, delete, each change logged."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.locks import lock_row
from domain import changelog
from domain.columns.custom_value import changed_values, clean_values, merge
from domain.contacts.category import get_category
from domain.contacts.duplicate import match_key
from domain.contacts.lead_state import category_enabled, start_at_initial
from domain.fold import key_columns, keyed
from domain.refs import check_owner_user
from domain.validation import country_problem, text
from domain.versioned import check_version, write_changes
from domain.viewer import Viewer
from models import CustomFieldEntity, Lead, Organization, Visibility

ENTITY = "organization"
# Columns derived from others for search, filters, sorts and duplicate matching: kept, never logged.
DERIVED = key_columns(Organization)
TEXT_FIELDS = {
    "name": 255,
    "address_street": 255,
    "address_city": 120,
    "address_postal_code": 32,
    "address_country": 120,
}
# Where each field sits in the API's input: the address parts and coordinates are nested
# under ``address``, so that a user error points at the field the client actually sent.
INPUT_PATHS: dict[str, tuple[str, ...]] = {
    "address_street": ("address", "street"),
    "address_city": ("address", "city"),
    "address_postal_code": ("address", "postal_code"),
    "address_country": ("address", "country"),
    "latitude": ("address", "latitude"),
    "longitude": ("address", "longitude"),
}


@dataclass
class OrganizationData:
    name: str | None = None
    address_street: str | None = None
    address_city: str | None = None
    address_postal_code: str | None = None
    address_country: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    owner_id: int | None = None
    visibility: Visibility | None = None
    # Values of the entity's custom fields, by key (SPEC §9).
    custom_fields: dict[str, Any] | None = None
    category_id: int | None = None


def clean(changes: dict[str, Any], path: tuple[str, ...], *, creating: bool) -> dict[str, Any]:
    """Validate organization fields; raise a DomainError listing every problem."""
    errors: list[FieldError] = []
    out = dict(changes)
    for name, limit in TEXT_FIELDS.items():
        if name in out:
            where = (*path, *INPUT_PATHS.get(name, (name,)))
            out[name], errs = text(out[name], where, required=name == "name", max_length=limit)
            errors += errs
    country = out.get("address_country")
    if country and len(country) <= TEXT_FIELDS["address_country"] and (problem := country_problem(country)):
        where = (*path, *INPUT_PATHS["address_country"])
        errors.append(FieldError(f"{country!r} {problem}.", ErrorCode.INVALID, where))
    if creating and "name" not in out:
        errors.append(FieldError("name is required.", ErrorCode.REQUIRED, (*path, "name")))
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = out.get(name)
        # NaN compares with nothing (Decimal raises), so it is refused before the bounds check.
        if value is not None and not (Decimal(value).is_finite() and -bound <= Decimal(value) <= bound):
            where = (*path, *INPUT_PATHS[name])
            errors.append(FieldError(f"{name} must be between -{bound} and {bound}.", ErrorCode.INVALID, where))
    if errors:
        raise DomainError(errors)
    if out.get("name"):
        out["name_key"] = match_key(out["name"])
    return out


async def create_organization(
    viewer: Viewer, data: OrganizationData, path: tuple[str, ...] = ("input",)
) -> Organization:
    raw = {f.name: getattr(data, f.name) for f in fields(data) if getattr(data, f.name) is not None}
    custom = raw.pop("custom_fields", None)
    values = clean(raw, path, creating=True)
    values["custom_fields"] = merge(
        {}, await clean_values(viewer, CustomFieldEntity.ORGANIZATION, custom or {}, (*path, "custom_fields"))
    )
    values.setdefault("owner_id", viewer.user_id)
    await check_owner_user(viewer, values["owner_id"], (*path, "owner_id"))
    if values.get("category_id") is not None:
        await get_category(viewer, values["category_id"], (*path, "category_id"))
    async with in_transaction():
        org = await Organization.create(company_id=viewer.company_id, **keyed(Organization, values))
        await changelog.write([changelog.entry(viewer, viewer.company_id, ENTITY, org.id, "CREATED")])
    return org


def can_see_organization(viewer: Viewer, org: Organization) -> bool:
    """Whether the viewer may see this organization of their company."""
    return viewer.can_see(org.visibility, org.owner_id)


async def get_organization(
    viewer: Viewer, organization_id: int, path: tuple[str, ...] = ("input", "id"), *, lock: bool = False
) -> Organization:
    """The organization if it is the viewer's company's and visible to them; NOT_FOUND otherwise.
    ``lock`` (inside a transaction) reads it afresh and holds it against other writers (core.locks)."""
    if lock:
        org = await lock_row(Organization, organization_id, viewer.company_id)
    else:
        org = await Organization.get_or_none(id=organization_id, company_id=viewer.company_id)
    if org is None or not can_see_organization(viewer, org):
        raise fail("Organization not found.", ErrorCode.NOT_FOUND, *path)
    return org


async def update_organization(
    viewer: Viewer, organization_id: int, changes: dict[str, Any], expected_version: int | None = None
) -> Organization:
    """Apply the given changes to one organization: under its row lock, writing only what
    changes (domain.versioned); with ``expected_version`` one changed meanwhile is a CONFLICT."""
    await get_organization(viewer, organization_id)
    changes = dict(changes)
    custom = changes.pop("custom_fields", None)
    values = clean(changes, ("input",), creating=False)
    if "owner_id" in values:
        await check_owner_user(viewer, values["owner_id"], ("input", "owner_id"))
    if values.get("category_id") is not None:
        await get_category(viewer, values["category_id"], ("input", "category_id"))
    async with in_transaction():
        org = await get_organization(viewer, organization_id, lock=True)
        check_version(org, expected_version, "organization")
        merged, custom_entries = await changed_values(
            viewer, CustomFieldEntity.ORGANIZATION, org, ENTITY, custom, ("input", "custom_fields")
        )
        if merged is not None:
            values["custom_fields"] = merged
        before = {k: getattr(org, k) for k in values}
        changed = await write_changes(org, values)
        logged = {k: v for k, v in changed.items() if k not in DERIVED and k != "custom_fields"}
        await changelog.write(
            changelog.field_changes(viewer, viewer.company_id, ENTITY, org.id, before, logged) + custom_entries
        )
        # Into a category with lead status enabled: every person of the organization starts
        # at the initial status, whatever it held (SPEC §8). Out of one: statuses stay, hidden.
        if "category_id" in changed and await category_enabled(viewer.company_id, org.category_id):
            await start_at_initial(viewer, viewer.company_id, organization_id=org.id)
    return org


async def delete_organization(viewer: Viewer, organization_id: int) -> None:
    """Delete an organization; its persons and leads stay, unlinked. Refused while a lead has
    no other contact, so that no lead is left without one."""

    org = await get_organization(viewer, organization_id)
    orphaned = await Lead.filter(company_id=viewer.company_id, organization_id=org.id, person_id=None).count()
    if orphaned:
        raise fail(
            f"{orphaned} lead(s) are linked only to this organization;"
            " link them to another contact or delete them first.",
            ErrorCode.IN_USE,
            "input",
            "id",
        )
    async with in_transaction():
        await org.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, organization_id, "DELETED", "name", org.name, None)]
        )
