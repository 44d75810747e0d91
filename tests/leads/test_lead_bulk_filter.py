"""Bulk edit and delete of a whole filter result (SPEC §3.2), custom fields included: exactly the
leads the caller's list shows for that filter, never another company's, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from domain import changelog
from domain.leads import bulk as lead_bulk
from models import ChangeLogEntry, Lead, LeadLabel, LeadLabelLink, Role, Visibility
from tests.conftest import Account
from tests.factories import gid, make_lead, make_person
from tests.factories.columns import define_fields

ERRORS = "userErrors { field message code }"
BULK = f"mutation ($input: BulkUpdateLeadsInput!) {{ bulkUpdateLeads(input: $input) {{ updatedCount {ERRORS} }} }}"
DELETE = f"mutation ($input: DeleteLeadsInput!) {{ deleteLeads(input: $input) {{ deletedCount deletedIds {ERRORS} }} }}"


def region(name: str) -> dict[str, Any]:
    return {"conditions": {"conditions": [{"column": "cf.lead.region", "operator": "EQUALS", "value": name}]}}


async def north_and_south(account: Account, other_account: Account) -> dict[str, Lead]:
    viewer = await account.viewer()
    await define_fields(viewer)
    hot = await LeadLabel.get(company_id=account.company_id, name="Hot")
    leads = {
        "n1": await make_lead(viewer, "North 1", custom_fields={"region": "North", "fleet": 1}),
        "n2": await make_lead(viewer, "North 2", custom_fields={"region": "north", "tier": 3}),
        # Already as the change wants it: matched, not counted as changed.
        "n3": await make_lead(
            viewer,
            "North 3",
            custom_fields={"region": "North", "fleet": 10, "tier": 2},
            visibility=Visibility.OWNER,
            label_ids=[hot.id],
        ),
        "s1": await make_lead(viewer, "South 1", custom_fields={"region": "South", "fleet": 1}),
    }
    other = await other_account.viewer()
    await define_fields(other)
    leads["theirs"] = await make_lead(other, "Their North", custom_fields={"region": "North", "fleet": 1})
    return leads


async def test_bulk_update_by_filter_changes_exactly_the_matching_leads(
    account: Account, other_account: Account
) -> None:
    leads = await north_and_south(account, other_account)
    hot = await LeadLabel.get(company_id=account.company_id, name="Hot")
    payload = await account.client.mutate(
        BULK,
        {
            "filter": region("north"),
            "visibility": "OWNER",
            "addLabelIds": [gid("LeadLabel", hot.id)],
            "customFields": [{"key": "fleet", "value": 10}, {"key": "tier", "value": 2}],
        },
    )
    assert payload == {"updatedCount": 2, "userErrors": []}
    for name in ("n1", "n2", "n3"):
        row = await Lead.get(id=leads[name].id)
        assert (row.custom_fields["fleet"], row.custom_fields["tier"], row.visibility) == (10, 2, Visibility.OWNER)
        assert row.custom_fields["region"].lower() == "north"  # untouched keys stay
        assert await LeadLabelLink.exists(lead_id=row.id, label_id=hot.id)
    assert (await Lead.get(id=leads["s1"].id)).custom_fields == {"region": "South", "fleet": 1}
    assert (await Lead.get(id=leads["theirs"].id)).custom_fields == {"region": "North", "fleet": 1}
    log = await ChangeLogEntry.filter(entity_id=str(leads["n1"].id), action="UPDATED").values_list("field", flat=True)
    assert sorted(log) == ["custom_fields.fleet", "custom_fields.tier", "labels", "visibility"]
    assert not await ChangeLogEntry.filter(entity_id=str(leads["n3"].id), action="UPDATED").exists()

    # Clearing in bulk: a null removes the value.
    payload = await account.client.mutate(
        BULK, {"filter": region("north"), "customFields": [{"key": "tier", "value": None}]}
    )
    assert payload["updatedCount"] == 3
    assert "tier" not in (await Lead.get(id=leads["n2"].id)).custom_fields


async def test_a_filter_reaches_only_what_the_caller_sees(
    account: Account, other_account: Account, make_account: Any
) -> None:
    leads = await north_and_south(account, other_account)
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    payload = await rita.client.mutate(
        BULK, {"filter": region("north"), "customFields": [{"key": "fleet", "value": 77}]}
    )
    # North 3 is visible to its owner (and admins) only.
    assert payload == {"updatedCount": 2, "userErrors": []}
    assert (await Lead.get(id=leads["n3"].id)).custom_fields["fleet"] == 10
    # The other company, same filter, same field keys: only its own lead.
    payload = await other_account.client.mutate(DELETE, {"filter": region("north")})
    assert payload["deletedCount"] == 1
    assert payload["deletedIds"] == [gid("Lead", leads["theirs"].id)]
    assert await Lead.filter(company_id=account.company_id).count() == 4


async def test_delete_by_filter(account: Account, other_account: Account) -> None:
    leads = await north_and_south(account, other_account)
    payload = await account.client.mutate(DELETE, {"filter": region("NORTH")})
    assert payload["deletedCount"] == 3
    assert sorted(payload["deletedIds"]) == sorted(gid("Lead", leads[n].id) for n in ("n1", "n2", "n3"))
    assert [lead.title for lead in await Lead.filter(company_id=account.company_id)] == ["South 1"]
    assert await Lead.exists(id=leads["theirs"].id)
    assert await ChangeLogEntry.filter(action="DELETED", entity_type="lead").count() == 3
    # A filter matching nothing deletes nothing, and says so.
    assert (await account.client.mutate(DELETE, {"filter": region("West")}))["deletedCount"] == 0


async def test_ids_or_a_filter(account: Account, other_account: Account) -> None:
    leads = await north_and_south(account, other_account)
    both = await account.client.mutate(DELETE, {"ids": [gid("Lead", leads["s1"].id)], "filter": region("north")})
    assert both["userErrors"][0]["code"] == "CONFLICT"
    neither = await account.client.mutate(BULK, {"visibility": "TEAM"})
    assert neither["userErrors"][0]["code"] == "REQUIRED"
    assert await Lead.filter(company_id=account.company_id).count() == 4


async def test_a_filter_that_does_not_fit_is_a_user_error(account: Account, other_account: Account) -> None:
    await north_and_south(account, other_account)
    bad = {"conditions": {"conditions": [{"column": "cf.lead.fleet", "operator": "STARTS_WITH", "value": "1"}]}}
    payload = await account.client.mutate(BULK, {"filter": bad, "visibility": "TEAM"})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "filter", "conditions", "conditions", "0", "operator"], "INVALID_FILTER")
    ]
    unknown = {"conditions": {"conditions": [{"column": "cf.lead.nope", "operator": "IS_EMPTY"}]}}
    payload = await account.client.mutate(DELETE, {"filter": unknown})
    assert payload["userErrors"][0]["code"] == "INVALID_FILTER"
    payload = await account.client.mutate(DELETE, {"filter": {"labelIds": ["garbage"]}})
    assert payload["userErrors"][0] == {
        "field": ["input", "filter", "labelIds"],
        "message": "'garbage' is not a valid id.",
        "code": "INVALID_ID",
    }
    assert await Lead.filter(company_id=account.company_id, visibility=Visibility.TEAM).count() == 0
    assert await Lead.filter(company_id=account.company_id).count() == 4


async def test_a_filter_matching_too_many_leads_is_refused(
    account: Account, other_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    await north_and_south(account, other_account)
    monkeypatch.setattr(lead_bulk, "MAX_BULK_FILTER", 2)
    payload = await account.client.mutate(BULK, {"filter": region("north"), "visibility": "TEAM"})
    assert payload["userErrors"][0]["code"] == "TOO_MANY_ITEMS"
    assert await Lead.filter(company_id=account.company_id, visibility=Visibility.TEAM).count() == 0


async def test_a_failure_half_way_changes_nothing(
    account: Account, other_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads = await north_and_south(account, other_account)
    before = {
        lead.id: (lead.custom_fields, lead.visibility) for lead in await Lead.filter(company_id=account.company_id)
    }

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the label step failed")

    # Values and custom fields are written before the labels: the failure comes after them.
    monkeypatch.setattr(lead_bulk, "replace_labels", broken)
    hot = await LeadLabel.get(company_id=account.company_id, name="Hot")
    body = await account.client.raw(
        BULK,
        {
            "input": {
                "filter": region("north"),
                "visibility": "TEAM",
                "labelIds": [gid("LeadLabel", hot.id)],
                "customFields": [{"key": "fleet", "value": 99}],
            }
        },
    )
    assert body["errors"][0]["message"] == "Internal error."
    after = {
        lead.id: (lead.custom_fields, lead.visibility) for lead in await Lead.filter(company_id=account.company_id)
    }
    assert after == before

    monkeypatch.setattr(changelog, "write", broken)
    body = await account.client.raw(DELETE, {"input": {"filter": region("north")}})
    assert body["errors"][0]["message"] == "Internal error."
    assert await Lead.filter(id__in=[leads[n].id for n in ("n1", "n2", "n3")]).count() == 3


async def test_delete_by_a_search_that_is_not_a_phone_number_spares_leads_with_those_digits(
    account: Account,
) -> None:
    """A search for a word holding digits ("x7y7z7") matches no phone number: deleting what it
    finds deletes nothing, however many phones hold a 7."""
    viewer = await account.viewer()
    for i, phone in enumerate(("+46 777 777 77", "070-717 27 37", "+1 777 0000")):
        person = await make_person(viewer, f"Seven {i}", phone=phone)
        await make_lead(viewer, f"Lead {i}", person_id=person.id)
    payload = await account.client.mutate(DELETE, {"filter": {"search": "no-such-title-x7y7z7"}})
    assert (payload["deletedCount"], payload["userErrors"]) == (0, [])
    assert await Lead.filter(company_id=account.company_id).count() == 3
    # A phone-like search still finds (and deletes) the one lead with that number.
    payload = await account.client.mutate(DELETE, {"filter": {"search": "+46 777"}})
    assert (payload["deletedCount"], payload["userErrors"]) == (1, [])
    assert await Lead.filter(company_id=account.company_id).count() == 2
