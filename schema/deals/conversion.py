"""Inputs and payloads of the conversions between leads and deals."""

from __future__ import annotations

import strawberry

from core.errors import WarningCode
from schema.base import MoneyInput, UserError, VisibilityEnum, describe_values
from schema.contacts.duplicate import DuplicateResolutionEnum
from schema.deals.deal import Deal, DealFilter
from schema.integration.job import Job
from schema.leads.lead import Lead

WarningCodeEnum = WarningCode
strawberry.enum(WarningCodeEnum, name="WarningCode", description="Stable codes of warnings.")
describe_values(
    WarningCodeEnum,
    {"FORMULA_NOT_CARRIED": "The deal had formula-field values, which leads cannot hold; they stay with the deal."},
)


@strawberry.input(
    description=(
        "Leads to turn into deals (1 to 100). What is left out is taken from each lead: its value and visibility, "
        "and the first stage of the default pipeline."
    )
)
class ConvertLeadsToDealsInput:
    ids: list[strawberry.ID] = strawberry.field(description="The leads, 1 to 100.")
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=None, description="The deals' pipeline; the default pipeline when left out."
    )
    stage_id: strawberry.ID | None = strawberry.field(
        default=None, description="A stage of that pipeline; its first stage when left out."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=None, description="The deals' visibility; each lead's own when left out."
    )
    value: MoneyInput | None = strawberry.field(
        default=None, description="The deals' value; each lead's own when left out."
    )


@strawberry.type(description="What became of one lead.")
class LeadConversionResult:
    lead_id: strawberry.ID = strawberry.field(description="The lead (which no longer exists if converted).")
    deal: Deal | None = strawberry.field(default=None, description="The new deal; null when this lead failed.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why this lead was not converted: NOT_FOUND, PLAN_LIMIT_REACHED. Empty on success.",
    )


@strawberry.type(description="The result of `convertLeadsToDeals`.")
class ConvertLeadsToDealsPayload:
    results: list[LeadConversionResult] = strawberry.field(
        default_factory=list, description="One result per lead, in the order given."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Problems with the request as a whole; nothing was converted: REQUIRED, TOO_MANY_ITEMS, INVALID_ID, "
            "NOT_FOUND (pipeline or stage), STAGE_NOT_IN_PIPELINE, INVALID, INVALID_CURRENCY."
        ),
    )


@strawberry.input(
    description=(
        "Deals to turn into leads: `ids` (at most 100, converted now) or `filter` (every deal it finds, converted "
        "by a background job that notifies you when done)."
    )
)
class ConvertDealsToLeadsInput:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="The deals, 1 to 100.")
    filter: DealFilter | None = strawberry.field(
        default=None, description="Instead of ids: every deal this filter finds, converted by a job."
    )
    lead_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None,
        description=(
            "CREATE to make the lead even where a lead with the same title and person exists; "
            "without it such a deal is reported as DUPLICATE and left as it is."
        ),
    )


@strawberry.type(description="What became of one deal.")
class DealConversionResult:
    deal_id: strawberry.ID = strawberry.field(description="The deal (deleted, and restorable, if converted).")
    lead: Lead | None = strawberry.field(default=None, description="The new lead; null when this deal failed.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why this deal was not converted: NOT_FOUND, DELETED, DUPLICATE."
    )


@strawberry.type(description="Something that was not carried over in a conversion that otherwise succeeded.")
class ConversionWarning:
    deal_id: strawberry.ID = strawberry.field(description="The deal it is about.")
    message: str = strawberry.field(description="What was not carried over, for a person to read.")
    code: WarningCodeEnum = strawberry.field(description="A stable code.")


@strawberry.type(description="The result of `convertDealsToLeads`.")
class ConvertDealsToLeadsPayload:
    results: list[DealConversionResult] = strawberry.field(
        default_factory=list, description="One result per deal given by `ids`; empty for a `filter`."
    )
    warnings: list[ConversionWarning] = strawberry.field(
        default_factory=list, description="What converted deals could not carry over."
    )
    job: Job | None = strawberry.field(default=None, description="The background job, for a `filter` conversion.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Problems with the request as a whole; nothing was converted: PERMISSION_DENIED (no convertDealsToLeads "
            "permission), INVALID (both or neither of ids and filter), REQUIRED, TOO_MANY_ITEMS, INVALID_ID."
        ),
    )
