"""Custom fields: definitions and the values records carry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.errors import ErrorCode, fail
from core.ids import to_global_id
from domain.columns.custom_field import live_options
from domain.columns.custom_value import FieldValue
from models import CustomField as CustomFieldModel
from models import CustomFieldEntity, CustomFieldType
from schema.base import Node, describe_values

CustomFieldEntityEnum = CustomFieldEntity
strawberry.enum(
    CustomFieldEntityEnum,
    name="CustomFieldEntity",
    description="What a field belongs to. Leads and deals share LEAD_DEAL: values move with conversions.",
)
CustomFieldTypeEnum = CustomFieldType
strawberry.enum(
    CustomFieldTypeEnum,
    name="CustomFieldType",
    description="FORMULA fields are computed from other fields, deals only.",
)
describe_values(
    CustomFieldEntityEnum,
    {
        "LEAD_DEAL": "Leads and deals (one shared set of fields).",
        "PERSON": "Persons.",
        "ORGANIZATION": "Organizations.",
    },
)
describe_values(
    CustomFieldTypeEnum,
    {
        "TEXT": "Text up to 255 characters.",
        "LARGE_TEXT": "Text up to 100,000 characters.",
        "NUMBER": "A number below 10^15 in size.",
        "MONETARY": "Money: `{amount, currency}`.",
        "DATE": "A date, `YYYY-MM-DD`.",
        "TIME": "A time of day, `HH:MM` or `HH:MM:SS`.",
        "SINGLE_OPTION": "One option, by its id.",
        "MULTIPLE_OPTIONS": "Several options, a list of ids.",
        "USER": "A user of the company, by global id.",
        "PERSON": "A person, by global id.",
        "ORGANIZATION": "An organization, by global id.",
        "PHONE": "A phone number (at least three digits), up to 64 characters.",
        "ADDRESS": "An address as text, up to 500 characters.",
        "FORMULA": "Computed from the deal's value and number or monetary fields; deals only, never set.",
    },
)


@strawberry.type(description="A choice of a SINGLE_OPTION or MULTIPLE_OPTIONS field.")
class CustomFieldOption:
    id: int = strawberry.field(description="The option's id within its field; values store it, and it is never reused.")
    label: str = strawberry.field(description="What the option reads.")
    color: str | None = strawberry.field(description="A colour name or hex value; null when none.")


@strawberry.type(description="The definition of a custom field.")
class CustomField(Node):
    id: strawberry.ID = strawberry.field(description="The field's global id.")
    entity: CustomFieldEntityEnum = strawberry.field(description="What records the field is on.")
    key: str = strawberry.field(description="Stable: renaming the field never changes it.")
    name: str = strawberry.field(description="The field's name as shown.")
    type: CustomFieldTypeEnum = strawberry.field(description="The type of its values.")
    options: list[CustomFieldOption] = strawberry.field(
        description="The live options, for option fields; empty for the others."
    )
    position: int = strawberry.field(description="Its place among the entity's fields, from 0.")
    formula: str | None = strawberry.field(description="For FORMULA fields, e.g. `{value} * {probability} / 100`.")
    deleted_at: dt.datetime | None = strawberry.field(
        description="Set on a deleted field: hidden everywhere, its values kept until it is purged."
    )

    @classmethod
    def from_model(cls, field: CustomFieldModel) -> CustomField:
        return cls(
            id=strawberry.ID(to_global_id("CustomField", field.id)),
            entity=field.entity,
            key=field.key,
            name=field.name,
            type=field.type,
            options=[
                CustomFieldOption(id=o["id"], label=o["label"], color=o.get("color")) for o in live_options(field)
            ],
            position=field.position,
            formula=field.formula,
            deleted_at=field.deleted_at,
        )


@strawberry.type(description="A record's value of one custom field; null when it has none.")
class CustomFieldValue:
    key: str = strawberry.field(description="The field's key.")
    name: str = strawberry.field(description="The field's name.")
    type: CustomFieldTypeEnum = strawberry.field(description="The field's type.")
    value: JSON | None = strawberry.field(
        description=(
            "A number, text, `{amount, currency}` for money, `YYYY-MM-DD`, `HH:MM`, an option id (or a list of "
            "them), or the global id of a user, person or organization."
        )
    )

    @classmethod
    def from_value(cls, item: FieldValue) -> CustomFieldValue:
        return cls(key=item.field.key, name=item.field.name, type=item.field.type, value=item.value)


@strawberry.input(description="A value for one custom field, by key; null clears it.")
class CustomFieldValueInput:
    key: str = strawberry.field(
        description="The key of a live field of the record's entity (UNKNOWN_CUSTOM_FIELD otherwise)."
    )
    value: JSON | None = strawberry.field(
        default=None,
        description=(
            "In the form its type takes (see CustomFieldType); null or an empty value clears it. A value that does "
            "not fit is INVALID_CUSTOM_FIELD_VALUE."
        ),
    )


def custom_values(items: list[CustomFieldValueInput] | None, *path: str) -> dict[str, Any]:
    """Custom field values by key, from the API's list of ``{key, value}``; a key given twice is refused."""
    out: dict[str, Any] = {}
    for item in items or []:
        if item.key in out:
            raise fail("This custom field is given twice.", ErrorCode.DUPLICATE, *path, "custom_fields", item.key)
        out[item.key] = item.value
    return out
