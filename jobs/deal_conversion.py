"""The filter-wide deal → lead conversion as a background job: one item per deal.

Each item runs :func:`domain.deals.conversion.convert_deal_to_lead` inside the runner's transaction
for that item, so a deal is converted exactly once even when the job is interrupted and resumed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from core.errors import WarningCode
from domain.contacts.duplicate import Resolution
from domain.deals.conversion import (
    FORMULA_WARNING,
    check_convert_permission,
    convert_deal_to_lead,
    deal_field_definitions,
)
from domain.deals.deal import deal_global_id
from domain.deals.query import DealQuery, matching_deal_ids
from domain.viewer import Viewer
from jobs import register
from jobs.runner import create_job
from models import CustomField, Job, JobItem, JobItemStatus

KIND = "convert_deals_to_leads"
# The job's result lists at most this many warnings; the count covers them all.
MAX_WARNINGS_IN_RESULT = 100


class ConvertDealsToLeads:
    kind: ClassVar[str] = KIND
    external: ClassVar[bool] = False

    def __init__(self) -> None:
        # Field definitions per job, read once rather than once per deal.
        self._fields: dict[int, list[CustomField]] = {}

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        fields = self._fields.get(job.id)
        if fields is None:
            self._fields = {job.id: (fields := await deal_field_definitions(viewer))}
        accept = job.params.get("lead_duplicate")
        outcome = await convert_deal_to_lead(
            viewer, int(item.key), ("deal",), fields=fields, lead_duplicate=Resolution(accept) if accept else None
        )
        assert outcome.lead is not None
        return {"lead_id": str(outcome.lead.id), "formula_not_carried": outcome.formula_not_carried}

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        self._fields.pop(job.id, None)
        done = await JobItem.filter(job_id=job.id, status=JobItemStatus.DONE).order_by("position")
        failed = await JobItem.filter(job_id=job.id, status=JobItemStatus.FAILED).count()
        warned = [item for item in done if item.result and item.result.get("formula_not_carried")]
        return {
            "converted": len(done),
            "failed": failed,
            "warningCount": len(warned),
            "warnings": [
                {
                    "dealId": deal_global_id(int(item.key)),
                    "code": WarningCode.FORMULA_NOT_CARRIED.value,
                    "message": FORMULA_WARNING,
                }
                for item in warned[:MAX_WARNINGS_IN_RESULT]
            ],
        }


register(ConvertDealsToLeads())


async def start_conversion_job(viewer: Viewer, query: DealQuery, lead_duplicate: Resolution | None = None) -> Job:
    """Convert every deal the filter finds now, in the background; the creator is notified at the end."""
    check_convert_permission(viewer)
    query.include_deleted = False
    ids = await matching_deal_ids(viewer, query)
    params = {"filter": query.to_params(), "lead_duplicate": lead_duplicate.value if lead_duplicate else None}
    return await create_job(viewer, KIND, params, [str(i) for i in ids])
