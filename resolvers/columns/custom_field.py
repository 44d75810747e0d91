"""The `customFields` query and the custom field mutations: create, update, reorder, delete,
restore, purge (admins only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from core.ids import decode_input_id
from domain.columns import custom_field as rules
from domain.columns.custom_field import OptionData
from models import CustomField as CustomFieldModel
from models import CustomFieldEntity
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, given, id_list
from schema.columns.custom_field import CustomField, CustomFieldEntityEnum
from schema.columns.custom_field_input import (
    CreateCustomFieldInput,
    CustomFieldOptionInput,
    CustomFieldPayload,
    PurgeCustomFieldPayload,
    ReorderCustomFieldsInput,
    ReorderCustomFieldsPayload,
    UpdateCustomFieldInput,
)


def _options(items: list[CustomFieldOptionInput] | None) -> list[OptionData]:
    return [OptionData(o.label, o.color, o.id) for o in items or []]


async def _one(info: InfoT, input: IdInput, rule: Callable[..., Awaitable[CustomFieldModel]]) -> CustomFieldPayload:
    viewer = info.context.require_viewer()

    async def work() -> dict[str, Any]:
        field = await rule(viewer, decode_input_id(input.id, "CustomField", "input", "id"))
        return {"custom_field": CustomField.from_model(field)}

    return await mutate(CustomFieldPayload, work)


@strawberry.type
class CustomFieldQueries:
    @strawberry.field(description="The custom fields of leads and deals, persons or organizations, in order.")
    async def custom_fields(
        self,
        info: InfoT,
        entity: Annotated[
            CustomFieldEntityEnum,
            strawberry.argument(description="Whose fields: LEAD_DEAL, PERSON or ORGANIZATION."),
        ],
        include_deleted: Annotated[
            bool, strawberry.argument(description="Deleted fields too (not yet purged).")
        ] = False,
    ) -> list[CustomField]:
        viewer = info.context.require_viewer()
        query = CustomFieldModel.filter(company_id=viewer.company_id, entity=CustomFieldEntity(entity))
        if not include_deleted:
            query = query.filter(deleted_at=None)
        return [CustomField.from_model(f) for f in await query.order_by("position", "id")]


@strawberry.type
class CustomFieldMutation:
    @strawberry.mutation(description="Define a custom field (admins only). Its key never changes afterwards.")
    async def create_custom_field(
        self,
        info: InfoT,
        input: Annotated[CreateCustomFieldInput, strawberry.argument(description="The new field.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> CustomFieldPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            field = await create_once(
                viewer,
                "createCustomField",
                idempotency_key,
                input,
                CustomFieldModel,
                lambda: rules.create_custom_field(
                    viewer,
                    input.entity,
                    input.name,
                    input.type,
                    key=input.key,
                    options=_options(input.options),
                    formula=input.formula,
                ),
            )
            return {"custom_field": CustomField.from_model(field)}

        return await mutate(CustomFieldPayload, work)

    @strawberry.mutation(description="Rename a field, or edit its options or formula (admins only). The key stays.")
    async def update_custom_field(
        self,
        info: InfoT,
        input: Annotated[UpdateCustomFieldInput, strawberry.argument(description="The field and the changes.")],
    ) -> CustomFieldPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            field = await rules.update_custom_field(
                viewer,
                decode_input_id(input.id, "CustomField", "input", "id"),
                name=input.name if given(input.name) else None,
                options=_options(input.options) if given(input.options) and input.options is not None else None,
                formula=input.formula if given(input.formula) else None,
            )
            return {"custom_field": CustomField.from_model(field)}

        return await mutate(CustomFieldPayload, work)

    @strawberry.mutation(description="Put an entity's fields in a new order (admins only).")
    async def reorder_custom_fields(
        self,
        info: InfoT,
        input: Annotated[
            ReorderCustomFieldsInput, strawberry.argument(description="The entity and its fields in order.")
        ],
    ) -> ReorderCustomFieldsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.ids, "CustomField", "input", "ids")
            fields = await rules.reorder_custom_fields(viewer, CustomFieldEntity(input.entity), ids)
            return {"custom_fields": [CustomField.from_model(f) for f in fields]}

        return await mutate(ReorderCustomFieldsPayload, work)

    @strawberry.mutation(
        description="Delete a field (admins only): it disappears everywhere, its values stay until it is purged."
    )
    async def delete_custom_field(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The field to delete.")]
    ) -> CustomFieldPayload:
        return await _one(info, input, rules.delete_custom_field)

    @strawberry.mutation(description="Bring a deleted field back with its values (admins only).")
    async def restore_custom_field(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The deleted field to restore.")]
    ) -> CustomFieldPayload:
        return await _one(info, input, rules.restore_custom_field)

    @strawberry.mutation(
        description=(
            "Remove a deleted field's values from every record, then the field (admins only); its key is free again."
        )
    )
    async def purge_custom_field(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The deleted field to purge.")]
    ) -> PurgeCustomFieldPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            cleared = await rules.purge_custom_field(viewer, decode_input_id(input.id, "CustomField", "input", "id"))
            return {"purged_id": input.id, "records_cleared": cleared}

        return await mutate(PurgeCustomFieldPayload, work)
