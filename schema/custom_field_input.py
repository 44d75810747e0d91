"""Inputs and payloads of the custom field mutations (admins only)."""

from __future__ import annotations

import strawberry

from schema.base import UserError
from schema.custom_field import CustomField, CustomFieldEntityEnum, CustomFieldTypeEnum

UNSET = strawberry.UNSET


@strawberry.input(description="An option of a SINGLE_OPTION or MULTIPLE_OPTIONS field.")
class CustomFieldOptionInput:
    label: str
    color: str | None = strawberry.field(default=None, description="A name such as 'red' or a hex value '#ff8800'.")
    id: int | None = strawberry.field(
        default=None, description="When editing a field: the option's id, to keep it (and the values that chose it)."
    )


@strawberry.input(description="A new custom field (admins only).")
class CreateCustomFieldInput:
    entity: CustomFieldEntityEnum  # type: ignore[valid-type]
    name: str
    type: CustomFieldTypeEnum  # type: ignore[valid-type]
    key: str | None = strawberry.field(default=None, description="Made from the name when left out.")
    options: list[CustomFieldOptionInput] | None = None
    formula: str | None = strawberry.field(
        default=None, description="For FORMULA: `{value}` and number or monetary field keys with + - * / ( )."
    )


@strawberry.input(
    description=(
        "Changes to a custom field: its name (the key never changes), its options or its formula. "
        "`options` replaces the list: name existing options by id to keep them, leave the id out for new "
        "ones; an option left out is removed (values that chose it show as empty) and can be brought "
        "back by its id. An option's id is never given to another option."
    )
)
class UpdateCustomFieldInput:
    id: strawberry.ID
    name: str | None = UNSET
    options: list[CustomFieldOptionInput] | None = UNSET
    formula: str | None = UNSET


@strawberry.input(description="Every field of an entity (not deleted), in the order wanted.")
class ReorderCustomFieldsInput:
    entity: CustomFieldEntityEnum  # type: ignore[valid-type]
    ids: list[strawberry.ID]


@strawberry.type
class CustomFieldPayload:
    custom_field: CustomField | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReorderCustomFieldsPayload:
    custom_fields: list[CustomField] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PurgeCustomFieldPayload:
    purged_id: strawberry.ID | None = None
    records_cleared: int = strawberry.field(default=0, description="How many records held a value of the field.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)
