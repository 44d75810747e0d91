"""Input and payload of `mergeLeads`."""

from __future__ import annotations

import strawberry

from domain.merge import MergeField, MergeSide
from schema.base import UserError
from schema.lead import Lead

MergeFieldEnum = strawberry.enum(
    MergeField,
    name="MergeField",
    description="A field of a lead that a merge keeps from one side; OWNER and VALUE move as a whole.",
)
MergeSideEnum = strawberry.enum(MergeSide, name="MergeSide")


@strawberry.input(description="Which lead's value one field keeps.")
class MergeFieldChoice:
    field: MergeFieldEnum  # type: ignore[valid-type]
    take: MergeSideEnum  # type: ignore[valid-type]
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
    survivor_id: strawberry.ID
    other_id: strawberry.ID
    fields: list[MergeFieldChoice] = strawberry.field(default_factory=list)
    dry_run: bool = False


@strawberry.type(description="A field whose merged value comes from the other lead.")
class MergedField:
    field: MergeFieldEnum  # type: ignore[valid-type]
    key: str | None = strawberry.field(description="The custom field's key, for CUSTOM_FIELD.")


@strawberry.type
class MergeLeadsPayload:
    lead: Lead | None = strawberry.field(default=None, description="The survivor after the merge (not on a dry run).")
    preview: Lead | None = strawberry.field(
        default=None, description="On a dry run: the merged lead as it would be, unsaved."
    )
    deleted_lead_id: strawberry.ID | None = strawberry.field(default=None, description="The merged-away lead.")
    taken_from_other: list[MergedField] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
