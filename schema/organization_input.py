"""Inputs and payloads of the organization mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.base import UserError, VisibilityEnum
from schema.custom_field import CustomFieldValueInput
from schema.organization import Organization

UNSET = strawberry.UNSET


@strawberry.input
class AddressInput:
    street: str | None = UNSET
    city: str | None = UNSET
    postal_code: str | None = UNSET
    country: str | None = UNSET
    latitude: Decimal | None = UNSET
    longitude: Decimal | None = UNSET


@strawberry.input(description="An organization's fields; `name` is required when creating.")
class OrganizationFields:
    name: str | None = None
    address: AddressInput | None = None
    owner_id: strawberry.ID | None = None
    visibility: VisibilityEnum | None = None  # type: ignore[valid-type]
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of organization custom fields, by key."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="A category of the company (categoryGroups); its persons inherit it."
    )


@strawberry.input(description="Changes to an organization: only the fields given are changed.")
class UpdateOrganizationInput:
    id: strawberry.ID
    name: str | None = UNSET
    address: AddressInput | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    visibility: VisibilityEnum | None = UNSET  # type: ignore[valid-type]
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


@strawberry.type
class OrganizationPayload:
    organization: Organization | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
