"""Person mutations (a person's input becomes the rules' data in schema/contacts/person_input.py)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.ids import decode_input_id
from domain.contacts import person as rules
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, given, optional_id
from schema.columns.custom_field import custom_values
from schema.contacts.person import Person
from schema.contacts.person_input import PersonFields, PersonPayload, UpdatePersonInput, contact_values, person_data


def person_changes(data: UpdatePersonInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("name", "first_name", "last_name", "job_title", "visibility"):
        if given(getattr(data, name)):
            changes[name] = getattr(data, name)
    for name in ("emails", "phones"):
        if given(getattr(data, name)):
            changes[name] = contact_values(getattr(data, name)) or []
    if given(data.organization_id):
        changes["organization_id"] = optional_id(data.organization_id, "Organization", "input", "organization_id")
    if given(data.owner_id):
        changes["owner_id"] = optional_id(data.owner_id, "User", "input", "owner_id")
    if given(data.custom_fields):
        changes["custom_fields"] = custom_values(data.custom_fields, "input")
    if given(data.category_id):
        changes["category_id"] = None  # refused by the rules, whatever the value: it is inherited
    return changes


@strawberry.type
class PersonMutation:
    @strawberry.mutation(description="Create a person. No duplicate check here: ask `duplicates(personName:)` first.")
    async def create_person(
        self,
        info: InfoT,
        input: Annotated[PersonFields, strawberry.argument(description="The new person.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> PersonPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            person = await create_once(
                viewer,
                "createPerson",
                idempotency_key,
                input,
                models.Person,
                lambda: rules.create_person(viewer, person_data(input, "input")),
            )
            return {"person": Person.from_model(person)}

        return await mutate(PersonPayload, work)

    @strawberry.mutation(description="Change a person you can see; only the fields given change.")
    async def update_person(
        self,
        info: InfoT,
        input: Annotated[UpdatePersonInput, strawberry.argument(description="The person and the changes.")],
    ) -> PersonPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            person_id = decode_input_id(input.id, "Person", "input", "id")
            changes = person_changes(input)
            person = await rules.update_person(viewer, person_id, changes, input.expected_version)
            return {"person": Person.from_model(person)}

        return await mutate(PersonPayload, work)

    @strawberry.mutation(
        description=(
            "Delete a person; leads and deals linked to it stay, without it. Refused (IN_USE) while it is a lead's "
            "only contact."
        )
    )
    async def delete_person(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The person to delete.")]
    ) -> PersonPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_person(viewer, decode_input_id(input.id, "Person", "input", "id"))
            return {}

        return await mutate(PersonPayload, work)
