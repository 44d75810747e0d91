"""Inputs and payloads of the person mutations."""

from __future__ import annotations

import strawberry

from schema.base import UserError, VisibilityEnum
from schema.custom_field import CustomFieldValueInput
from schema.person import ContactValueInput, Person

UNSET = strawberry.UNSET


@strawberry.input(description="A person's fields; `name` is required when creating (or first and last name).")
class PersonFields:
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    emails: list[ContactValueInput] | None = None
    phones: list[ContactValueInput] | None = None
    job_title: str | None = None
    organization_id: strawberry.ID | None = None
    owner_id: strawberry.ID | None = None
    visibility: VisibilityEnum | None = None  # type: ignore[valid-type]
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of person custom fields, by key."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Refused (CATEGORY_INHERITED): a person inherits its organization's category.",
    )


@strawberry.input(description="Changes to a person: only the fields given are changed.")
class UpdatePersonInput:
    id: strawberry.ID
    name: str | None = UNSET
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    emails: list[ContactValueInput] | None = UNSET
    phones: list[ContactValueInput] | None = UNSET
    job_title: str | None = UNSET
    organization_id: strawberry.ID | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    visibility: VisibilityEnum | None = UNSET  # type: ignore[valid-type]
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set, by key; a null value clears a field. Fields not named keep theirs."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Refused (CATEGORY_INHERITED): a person inherits its organization's category.",
    )


@strawberry.type
class PersonPayload:
    person: Person | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
