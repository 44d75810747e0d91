"""Inputs and payloads of the organization mutations, and the rules' data made from an
organization's input (organization_data: createOrganization's and createLead's inline organization
alike)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from domain.contacts.organization import OrganizationData
from schema.base import UserError, VisibilityEnum, given, optional_id
from schema.columns.custom_field import CustomFieldValueInput, custom_values
from schema.contacts.organization import Organization

UNSET = strawberry.UNSET


@strawberry.input(description="Address parts to set; parts left out keep their value, null clears one.")
class AddressInput:
    street: str | None = strawberry.field(default=UNSET, description="Street and number, at most 255 characters.")
    city: str | None = strawberry.field(default=UNSET, description="City, at most 120 characters.")
    postal_code: str | None = strawberry.field(default=UNSET, description="Postal code, at most 32 characters.")
    country: str | None = strawberry.field(default=UNSET, description="Country, at most 120 characters.")
    latitude: Decimal | None = strawberry.field(default=UNSET, description="Degrees north, -90 to 90.")
    longitude: Decimal | None = strawberry.field(default=UNSET, description="Degrees east, -180 to 180.")


@strawberry.input(description="An organization's fields; `name` is required when creating.")
class OrganizationFields:
    name: str | None = strawberry.field(default=None, description="The name, at most 255 characters; required.")
    address: AddressInput | None = strawberry.field(default=None, description="The postal address.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="An active user of the company; defaults to the caller."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=None, description="Who can see the organization; COMPANY by default."
    )
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of organization custom fields, by key."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="A category of the company (categoryGroups); its persons inherit it."
    )


@strawberry.input(description="Changes to an organization: only the fields given are changed.")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The organization.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the organization the change was made on. When someone changed the organization since, "
            "the answer is CONFLICT (naming the current version) and nothing is written; left out, the fields "
            "given are applied on top of the latest version, without touching the others."
        ),
    )
    name: str | None = strawberry.field(default=UNSET, description="A new name; cannot be emptied.")
    address: AddressInput | None = strawberry.field(default=UNSET, description="Address parts to change.")
    owner_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Another active user of the company.")
    visibility: VisibilityEnum | None = strawberry.field(default=UNSET, description="Who can see the organization.")
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set, by key; a null value clears a field. Fields not named keep theirs."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description=(
            "Into a category whose group has lead status enabled, every person of the organization starts at "
            "the initial status (Open); out of one, their statuses are kept but hidden. Null clears it."
        ),
    )


@strawberry.type(description="The result of an organization mutation.")
class OrganizationPayload:
    organization: Organization | None = strawberry.field(
        default=None, description="The organization as saved; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID (coordinates), INVALID_ID, NOT_FOUND, "
            "INVALID_CUSTOM_FIELD_VALUE, UNKNOWN_CUSTOM_FIELD, IN_USE (deleting the only contact of a lead). "
            "Empty on success."
        ),
    )


ADDRESS_FIELDS = ("street", "city", "postal_code", "country")


def address_changes(address: AddressInput | None) -> dict[str, Any]:
    if address is None:
        return {f"address_{name}": None for name in ADDRESS_FIELDS} | {"latitude": None, "longitude": None}
    changes = {f"address_{n}": getattr(address, n) for n in ADDRESS_FIELDS if given(getattr(address, n))}
    changes |= {n: getattr(address, n) for n in ("latitude", "longitude") if given(getattr(address, n))}
    return changes


def organization_data(fields: OrganizationFields, *path: str) -> OrganizationData:
    data = OrganizationData(
        name=fields.name,
        owner_id=optional_id(fields.owner_id, "User", *path, "owner_id"),
        visibility=fields.visibility,
        custom_fields=custom_values(fields.custom_fields, *path),
        category_id=optional_id(fields.category_id, "Category", *path, "category_id"),
    )
    if fields.address is not None:
        for key, value in address_changes(fields.address).items():
            setattr(data, key, value)
    return data
