"""Input and payload of `mergeLeads`."""

from __future__ import annotations

import strawberry

from domain.lead_fields import LEAD_FIELDS
from domain.leads.merge import MergeField, MergeSide
from schema.base import UserError, describe_values
from schema.leads.lead import Lead

MergeFieldEnum = MergeField
strawberry.enum(
    MergeFieldEnum,
    name="MergeField",
    description="A field of a lead that a merge keeps from one side; OWNER and VALUE move as a whole.",
)
describe_values(
    MergeFieldEnum,
    {
        # The lead's stored fields describe their own choice (domain.lead_fields).
        **{f.merge_name: f.merge for f in LEAD_FIELDS if f.merge is not None},
        "PERSON": "The linked person.",
        "ORGANIZATION": "The linked organization.",
        "OWNER": "The owner, user or team.",
        "LABELS": "The labels: one lead's set instead of both leads' together.",
        "CUSTOM_FIELD": "One custom field, named by `key`.",
    },
)
MergeSideEnum = MergeSide
strawberry.enum(MergeSideEnum, name="MergeSide", description="One of the two leads of a merge.")
describe_values(
    MergeSideEnum, {"SURVIVOR": "The lead that stays (`survivorId`).", "OTHER": "The lead merged away (`otherId`)."}
)


@strawberry.input(description="Which lead's value one field keeps.")
class MergeFieldChoice:
    field: MergeFieldEnum = strawberry.field(description="The field.")
    take: MergeSideEnum = strawberry.field(description="Whose value to keep.")
    key: str | None = strawberry.field(default=None, description="The custom field's key, for CUSTOM_FIELD only.")


@strawberry.input(
    description=(
        "Merge `otherId` into `survivorId`. Fields not chosen keep the survivor's value, or take the other "
        "lead's where the survivor has none; labels are both leads' unless LABELS is chosen; custom fields "
        "likewise key by key. Notes, activities and emails of both end on the survivor; the other lead is "
        "deleted. With `dryRun` nothing is written and `preview` shows the merged lead."
    )
)
class MergeLeadsInput:
    survivor_id: strawberry.ID = strawberry.field(description="The lead that stays.")
    other_id: strawberry.ID = strawberry.field(description="The lead merged into it and then deleted.")
    fields: list[MergeFieldChoice] = strawberry.field(
        default_factory=list, description="Per field, which lead's value to keep; each field at most once."
    )
    dry_run: bool = strawberry.field(default=False, description="Only preview the merged lead; write nothing.")


@strawberry.type(description="A field whose merged value comes from the other lead.")
class MergedField:
    field: MergeFieldEnum = strawberry.field(description="The field.")
    key: str | None = strawberry.field(description="The custom field's key, for CUSTOM_FIELD.")


@strawberry.type(description="The result of `mergeLeads`.")
class MergeLeadsPayload:
    lead: Lead | None = strawberry.field(default=None, description="The survivor after the merge (not on a dry run).")
    preview: Lead | None = strawberry.field(
        default=None, description="On a dry run: the merged lead as it would be, unsaved."
    )
    deleted_lead_id: strawberry.ID | None = strawberry.field(default=None, description="The merged-away lead.")
    taken_from_other: list[MergedField] = strawberry.field(
        default_factory=list, description="The fields whose merged value comes from the other lead."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was merged: INVALID_ID, NOT_FOUND, INVALID, CONFLICT (a field chosen twice), REQUIRED, "
            "CONTACT_REQUIRED. Empty on success."
        ),
    )
