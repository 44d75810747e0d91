"""Inputs and payloads of the custom field mutations (admins only)."""

from __future__ import annotations

import strawberry

from schema.base import UserError
from schema.columns.custom_field import CustomField, CustomFieldEntityEnum, CustomFieldTypeEnum

UNSET = strawberry.UNSET


@strawberry.input(description="An option of a SINGLE_OPTION or MULTIPLE_OPTIONS field.")
class CustomFieldOptionInput:
    label: str = strawberry.field(description="What the option reads; unique within the field.")
    color: str | None = strawberry.field(default=None, description="A name such as 'red' or a hex value '#ff8800'.")
    id: int | None = strawberry.field(
        default=None, description="When editing a field: the option's id, to keep it (and the values that chose it)."
    )


@strawberry.input(description="A new custom field (admins only).")
class CreateCustomFieldInput:
    entity: CustomFieldEntityEnum = strawberry.field(
        description="What records the field is on; FORMULA needs LEAD_DEAL."
    )
    name: str = strawberry.field(description="The name, required, at most 255 characters.")
    type: CustomFieldTypeEnum = strawberry.field(description="The type of its values; it cannot be changed later.")
    key: str | None = strawberry.field(
        default=None,
        description=(
            "Lower-case letters, digits and `_`, starting with a letter, unused; made from the name when left out."
        ),
    )
    options: list[CustomFieldOptionInput] | None = strawberry.field(
        default=None, description="For option fields (at least one), without ids; not allowed for other types."
    )
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
    id: strawberry.ID = strawberry.field(description="The field (not deleted).")
    name: str | None = strawberry.field(default=UNSET, description="A new name.")
    options: list[CustomFieldOptionInput] | None = strawberry.field(
        default=UNSET, description="The whole option list from now on (option fields only)."
    )
    formula: str | None = strawberry.field(default=UNSET, description="A new formula (FORMULA fields only).")


@strawberry.input(description="Every field of an entity (not deleted), in the order wanted.")
class ReorderCustomFieldsInput:
    entity: CustomFieldEntityEnum = strawberry.field(description="Whose fields.")
    ids: list[strawberry.ID] = strawberry.field(description="Each of its live fields exactly once, in the new order.")


@strawberry.type(description="The result of a custom field mutation.")
class CustomFieldPayload:
    custom_field: CustomField | None = strawberry.field(
        default=None, description="The field as it is now; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), REQUIRED, TOO_LONG, INVALID, INVALID_ID, "
            "NOT_FOUND, DUPLICATE (key or option label), INVALID_FORMULA, DELETED, CONFLICT (restoring a field that "
            "is not deleted). Empty on success."
        ),
    )


@strawberry.type(description="The result of `reorderCustomFields`.")
class ReorderCustomFieldsPayload:
    custom_fields: list[CustomField] = strawberry.field(
        default_factory=list, description="The entity's fields in their new order."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), INVALID (not every field once), INVALID_ID."
        ),
    )


@strawberry.type(description="The result of `purgeCustomField`.")
class PurgeCustomFieldPayload:
    purged_id: strawberry.ID | None = strawberry.field(default=None, description="The purged field's id.")
    records_cleared: int = strawberry.field(default=0, description="How many records held a value of the field.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was purged: PERMISSION_DENIED (not an admin), INVALID_ID, NOT_FOUND, CONFLICT (not deleted)."
        ),
    )
