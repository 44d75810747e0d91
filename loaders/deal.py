"""DataLoaders of deals, pipelines, products and custom-field definitions; one query per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from domain.deals.deal import can_see_deal
from domain.viewer import Viewer
from models import (
    Activity,
    ChangeLogEntry,
    CustomField,
    CustomFieldEntity,
    Deal,
    DealParticipant,
    DealProduct,
    Email,
    Note,
    Pipeline,
    Product,
    Stage,
)

Fetch = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


def deal_fetchers(viewer: Viewer) -> dict[str, Fetch]:
    company_id = viewer.company_id

    async def deals(keys: Sequence[int]) -> dict[int, Deal]:
        # Deleted deals too: a converted lead links to its (deleted) source deal.
        rows = await Deal.filter(id__in=list(keys), company_id=company_id)
        return {d.id: d for d in rows if can_see_deal(viewer, d)}

    async def pipelines(keys: Sequence[int]) -> dict[int, Pipeline]:
        return {p.id: p for p in await Pipeline.filter(id__in=list(keys), company_id=company_id)}

    async def stages(keys: Sequence[int]) -> dict[int, Stage]:
        return {s.id: s for s in await Stage.filter(id__in=list(keys), pipeline__company_id=company_id)}

    async def stages_by_pipeline(keys: list[int]) -> dict[int, list[Stage]]:
        out: dict[int, list[Stage]] = defaultdict(list)
        rows = await Stage.filter(pipeline_id__in=keys, pipeline__company_id=company_id).order_by("position", "id")
        for row in rows:
            out[row.pipeline_id].append(row)
        return out

    def by_deal(model: Any, order: Sequence[str]) -> Fetch:
        async def fetch(keys: list[int]) -> dict[int, list[Any]]:
            out: dict[int, list[Any]] = defaultdict(list)
            for row in await model.filter(deal_id__in=keys, company_id=company_id).order_by(*order):
                out[row.deal_id].append(row)
            return out

        return fetch

    async def change_log(keys: list[int]) -> dict[int, list[ChangeLogEntry]]:
        out: dict[int, list[ChangeLogEntry]] = defaultdict(list)
        rows = await ChangeLogEntry.filter(
            company_id=company_id, entity_type="deal", entity_id__in=[str(k) for k in keys]
        ).order_by("-created_at", "-id")
        for row in rows:
            out[int(row.entity_id)].append(row)
        return out

    async def participants(keys: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        rows = (
            await DealParticipant.filter(deal_id__in=keys, deal__company_id=company_id)
            .order_by("created_at", "id")
            .values_list("deal_id", "person_id")
        )
        for deal_id, person_id in rows:
            out[deal_id].append(person_id)
        return out

    async def deal_products(keys: list[int]) -> dict[int, list[DealProduct]]:
        out: dict[int, list[DealProduct]] = defaultdict(list)
        rows = await DealProduct.filter(deal_id__in=keys, deal__company_id=company_id).order_by("position", "id")
        for row in rows:
            out[row.deal_id].append(row)
        return out

    async def products(keys: Sequence[int]) -> dict[int, Product]:
        return {p.id: p for p in await Product.filter(id__in=list(keys), company_id=company_id)}

    async def custom_fields(keys: list[CustomFieldEntity]) -> dict[CustomFieldEntity, list[CustomField]]:
        out: dict[CustomFieldEntity, list[CustomField]] = defaultdict(list)
        rows = await CustomField.filter(company_id=company_id, entity__in=keys, deleted_at=None).order_by(
            "position", "id"
        )
        for row in rows:
            out[CustomFieldEntity(row.entity)].append(row)
        return out

    return {
        "deal_by_id": deals,
        "pipeline_by_id": pipelines,
        "stage_by_id": stages,
        "stages_by_pipeline_id": stages_by_pipeline,
        "notes_by_deal_id": by_deal(Note, ("-created_at", "-id")),
        "activities_by_deal_id": by_deal(Activity, ("done", "due_date", "due_time", "id")),
        "emails_by_deal_id": by_deal(Email, ("-sent_at", "-id")),
        "change_log_by_deal_id": change_log,
        "participant_ids_by_deal_id": participants,
        "products_by_deal_id": deal_products,
        "product_by_id": products,
        "custom_fields_by_entity": custom_fields,
    }


# Which of the fetchers above return one row per key (the others return lists).
SINGLE = frozenset({"deal_by_id", "pipeline_by_id", "stage_by_id", "product_by_id"})
