"""Deal to lead conversions: what moves, what stays, permissions, limits, all-or-nothing, and
a whole filter result converted as a job."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import domain.changelog
import domain.deals.conversion
from core.errors import DomainError
from core.ids import decode_id
from domain.accounts.account import create_team
from domain.activity.target import Target
from domain.deals.conversion import LeadToDealOptions, convert_deal_to_lead, convert_lead_to_deal
from domain.deals.product import add_deal_product, create_product
from domain.next_activity import refresh_next_activity
from jobs.deal_conversion import KIND
from jobs.runner import claim_job, run_job
from jobs.worker import Worker
from models import (
    Activity,
    ChangeLogEntry,
    Deal,
    DealParticipant,
    DealProduct,
    DealStatus,
    Email,
    Job,
    JobStatus,
    Lead,
    LeadSource,
    Note,
    Notification,
    Role,
    Stage,
    Visibility,
)
from tests.conftest import Account
from tests.factories.deals import (
    DEALS,
    JOB,
    LEADS,
    NODE,
    RESTORE,
    TO_LEADS,
    add_activity,
    add_email,
    add_note,
    deal_gid,
    formula_field,
    make_deal,
    make_lead,
    make_organization,
    make_person,
    number_field,
)

# ---------------------------------------------------------------------------------------------
# Deal → lead


async def deal_with_history(account: Account, **fields: Any) -> tuple[Deal, dict[str, int]]:
    """A deal of another user, with notes, planned and done activities, an email, a product, a participant."""
    viewer = await account.viewer()
    deal = await make_deal(
        viewer,
        "Fleet renewal",
        person_id=await make_person(viewer, "Bo Ek"),
        organization_id=await make_organization(viewer, "Volvo"),
        value_amount=Decimal("5000"),
        value_currency="EUR",
        expected_close_date=dt.date(2031, 3, 1),
        visibility=Visibility.TEAM,
        **fields,
    )
    target = Target("deal", deal.id)
    ids = {
        "note": await add_note(viewer, target, "Budget approved"),
        "planned": await add_activity(viewer, target, "Follow up"),
        "done": await add_activity(viewer, target, "Demo", done=True),
        "email": (await add_email(viewer, "Quote", deal_id=deal.id)).id,
    }
    product = await create_product(viewer, "Seat", Decimal("10"), "EUR")
    await add_deal_product(viewer, deal.id, product.id, Decimal(2))
    await DealParticipant.create(deal_id=deal.id, person_id=await make_person(viewer, "Cy Dahl"))
    return deal, ids


async def test_deal_becomes_a_lead_owned_by_the_converting_user(make_account: Any, account: Account) -> None:
    deal, ids = await deal_with_history(account)
    converter = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=account.company_id)
    # The deal is visible to its owner's team: the converter must be in it.
    await create_team(account.company_id, "Nordics", [account.user_id, converter.user_id])
    payload = await converter.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    assert payload["userErrors"] == [] and payload["warnings"] == [] and payload["job"] is None
    (result,) = payload["results"]
    assert result["dealId"] == deal_gid(deal.id) and result["userErrors"] == []
    lead = result["lead"]
    assert lead["title"] == "Fleet renewal" and lead["source"] == "DEAL"
    assert lead["owner"] == {"name": "Rita Regular"}
    assert lead["value"] == {"amount": "5000.00", "currency": "EUR"}
    assert lead["expectedCloseDate"] == "2031-03-01" and lead["visibility"] == "TEAM"
    assert (lead["person"], lead["organization"]) == ({"name": "Bo Ek"}, {"name": "Volvo"})
    # Upcoming activities, emails and notes move; done ones, products and participants stay.
    assert lead["activities"] == [{"subject": "Follow up", "done": False}]
    assert lead["emails"] == [{"subject": "Quote"}] and lead["notes"] == [{"content": "Budget approved"}]
    source = lead["sourceDeal"]
    assert source["id"] == deal_gid(deal.id) and source["deletedAt"] is not None
    assert source["activities"] == [{"subject": "Demo"}]
    assert source["products"] == [{"product": {"name": "Seat"}}]
    assert source["participants"] == [{"name": "Cy Dahl"}]
    assert {"action": "CONVERTED_FROM_DEAL", "field": "deal", "newValue": deal_gid(deal.id)} in lead["changeLog"]

    row = await Lead.get(source_deal_id=deal.id)
    assert (row.owner_user_id, row.source, row.created_by_id) == (converter.user_id, LeadSource.DEAL, converter.user_id)
    assert (await Activity.get(id=ids["planned"])).lead_id == row.id
    assert (await Activity.get(id=ids["done"])).deal_id == deal.id
    assert (await Email.get(id=ids["email"])).lead_id == row.id
    assert (await Note.get(id=ids["note"])).lead_id == row.id
    assert await DealProduct.filter(deal_id=deal.id).count() == 1
    assert row.next_activity_id == ids["planned"]
    stored = await Deal.get(id=deal.id)
    assert stored.deleted_at is not None
    # The deal keeps its history, and stays readable though it is gone from the list.
    node = await converter.client.execute(NODE, {"id": deal_gid(deal.id)})
    actions = [e["action"] for e in node["node"]["changeLog"]]
    assert {"CREATED", "CONVERTED_TO_LEAD", "DELETED", "PRODUCT_ADDED"} <= set(actions)
    assert await ChangeLogEntry.filter(entity_type="lead", entity_id=str(row.id), action="PRODUCT_ADDED").count() == 0
    assert (await converter.client.execute(DEALS))["deals"]["nodes"] == []


async def test_formula_values_are_not_carried_and_the_payload_warns(account: Account) -> None:
    viewer = await account.viewer()
    probability = await number_field(viewer, "Probability")
    await formula_field(viewer, "Weighted", f"{{value}} * {{{probability}}} / 100")
    with_formula = await make_deal(
        viewer, "Weighted", value_amount=Decimal(100), value_currency="EUR", custom_fields={probability: 50}
    )
    # Without a value the formula has no result: nothing is lost, no warning.
    plain = await make_deal(viewer, "Plain")
    payload = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(with_formula.id), deal_gid(plain.id)]})
    assert payload["warnings"] == [
        {
            "dealId": deal_gid(with_formula.id),
            "message": "Formula fields were not carried over: leads have no formula fields.",
            "code": "FORMULA_NOT_CARRIED",
        }
    ]
    lead = payload["results"][0]["lead"]
    assert lead["customFields"] == [{"key": "probability", "value": 50}]
    assert (await Lead.get(source_deal_id=with_formula.id)).custom_fields == {"probability": 50}


async def test_converting_needs_the_permission(make_account: Any, account: Account) -> None:
    deal = await make_deal(await account.viewer())
    without = await make_account(
        name="Nils Noperm", role=Role.REGULAR, company_id=account.company_id, can_convert_deals_to_leads=False
    )
    payload = await without.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    assert payload["results"] == []
    assert payload["userErrors"][0]["code"] == "PERMISSION_DENIED"
    filtered = await without.client.mutate(TO_LEADS, {"filter": {}})
    assert filtered["job"] is None and filtered["userErrors"][0]["code"] == "PERMISSION_DENIED"
    assert (await Deal.get(id=deal.id)).deleted_at is None
    assert await Lead.all().count() == 0 and await Job.all().count() == 0
    # Admins always may, whatever their flag says.
    admin = await make_account(name="Ada Admin", company_id=account.company_id, can_convert_deals_to_leads=False)
    payload = await admin.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    assert payload["results"][0]["userErrors"] == []


async def test_at_most_100_ids_and_either_ids_or_filter(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    ids = [deal_gid(deal.id)] + [deal_gid(10_000 + i) for i in range(100)]
    payload = await account.client.mutate(TO_LEADS, {"ids": ids})
    assert payload["userErrors"] == [
        {"field": ["input", "ids"], "message": "At most 100 ids per call.", "code": "TOO_MANY_ITEMS"}
    ]
    assert (await account.client.mutate(TO_LEADS, {}))["userErrors"][0]["code"] == "INVALID"
    both = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)], "filter": {}})
    assert both["userErrors"][0]["code"] == "INVALID"
    assert (await Deal.get(id=deal.id)).deleted_at is None and await Lead.all().count() == 0


async def test_restoring_the_deal_keeps_the_lead(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    payload = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    lead_id = payload["results"][0]["lead"]["id"]
    again = await account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    assert again["results"][0]["userErrors"][0]["code"] == "DELETED"
    restored = await account.client.mutate(RESTORE, {"id": deal_gid(deal.id)})
    assert restored == {"deal": {"deletedAt": None}, "userErrors": []}
    assert [n["id"] for n in (await account.client.execute(DEALS))["deals"]["nodes"]] == [deal_gid(deal.id)]
    assert [n["id"] for n in (await account.client.execute(LEADS))["leads"]["nodes"]] == [lead_id]
    assert await Lead.filter(source_deal_id=deal.id).count() == 1


async def test_deal_conversion_failing_half_way_changes_nothing(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal, ids = await deal_with_history(account)

    async def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("connection lost")

    # Runs after the lead was made and the activities, emails and notes moved.
    monkeypatch.setattr(domain.deals.conversion, "refresh_next_activity", fail)
    with pytest.raises(RuntimeError):
        await convert_deal_to_lead(await account.viewer(), deal.id)
    assert await Lead.all().count() == 0
    assert (await Deal.get(id=deal.id)).deleted_at is None
    for key in ("planned", "done"):
        assert (await Activity.get(id=ids[key])).deal_id == deal.id
    assert (await Email.get(id=ids["email"])).deal_id == deal.id
    assert (await Note.get(id=ids["note"])).deal_id == deal.id
    assert await ChangeLogEntry.filter(action="CONVERTED_TO_LEAD").count() == 0


async def test_another_companys_deal_is_not_found(account: Account, other_account: Account) -> None:
    deal = await make_deal(await account.viewer())
    payload = await other_account.client.mutate(TO_LEADS, {"ids": [deal_gid(deal.id)]})
    assert payload["results"][0]["userErrors"][0]["code"] == "NOT_FOUND"
    job = (await other_account.client.mutate(TO_LEADS, {"filter": {}}))["job"]
    assert job["total"] == 0
    await Worker().run_pending()
    assert (await Deal.get(id=deal.id)).deleted_at is None and await Lead.all().count() == 0


# ---------------------------------------------------------------------------------------------
# A whole filter result, as a job


async def test_filter_conversion_runs_as_a_job_and_notifies(account: Account) -> None:
    viewer = await account.viewer()
    won = [await make_deal(viewer, f"Won {i}") for i in range(5)]
    await Deal.filter(id__in=[d.id for d in won]).update(status=DealStatus.WON)
    kept = [await make_deal(viewer, f"Open {i}") for i in range(3)]
    payload = await account.client.mutate(TO_LEADS, {"filter": {"status": ["WON"]}})
    assert payload["userErrors"] == [] and payload["results"] == []
    job = payload["job"]
    assert (job["kind"], job["status"], job["total"]) == (KIND, "CREATED", 5)
    assert await Worker().run_pending() == 1
    data = await account.client.execute(JOB, {"id": job["id"]})
    assert data["job"]["status"] == "COMPLETED" and (data["job"]["done"], data["job"]["failed"]) == (5, 0)
    assert data["job"]["result"] == {"converted": 5, "failed": 0, "warningCount": 0, "warnings": []}
    for deal in won:
        assert (await Deal.get(id=deal.id)).deleted_at is not None
        assert await Lead.filter(source_deal_id=deal.id, owner_user_id=account.user_id).count() == 1
    for deal in kept:
        assert (await Deal.get(id=deal.id)).deleted_at is None
    notification = await Notification.get(user_id=account.user_id, kind="JOB_FINISHED")
    assert "5 done, 0 failed" in notification.message


async def test_filter_job_reports_formula_warnings(account: Account) -> None:
    viewer = await account.viewer()
    await formula_field(viewer, "Double", "{value} * 2")
    deal = await make_deal(viewer, value_amount=Decimal(3), value_currency="EUR")
    job = (await account.client.mutate(TO_LEADS, {"filter": {}}))["job"]
    await Worker().run_pending()
    result = (await Job.get(id=decode_id(job["id"], "Job"))).result
    assert result["warningCount"] == 1
    assert result["warnings"] == [
        {
            "dealId": deal_gid(deal.id),
            "code": "FORMULA_NOT_CARRIED",
            "message": "Formula fields were not carried over: leads have no formula fields.",
        }
    ]


async def test_killed_job_resumes_and_converts_every_deal_exactly_once(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    deals = [await make_deal(viewer, f"Deal {i:02d}") for i in range(20)]
    payload = await account.client.mutate(TO_LEADS, {"filter": {}})
    assert payload["job"]["total"] == 20

    real = refresh_next_activity
    calls = 0

    async def hang_on_the_eighth(lead_ids: Any) -> None:
        nonlocal calls
        calls += 1
        await real(lead_ids)
        if calls == 8:
            await asyncio.sleep(3600)  # the process dies here, inside deal 8's transaction

    monkeypatch.setattr(domain.deals.conversion, "refresh_next_activity", hang_on_the_eighth)
    short = dt.timedelta(milliseconds=50)
    job = await claim_job("doomed", short)
    assert job is not None
    task = asyncio.create_task(run_job(job, "doomed", short))
    while calls < 8:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await Lead.all().count() == 7
    assert await Deal.filter(deleted_at__isnull=False).count() == 7
    assert (await Job.get(id=job.id)).status == JobStatus.RUNNING

    monkeypatch.setattr(domain.deals.conversion, "refresh_next_activity", real)
    await asyncio.sleep(0.06)  # the dead worker's lease lapses
    assert await Worker().run_pending() == 1
    finished = await Job.get(id=job.id)
    assert (finished.status, finished.done, finished.failed) == (JobStatus.COMPLETED, 20, 0)
    for deal in deals:
        assert await Lead.filter(source_deal_id=deal.id).count() == 1
        assert (await Deal.get(id=deal.id)).deleted_at is not None
    assert await Lead.all().count() == 20
    assert await ChangeLogEntry.filter(action="CONVERTED_TO_LEAD").count() == 20


async def test_domain_rule_refuses_without_permission(make_account: Any, account: Account) -> None:
    deal = await make_deal(await account.viewer())
    without = await make_account(
        name="Nils Noperm", role=Role.REGULAR, company_id=account.company_id, can_convert_deals_to_leads=False
    )
    with pytest.raises(DomainError) as caught:
        await convert_deal_to_lead(await without.viewer(), deal.id)
    assert caught.value.errors[0].code.value == "PERMISSION_DENIED"
    # The lead → deal direction needs no such permission.
    lead = await make_lead(await without.viewer())
    made = await convert_lead_to_deal(await without.viewer(), lead.id, LeadToDealOptions())
    assert made.owner_id == without.user_id
    assert await Stage.filter(id=made.stage_id, position=0).exists()
