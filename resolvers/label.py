"""`leadLabels` and the label mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from core.ids import decode_input_id
from domain import label as rules
from models import LeadLabel as LeadLabelModel
from resolvers.common import given, mutate
from schema.base import IdInput, InfoT, UserError
from schema.label import LeadLabel


@strawberry.input
class CreateLeadLabelInput:
    name: str
    color: str


@strawberry.input
class UpdateLeadLabelInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    color: str | None = strawberry.UNSET


@strawberry.type
class LeadLabelPayload:
    label: LeadLabel | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LabelQueries:
    @strawberry.field(description="The company's lead labels, by name.")
    async def lead_labels(self, info: InfoT) -> list[LeadLabel]:
        viewer = info.context.require_viewer()
        labels = await LeadLabelModel.filter(company_id=viewer.company_id).order_by("name", "id")
        return [LeadLabel.from_model(label) for label in labels]


@strawberry.type
class LabelMutation:
    @strawberry.mutation
    async def create_lead_label(self, info: InfoT, input: CreateLeadLabelInput) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            return {"label": LeadLabel.from_model(await rules.create_label(viewer, input.name, input.color))}

        return await mutate(LeadLabelPayload, work)

    @strawberry.mutation
    async def update_lead_label(self, info: InfoT, input: UpdateLeadLabelInput) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            label_id = decode_input_id(input.id, "LeadLabel", "input", "id")
            name = input.name if given(input.name) else None
            color = input.color if given(input.color) else None
            return {"label": LeadLabel.from_model(await rules.update_label(viewer, label_id, name, color))}  # type: ignore[arg-type]

        return await mutate(LeadLabelPayload, work)

    @strawberry.mutation
    async def delete_lead_label(self, info: InfoT, input: IdInput) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_label(viewer, decode_input_id(input.id, "LeadLabel", "input", "id"))  # type: ignore[arg-type]
            return {}

        return await mutate(LeadLabelPayload, work)
