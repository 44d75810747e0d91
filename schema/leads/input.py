"""Inputs and payloads of the lead mutations."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.base import MoneyInput, UserError, VisibilityEnum
from schema.columns.custom_field import CustomFieldValueInput
from schema.contacts.duplicate import DuplicateResolutionEnum
from schema.contacts.organization_input import OrganizationFields
from schema.contacts.person_input import PersonFields
from schema.leads.filter import LeadFilter
from schema.leads.lead import Lead

UNSET = strawberry.UNSET


@strawberry.input(description="UTM data of a lead that came from the web.")
class UtmInput:
    source: str | None = strawberry.field(
        default=None,
        description="Where the visitor came from (utm_source), e.g. a newsletter. At most 255 characters.",
    )
    medium: str | None = strawberry.field(
        default=None,
        description="The marketing medium (utm_medium), e.g. email or cpc. At most 255 characters.",
    )
    campaign: str | None = strawberry.field(
        default=None,
        description="The campaign (utm_campaign). At most 255 characters.",
    )
    term: str | None = strawberry.field(
        default=None,
        description="The paid search term (utm_term). At most 255 characters.",
    )
    content: str | None = strawberry.field(
        default=None,
        description="What was clicked (utm_content). At most 255 characters.",
    )


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
    title: str | None = strawberry.field(
        default=None, description="At most 255 characters; defaults to the person's, else the organization's, name."
    )
    person_id: strawberry.ID | None = strawberry.field(default=None, description="An existing person to link.")
    person: PersonFields | None = strawberry.field(
        default=None, description="A new person to create and link (instead of `personId`)."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing organization to link."
    )
    organization: OrganizationFields | None = strawberry.field(
        default=None, description="A new organization to create and link (instead of `organizationId`)."
    )
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="A user; defaults to the caller.")
    owner_team_id: strawberry.ID | None = strawberry.field(default=None, description="A team, instead of a user.")
    value: MoneyInput | None = strawberry.field(default=None, description="The expected value; none by default.")
    expected_close_date: dt.date | None = strawberry.field(default=None, description="When the sale should close.")
    label_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Labels (`leadLabels`) to put on the lead."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=None, description="Who can see the lead; COMPANY by default."
    )
    was_seen: bool = strawberry.field(default=False, description="Create the lead as already seen.")
    utm: UtmInput | None = strawberry.field(default=None, description="UTM data of the web visit it came from.")
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of lead-and-deal custom fields, by key."
    )
    person_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="What to do when the new `person` has duplicates."
    )
    link_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The duplicate person to link (implies LINK); needed when several match."
    )
    organization_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="What to do when the new `organization` has duplicates."
    )
    link_organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="The duplicate organization to link (implies LINK); needed when several match."
    )
    lead_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="CREATE to add the lead although one with its title and person name exists."
    )


@strawberry.input(description="Changes to one lead: only the fields given are changed; null clears a field.")
class UpdateLeadInput:
    id: strawberry.ID = strawberry.field(description="The lead to change.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the lead the change was made on. When someone changed the lead since, "
            "the answer is CONFLICT (naming the current version) and nothing is written; left out, the fields "
            "given are applied on top of the latest version, without touching the others."
        ),
    )
    title: str | None = strawberry.field(
        default=UNSET, description="The new title, at most 255 characters; cannot be emptied."
    )
    person_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Link this person; null unlinks (the lead keeps at least one contact)."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Link this organization; null unlinks (the lead keeps at least one contact)."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Make this active user the owner (clears a team owner)."
    )
    owner_team_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Make this team the owner (clears a user owner)."
    )
    value: MoneyInput | None = strawberry.field(default=UNSET, description="The new value; null clears it.")
    expected_close_date: dt.date | None = strawberry.field(
        default=UNSET, description="The new expected close date; null clears it."
    )
    label_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="The lead's labels from now on (replaces them all); null or [] removes them all."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=UNSET, description="Who can see the lead; cannot be null."
    )
    was_seen: bool | None = strawberry.field(default=UNSET, description="Mark the lead seen or unseen.")
    utm: UtmInput | None = strawberry.field(
        default=UNSET, description="Replaces all five UTM values; null clears them."
    )
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
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="The leads to change, at most 500.")
    filter: LeadFilter | None = strawberry.field(
        default=None, description="Instead of ids: the leads of this filter (the list the caller sees)."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Make this active user the owner of every lead (clears a team owner)."
    )
    owner_team_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Make this team the owner of every lead (clears a user owner)."
    )
    value: MoneyInput | None = strawberry.field(default=UNSET, description="The new value; null clears it.")
    expected_close_date: dt.date | None = strawberry.field(
        default=UNSET, description="The new expected close date; null clears it."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=UNSET, description="Who can see the leads; cannot be null."
    )
    label_ids: list[strawberry.ID] | None = strawberry.field(default=UNSET, description="Replace every label.")
    add_label_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Labels to add; the leads keep their others."
    )
    remove_label_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Labels to take off the leads."
    )
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set on every lead, by key; a null value clears a field."
    )


@strawberry.input(description="The leads to archive or unarchive.")
class LeadIdsInput:
    ids: list[strawberry.ID] = strawberry.field(description="Lead ids, 1 to 500; all must be visible to you.")


@strawberry.input(
    description="The leads to delete: by id (at most 500), or every lead a filter matches (at most 10,000)."
)
class DeleteLeadsInput:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="The leads to delete, at most 500.")
    filter: LeadFilter | None = strawberry.field(
        default=None, description="Instead of ids: every lead of this filter (the list the caller sees)."
    )


@strawberry.type(description="The result of `createLead` or `updateLead`.")
class LeadPayload:
    lead: Lead | None = strawberry.field(default=None, description="The lead as saved; null when there are userErrors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was saved: REQUIRED, TOO_LONG, INVALID, INVALID_ID, INVALID_CURRENCY, NOT_FOUND, CONFLICT, "
            "OWNER_CONFLICT, CONTACT_REQUIRED, DUPLICATE (with candidateIds), INVALID_CUSTOM_FIELD_VALUE, "
            "UNKNOWN_CUSTOM_FIELD. Empty on success."
        ),
    )


@strawberry.type(description="The result of `bulkUpdateLeads`.")
class BulkUpdateLeadsPayload:
    updated_count: int = strawberry.field(
        default=0, description="How many leads changed (those already so are not counted)."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why no lead was changed: REQUIRED (nothing to change, or no owner left), TOO_MANY_ITEMS, CONFLICT "
            "(both ids and filter), INVALID_ID, NOT_FOUND, INVALID_FILTER, OWNER_CONFLICT, INVALID, INVALID_CURRENCY, "
            "INVALID_CUSTOM_FIELD_VALUE, UNKNOWN_CUSTOM_FIELD. Empty on success."
        ),
    )


@strawberry.type(description="The result of `deleteLeads`.")
class DeleteLeadsPayload:
    deleted_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="The deleted leads' ids.")
    deleted_count: int = strawberry.field(default=0, description="How many leads were deleted.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was deleted: REQUIRED, TOO_MANY_ITEMS, CONFLICT (both ids and filter), INVALID_ID, NOT_FOUND, "
            "INVALID_FILTER. Empty on success."
        ),
    )


@strawberry.type(description="The result of `archiveLeads` or `unarchiveLeads`.")
class ArchiveLeadsPayload:
    leads: list[Lead] = strawberry.field(
        default_factory=list, description="The leads named, as they are now (those already so are unchanged)."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing changed: REQUIRED, TOO_MANY_ITEMS (over 500), INVALID_ID, NOT_FOUND; else empty.",
    )
