"""Inputs and payloads of the lead status, category and setLeadStatus mutations."""

from __future__ import annotations

import strawberry

from schema.base import UserError
from schema.lead_status import Category, CategoryGroup, LeadStatus
from schema.person import Person

UNSET = strawberry.UNSET


@strawberry.input
class CreateLeadStatusInput:
    name: str
    description: str | None = strawberry.field(default=None, description="The tooltip text.")


@strawberry.input(description="Changes to a lead status: only the fields given change.")
class UpdateLeadStatusInput:
    id: strawberry.ID
    name: str | None = UNSET
    description: str | None = UNSET
    is_retired: bool | None = strawberry.field(
        default=UNSET, description="true retires it (persons keep it; nobody can choose it), false restores it."
    )
    is_initial: bool | None = strawberry.field(
        default=UNSET, description="true makes it the status persons start at; the previous initial one stops being it."
    )


@strawberry.input(description="Every lead status of the company, retired ones too, in the new order.")
class ReorderLeadStatusesInput:
    ids: list[strawberry.ID]


@strawberry.type
class LeadStatusPayload:
    lead_status: LeadStatus | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LeadStatusesPayload:
    lead_statuses: list[LeadStatus] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateCategoryGroupInput:
    name: str
    lead_status_enabled: bool = False


@strawberry.input(description="Switching leadStatusEnabled on gives every person of the group's organizations Open.")
class UpdateCategoryGroupInput:
    id: strawberry.ID
    name: str | None = UNSET
    lead_status_enabled: bool | None = UNSET


@strawberry.type
class CategoryGroupPayload:
    category_group: CategoryGroup | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateCategoryInput:
    group_id: strawberry.ID
    name: str


@strawberry.input(description="Moving a category into a group with lead status enabled gives its persons Open.")
class UpdateCategoryInput:
    id: strawberry.ID
    name: str | None = UNSET
    group_id: strawberry.ID | None = UNSET


@strawberry.type
class CategoryPayload:
    category: Category | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="A person's new lead status; moving a card on the board is this mutation.")
class SetLeadStatusInput:
    person_id: strawberry.ID
    lead_status_id: strawberry.ID


@strawberry.type
class SetLeadStatusPayload:
    person: Person | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
