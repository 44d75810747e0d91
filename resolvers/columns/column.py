"""`leadColumns` (the catalogue) and `setLeadColumns` (the caller's own columns)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from domain.columns.column import catalogue
from domain.columns.preference import set_lead_columns
from models import CustomFieldEntity
from resolvers.common import mutate
from schema.base import InfoT
from schema.columns.column import LeadColumn, SetLeadColumnsInput, SetLeadColumnsPayload


@strawberry.type
class ColumnQueries:
    @strawberry.field(
        description=(
            "Every column the inbox can show: the lead's fields, its person's and organization's, and the custom "
            "fields of all three, with what each sorts and filters on."
        )
    )
    async def lead_columns(self, info: InfoT) -> list[LeadColumn]:
        info.context.require_viewer()
        found = await info.context.loaders.custom_fields_by_entity.load_many(list(CustomFieldEntity))
        return [LeadColumn.of(c) for c in catalogue([d for definitions in found for d in definitions])]


@strawberry.type
class ColumnMutation:
    @strawberry.mutation(description="Choose and order the columns of your own inbox (`viewer { leadColumns }`).")
    async def set_lead_columns(
        self, info: InfoT, input: Annotated[SetLeadColumnsInput, strawberry.argument(description="Your columns.")]
    ) -> SetLeadColumnsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            columns = await set_lead_columns(viewer, input.keys)
            return {"columns": [LeadColumn.of(c) for c in columns]}

        return await mutate(SetLeadColumnsPayload, work)
