"""Inputs and payloads of the person mutations, and the rules' data made from a person's input
(person_data: createPerson's and createLead's inline person alike)."""

from __future__ import annotations

import strawberry

from domain.contacts.person import ContactValue, PersonData
from schema.base import UserError, VisibilityEnum, given, optional_id
from schema.columns.custom_field import CustomFieldValueInput, custom_values
from schema.contacts.person import ContactValueInput, Person

UNSET = strawberry.UNSET


@strawberry.input(description="A person's fields; `name` is required when creating (or first and last name).")
class PersonFields:
    name: str | None = strawberry.field(
        default=None, description="Full name, at most 255 characters; defaults to first and last name."
    )
    first_name: str | None = strawberry.field(
        default=None, description="At most 120 characters; taken from `name` when left out."
    )
    last_name: str | None = strawberry.field(
        default=None, description="At most 120 characters; taken from `name` when left out."
    )
    emails: list[ContactValueInput] | None = strawberry.field(default=None, description="Email addresses.")
    phones: list[ContactValueInput] | None = strawberry.field(default=None, description="Phone numbers.")
    job_title: str | None = strawberry.field(default=None, description="At most 255 characters.")
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organization the person works for (a lead's new organization when inline)."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="An active user of the company; defaults to the caller."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=None, description="Who can see the person; COMPANY by default."
    )
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of person custom fields, by key."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Refused (CATEGORY_INHERITED): a person inherits its organization's category.",
    )


@strawberry.input(description="Changes to a person: only the fields given are changed.")
class UpdatePersonInput:
    id: strawberry.ID = strawberry.field(description="The person.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the person the change was made on. When someone changed the person since, "
            "the answer is CONFLICT (naming the current version) and nothing is written; left out, the fields "
            "given are applied on top of the latest version, without touching the others."
        ),
    )
    name: str | None = strawberry.field(default=UNSET, description="A new full name; cannot be emptied.")
    first_name: str | None = strawberry.field(default=UNSET, description="A new first name; null clears it.")
    last_name: str | None = strawberry.field(default=UNSET, description="A new last name; null clears it.")
    emails: list[ContactValueInput] | None = strawberry.field(
        default=UNSET, description="The whole list of email addresses from now on."
    )
    phones: list[ContactValueInput] | None = strawberry.field(
        default=UNSET, description="The whole list of phone numbers from now on."
    )
    job_title: str | None = strawberry.field(default=UNSET, description="A new job title; null clears it.")
    organization_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Move the person to this organization (its category decides the lead status); null: none.",
    )
    owner_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Another active user of the company.")
    visibility: VisibilityEnum | None = strawberry.field(default=UNSET, description="Who can see the person.")
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set, by key; a null value clears a field. Fields not named keep theirs."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Refused (CATEGORY_INHERITED): a person inherits its organization's category.",
    )


@strawberry.type(description="The result of a person mutation.")
class PersonPayload:
    person: Person | None = strawberry.field(
        default=None, description="The person as saved; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID (an email or phone), INVALID_ID, NOT_FOUND, "
            "CATEGORY_INHERITED, INVALID_CUSTOM_FIELD_VALUE, UNKNOWN_CUSTOM_FIELD, IN_USE (deleting the only "
            "contact of a lead). Empty on success."
        ),
    )


def contact_values(items: list[ContactValueInput] | None) -> list[ContactValue] | None:
    if items is None:
        return None
    return [ContactValue(value=i.value, label=i.label, primary=i.primary) for i in items]


def person_data(fields: PersonFields, *path: str) -> PersonData:
    return PersonData(
        name=fields.name,
        first_name=fields.first_name,
        last_name=fields.last_name,
        emails=contact_values(fields.emails),
        phones=contact_values(fields.phones),
        job_title=fields.job_title,
        organization_id=optional_id(fields.organization_id, "Organization", *path, "organization_id"),
        owner_id=optional_id(fields.owner_id, "User", *path, "owner_id"),
        visibility=fields.visibility,
        custom_fields=custom_values(fields.custom_fields, *path),
        sets_category=given(fields.category_id),
    )
