"""Custom fields: definitions and the values records carry."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from core.ids import to_global_id
from domain.custom_field import live_options
from domain.custom_value import FieldValue
from models import CustomField as CustomFieldModel
from models import CustomFieldEntity, CustomFieldType
from schema.base import Node

CustomFieldEntityEnum = strawberry.enum(
    CustomFieldEntity,
    name="CustomFieldEntity",
    description="What a field belongs to. Leads and deals share LEAD_DEAL: values move with conversions.",
)
CustomFieldTypeEnum = strawberry.enum(
    CustomFieldType, name="CustomFieldType", description="FORMULA fields are computed from other fields, deals only."
)


@strawberry.type
class CustomFieldOption:
    id: int
    label: str
    color: str | None


@strawberry.type(description="The definition of a custom field.")
class CustomField(Node):
    id: strawberry.ID
    entity: CustomFieldEntityEnum  # type: ignore[valid-type]
    key: str = strawberry.field(description="Stable: renaming the field never changes it.")
    name: str
    type: CustomFieldTypeEnum  # type: ignore[valid-type]
    options: list[CustomFieldOption]
    position: int
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
    key: str
    name: str
    type: CustomFieldTypeEnum  # type: ignore[valid-type]
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
    key: str
    value: JSON | None = None
