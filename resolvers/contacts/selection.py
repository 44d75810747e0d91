"""`selections`, `selection`, `leadStatusBoard` and the selection mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.errors import DomainError
from core.ids import decode_id, decode_input_id
from domain.contacts import selection as rules
from domain.contacts.board import board_columns
from domain.contacts.selection import SelectionData
from domain.contacts.selection_criteria import ID_FIELDS, Condition, SelectionField
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, given
from schema.contacts.board import LeadStatusBoard
from schema.contacts.selection import (
    CreateSelectionInput,
    Selection,
    SelectionConditionInput,
    SelectionPayload,
    UpdateSelectionInput,
)


def conditions(items: list[SelectionConditionInput]) -> list[Condition]:
    out: list[Condition] = []
    for i, item in enumerate(items):
        field = SelectionField(item.field)
        type_name = ID_FIELDS[field][1] if field in ID_FIELDS else None
        ids = tuple(
            decode_input_id(v, type_name, "input", "conditions", str(i), "ids") for v in (item.ids or []) if type_name
        )
        out.append(Condition(field, item.operator, ids=ids, value=item.value, date=item.date, days=item.days))  # type: ignore[arg-type]  # no ID_FIELDS type is a Lead: ints
    return out


async def _visible_selection(info: InfoT, id: strawberry.ID) -> Any:
    viewer = info.context.require_viewer()
    try:
        return await rules.get_selection(viewer, decode_id(id, "Selection"))
    except DomainError:
        return None  # missing, another company's or another user's private one: all look the same


@strawberry.type
class SelectionQueries:
    @strawberry.field(description="The viewer's selections and those shared with the company, by name.")
    async def selections(self, info: InfoT) -> list[Selection]:
        viewer = info.context.require_viewer()
        return [Selection.from_model(s) for s in await rules.list_selections(viewer)]

    @strawberry.field(description="One selection; null when it does not exist or is not yours to see.")
    async def selection(
        self, info: InfoT, id: Annotated[strawberry.ID, strawberry.argument(description="The selection's global id.")]
    ) -> Selection | None:
        found = await _visible_selection(info, id)
        return Selection.from_model(found) if found else None

    @strawberry.field(
        description="A selection's persons by lead status, one column per status; null when the selection is not found."
    )
    async def lead_status_board(
        self,
        info: InfoT,
        selection_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A selection you can see; for organizations, the board shows their persons."
            ),
        ],
    ) -> LeadStatusBoard | None:
        found = await _visible_selection(info, selection_id)
        if found is None:
            return None
        viewer = info.context.require_viewer()
        columns = await board_columns(viewer, found, now=info.context.now)
        return LeadStatusBoard.build(viewer, found, columns, info.context.now)


@strawberry.type
class SelectionMutation:
    @strawberry.mutation(description="Save a selection; a static one takes its members now.")
    async def create_selection(
        self,
        info: InfoT,
        input: Annotated[CreateSelectionInput, strawberry.argument(description="The new selection.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> SelectionPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            data = SelectionData(
                name=input.name,
                entity=input.entity,
                kind=input.kind,
                conditions=conditions(input.conditions),
                is_shared=input.is_shared,
            )
            return {
                "selection": Selection.from_model(
                    await create_once(
                        viewer,
                        "createSelection",
                        idempotency_key,
                        input,
                        models.Selection,
                        lambda: rules.create_selection(viewer, data, now=info.context.now),
                    )
                )
            }

        return await mutate(SelectionPayload, work)

    @strawberry.mutation(description="Change a selection (its owner or an admin).")
    async def update_selection(
        self,
        info: InfoT,
        input: Annotated[UpdateSelectionInput, strawberry.argument(description="The selection and the changes.")],
    ) -> SelectionPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            selection_id = decode_input_id(input.id, "Selection", "input", "id")
            changes: dict[str, Any] = {"refresh": input.refresh}
            if given(input.name):
                changes["name"] = input.name
            if given(input.is_shared) and input.is_shared is not None:
                changes["is_shared"] = input.is_shared
            if given(input.kind) and input.kind is not None:
                changes["kind"] = input.kind
            if given(input.conditions):
                changes["conditions"] = conditions(input.conditions or [])
            selection = await rules.update_selection(viewer, selection_id, changes, now=info.context.now)
            return {"selection": Selection.from_model(selection)}

        return await mutate(SelectionPayload, work)

    @strawberry.mutation(description="Delete a selection (its owner or an admin); the contacts stay.")
    async def delete_selection(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The selection to delete.")]
    ) -> SelectionPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_selection(viewer, decode_input_id(input.id, "Selection", "input", "id"))
            return {}

        return await mutate(SelectionPayload, work)
