"""Inputs and payloads of the conversions between leads and deals."""

from __future__ import annotations

import strawberry

from core.errors import WarningCode
from schema.base import MoneyInput, UserError, VisibilityEnum
from schema.deal import Deal, DealFilter
from schema.duplicate import DuplicateResolutionEnum
from schema.job import Job
from schema.lead import Lead

WarningCodeEnum = strawberry.enum(WarningCode, name="WarningCode", description="Stable codes of warnings.")


@strawberry.input(
    description=(
        "Leads to turn into deals (1 to 100). What is left out is taken from each lead: its value and visibility, "
        "and the first stage of the default pipeline."
    )
)
class ConvertLeadsToDealsInput:
    ids: list[strawberry.ID]
    pipeline_id: strawberry.ID | None = None
    stage_id: strawberry.ID | None = None
    visibility: VisibilityEnum | None = None  # type: ignore[valid-type]
    value: MoneyInput | None = None


@strawberry.type(description="What became of one lead.")
class LeadConversionResult:
    lead_id: strawberry.ID
    deal: Deal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConvertLeadsToDealsPayload:
    results: list[LeadConversionResult] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the request as a whole; nothing was converted."
    )


@strawberry.input(
    description=(
        "Deals to turn into leads: `ids` (at most 100, converted now) or `filter` (every deal it finds, converted "
        "by a background job that notifies you when done)."
    )
)
class ConvertDealsToLeadsInput:
    ids: list[strawberry.ID] | None = None
    filter: DealFilter | None = None
    lead_duplicate: DuplicateResolutionEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description=(
            "CREATE to make the lead even where a lead with the same title and person exists; "
            "without it such a deal is reported as DUPLICATE and left as it is."
        ),
    )


@strawberry.type(description="What became of one deal.")
class DealConversionResult:
    deal_id: strawberry.ID
    lead: Lead | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Something that was not carried over in a conversion that otherwise succeeded.")
class ConversionWarning:
    deal_id: strawberry.ID
    message: str
    code: WarningCodeEnum  # type: ignore[valid-type]


@strawberry.type
class ConvertDealsToLeadsPayload:
    results: list[DealConversionResult] = strawberry.field(default_factory=list)
    warnings: list[ConversionWarning] = strawberry.field(default_factory=list)
    job: Job | None = strawberry.field(default=None, description="The background job, for a `filter` conversion.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)
