"""`exportLeads`: read the filter, check the export, queue its job."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from jobs.export_leads import start_export
from resolvers.common import mutate
from schema.base import InfoT
from schema.integration.export import ExportLeadsInput, ExportLeadsPayload
from schema.integration.job import Job
from schema.leads.filter import lead_query


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description=(
            "Export the leads your `leads` list shows for a filter and sort, with the columns given, to CSV or "
            "XLSX, as a background job; values are written as people read them (label names, option labels, "
            "money with its currency)."
        )
    )
    async def export_leads(
        self,
        info: InfoT,
        input: Annotated[ExportLeadsInput, strawberry.argument(description="The filter, sort, columns and format.")],
    ) -> ExportLeadsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            query = await lead_query(viewer, input.filter, input.sort, path=("input", "filter"))
            columns = list(input.columns) if input.columns is not None else None
            job = await start_export(viewer, query, columns, input.format, info.context.now)
            return {"job": Job.from_model(job)}

        return await mutate(ExportLeadsPayload, work)
