"""The `deals` and `pipelines` queries and the deal mutations: decode ids, call the rules, build payloads."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.errors import ErrorCode, fail
from core.ids import decode_id, decode_input_id
from core.pagination import page_size
from domain.deals import deal as rules
from domain.deals import product as products
from domain.deals.deal import DealData
from domain.deals.pipeline import pipelines
from domain.deals.query import DealQuery, DealSortField, find_deals
from domain.leads.query import SortDirection
from resolvers.common import create_once, mutate
from schema.base import AFTER, FIRST, IDEMPOTENCY_KEY, IdInput, InfoT, PageInfo, given, optional_id
from schema.columns.custom_field import custom_values
from schema.deals.deal import Deal, DealConnection, DealEdge, DealFilter, DealProduct, DealSort, Pipeline, Product
from schema.deals.input import (
    AddDealProductInput,
    CreateDealInput,
    CreateProductInput,
    DealParticipantInput,
    DealPayload,
    DealProductPayload,
    ProductPayload,
    UpdateDealInput,
)


def deal_query(filter: DealFilter | None, sort: DealSort | None) -> DealQuery:
    f = filter or DealFilter()
    s = sort or DealSort()
    return DealQuery(
        statuses=list(f.status or []),
        pipeline_id=decode_id(f.pipeline_id, "Pipeline") if f.pipeline_id else None,
        stage_id=decode_id(f.stage_id, "Stage") if f.stage_id else None,
        owner_ids=[decode_id(i, "User") for i in f.owner_ids or []],
        search=f.search,
        include_deleted=f.include_deleted,
        sort=DealSortField(s.field),
        direction=SortDirection(s.direction),
    )


@strawberry.type
class DealQueries:
    @strawberry.field(
        description="Deals, filtered, searched and sorted; deleted ones only when asked. At most 500 a page."
    )
    async def deals(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: Annotated[
            DealFilter | None, strawberry.argument(description="Which deals; all live deals when left out.")
        ] = None,
        sort: Annotated[
            DealSort | None, strawberry.argument(description="The order; newest first when left out.")
        ] = None,
    ) -> DealConnection:
        viewer = info.context.require_viewer()
        query = deal_query(filter, sort)
        page = await find_deals(viewer, query, page_size(first), after)
        edges = [DealEdge(cursor=c, node=Deal.from_model(d)) for d, c in zip(page.deals, page.cursors, strict=True)]
        return DealConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
            _viewer=viewer,
            _query=query,
        )

    @strawberry.field(description="The company's pipelines in order, each with its stages.")
    async def pipelines(self, info: InfoT) -> list[Pipeline]:
        return [Pipeline.from_model(p) for p in await pipelines(info.context.require_viewer())]


def _update_changes(input: UpdateDealInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if given(input.title):
        changes["title"] = input.title
    for name, type_name in (
        ("person_id", "Person"),
        ("organization_id", "Organization"),
        ("owner_id", "User"),
        ("pipeline_id", "Pipeline"),
        ("stage_id", "Stage"),
    ):
        value = getattr(input, name)
        if given(value):
            changes[name] = optional_id(value, type_name, "input", name)
    for name in ("pipeline_id", "stage_id"):
        if name in changes and changes[name] is None:
            raise fail(f"{name} cannot be empty.", ErrorCode.REQUIRED, "input", name)
    if given(input.value):
        changes["value"] = (input.value.amount, input.value.currency) if input.value else None
    for name in ("expected_close_date", "status", "lost_reason", "visibility"):
        if given(getattr(input, name)):
            changes[name] = getattr(input, name)
    if given(input.custom_fields):
        changes["custom_fields"] = custom_values(input.custom_fields, "input")
    return changes


@strawberry.type
class DealMutation:
    @strawberry.mutation(description="Create an open deal; refused with PLAN_LIMIT_REACHED past the plan's open deals.")
    async def create_deal(
        self,
        info: InfoT,
        input: Annotated[CreateDealInput, strawberry.argument(description="The new deal.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> DealPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            data = DealData(
                title=input.title,
                person_id=optional_id(input.person_id, "Person", "input", "person_id"),
                organization_id=optional_id(input.organization_id, "Organization", "input", "organization_id"),
                owner_id=optional_id(input.owner_id, "User", "input", "owner_id"),
                value_amount=input.value.amount if input.value else None,
                value_currency=input.value.currency if input.value else None,
                expected_close_date=input.expected_close_date,
                pipeline_id=optional_id(input.pipeline_id, "Pipeline", "input", "pipeline_id"),
                stage_id=optional_id(input.stage_id, "Stage", "input", "stage_id"),
                visibility=input.visibility,
                custom_fields=custom_values(input.custom_fields, "input"),
            )
            return {
                "deal": Deal.from_model(
                    await create_once(
                        viewer,
                        "createDeal",
                        idempotency_key,
                        input,
                        models.Deal,
                        lambda: rules.create_deal(viewer, data),
                    )
                )
            }

        return await mutate(DealPayload, work)

    @strawberry.mutation(description="Change one deal: fields, stage, status (WON/LOST/OPEN), custom fields.")
    async def update_deal(
        self,
        info: InfoT,
        input: Annotated[UpdateDealInput, strawberry.argument(description="The deal and the changes.")],
    ) -> DealPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            deal_id = decode_input_id(input.id, "Deal", "input", "id")
            deal = await rules.update_deal(viewer, deal_id, _update_changes(input), input.expected_version)
            return {"deal": Deal.from_model(deal)}

        return await mutate(DealPayload, work)

    @strawberry.mutation(description="Delete a deal (soft): it leaves the lists and can be restored.")
    async def delete_deal(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The deal to delete.")]
    ) -> DealPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            deal = await rules.delete_deal(viewer, decode_input_id(input.id, "Deal", "input", "id"))
            return {"deal": Deal.from_model(deal)}

        return await mutate(DealPayload, work)

    @strawberry.mutation(description="Bring back a deleted deal; a lead it was converted to stays.")
    async def restore_deal(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The deleted deal to restore.")]
    ) -> DealPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            deal = await rules.restore_deal(viewer, decode_input_id(input.id, "Deal", "input", "id"))
            return {"deal": Deal.from_model(deal)}

        return await mutate(DealPayload, work)

    @strawberry.mutation(description="Add a person as a participant of a deal.")
    async def add_deal_participant(
        self,
        info: InfoT,
        input: Annotated[DealParticipantInput, strawberry.argument(description="The deal and the person.")],
    ) -> DealPayload:
        return await _participant(info, input, add=True)

    @strawberry.mutation(description="Remove a participant from a deal.")
    async def remove_deal_participant(
        self,
        info: InfoT,
        input: Annotated[DealParticipantInput, strawberry.argument(description="The deal and the person.")],
    ) -> DealPayload:
        return await _participant(info, input, add=False)

    @strawberry.mutation(description="Add a product to the company's catalogue.")
    async def create_product(
        self,
        info: InfoT,
        input: Annotated[CreateProductInput, strawberry.argument(description="The new product.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> ProductPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            product = await create_once(
                viewer,
                "createProduct",
                idempotency_key,
                input,
                models.Product,
                lambda: products.create_product(
                    viewer, input.name, input.unit_price.amount, input.unit_price.currency, input.code
                ),
            )
            return {"product": Product.from_model(product)}

        return await mutate(ProductPayload, work)

    @strawberry.mutation(description="Put a product on a deal, at the catalogue price unless another is given.")
    async def add_deal_product(
        self,
        info: InfoT,
        input: Annotated[
            AddDealProductInput, strawberry.argument(description="The deal, the product, quantity, price and discount.")
        ],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> DealProductPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            deal_id = decode_input_id(input.deal_id, "Deal", "input", "deal_id")
            product_id = decode_input_id(input.product_id, "Product", "input", "product_id")
            line = await create_once(
                viewer,
                "addDealProduct",
                idempotency_key,
                input,
                models.DealProduct,
                lambda: products.add_deal_product(
                    viewer,
                    deal_id,
                    product_id,
                    input.quantity,
                    unit_price=(input.unit_price.amount, input.unit_price.currency) if input.unit_price else None,
                    discount_percent=input.discount_percent,
                ),
            )
            deal = await rules.get_deal(viewer, line.deal_id)
            return {"deal_product": DealProduct.from_model(line), "deal": Deal.from_model(deal)}

        return await mutate(DealProductPayload, work)

    @strawberry.mutation(description="Take a product off a deal.")
    async def remove_deal_product(
        self,
        info: InfoT,
        input: Annotated[IdInput, strawberry.argument(description="The deal product line (`DealProduct.id`).")],
    ) -> DealPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            line_id = decode_input_id(input.id, "DealProduct", "input", "id")
            line = await products.remove_deal_product(viewer, line_id)
            return {"deal": Deal.from_model(await rules.get_deal(viewer, line.deal_id))}

        return await mutate(DealPayload, work)


async def _participant(info: InfoT, input: DealParticipantInput, *, add: bool) -> DealPayload:
    viewer = info.context.require_viewer()

    async def work() -> dict[str, Any]:
        deal_id = decode_input_id(input.deal_id, "Deal", "input", "deal_id")
        person_id = decode_input_id(input.person_id, "Person", "input", "person_id")
        change = rules.add_participant if add else rules.remove_participant
        return {"deal": Deal.from_model(await change(viewer, deal_id, person_id))}

    return await mutate(DealPayload, work)
