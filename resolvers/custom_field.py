"""The `customFields` query and `createCustomField`."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.custom_field import OptionData, create_custom_field, definitions
from resolvers.common import mutate
from schema.base import InfoT, UserError
from schema.custom_field import CustomField, CustomFieldEntityEnum, CustomFieldTypeEnum


@strawberry.input
class CustomFieldOptionInput:
    label: str
    color: str | None = None


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


@strawberry.type
class CustomFieldPayload:
    custom_field: CustomField | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomFieldQueries:
    @strawberry.field(description="The custom fields of leads and deals, persons or organizations, in order.")
    async def custom_fields(self, info: InfoT, entity: CustomFieldEntityEnum) -> list[CustomField]:  # type: ignore[valid-type]
        viewer = info.context.require_viewer()
        return [CustomField.from_model(f) for f in await definitions(viewer.company_id, entity)]


@strawberry.type
class CustomFieldMutation:
    @strawberry.mutation(description="Define a custom field (admins only). Its key never changes afterwards.")
    async def create_custom_field(self, info: InfoT, input: CreateCustomFieldInput) -> CustomFieldPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            field = await create_custom_field(
                viewer,
                input.entity,
                input.name,
                input.type,
                key=input.key,
                options=[OptionData(o.label, o.color) for o in input.options or []],
                formula=input.formula,
            )
            return {"custom_field": CustomField.from_model(field)}

        return await mutate(CustomFieldPayload, work)
