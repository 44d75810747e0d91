"""`leadLabels` and the label mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.ids import decode_input_id
from domain.leads import label as rules
from models import LeadLabel as LeadLabelModel
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, UserError, given
from schema.leads.label import LeadLabel


@strawberry.input(description="A new lead label.")
class CreateLeadLabelInput:
    name: str = strawberry.field(
        description="Required, at most 100 characters, unique in the company whatever the case."
    )
    color: str = strawberry.field(description="A lower-case colour name (`red`) or a hex value (`#ff8800`).")


@strawberry.input(description="Changes to a lead label; only the fields given change.")
class UpdateLeadLabelInput:
    id: strawberry.ID = strawberry.field(description="The label.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name, unique in the company.")
    color: str | None = strawberry.field(default=strawberry.UNSET, description="A new colour.")


@strawberry.type(description="The result of a label mutation.")
class LeadLabelPayload:
    label: LeadLabel | None = strawberry.field(
        default=None, description="The label as saved; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID (colour), DUPLICATE (name), INVALID_ID, NOT_FOUND, "
            "PERMISSION_DENIED (the viewer may not manage labels). Empty on success."
        ),
    )


@strawberry.type
class LabelQueries:
    @strawberry.field(description="The company's lead labels, by name.")
    async def lead_labels(self, info: InfoT) -> list[LeadLabel]:
        viewer = info.context.require_viewer()
        labels = await LeadLabelModel.filter(company_id=viewer.company_id).order_by("name_key", "id")
        return [LeadLabel.from_model(label) for label in labels]


@strawberry.type
class LabelMutation:
    @strawberry.mutation(description="Add a company-wide lead label (admins and users with `manageLabels`).")
    async def create_lead_label(
        self,
        info: InfoT,
        input: Annotated[CreateLeadLabelInput, strawberry.argument(description="The new label.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            return {
                "label": LeadLabel.from_model(
                    await create_once(
                        viewer,
                        "createLeadLabel",
                        idempotency_key,
                        input,
                        LeadLabelModel,
                        lambda: rules.create_label(viewer, input.name, input.color),
                    )
                )
            }

        return await mutate(LeadLabelPayload, work)

    @strawberry.mutation(description="Rename or recolour a lead label (admins and users with `manageLabels`).")
    async def update_lead_label(
        self,
        info: InfoT,
        input: Annotated[UpdateLeadLabelInput, strawberry.argument(description="The label and the changes.")],
    ) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            label_id = decode_input_id(input.id, "LeadLabel", "input", "id")
            name = input.name if given(input.name) else None
            color = input.color if given(input.color) else None
            return {"label": LeadLabel.from_model(await rules.update_label(viewer, label_id, name, color))}

        return await mutate(LeadLabelPayload, work)

    @strawberry.mutation(
        description=("Delete a lead label; the leads that carried it lose it (admins and users with `manageLabels`).")
    )
    async def delete_lead_label(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The label to delete.")]
    ) -> LeadLabelPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_label(viewer, decode_input_id(input.id, "LeadLabel", "input", "id"))
            return {}

        return await mutate(LeadLabelPayload, work)
