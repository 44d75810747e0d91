"""Inputs and payloads of the lead status, category and setLeadStatus mutations."""

from __future__ import annotations

import strawberry

from schema.base import UserError
from schema.contacts.lead_status import Category, CategoryGroup, LeadStatus
from schema.contacts.person import Person

UNSET = strawberry.UNSET


@strawberry.input(description="A new lead status, added at the end of the order.")
class CreateLeadStatusInput:
    name: str = strawberry.field(description="Required, at most 100 characters, unique in the company.")
    description: str | None = strawberry.field(default=None, description="The tooltip text, at most 1000 characters.")


@strawberry.input(description="Changes to a lead status: only the fields given change.")
class UpdateLeadStatusInput:
    id: strawberry.ID = strawberry.field(description="The lead status.")
    name: str | None = strawberry.field(default=UNSET, description="A new name, unique in the company.")
    description: str | None = strawberry.field(default=UNSET, description="A new tooltip text.")
    is_retired: bool | None = strawberry.field(
        default=UNSET, description="true retires it (persons keep it; nobody can choose it), false restores it."
    )
    is_initial: bool | None = strawberry.field(
        default=UNSET, description="true makes it the status persons start at; the previous initial one stops being it."
    )


@strawberry.input(description="Every lead status of the company, retired ones too, in the new order.")
class ReorderLeadStatusesInput:
    ids: list[strawberry.ID] = strawberry.field(description="Every lead status exactly once, in the new order.")


@strawberry.type(description="The result of a lead status mutation.")
class LeadStatusPayload:
    lead_status: LeadStatus | None = strawberry.field(
        default=None, description="The lead status as it is now; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), REQUIRED, TOO_LONG, DUPLICATE (name), INVALID_ID, "
            "NOT_FOUND, INVALID (unmaking the only initial status), CONFLICT (retiring the initial status), "
            "LEAD_STATUS_RETIRED (a retired status made initial). Empty on success."
        ),
    )


@strawberry.type(description="The result of `reorderLeadStatuses`.")
class LeadStatusesPayload:
    lead_statuses: list[LeadStatus] | None = strawberry.field(
        default=None, description="Every lead status in the new order; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), INVALID (not every status once), INVALID_ID, "
            "NOT_FOUND."
        ),
    )


@strawberry.input(description="A new category group.")
class CreateCategoryGroupInput:
    name: str = strawberry.field(description="Required, at most 100 characters, unique in the company.")
    lead_status_enabled: bool = strawberry.field(
        default=False, description="Whether persons of its organizations get a lead status."
    )


@strawberry.input(description="Switching leadStatusEnabled on gives every person of the group's organizations Open.")
class UpdateCategoryGroupInput:
    id: strawberry.ID = strawberry.field(description="The category group.")
    name: str | None = strawberry.field(default=UNSET, description="A new name, unique in the company.")
    lead_status_enabled: bool | None = strawberry.field(
        default=UNSET, description="Switch lead status on or off for the group's persons (off keeps it, hidden)."
    )


@strawberry.type(description="The result of a category group mutation.")
class CategoryGroupPayload:
    category_group: CategoryGroup | None = strawberry.field(
        default=None, description="The group as it is now; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), REQUIRED, TOO_LONG, DUPLICATE (name), "
            "INVALID_ID, NOT_FOUND. Empty on success."
        ),
    )


@strawberry.input(description="A new category in a group.")
class CreateCategoryInput:
    group_id: strawberry.ID = strawberry.field(description="The group it belongs to.")
    name: str = strawberry.field(description="Required, at most 100 characters, unique in the company.")


@strawberry.input(description="Moving a category into a group with lead status enabled gives its persons Open.")
class UpdateCategoryInput:
    id: strawberry.ID = strawberry.field(description="The category.")
    name: str | None = strawberry.field(default=UNSET, description="A new name, unique in the company.")
    group_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Move it to this group.")


@strawberry.type(description="The result of a category mutation.")
class CategoryPayload:
    category: Category | None = strawberry.field(
        default=None, description="The category as it is now; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), REQUIRED, TOO_LONG, DUPLICATE (name), "
            "INVALID_ID, NOT_FOUND. Empty on success."
        ),
    )


@strawberry.input(description="A person's new lead status; moving a card on the board is this mutation.")
class SetLeadStatusInput:
    person_id: strawberry.ID = strawberry.field(description="A person you can see.")
    lead_status_id: strawberry.ID = strawberry.field(description="A lead status that is not retired.")


@strawberry.type(description="The result of `setLeadStatus`.")
class SetLeadStatusPayload:
    person: Person | None = strawberry.field(default=None, description="The person with its new status.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: INVALID_ID, NOT_FOUND, LEAD_STATUS_NOT_EDITABLE (hidden for this person), "
            "LEAD_STATUS_RETIRED. Empty on success."
        ),
    )
