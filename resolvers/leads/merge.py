"""The `mergeLeads` mutation."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.ids import decode_input_id
from domain.leads.merge import FieldChoice, merge_leads
from resolvers.common import mutate
from schema.base import InfoT
from schema.leads.lead import Lead
from schema.leads.merge import MergedField, MergeLeadsInput, MergeLeadsPayload


@strawberry.type
class MergeMutation:
    @strawberry.mutation(
        description="Merge two leads into one, field by field; `dryRun` previews the result without writing."
    )
    async def merge_leads(
        self,
        info: InfoT,
        input: Annotated[MergeLeadsInput, strawberry.argument(description="The two leads and the field choices.")],
    ) -> MergeLeadsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            survivor_id = decode_input_id(input.survivor_id, "Lead", "input", "survivor_id")
            other_id = decode_input_id(input.other_id, "Lead", "input", "other_id")
            choices = [FieldChoice(field=c.field, take=c.take, key=c.key) for c in input.fields]
            plan = await merge_leads(viewer, survivor_id, other_id, choices, dry_run=input.dry_run)
            taken = [MergedField(field=t.field, key=t.key) for t in plan.taken]
            if input.dry_run:
                preview = Lead.preview(plan.merged, plan.labels, (plan.other.id,))
                return {"preview": preview, "taken_from_other": taken}
            return {
                "lead": Lead.from_model(plan.merged),
                "deleted_lead_id": Lead.global_id(plan.other.id),
                "taken_from_other": taken,
            }

        return await mutate(MergeLeadsPayload, work)
