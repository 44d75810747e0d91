"""`leadStatuses`, `categoryGroups`, their mutations, and `setLeadStatus`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.errors import ErrorCode, fail
from core.ids import decode_input_id
from domain.contacts import category as category_rules
from domain.contacts import lead_status as status_rules
from domain.contacts.person import set_lead_status
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, InfoT, given, id_list
from schema.contacts.lead_status import Category, CategoryGroup, LeadStatus
from schema.contacts.lead_status_input import (
    CategoryGroupPayload,
    CategoryPayload,
    CreateCategoryGroupInput,
    CreateCategoryInput,
    CreateLeadStatusInput,
    LeadStatusesPayload,
    LeadStatusPayload,
    ReorderLeadStatusesInput,
    SetLeadStatusInput,
    SetLeadStatusPayload,
    UpdateCategoryGroupInput,
    UpdateCategoryInput,
    UpdateLeadStatusInput,
)
from schema.contacts.person import Person


def _flag(value: bool | None, name: str) -> bool | None:
    if not given(value):
        return None
    if value is None:
        raise fail(f"{name} cannot be null.", ErrorCode.REQUIRED, "input", name)
    return value


@strawberry.type
class LeadStatusQueries:
    @strawberry.field(description="The company's lead statuses in their order.")
    async def lead_statuses(
        self,
        info: InfoT,
        include_retired: Annotated[bool, strawberry.argument(description="Retired statuses too.")] = False,
    ) -> list[LeadStatus]:
        viewer = info.context.require_viewer()
        return [
            LeadStatus.from_model(s) for s in await status_rules.list_statuses(viewer, include_retired=include_retired)
        ]

    @strawberry.field(description="The company's category groups in their order, each with its categories.")
    async def category_groups(self, info: InfoT) -> list[CategoryGroup]:
        viewer = info.context.require_viewer()
        return [CategoryGroup.from_model(g) for g in await category_rules.list_groups(viewer)]


@strawberry.type
class LeadStatusMutation:
    @strawberry.mutation(description="Add a lead status at the end of the list (admins).")
    async def create_lead_status(
        self,
        info: InfoT,
        input: Annotated[CreateLeadStatusInput, strawberry.argument(description="The new lead status.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> LeadStatusPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            status = await create_once(
                viewer,
                "createLeadStatus",
                idempotency_key,
                input,
                models.LeadStatus,
                lambda: status_rules.create_status(viewer, input.name, input.description),
            )
            return {"lead_status": LeadStatus.from_model(status)}

        return await mutate(LeadStatusPayload, work)

    @strawberry.mutation(description="Rename, describe, retire, restore or make initial a lead status (admins).")
    async def update_lead_status(
        self,
        info: InfoT,
        input: Annotated[UpdateLeadStatusInput, strawberry.argument(description="The lead status and the changes.")],
    ) -> LeadStatusPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            status_id = decode_input_id(input.id, "LeadStatus", "input", "id")
            status = await status_rules.update_status(
                viewer,
                status_id,
                name=input.name if given(input.name) else None,
                description=(input.description or "") if given(input.description) else None,
                retired=_flag(input.is_retired, "is_retired"),
                initial=_flag(input.is_initial, "is_initial"),
            )
            return {"lead_status": LeadStatus.from_model(status)}

        return await mutate(LeadStatusPayload, work)

    @strawberry.mutation(description="Put the lead statuses in a new order (admins).")
    async def reorder_lead_statuses(
        self,
        info: InfoT,
        input: Annotated[
            ReorderLeadStatusesInput, strawberry.argument(description="Every lead status in the new order.")
        ],
    ) -> LeadStatusesPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            statuses = await status_rules.reorder_statuses(viewer, id_list(input.ids, "LeadStatus", "input", "ids"))
            return {"lead_statuses": [LeadStatus.from_model(s) for s in statuses]}

        return await mutate(LeadStatusesPayload, work)

    @strawberry.mutation(description="Add a category group (admins).")
    async def create_category_group(
        self,
        info: InfoT,
        input: Annotated[CreateCategoryGroupInput, strawberry.argument(description="The new group.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> CategoryGroupPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            group = await create_once(
                viewer,
                "createCategoryGroup",
                idempotency_key,
                input,
                models.CategoryGroup,
                lambda: category_rules.create_group(viewer, input.name, input.lead_status_enabled),
            )
            return {"category_group": CategoryGroup.from_model(group)}

        return await mutate(CategoryGroupPayload, work)

    @strawberry.mutation(description="Rename a category group or switch its lead status (admins).")
    async def update_category_group(
        self,
        info: InfoT,
        input: Annotated[UpdateCategoryGroupInput, strawberry.argument(description="The group and the changes.")],
    ) -> CategoryGroupPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            group_id = decode_input_id(input.id, "CategoryGroup", "input", "id")
            group = await category_rules.update_group(
                viewer,
                group_id,
                name=input.name if given(input.name) else None,
                lead_status_enabled=_flag(input.lead_status_enabled, "lead_status_enabled"),
            )
            return {"category_group": CategoryGroup.from_model(group)}

        return await mutate(CategoryGroupPayload, work)

    @strawberry.mutation(description="Add a category to a group (admins).")
    async def create_category(
        self,
        info: InfoT,
        input: Annotated[CreateCategoryInput, strawberry.argument(description="The new category.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> CategoryPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            group_id = decode_input_id(input.group_id, "CategoryGroup", "input", "group_id")
            category = await create_once(
                viewer,
                "createCategory",
                idempotency_key,
                input,
                models.Category,
                lambda: category_rules.create_category(viewer, group_id, input.name),
            )
            return {"category": Category.from_model(category)}

        return await mutate(CategoryPayload, work)

    @strawberry.mutation(description="Rename a category or move it to another group (admins).")
    async def update_category(
        self,
        info: InfoT,
        input: Annotated[UpdateCategoryInput, strawberry.argument(description="The category and the changes.")],
    ) -> CategoryPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            category_id = decode_input_id(input.id, "Category", "input", "id")
            group_id = None
            if given(input.group_id):
                if input.group_id is None:
                    raise fail("A category always belongs to a group.", ErrorCode.REQUIRED, "input", "group_id")
                group_id = decode_input_id(input.group_id, "CategoryGroup", "input", "group_id")
            category = await category_rules.update_category(
                viewer,
                category_id,
                name=input.name if given(input.name) else None,
                group_id=group_id,
            )
            return {"category": Category.from_model(category)}

        return await mutate(CategoryPayload, work)

    @strawberry.mutation(
        description=(
            "Change a person's lead status. Refused with LEAD_STATUS_NOT_EDITABLE while its organization's "
            "category has lead status disabled, and with LEAD_STATUS_RETIRED for a retired status."
        )
    )
    async def set_lead_status(
        self,
        info: InfoT,
        input: Annotated[SetLeadStatusInput, strawberry.argument(description="The person and the status.")],
    ) -> SetLeadStatusPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            person_id = decode_input_id(input.person_id, "Person", "input", "person_id")
            status_id = decode_input_id(input.lead_status_id, "LeadStatus", "input", "lead_status_id")
            person = await set_lead_status(viewer, person_id, status_id)
            return {"person": Person.from_model(person)}

        return await mutate(SetLeadStatusPayload, work)
