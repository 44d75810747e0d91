"""Organization mutations (an organization's input becomes the rules' data in
schema/contacts/organization_input.py)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.ids import decode_input_id
from domain.contacts import organization as rules
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, given, optional_id
from schema.columns.custom_field import custom_values
from schema.contacts.organization import Organization
from schema.contacts.organization_input import (
    OrganizationFields,
    OrganizationPayload,
    UpdateOrganizationInput,
    address_changes,
    organization_data,
)


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(
        description="Create an organization. No duplicate check here: ask `duplicates(organizationName:)` first."
    )
    async def create_organization(
        self,
        info: InfoT,
        input: Annotated[OrganizationFields, strawberry.argument(description="The new organization.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> OrganizationPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            org = await create_once(
                viewer,
                "createOrganization",
                idempotency_key,
                input,
                models.Organization,
                lambda: rules.create_organization(viewer, organization_data(input, "input")),
            )
            return {"organization": Organization.from_model(org)}

        return await mutate(OrganizationPayload, work)

    @strawberry.mutation(description="Change an organization you can see; only the fields given change.")
    async def update_organization(
        self,
        info: InfoT,
        input: Annotated[UpdateOrganizationInput, strawberry.argument(description="The organization and the changes.")],
    ) -> OrganizationPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            org_id = decode_input_id(input.id, "Organization", "input", "id")
            changes: dict[str, Any] = {}
            if given(input.name):
                changes["name"] = input.name
            if given(input.visibility):
                changes["visibility"] = input.visibility
            if given(input.owner_id):
                changes["owner_id"] = optional_id(input.owner_id, "User", "input", "owner_id")
            if given(input.category_id):
                changes["category_id"] = optional_id(input.category_id, "Category", "input", "category_id")
            if given(input.address):
                changes |= address_changes(input.address)
            if given(input.custom_fields):
                changes["custom_fields"] = custom_values(input.custom_fields, "input")
            org = await rules.update_organization(viewer, org_id, changes, input.expected_version)
            return {"organization": Organization.from_model(org)}

        return await mutate(OrganizationPayload, work)

    @strawberry.mutation(
        description=(
            "Delete an organization; its persons, leads and deals stay, without it. Refused (IN_USE) while it is a "
            "lead's only contact."
        )
    )
    async def delete_organization(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The organization to delete.")]
    ) -> OrganizationPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_organization(viewer, decode_input_id(input.id, "Organization", "input", "id"))
            return {}

        return await mutate(OrganizationPayload, work)
