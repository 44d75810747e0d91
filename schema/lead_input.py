"""Inputs and payloads of the lead mutations."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.base import MoneyInput, UserError, VisibilityEnum
from schema.custom_field import CustomFieldValueInput
from schema.duplicate import DuplicateResolutionEnum
from schema.lead import Lead, LeadFilter
from schema.organization_input import OrganizationFields
from schema.person_input import PersonFields

UNSET = strawberry.UNSET


@strawberry.input(description="UTM data of a lead that came from the web.")
class UtmInput:
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    term: str | None = None
    content: str | None = None


@strawberry.input(
    description=(
        "A new lead. Link an existing person or organization by id, or create them inline: at "
        "least one contact is required. The title defaults to the person's or organization's name. "
        "A new person or organization, and the lead itself (same title and person name), are checked "
        "for duplicates: an undecided one is a DUPLICATE userError listing the candidates, and nothing "
        "is created; resubmit with personDuplicate, organizationDuplicate or leadDuplicate."
    )
)
class CreateLeadInput:
    title: str | None = None
    person_id: strawberry.ID | None = None
    person: PersonFields | None = None
    organization_id: strawberry.ID | None = None
    organization: OrganizationFields | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="A user; defaults to the caller.")
    owner_team_id: strawberry.ID | None = strawberry.field(default=None, description="A team, instead of a user.")
    value: MoneyInput | None = None
    expected_close_date: dt.date | None = None
    label_ids: list[strawberry.ID] | None = None
    visibility: VisibilityEnum | None = None  # type: ignore[valid-type]
    was_seen: bool = False
    utm: UtmInput | None = None
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of lead-and-deal custom fields, by key."
    )
    person_duplicate: DuplicateResolutionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="What to do when the new `person` has duplicates."
    )
    link_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The duplicate person to link (implies LINK); needed when several match."
    )
    organization_duplicate: DuplicateResolutionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="What to do when the new `organization` has duplicates."
    )
    link_organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="The duplicate organization to link (implies LINK); needed when several match."
    )
    lead_duplicate: DuplicateResolutionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="CREATE to add the lead although one with its title and person name exists."
    )


@strawberry.input(description="Changes to one lead: only the fields given are changed; null clears a field.")
class UpdateLeadInput:
    id: strawberry.ID
    title: str | None = UNSET
    person_id: strawberry.ID | None = UNSET
    organization_id: strawberry.ID | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    owner_team_id: strawberry.ID | None = UNSET
    value: MoneyInput | None = UNSET
    expected_close_date: dt.date | None = UNSET
    label_ids: list[strawberry.ID] | None = UNSET
    visibility: VisibilityEnum | None = UNSET  # type: ignore[valid-type]
    was_seen: bool | None = UNSET
    utm: UtmInput | None = UNSET
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set, by key; a null value clears a field. Fields not named keep theirs."
    )


@strawberry.input(
    description=(
        "The same changes applied to every lead named by `ids` (at most 500), or to every lead `filter` matches "
        "(at most 10,000), all or nothing."
    )
)
class BulkUpdateLeadsInput:
    ids: list[strawberry.ID] | None = None
    filter: LeadFilter | None = strawberry.field(
        default=None, description="Instead of ids: the leads of this filter (the list the caller sees)."
    )
    owner_id: strawberry.ID | None = UNSET
    owner_team_id: strawberry.ID | None = UNSET
    value: MoneyInput | None = UNSET
    expected_close_date: dt.date | None = UNSET
    visibility: VisibilityEnum | None = UNSET  # type: ignore[valid-type]
    label_ids: list[strawberry.ID] | None = strawberry.field(default=UNSET, description="Replace every label.")
    add_label_ids: list[strawberry.ID] | None = UNSET
    remove_label_ids: list[strawberry.ID] | None = UNSET
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set on every lead, by key; a null value clears a field."
    )


@strawberry.input
class LeadIdsInput:
    ids: list[strawberry.ID]


@strawberry.input(
    description="The leads to delete: by id (at most 500), or every lead a filter matches (at most 10,000)."
)
class DeleteLeadsInput:
    ids: list[strawberry.ID] | None = None
    filter: LeadFilter | None = None


@strawberry.type
class LeadPayload:
    lead: Lead | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BulkUpdateLeadsPayload:
    updated_count: int = strawberry.field(
        default=0, description="How many leads changed (those already so are not counted)."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteLeadsPayload:
    deleted_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    deleted_count: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ArchiveLeadsPayload:
    leads: list[Lead] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
