"""DataLoaders of the Prospector: profiles (shared), and a company's purchases, reports and leads."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from domain.leads.lead import can_see_lead
from domain.prospector.query import owned_prospects
from domain.viewer import Viewer
from models import Deal, Lead, ProspectKind, ProspectOrganization, ProspectPerson, ProspectReport

Fetch = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


def prospect_fetchers(viewer: Viewer) -> dict[str, Fetch]:
    company_id = viewer.company_id

    async def persons(keys: Sequence[int]) -> dict[int, ProspectPerson]:
        # The shared database: no company owns these rows.
        return {p.id: p for p in await ProspectPerson.filter(id__in=list(keys))}

    async def organizations(keys: Sequence[int]) -> dict[int, ProspectOrganization]:
        return {o.id: o for o in await ProspectOrganization.filter(id__in=list(keys))}

    async def owned(keys: Sequence[tuple[ProspectKind, int]]) -> dict[tuple[ProspectKind, int], bool]:
        out: dict[tuple[ProspectKind, int], bool] = {k: False for k in keys}
        for kind in ProspectKind:
            ids = [key for k, key in keys if k == kind]
            for key in await owned_prospects(company_id, kind, ids):
                out[(kind, key)] = True
        return out

    async def leads(keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, Lead]:
        rows = await Lead.filter(id__in=list(keys), company_id=company_id)
        return {uuid.UUID(str(row.id)): row for row in rows if can_see_lead(viewer, row)}

    async def latest_reports(keys: Sequence[int]) -> dict[int, ProspectReport]:
        out: dict[int, ProspectReport] = {}
        for row in await ProspectReport.filter(purchase_id__in=list(keys), company_id=company_id).order_by("id"):
            out[row.purchase_id] = row  # the last one wins: the newest
        return out

    async def deals_from_leads(keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        rows = await Deal.filter(source_lead_id__in=list(keys), company_id=company_id).values_list(
            "source_lead_id", "id"
        )
        return {uuid.UUID(str(lead_id)): deal_id for lead_id, deal_id in rows}

    return {
        "prospect_person_by_id": persons,
        "prospect_organization_by_id": organizations,
        "owned_prospect": owned,
        "lead_by_id": leads,
        "latest_report_by_purchase_id": latest_reports,
        "deal_id_by_source_lead_id": deals_from_leads,
    }
