"""Conversions both ways: lead to deal (what moves, what stays, permissions, limits,
all-or-nothing) and two conversions of one record at once; deal to lead and the filter-wide job
are in tests/deals/test_deal_to_lead.py."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest

import domain.changelog
import domain.deals.conversion
from core.errors import DomainError
from core.ids import to_global_id
from domain.activity.target import Target
from domain.deals.conversion import convert_deal_to_lead, convert_lead_to_deal
from models import (
    Activity,
    ChangeLogEntry,
    Company,
    Deal,
    Email,
    Lead,
    Note,
    NoteMention,
    Pipeline,
    Visibility,
)
from tests.conftest import Account
from tests.factories.deals import (
    LEADS,
    TO_DEALS,
    TO_LEADS,
    add_activity,
    add_email,
    add_note,
    deal_gid,
    lead_gid,
    make_deal,
    make_lead,
    make_person,
    make_pipeline,
    number_field,
)

# ---------------------------------------------------------------------------------------------
# Lead → deal


async def test_lead_becomes_a_deal_with_everything_attached(account: Account) -> None:
    viewer = await account.viewer()
    size = await number_field(viewer, "Fleet size")
    person = await make_person(viewer, "Bo Ek")
    lead = await make_lead(
        viewer,
        "Volvo trucks",
        person_id=person,
        value_amount=Decimal("1200"),
        value_currency="SEK",
        visibility=Visibility.OWNER,
    )
    await Lead.filter(id=lead.id).update(custom_fields={size: 40})
    target = Target("lead", lead.id)
    note = await add_note(viewer, target, "Call @Anna Admin back")
    planned = await add_activity(viewer, target, "Call")
    done = await add_activity(viewer, target, "Intro", done=True)
    email = await add_email(viewer, "Offer", lead_id=lead.id)

    payload = await account.client.mutate(TO_DEALS, {"ids": [lead_gid(lead.id)]})
    assert payload["userErrors"] == []
    (result,) = payload["results"]
    assert result["leadId"] == lead_gid(lead.id) and result["userErrors"] == []
    deal = result["deal"]
    assert deal["title"] == "Volvo trucks" and deal["sourceLeadId"] == lead_gid(lead.id)
    assert deal["value"] == {"amount": "1200.00", "currency": "SEK"}
    assert (deal["pipeline"]["name"], deal["stage"]["name"]) == ("Sales pipeline", "Qualified")
    assert deal["visibility"] == "OWNER" and deal["owner"]["name"] == "Anna Admin"
    assert deal["person"] == {"name": "Bo Ek"} and deal["organization"] is None
    assert deal["customFields"] == [{"key": "fleet_size", "value": 40}]
    assert deal["notes"] == [{"content": "Call @Anna Admin back", "mentions": [{"name": "Anna Admin"}]}]
    assert sorted(a["subject"] for a in deal["activities"]) == ["Call", "Intro"]
    assert deal["emails"] == [{"subject": "Offer"}]
    assert {"action": "CONVERTED_TO_DEAL", "oldValue": lead_gid(lead.id), "newValue": deal["id"]} in deal["changeLog"]

    # The rows moved; the lead is gone from the inbox and the database.
    row = await Deal.get(company_id=account.company_id)
    assert row.source_lead_id == lead.id
    assert not await Lead.exists(id=lead.id)
    assert (await Note.get(id=note)).deal_id == row.id and (await Note.get(id=note)).lead_id is None
    assert await NoteMention.filter(note_id=note, user_id=account.user_id).exists()
    for activity_id in (planned, done):
        assert (await Activity.get(id=activity_id)).deal_id == row.id
    assert (await Email.get(id=email.id)).deal_id == row.id
    assert (await account.client.execute(LEADS))["leads"]["nodes"] == []
    logged = await ChangeLogEntry.get(entity_type="lead", entity_id=str(lead.id), action="CONVERTED_TO_DEAL")
    assert logged.new_value == f'"{deal["id"]}"'


async def test_caller_chooses_pipeline_stage_visibility_and_value(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, value_amount=Decimal("10"), value_currency="EUR")
    pipeline, stages = await make_pipeline(account.company_id)
    payload = await account.client.mutate(
        TO_DEALS,
        {
            "ids": [lead_gid(lead.id)],
            "pipelineId": to_global_id("Pipeline", pipeline.id),
            "stageId": to_global_id("Stage", stages[2].id),
            "visibility": "TEAM",
            "value": {"amount": "99.5", "currency": "usd"},
        },
    )
    deal = payload["results"][0]["deal"]
    assert (deal["pipeline"]["name"], deal["stage"]["name"], deal["visibility"]) == ("Partners", "Partners 2", "TEAM")
    assert deal["value"] == {"amount": "99.50", "currency": "USD"}
    row = await Deal.get(company_id=account.company_id)
    assert (row.stage_id, row.value_amount, row.visibility) == (stages[2].id, Decimal("99.50"), Visibility.TEAM)


async def test_bad_requests_convert_nothing(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    ids = [lead_gid(lead.id)]
    assert (await account.client.mutate(TO_DEALS, {"ids": []}))["userErrors"][0]["code"] == "REQUIRED"
    many = [lead_gid(uuid.uuid4()) for _ in range(101)]
    assert (await account.client.mutate(TO_DEALS, {"ids": many}))["userErrors"][0]["code"] == "TOO_MANY_ITEMS"
    default = await Pipeline.get(company_id=account.company_id, is_default=True)
    _, other_stages = await make_pipeline(account.company_id)
    wrong = await account.client.mutate(
        TO_DEALS,
        {
            "ids": ids,
            "pipelineId": to_global_id("Pipeline", default.id),
            "stageId": to_global_id("Stage", other_stages[0].id),
        },
    )
    assert wrong["results"] == [] and wrong["userErrors"][0]["code"] == "STAGE_NOT_IN_PIPELINE"
    bad_value = await account.client.mutate(TO_DEALS, {"ids": ids, "value": {"amount": "1", "currency": "XXX"}})
    assert bad_value["userErrors"][0]["code"] == "INVALID_CURRENCY"
    assert await Lead.exists(id=lead.id) and await Deal.all().count() == 0


async def test_each_lead_has_its_own_outcome(account: Account, other_account: Account) -> None:
    mine = await make_lead(await account.viewer(), "Mine")
    theirs = await make_lead(await other_account.viewer(), "Theirs")
    payload = await account.client.mutate(TO_DEALS, {"ids": [lead_gid(theirs.id), lead_gid(mine.id)]})
    first, second = payload["results"]
    assert first["deal"] is None
    assert first["userErrors"] == [{"field": ["input", "ids", "0"], "message": "Lead not found.", "code": "NOT_FOUND"}]
    assert second["deal"]["title"] == "Mine" and second["userErrors"] == []
    assert await Lead.exists(id=theirs.id) and not await Lead.exists(id=mine.id)
    assert await Deal.filter(company_id=other_account.company_id).count() == 0


async def test_plan_cap_is_checked_for_each_lead(account: Account) -> None:
    viewer = await account.viewer()
    await Company.filter(id=account.company_id).update(open_deals_limit=1)
    first, second = await make_lead(viewer, "First"), await make_lead(viewer, "Second")
    payload = await account.client.mutate(TO_DEALS, {"ids": [lead_gid(first.id), lead_gid(second.id)]})
    ok, refused = payload["results"]
    assert ok["deal"]["title"] == "First"
    assert refused["deal"] is None and refused["userErrors"][0]["code"] == "PLAN_LIMIT_REACHED"
    assert await Lead.exists(id=second.id) and await Deal.all().count() == 1


async def test_lead_conversion_failing_half_way_changes_nothing(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    target = Target("lead", lead.id)
    note = await add_note(viewer, target, "Keep me")
    activity = await add_activity(viewer, target, "Call")
    email = await add_email(viewer, "Offer", lead_id=lead.id)

    async def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # The change log is written after the deal was made and everything moved.
    monkeypatch.setattr(domain.changelog, "write", fail)
    with pytest.raises(RuntimeError):
        await convert_lead_to_deal(viewer, lead.id)
    assert await Deal.all().count() == 0
    assert await Lead.exists(id=lead.id)
    assert (await Note.get(id=note)).lead_id == lead.id
    assert (await Activity.get(id=activity)).lead_id == lead.id
    assert (await Email.get(id=email.id)).lead_id == lead.id


# ---------------------------------------------------------------------------------------------
# Two conversions of one record at once


@pytest.fixture
def slow_change_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the window between reading the record and committing its conversion."""
    write = domain.changelog.write

    async def slow_write(entries: Any) -> None:
        await asyncio.sleep(0.05)
        await write(entries)

    monkeypatch.setattr(domain.changelog, "write", slow_write)


async def test_one_deal_converted_twice_at_once_makes_one_lead(account: Account, slow_change_log: None) -> None:
    viewer = await account.viewer()
    deal = await make_deal(viewer)
    outcomes = await asyncio.gather(
        convert_deal_to_lead(viewer, deal.id), convert_deal_to_lead(viewer, deal.id), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1 and refused[0].errors[0].code.value == "DELETED"
    assert await Lead.filter(source_deal_id=deal.id).count() == 1


async def test_one_lead_converted_twice_at_once_makes_one_deal(account: Account, slow_change_log: None) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    outcomes = await asyncio.gather(
        convert_lead_to_deal(viewer, lead.id), convert_lead_to_deal(viewer, lead.id), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1 and refused[0].errors[0].code.value == "NOT_FOUND"
    assert await Deal.filter(source_lead_id=lead.id).count() == 1


async def test_a_deal_duplicating_a_lead_is_reported_until_accepted(account: Account) -> None:
    viewer = await account.viewer()
    person_id = await make_person(viewer, "Bo Ek")
    await make_lead(viewer, "Fleet renewal", person_id=person_id)
    deal = await make_deal(viewer, "  fleet RENEWAL ", person_id=person_id)
    payload = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    (result,) = payload["results"]
    assert result["lead"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("DUPLICATE", ["input", "ids", "0", "title"])]
    assert (await Deal.get(id=deal.id)).deleted_at is None
    assert await Lead.filter(company_id=account.company_id).count() == 1

    payload = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)], "leadDuplicate": "CREATE"})
    (result,) = payload["results"]
    assert result["userErrors"] == [] and result["lead"]["source"] == "DEAL"
    assert await Lead.filter(company_id=account.company_id).count() == 2
