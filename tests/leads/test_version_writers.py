"""Every writer of a lead, person or deal raises its version, not only updateX: a client holding
the version from before a bulk change, an archive, a merge, a lead status, a deal's deletion or
restoration, or a conversion gets CONFLICT from `expectedVersion` (domain.versioned.write_many)."""

from __future__ import annotations

from typing import Any

from models import Deal, Lead, Person
from tests.conftest import Account
from tests.factories import gid, lead_gid, make_label, make_lead
from tests.factories.deals import make_deal
from tests.factories.lead_status import org_in, person_in, set_status

ERRORS = "userErrors { field code message }"
UPDATE = {
    "lead": f"mutation($input: UpdateLeadInput!) {{ updateLead(input: $input) {{ lead {{ version }} {ERRORS} }} }}",
    "person": (
        f"mutation($input: UpdatePersonInput!) {{ updatePerson(input: $input) {{ person {{ version }} {ERRORS} }} }}"
    ),
    "deal": f"mutation($input: UpdateDealInput!) {{ updateDeal(input: $input) {{ deal {{ version }} {ERRORS} }} }}",
}
FIELD = {"lead": "title", "person": "jobTitle", "deal": "title"}
BULK = f"mutation($input: BulkUpdateLeadsInput!) {{ bulkUpdateLeads(input: $input) {{ updatedCount {ERRORS} }} }}"
ARCHIVE = f"mutation($input: LeadIdsInput!) {{ archiveLeads(input: $input) {{ {ERRORS} }} }}"
UNARCHIVE = f"mutation($input: LeadIdsInput!) {{ unarchiveLeads(input: $input) {{ {ERRORS} }} }}"
MERGE = f"mutation($input: MergeLeadsInput!) {{ mergeLeads(input: $input) {{ {ERRORS} }} }}"
DELETE_DEAL = f"mutation($input: IdInput!) {{ deleteDeal(input: $input) {{ {ERRORS} }} }}"
RESTORE_DEAL = f"mutation($input: IdInput!) {{ restoreDeal(input: $input) {{ {ERRORS} }} }}"


async def assert_stale(account: Account, kind: str, record_id: str, before: int, now: int) -> None:
    """The version moved on; the old one is CONFLICT with nothing written, the new one works."""
    assert now == before + 1
    stale = await account.client.mutate(
        UPDATE[kind], {"id": record_id, "expectedVersion": before, FIELD[kind]: "From a stale read"}
    )
    assert [(e["code"], e["field"]) for e in stale["userErrors"]] == [("CONFLICT", ["input", "expectedVersion"])]
    fresh = await account.client.mutate(UPDATE[kind], {"id": record_id, "expectedVersion": now, FIELD[kind]: "Fresh"})
    assert fresh["userErrors"] == [] and fresh[kind]["version"] == now + 1


async def lead_version(lead: Lead) -> int:
    version: int = (await Lead.get(id=lead.id)).version
    return version


async def bulk(account: Account, ids: list[str], **changes: Any) -> None:
    payload = await account.client.mutate(BULK, {"ids": ids, **changes})
    assert payload["userErrors"] == [] and payload["updatedCount"] == len(ids)


async def test_bulk_changes_raise_each_leads_version(account: Account) -> None:
    viewer = await account.viewer()
    label = await make_label(viewer, "Versioned")
    leads = [await make_lead(viewer, f"Lead {i}") for i in range(3)]
    ids = [lead_gid(lead) for lead in leads]
    for changes in (
        {"visibility": "OWNER"},  # a column of the lead
        {"addLabelIds": [gid("LeadLabel", label.id)]},  # its labels only
        {"expectedCloseDate": "2030-01-01", "removeLabelIds": [gid("LeadLabel", label.id)]},  # both at once
    ):
        before = [await lead_version(lead) for lead in leads]
        await bulk(account, ids, **changes)
        assert [await lead_version(lead) for lead in leads] == [v + 1 for v in before], changes
    await assert_stale(account, "lead", ids[0], before[0], before[0] + 1)


async def test_archiving_and_unarchiving_raise_the_version(account: Account) -> None:
    lead = await make_lead(await account.viewer(), "Archived one")
    for mutation in (ARCHIVE, UNARCHIVE):
        before = await lead_version(lead)
        payload = await account.client.mutate(mutation, {"ids": [lead_gid(lead)]})
        assert payload["userErrors"] == []
        now = await lead_version(lead)
        assert now == before + 1
    await assert_stale(account, "lead", lead_gid(lead), now - 1, now)


async def test_a_merge_raises_the_survivors_version(account: Account) -> None:
    viewer = await account.viewer()
    survivor, other = await make_lead(viewer, "Survivor"), await make_lead(viewer, "Other")
    before = await lead_version(survivor)
    payload = await account.client.mutate(
        MERGE,
        {"survivorId": lead_gid(survivor), "otherId": lead_gid(other), "fields": [{"field": "TITLE", "take": "OTHER"}]},
    )
    assert payload["userErrors"] == []
    assert (await Lead.get(id=survivor.id)).title == "Other"
    await assert_stale(account, "lead", lead_gid(survivor), before, await lead_version(survivor))


async def test_setting_a_lead_status_raises_the_persons_version(account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Lead"))
    before = (await Person.get(id=person.id)).version
    payload = await set_status(account.client, person, "Contacting", account.company_id)
    assert payload["userErrors"] == []
    await assert_stale(account, "person", gid("Person", person.id), before, (await Person.get(id=person.id)).version)


async def test_deleting_and_restoring_a_deal_raise_its_version(account: Account) -> None:
    deal = await make_deal(await account.viewer())
    for mutation in (DELETE_DEAL, RESTORE_DEAL):
        before = (await Deal.get(id=deal.id)).version
        assert (await account.client.mutate(mutation, {"id": gid("Deal", deal.id)}))["userErrors"] == []
        now = (await Deal.get(id=deal.id)).version
        assert now == before + 1
    await assert_stale(account, "deal", gid("Deal", deal.id), now - 1, now)


async def test_another_companys_bulk_change_cannot_touch_our_versions(account: Account, other_account: Account) -> None:
    lead = await make_lead(await account.viewer(), "Ours")
    before = await lead_version(lead)
    payload = await other_account.client.mutate(BULK, {"ids": [lead_gid(lead)], "visibility": "OWNER"})
    assert payload["userErrors"] != []
    assert await lead_version(lead) == before
