"""Which webhook events each kind of change writes to the outbox, with what in them.

The events are read from the outbox rows the changes wrote in their own transaction (delivery
itself is tested in tests/integration/test_webhooks.py). Bulk operations write one event per object.
"""

from __future__ import annotations

from typing import Any

import orjson

from core.ids import to_global_id
from domain.activity.activity import delete_activity, set_done, update_activity
from domain.activity.note import delete_note, update_note
from domain.contacts.organization import delete_organization, update_organization
from domain.contacts.person import update_person
from domain.deals.conversion import convert_lead_to_deal
from domain.deals.deal import delete_deal, restore_deal, update_deal
from domain.integration.webhook import create_webhook
from domain.leads.bulk import bulk_update_leads, delete_leads
from domain.leads.lead import set_archived, update_lead
from domain.leads.merge import merge_leads
from models import WebhookDelivery, WebhookEvent
from tests.conftest import Account
from tests.factories import lead_gid, make_activity, make_lead, make_note, make_org, make_person
from tests.factories.deals import make_deal
from tests.factories.prospector import ELIN, NORDIC, enable, load_profiles, person_gid


async def subscribe(account: Account, events: list[str] | None = None) -> None:
    await create_webhook(await account.viewer(), "http://127.0.0.1:9/hooks", events or ["*"], None, allow_insecure=True)


async def events(company_id: int | None = None) -> list[dict[str, Any]]:
    query = WebhookEvent.all().order_by("id")
    if company_id is not None:
        query = query.filter(company_id=company_id)
    return [orjson.loads(e.body) for e in await query]


async def types() -> list[str]:
    return [e["type"] for e in await events()]


async def test_lead_lifecycle(account: Account) -> None:
    viewer = await account.viewer()
    person = await make_person(viewer, "Ada Lovelace")
    await subscribe(account, ["lead.created", "lead.updated", "lead.archived", "lead.unarchived", "lead.deleted"])
    lead = await make_lead(viewer, "Engines", person_id=person.id)
    await update_lead(viewer, lead.id, {"title": "Analytical engines"})
    await set_archived(viewer, [lead.id], True)
    await set_archived(viewer, [lead.id], False)
    await delete_leads(viewer, [lead.id])
    found = await events()
    assert [e["type"] for e in found] == [
        "lead.created",
        "lead.updated",
        "lead.archived",
        "lead.unarchived",
        "lead.deleted",
    ]
    created = found[0]["data"]
    assert created["id"] == lead_gid(lead) and created["uuid"] == str(lead.id)
    assert created["personId"] == to_global_id("Person", person.id)
    assert "titleKey" not in created and "companyId" not in created
    assert found[1]["changes"] == {"title": {"old": "Engines", "new": "Analytical engines"}}
    assert found[2]["data"]["isArchived"] is True and found[3]["data"]["isArchived"] is False
    assert found[4]["data"] == {"id": lead_gid(lead)}
    # One delivery per event, all for the one subscription, each about this lead.
    deliveries = await WebhookDelivery.all()
    assert len(deliveries) == 5 and {d.object_key for d in deliveries} == {f"lead:{lead.id}"}


async def test_bulk_operations_write_one_event_per_object(account: Account) -> None:
    viewer = await account.viewer()
    leads = [await make_lead(viewer, f"Lead {i}") for i in range(3)]
    await subscribe(account, ["lead.updated", "lead.archived", "lead.deleted"])
    await bulk_update_leads(viewer, [lead.id for lead in leads], {"utm_source": "fair"})
    await set_archived(viewer, [lead.id for lead in leads], True)
    await delete_leads(viewer, [lead.id for lead in leads])
    found = await events()
    assert [e["type"] for e in found] == ["lead.updated"] * 3 + ["lead.archived"] * 3 + ["lead.deleted"] * 3
    assert {e["data"]["id"] for e in found[:3]} == {lead_gid(lead) for lead in leads}
    assert all(e["changes"] == {"utmSource": {"old": None, "new": "fair"}} for e in found[:3])


async def test_conversion_and_deal_events(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "To convert")
    await subscribe(account, ["lead.converted", "deal.created", "deal.updated", "deal.deleted", "deal.restored"])
    deal = await convert_lead_to_deal(viewer, lead.id)
    await update_deal(viewer, deal.id, {"title": "Converted"})
    await delete_deal(viewer, deal.id)
    await restore_deal(viewer, deal.id)
    found = await events()
    assert [e["type"] for e in found] == [
        "lead.converted",
        "deal.created",
        "deal.updated",
        "deal.deleted",
        "deal.restored",
    ]
    deal_id = to_global_id("Deal", deal.id)
    assert found[0]["data"]["id"] == lead_gid(lead) and found[0]["deal"] == deal_id
    assert found[1]["data"]["id"] == deal_id and found[1]["data"]["title"] == "To convert"
    assert found[3]["data"]["deletedAt"] is not None and found[4]["data"]["deletedAt"] is None


async def test_merge_reports_the_survivor_merged_and_the_other_deleted(account: Account) -> None:
    viewer = await account.viewer()
    survivor = await make_lead(viewer, "Keep me")
    other = await make_lead(viewer, "Fold me")
    await subscribe(account, ["lead.merged", "lead.deleted"])
    await merge_leads(viewer, survivor.id, other.id)
    merged, deleted = await events()
    assert merged["type"] == "lead.merged" and merged["data"]["id"] == lead_gid(survivor)
    assert deleted["type"] == "lead.deleted" and deleted["data"]["id"] == lead_gid(other)
    assert deleted["mergedInto"] == lead_gid(survivor)


async def test_contacts_notes_and_activities(account: Account) -> None:
    viewer = await account.viewer()
    await subscribe(account)
    org = await make_org(viewer, "Initech")
    person = await make_person(viewer, "Peter Gibbons")
    await update_person(viewer, person.id, {"job_title": "Engineer"})
    await update_organization(viewer, org.id, {"name": "Initrode"})
    note = await make_note(viewer, person, "Met at the fair.")
    await update_note(viewer, note.id, "Met at the spring fair.")
    await delete_note(viewer, note.id)
    activity = await make_activity(viewer, person, "Call back")
    await update_activity(viewer, activity.id, {"subject": "Call back soon"})
    await set_done(viewer, activity.id, True)
    await delete_activity(viewer, activity.id)
    await delete_organization(viewer, org.id)
    found = await events()
    assert [e["type"] for e in found] == [
        "organization.created",
        "person.created",
        "person.updated",
        "organization.updated",
        "note.created",
        "note.updated",
        "note.deleted",
        "activity.created",
        "activity.updated",
        "activity.updated",
        "activity.deleted",
        "organization.deleted",
    ]
    assert found[2]["changes"] == {"jobTitle": {"old": None, "new": "Engineer"}}
    assert found[3]["changes"] == {"name": {"old": "Initech", "new": "Initrode"}}
    note_id = to_global_id("Note", note.id)
    assert [e["data"]["id"] for e in found[4:7]] == [note_id] * 3
    assert found[4]["data"]["content"] == "Met at the fair." and found[4]["data"]["personId"]
    assert found[5]["data"]["content"] == "Met at the spring fair."
    activity_id = to_global_id("Activity", activity.id)
    assert [e["data"]["id"] for e in found[7:11]] == [activity_id] * 4
    assert found[8]["changes"] == {"subject": {"old": "Call back", "new": "Call back soon"}}
    assert found[9]["changes"] == {"done": {"old": False, "new": True}}


async def test_prospect_purchase_and_credits(account: Account) -> None:
    await enable(account.company_id)
    await load_profiles(NORDIC, ELIN)
    await subscribe(account, ["prospect.purchased", "credits.changed", "lead.created"])
    payload = await account.client.mutate(
        "mutation($input: PurchaseProspectInput!) { purchaseProspect(input: $input) { balance userErrors { code } } }",
        {"prospectIds": [await person_gid("p-elin")]},
    )
    assert payload["userErrors"] == []
    found = await events()
    assert sorted(e["type"] for e in found) == ["credits.changed", "lead.created", "prospect.purchased"]
    by_type = {e["type"]: e for e in found}
    purchased = by_type["prospect.purchased"]
    assert purchased["data"]["id"].startswith(to_global_id("ProspectPurchase", "")[:4])
    assert purchased["data"]["lead"]["id"] == by_type["lead.created"]["data"]["id"]
    credits = by_type["credits.changed"]
    assert credits["data"]["entry"]["amount"] == -1
    assert credits["data"]["balance"] == payload["balance"]


async def test_only_subscribed_types_and_only_the_company(account: Account, make_account: Any) -> None:
    other = await make_account(company="Globex", name="Otto Other")
    await subscribe(account, ["deal.created"])
    viewer = await account.viewer()
    await make_lead(viewer, "Not wanted")
    await make_deal(viewer, "Wanted")
    await make_deal(await other.viewer(), "Another company's")
    found = await events()
    assert [(e["type"], e["data"]["title"]) for e in found] == [("deal.created", "Wanted")]
    assert found[0]["companyId"] == to_global_id("Company", account.company_id)
