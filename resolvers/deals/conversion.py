"""`convertLeadsToDeals` and `convertDealsToLeads`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import DomainError, ErrorCode, WarningCode, fail
from domain.deals import conversion as rules
from domain.deals.conversion import FORMULA_WARNING, LeadToDealOptions
from domain.deals.query import deal_refs
from jobs.deal_conversion import start_conversion_job
from resolvers.common import mutate
from resolvers.deals.deal import deal_query
from schema.base import InfoT, id_list, optional_id, user_errors
from schema.deals.conversion import (
    ConversionWarning,
    ConvertDealsToLeadsInput,
    ConvertDealsToLeadsPayload,
    ConvertLeadsToDealsInput,
    ConvertLeadsToDealsPayload,
    DealConversionResult,
    LeadConversionResult,
)
from schema.deals.deal import Deal
from schema.integration.job import Job
from schema.leads.filter import check_refs
from schema.leads.lead import Lead


@strawberry.type
class ConversionMutation:
    @strawberry.mutation(
        description=(
            "Turn leads into deals, each in its own transaction; `results` says what became of each lead. "
            "Contacts, custom fields, notes, activities and emails move to the deal; the lead leaves the inbox."
        )
    )
    async def convert_leads_to_deals(
        self,
        info: InfoT,
        input: Annotated[
            ConvertLeadsToDealsInput, strawberry.argument(description="The leads and the deals' settings.")
        ],
    ) -> ConvertLeadsToDealsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.ids, "Lead", "input", "ids")
            options = LeadToDealOptions(
                pipeline_id=optional_id(input.pipeline_id, "Pipeline", "input", "pipeline_id"),
                stage_id=optional_id(input.stage_id, "Stage", "input", "stage_id"),
                visibility=input.visibility,
                value=(input.value.amount, input.value.currency) if input.value else None,
            )
            outcomes = await rules.convert_leads_to_deals(viewer, ids, options)
            return {
                "results": [
                    LeadConversionResult(
                        lead_id=Lead.global_id(o.lead_id),
                        deal=Deal.from_model(o.deal) if o.deal else None,
                        user_errors=user_errors(DomainError(o.errors)) if o.errors else [],
                    )
                    for o in outcomes
                ]
            }

        return await mutate(ConvertLeadsToDealsPayload, work)

    @strawberry.mutation(
        description=(
            "Turn deals into leads owned by you (needs the convertDealsToLeads permission): up to 100 `ids` now, "
            "or a whole `filter` result as a background job. The deals are deleted and can be restored; formula "
            "values cannot be carried and are reported in `warnings`."
        )
    )
    async def convert_deals_to_leads(
        self,
        info: InfoT,
        input: Annotated[ConvertDealsToLeadsInput, strawberry.argument(description="The deals: ids or a filter.")],
    ) -> ConvertDealsToLeadsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            rules.check_convert_permission(viewer)
            if (input.ids is None) == (input.filter is None):
                raise fail("Give either ids or a filter.", ErrorCode.INVALID, "input")
            if input.filter is not None:
                query = deal_query(input.filter, None)
                await check_refs(viewer, deal_refs(query, ("input", "filter")), as_user_error=True)
                job = await start_conversion_job(viewer, query, input.lead_duplicate)
                return {"job": Job.from_model(job)}
            ids = id_list(input.ids, "Deal", "input", "ids")
            outcomes = await rules.convert_deals_to_leads(viewer, ids, input.lead_duplicate)
            return {
                "results": [
                    DealConversionResult(
                        deal_id=Deal.global_id(o.deal_id),
                        lead=Lead.from_model(o.lead) if o.lead else None,
                        user_errors=user_errors(DomainError(o.errors)) if o.errors else [],
                    )
                    for o in outcomes
                ],
                "warnings": [
                    ConversionWarning(
                        deal_id=Deal.global_id(o.deal_id), message=FORMULA_WARNING, code=WarningCode.FORMULA_NOT_CARRIED
                    )
                    for o in outcomes
                    if o.formula_not_carried
                ],
            }

        return await mutate(ConvertDealsToLeadsPayload, work)
