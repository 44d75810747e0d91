"""Deals: pipelines and stages, status, soft delete and restore, the plan cap, participants,
products, custom values; the `deals` list, visibility and tenancy are in tests/deals/test_deal_list.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import domain.changelog
from core.errors import DomainError, ErrorCode
from core.ids import to_global_id
from domain.columns.custom_field import create_custom_field
from domain.deals import deal as rules
from domain.deals.deal import DealData
from models import (
    ChangeLogEntry,
    Company,
    CustomFieldEntity,
    CustomFieldType,
    Deal,
    DealParticipant,
    DealProduct,
    DealStatus,
    Lead,
    Pipeline,
    Stage,
)
from tests.conftest import Account
from tests.factories.deal_documents import (
    ADD_PARTICIPANT,
    ADD_PRODUCT,
    CREATE,
    CREATE_PRODUCT,
    DEALS,
    DELETE,
    NODE,
    PIPELINES,
    REMOVE_PARTICIPANT,
    REMOVE_PRODUCT,
    RESTORE,
    UPDATE,
)
from tests.factories.deals import make_deal, make_lead, make_organization, make_person, make_pipeline, number_field


async def test_pipelines_list_the_default_pipeline_with_ordered_stages(account: Account) -> None:
    data = await account.client.execute(PIPELINES)
    (pipeline,) = data["pipelines"]
    assert pipeline["isDefault"] is True
    assert [s["name"] for s in pipeline["stages"]] == [
        "Qualified",
        "Contact made",
        "Demo scheduled",
        "Proposal made",
        "Negotiations started",
    ]
    assert [s["position"] for s in pipeline["stages"]] == [0, 1, 2, 3, 4]


async def test_create_deal_defaults_to_first_stage_of_default_pipeline(account: Account) -> None:
    org = await make_organization(await account.viewer())
    payload = await account.client.mutate(
        CREATE,
        {
            "title": "Fleet",
            "organizationId": to_global_id("Organization", org),
            "value": {"amount": "100.5", "currency": "eur"},
        },
    )
    assert payload["userErrors"] == []
    deal = payload["deal"]
    assert (deal["status"], deal["pipeline"]["name"], deal["stage"]["name"]) == ("OPEN", "Sales pipeline", "Qualified")
    assert deal["value"] == {"amount": "100.50", "currency": "EUR"}
    assert deal["owner"]["name"] == "Anna Admin"
    row = await Deal.get(title="Fleet")
    assert (row.status, row.owner_id, row.deleted_at) == (DealStatus.OPEN, account.user_id, None)
    assert await ChangeLogEntry.filter(entity_type="deal", entity_id=str(row.id), action="CREATED").count() == 1


async def test_create_deal_needs_a_contact_and_a_stage_of_its_pipeline(account: Account) -> None:
    viewer = await account.viewer()
    payload = await account.client.mutate(CREATE, {"title": "Nobody"})
    assert payload["userErrors"][0]["code"] == "CONTACT_REQUIRED"
    org = to_global_id("Organization", await make_organization(viewer))
    default = await Pipeline.get(company_id=account.company_id, is_default=True)
    _, other_stages = await make_pipeline(account.company_id)
    payload = await account.client.mutate(
        CREATE,
        {
            "organizationId": org,
            "pipelineId": to_global_id("Pipeline", default.id),
            "stageId": to_global_id("Stage", other_stages[1].id),
        },
    )
    assert payload["userErrors"] == [
        {
            "field": ["input", "stageId"],
            "message": "The stage belongs to another pipeline.",
            "code": "STAGE_NOT_IN_PIPELINE",
        }
    ]
    # A stage alone implies its pipeline.
    payload = await account.client.mutate(
        CREATE, {"organizationId": org, "stageId": to_global_id("Stage", other_stages[1].id)}
    )
    assert (payload["deal"]["pipeline"]["name"], payload["deal"]["stage"]["name"]) == ("Partners", "Partners 1")
    assert payload["deal"]["title"] == "Volvo deal"
    assert await Deal.all().count() == 1


async def test_status_won_lost_and_reopen(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    deal_id = to_global_id("Deal", deal.id)
    won = await account.client.mutate(UPDATE, {"id": deal_id, "status": "WON"})
    assert won["deal"]["status"] == "WON" and won["deal"]["wonAt"] is not None
    bad = await account.client.mutate(UPDATE, {"id": deal_id, "lostReason": "Too pricey"})
    assert bad["userErrors"][0]["code"] == "INVALID"
    lost = await account.client.mutate(UPDATE, {"id": deal_id, "status": "LOST", "lostReason": "Too pricey"})
    assert lost["deal"]["wonAt"] is None and lost["deal"]["lostAt"] is not None
    assert lost["deal"]["lostReason"] == "Too pricey"
    row = await Deal.get(id=deal.id)
    assert (row.status, row.won_at, row.lost_reason) == (DealStatus.LOST, None, "Too pricey")
    reopened = await account.client.mutate(UPDATE, {"id": deal_id, "status": "OPEN"})
    assert reopened["deal"]["lostAt"] is None and reopened["deal"]["lostReason"] is None
    logged = (
        await ChangeLogEntry.filter(entity_id=str(deal.id), field="status")
        .order_by("id")
        .values_list("new_value", flat=True)
    )
    assert logged == ['"WON"', '"LOST"', '"OPEN"']


async def test_moving_stages_and_pipelines(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    deal_id = to_global_id("Deal", deal.id)
    default_stages = await Stage.filter(pipeline_id=deal.pipeline_id).order_by("position")
    moved = await account.client.mutate(UPDATE, {"id": deal_id, "stageId": to_global_id("Stage", default_stages[2].id)})
    assert moved["deal"]["stage"]["name"] == "Demo scheduled"
    other, other_stages = await make_pipeline(account.company_id)
    moved = await account.client.mutate(UPDATE, {"id": deal_id, "pipelineId": to_global_id("Pipeline", other.id)})
    assert (moved["deal"]["pipeline"]["name"], moved["deal"]["stage"]["name"]) == ("Partners", "Partners 0")
    refused = await account.client.mutate(
        UPDATE,
        {
            "id": deal_id,
            "pipelineId": to_global_id("Pipeline", other.id),
            "stageId": to_global_id("Stage", default_stages[0].id),
        },
    )
    assert refused["userErrors"][0]["code"] == "STAGE_NOT_IN_PIPELINE"
    row = await Deal.get(id=deal.id)
    assert (row.pipeline_id, row.stage_id) == (other.id, other_stages[0].id)


async def test_soft_delete_hides_the_deal_and_restore_brings_it_back(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    deal_id = to_global_id("Deal", deal.id)
    deleted = await account.client.mutate(DELETE, {"id": deal_id})
    assert deleted["userErrors"] == [] and deleted["deal"]["deletedAt"] is not None
    assert (await Deal.get(id=deal.id)).deleted_at is not None
    listed = await account.client.execute(DEALS)
    assert listed["deals"]["nodes"] == [] and listed["deals"]["totalCount"] == 0
    with_deleted = await account.client.execute(DEALS, {"filter": {"includeDeleted": True}})
    assert [n["id"] for n in with_deleted["deals"]["nodes"]] == [deal_id]
    node = await account.client.execute(NODE, {"id": deal_id})
    assert node["node"]["deletedAt"] is not None
    changed = await account.client.mutate(UPDATE, {"id": deal_id, "title": "New"})
    assert changed["userErrors"][0]["code"] == "DELETED"
    assert (await account.client.mutate(DELETE, {"id": deal_id}))["userErrors"] == [{"code": "DELETED"}]
    restored = await account.client.mutate(RESTORE, {"id": deal_id})
    assert restored == {"deal": {"deletedAt": None}, "userErrors": []}
    assert (await Deal.get(id=deal.id)).deleted_at is None
    assert (await account.client.mutate(RESTORE, {"id": deal_id}))["userErrors"] == [{"code": "CONFLICT"}]
    node = await account.client.execute(NODE, {"id": deal_id})
    assert [e["action"] for e in node["node"]["changeLog"]][:2] == ["RESTORED", "DELETED"]


async def test_plan_caps_open_deals_and_never_counts_leads(account: Account) -> None:
    viewer = await account.viewer()
    await Company.filter(id=account.company_id).update(open_deals_limit=2)
    for i in range(3):
        await make_lead(viewer, f"Lead {i}")  # leads are never limited
    org = to_global_id("Organization", await make_organization(viewer))
    first = await account.client.mutate(CREATE, {"title": "One", "organizationId": org})
    second = await account.client.mutate(CREATE, {"title": "Two", "organizationId": org})
    assert first["userErrors"] == second["userErrors"] == []
    third = await account.client.mutate(CREATE, {"title": "Three", "organizationId": org})
    assert third["deal"] is None
    assert third["userErrors"][0]["code"] == "PLAN_LIMIT_REACHED"
    assert await Deal.filter(company_id=account.company_id).count() == 2
    assert await Lead.filter(company_id=account.company_id).count() == 3

    # A won deal is not open: its place is free, and reopening it past the cap is refused.
    await account.client.mutate(UPDATE, {"id": first["deal"]["id"], "status": "WON"})
    third = await account.client.mutate(CREATE, {"title": "Three", "organizationId": org})
    assert third["userErrors"] == []
    reopen = await account.client.mutate(UPDATE, {"id": first["deal"]["id"], "status": "OPEN"})
    assert reopen["userErrors"][0]["code"] == "PLAN_LIMIT_REACHED"
    assert (await Deal.get(title="One")).status == DealStatus.WON

    # A deleted open deal frees its place; restoring it past the cap is refused.
    await account.client.mutate(DELETE, {"id": second["deal"]["id"]})
    fourth = await account.client.mutate(CREATE, {"title": "Four", "organizationId": org})
    assert fourth["userErrors"] == []
    restore = await account.client.mutate(RESTORE, {"id": second["deal"]["id"]})
    assert restore["userErrors"] == [{"code": "PLAN_LIMIT_REACHED"}]
    assert (await Deal.get(title="Two")).deleted_at is not None


async def test_the_cap_is_per_company(account: Account, other_account: Account) -> None:
    await Company.filter(id=account.company_id).update(open_deals_limit=1)
    await make_deal(await account.viewer())
    other = await other_account.viewer()
    org = to_global_id("Organization", await make_organization(other))
    payload = await other_account.client.mutate(CREATE, {"organizationId": org})
    assert payload["userErrors"] == []


async def test_participants(account: Account) -> None:
    viewer = await account.viewer()
    deal = await make_deal(viewer)
    person = to_global_id("Person", await make_person(viewer, "Bo Ek"))
    ids = {"dealId": to_global_id("Deal", deal.id), "personId": person}
    added = await account.client.mutate(ADD_PARTICIPANT, ids)
    assert added == {"deal": {"participants": [{"name": "Bo Ek"}]}, "userErrors": []}
    assert await DealParticipant.filter(deal_id=deal.id).count() == 1
    again = await account.client.mutate(ADD_PARTICIPANT, ids)
    assert again["userErrors"] == [{"code": "DUPLICATE"}]
    removed = await account.client.mutate(REMOVE_PARTICIPANT, ids)
    assert removed == {"deal": {"participants": []}, "userErrors": []}
    assert await DealParticipant.filter(deal_id=deal.id).count() == 0
    actions = await ChangeLogEntry.filter(entity_id=str(deal.id), field="participants").values_list("action", flat=True)
    assert sorted(actions) == ["PARTICIPANT_ADDED", "PARTICIPANT_REMOVED"]


async def test_products_on_a_deal(account: Account, other_account: Account) -> None:
    deal = await make_deal(await account.viewer())
    made = await account.client.mutate(
        CREATE_PRODUCT, {"name": "Seat licence", "code": "SEAT", "unitPrice": {"amount": "19.99", "currency": "EUR"}}
    )
    assert made["userErrors"] == []
    twice = await account.client.mutate(
        CREATE_PRODUCT, {"name": "Other", "code": "SEAT", "unitPrice": {"amount": "1", "currency": "EUR"}}
    )
    assert twice["userErrors"] == [{"field": ["input", "code"], "code": "DUPLICATE"}]
    line = await account.client.mutate(
        ADD_PRODUCT,
        {
            "dealId": to_global_id("Deal", deal.id),
            "productId": made["product"]["id"],
            "quantity": "3",
            "discountPercent": "10",
        },
    )
    assert line["userErrors"] == []
    assert line["dealProduct"]["unitPrice"] == {"amount": "19.99"}
    assert line["dealProduct"]["total"] == {"amount": "53.97", "currency": "EUR"}
    assert line["deal"]["products"] == [{"product": {"name": "Seat licence"}}]
    stored = await DealProduct.get(deal_id=deal.id)
    assert (str(stored.quantity), str(stored.discount_percent)) == ("3.0000", "10.00")

    # Another company can neither use the product nor touch the deal's line.
    other_deal = await make_deal(await other_account.viewer())
    foreign = await other_account.client.mutate(
        ADD_PRODUCT, {"dealId": to_global_id("Deal", other_deal.id), "productId": made["product"]["id"]}
    )
    assert foreign["userErrors"] == [{"field": ["input", "productId"], "code": "NOT_FOUND"}]
    refused = await other_account.client.mutate(REMOVE_PRODUCT, {"id": line["dealProduct"]["id"]})
    assert refused["userErrors"] == [{"code": "NOT_FOUND"}]
    removed = await account.client.mutate(REMOVE_PRODUCT, {"id": line["dealProduct"]["id"]})
    assert removed == {"deal": {"products": []}, "userErrors": []}
    assert await DealProduct.filter(deal_id=deal.id).count() == 0


async def test_custom_field_values_are_checked_against_their_type(account: Account) -> None:
    viewer = await account.viewer()
    size = await number_field(viewer, "Fleet size")
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Close on", CustomFieldType.DATE)
    org = to_global_id("Organization", await make_organization(viewer))
    payload = await account.client.mutate(
        CREATE,
        {
            "organizationId": org,
            "customFields": [
                {"key": size, "value": "many"},
                {"key": "close_on", "value": "31/12"},
                {"key": "nope", "value": 1},
            ],
        },
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "customFields", "fleet_size"], "INVALID_CUSTOM_FIELD_VALUE"),
        (["input", "customFields", "close_on"], "INVALID_CUSTOM_FIELD_VALUE"),
        (["input", "customFields", "nope"], "UNKNOWN_CUSTOM_FIELD"),
    ]
    assert await Deal.all().count() == 0
    payload = await account.client.mutate(
        CREATE,
        {
            "organizationId": org,
            "customFields": [{"key": size, "value": 12}, {"key": "close_on", "value": "2030-12-31"}],
        },
    )
    assert payload["deal"]["customFields"] == [
        {"key": "fleet_size", "value": 12},
        {"key": "close_on", "value": "2030-12-31"},
    ]
    stored = await Deal.get(company_id=account.company_id)
    assert stored.custom_fields == {"fleet_size": 12, "close_on": "2030-12-31"}
    cleared = await account.client.mutate(
        UPDATE, {"id": payload["deal"]["id"], "customFields": [{"key": size, "value": None}]}
    )
    assert cleared["deal"]["customFields"] == [
        {"key": "fleet_size", "value": None},
        {"key": "close_on", "value": "2030-12-31"},
    ]
    assert (await Deal.get(id=stored.id)).custom_fields == {"close_on": "2030-12-31"}


async def test_two_deals_created_at_once_cannot_both_take_the_last_place(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company row is locked while counting, so concurrent creations queue for the check."""
    viewer = await account.viewer()
    await Company.filter(id=account.company_id).update(open_deals_limit=1)
    org = await make_organization(viewer)
    write = domain.changelog.write

    async def slow_write(entries: Any) -> None:
        # Widen the window between counting the open deals and committing the new one.
        await asyncio.sleep(0.05)
        await write(entries)

    monkeypatch.setattr(domain.changelog, "write", slow_write)
    outcomes = await asyncio.gather(
        *(rules.create_deal(viewer, DealData(title=f"Race {i}", organization_id=org)) for i in range(4)),
        return_exceptions=True,
    )
    made = [o for o in outcomes if isinstance(o, Deal)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(made) == 1 and len(refused) == 3
    assert {e.errors[0].code for e in refused} == {ErrorCode.PLAN_LIMIT_REACHED}
    assert await Deal.filter(company_id=account.company_id, status=DealStatus.OPEN).count() == 1
