"""The lead mutations on many leads: bulkUpdateLeads, deleteLeads, archiveLeads and unarchiveLeads.

Each test asserts on the payload and then on the stored rows, so that a mutation that answers
well but writes badly (or writes on failure) is caught.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from models import (
    Activity,
    Email,
    Lead,
    LeadLabelLink,
    Note,
    Person,
    Role,
    Visibility,
)
from tests.conftest import Account
from tests.factories import (
    gid,
    lead_gid,
    make_activity,
    make_label,
    make_lead,
    make_note,
)
from tests.factories.leads import (
    ARCHIVE_LEADS,
    BULK_UPDATE,
    DELETE_LEADS,
    LEAD_DETAILS,
    LEAD_LIST,
    UNARCHIVE_LEADS,
    UPDATE_LEAD,
    counts,
    label_id,
    labels_of,
    log_of,
    ok,
    only_error,
)

# --- bulkUpdateLeads ----------------------------------------------------------------------


async def test_bulk_update_counts_only_changed_leads(account: Account) -> None:
    viewer = await account.viewer()
    first = await make_lead(viewer, "One")
    second = await make_lead(viewer, "Two")
    already = await make_lead(viewer, "Three", visibility=Visibility.OWNER)

    result = ok(
        await account.client.mutate(
            BULK_UPDATE, {"ids": [lead_gid(x) for x in (first, second, already)], "visibility": "OWNER"}
        )
    )
    assert result["updatedCount"] == 2
    for lead in (first, second, already):
        assert (await Lead.get(id=lead.id)).visibility == Visibility.OWNER
    # One change-log entry per changed lead, none for the lead that already matched.
    for lead in (first, second):
        (entry,) = await log_of(lead.id, "UPDATED")
        assert (entry.field, entry.old_value, entry.new_value) == ("visibility", '"COMPANY"', '"OWNER"')
        assert entry.actor_id == account.user_id
    assert await log_of(already.id, "UPDATED") == []

    # Repeating the same change changes nothing.
    result = ok(await account.client.mutate(BULK_UPDATE, {"ids": [lead_gid(first)], "visibility": "OWNER"}))
    assert result["updatedCount"] == 0


async def test_bulk_update_owner_and_value(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    colleague = await make_account(company_id=account.company_id, name="Nina", role=Role.REGULAR)
    leads = [await make_lead(viewer, f"Lead {i}") for i in range(3)]
    result = ok(
        await account.client.mutate(
            BULK_UPDATE,
            {
                "ids": [lead_gid(x) for x in leads],
                "ownerId": gid("User", colleague.user_id),
                "value": {"amount": "12.3", "currency": "sek"},
                "expectedCloseDate": "2032-12-31",
            },
        )
    )
    assert result["updatedCount"] == 3
    for lead in leads:
        row = await Lead.get(id=lead.id)
        assert (row.owner_user_id, row.value_amount, row.value_currency, row.expected_close_date) == (
            colleague.user_id,
            Decimal("12.30"),
            "SEK",
            dt.date(2032, 12, 31),
        )
        assert {e.field for e in await log_of(lead.id, "UPDATED")} == {
            "owner_user_id",
            "value_amount",
            "value_currency",
            "expected_close_date",
        }


async def test_bulk_add_and_remove_labels(account: Account) -> None:
    viewer = await account.viewer()
    hot, warm, cold = [await label_id(account, n) for n in ("Hot", "Warm", "Cold")]
    only_hot = await make_lead(viewer, "A", label_ids=[hot])
    hot_and_cold = await make_lead(viewer, "B", label_ids=[hot, cold])
    bare = await make_lead(viewer, "C")
    already_warm = await make_lead(viewer, "D", label_ids=[warm])
    ids = [lead_gid(x) for x in (only_hot, hot_and_cold, bare, already_warm)]

    result = ok(
        await account.client.mutate(
            BULK_UPDATE,
            {"ids": ids, "addLabelIds": [gid("LeadLabel", warm)], "removeLabelIds": [gid("LeadLabel", hot)]},
        )
    )
    assert result["updatedCount"] == 3
    assert await labels_of(only_hot.id) == ["Warm"]
    assert await labels_of(hot_and_cold.id) == ["Cold", "Warm"]
    assert await labels_of(bare.id) == ["Warm"]
    assert await labels_of(already_warm.id) == ["Warm"]
    (entry,) = await log_of(hot_and_cold.id, "UPDATED")
    assert (entry.field, entry.old_value, entry.new_value) == ("labels", '["Cold","Hot"]', '["Cold","Warm"]')
    assert await log_of(already_warm.id, "UPDATED") == []

    # labelIds replaces every label of every lead.
    result = ok(await account.client.mutate(BULK_UPDATE, {"ids": ids, "labelIds": [gid("LeadLabel", cold)]}))
    assert result["updatedCount"] == 4
    for lead in (only_hot, hot_and_cold, bare, already_warm):
        assert await labels_of(lead.id) == ["Cold"]


async def test_bulk_update_is_all_or_nothing_on_a_missing_id(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, label_ids=[])
    missing = uuid.uuid4()
    before = await counts()

    result = await account.client.mutate(
        BULK_UPDATE,
        {
            "ids": [lead_gid(lead), lead_gid(missing)],
            "visibility": "OWNER",
            "addLabelIds": [gid("LeadLabel", await label_id(account, "Hot"))],
        },
    )
    error = only_error(result)
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "ids"])
    assert str(missing) in error["message"]
    assert result["updatedCount"] == 0
    row = await Lead.get(id=lead.id)
    assert row.visibility == Visibility.COMPANY
    assert await labels_of(lead.id) == []
    assert await counts() == before


async def test_bulk_update_limits(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    too_many = [lead_gid(lead)] + [lead_gid(uuid.uuid4()) for _ in range(500)]
    error = only_error(await account.client.mutate(BULK_UPDATE, {"ids": too_many, "visibility": "OWNER"}))
    assert (error["code"], error["field"]) == ("TOO_MANY_ITEMS", ["input", "ids"])

    # 500 is still allowed: this call fails only because the random ids do not exist.
    error = only_error(await account.client.mutate(BULK_UPDATE, {"ids": too_many[:500], "visibility": "OWNER"}))
    assert error["code"] == "NOT_FOUND"

    # A repeated id counts once.
    result = ok(await account.client.mutate(BULK_UPDATE, {"ids": [lead_gid(lead)] * 2, "visibility": "OWNER"}))
    assert result["updatedCount"] == 1

    error = only_error(await account.client.mutate(BULK_UPDATE, {"ids": [lead_gid(lead)]}))
    assert error["code"] == "REQUIRED"
    error = only_error(await account.client.mutate(BULK_UPDATE, {"ids": [], "visibility": "OWNER"}))
    assert error["code"] == "REQUIRED"
    assert (await Lead.get(id=lead.id)).visibility == Visibility.OWNER


# --- deleteLeads --------------------------------------------------------------------------


async def test_delete_leads_with_everything_attached(account: Account) -> None:
    viewer = await account.viewer()
    doomed = [await make_lead(viewer, f"Doomed {i}", label_ids=[await label_id(account, "Hot")]) for i in range(2)]
    keeper = await make_lead(viewer, "Keeper", label_ids=[await label_id(account, "Hot")])
    for lead in [*doomed, keeper]:
        await make_note(viewer, lead)
        await make_activity(viewer, lead)
        await Email.create(
            company_id=account.company_id,
            lead_id=lead.id,
            from_address="a@b.test",
            subject="Hello",
            sent_at=dt.datetime.now(dt.UTC),
        )

    result = ok(await account.client.mutate(DELETE_LEADS, {"ids": [lead_gid(x) for x in doomed]}))
    assert result["deletedCount"] == 2
    assert sorted(result["deletedIds"]) == sorted(lead_gid(x) for x in doomed)

    gone = [x.id for x in doomed]
    assert await Lead.filter(id__in=gone).count() == 0
    for model in (Note, Activity, Email, LeadLabelLink):
        assert await model.filter(lead_id__in=gone).count() == 0, model
        assert await model.filter(lead_id=keeper.id).count() == 1, model
    # The contacts stay; the deletion is logged.
    assert await Person.filter(id__in=[x.person_id for x in doomed]).count() == 2
    for lead in doomed:
        (entry,) = await log_of(lead.id, "DELETED")
        assert entry.actor_id == account.user_id


async def test_delete_leads_is_all_or_nothing(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    await make_note(viewer, lead)
    before = await counts()
    result = await account.client.mutate(DELETE_LEADS, {"ids": [lead_gid(lead), lead_gid(uuid.uuid4())]})
    error = only_error(result)
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "ids"])
    assert (result["deletedCount"], result["deletedIds"]) == (0, [])
    assert await Lead.exists(id=lead.id)
    assert await Note.filter(lead_id=lead.id).count() == 1
    assert await counts() == before


# --- archiveLeads / unarchiveLeads --------------------------------------------------------


async def list_ids(account: Account, archived: bool) -> list[str]:
    data = await account.client.execute(LEAD_LIST, {"archived": archived})
    ids = [n["id"] for n in data["leads"]["nodes"]]
    assert data["leads"]["totalCount"] == len(ids)
    return ids


async def test_archive_and_unarchive(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, label_ids=[await label_id(account, "Warm")])
    other = await make_lead(viewer, "Stays active")
    await make_note(viewer, lead, "Keep this")

    archived = ok(await account.client.mutate(ARCHIVE_LEADS, {"ids": [lead_gid(lead)]}))["leads"]
    assert len(archived) == 1
    assert archived[0]["isArchived"] is True
    assert archived[0]["archivedAt"] is not None
    row = await Lead.get(id=lead.id)
    assert row.is_archived is True
    assert row.archived_at is not None
    assert await list_ids(account, archived=False) == [lead_gid(other)]
    assert await list_ids(account, archived=True) == [lead_gid(lead)]

    # An archived lead keeps everything.
    details = (await account.client.execute(LEAD_DETAILS, {"id": lead_gid(lead)}))["node"]
    assert details["isArchived"] is True
    assert [label["name"] for label in details["labels"]] == ["Warm"]
    assert [n["content"] for n in details["notes"]] == ["Keep this"]
    assert details["changeLog"][0]["action"] == "ARCHIVED"

    unarchived = ok(await account.client.mutate(UNARCHIVE_LEADS, {"ids": [lead_gid(lead)]}))["leads"]
    assert (unarchived[0]["isArchived"], unarchived[0]["archivedAt"]) == (False, None)
    row = await Lead.get(id=lead.id)
    assert (row.is_archived, row.archived_at) == (False, None)
    assert sorted(await list_ids(account, archived=False)) == sorted([lead_gid(lead), lead_gid(other)])
    assert await list_ids(account, archived=True) == []
    assert [e.action for e in await log_of(lead.id) if e.action.endswith("ARCHIVED")] == ["ARCHIVED", "UNARCHIVED"]
    assert await labels_of(lead.id) == ["Warm"]
    assert await Note.filter(lead_id=lead.id).count() == 1


async def test_archive_twice_changes_nothing_the_second_time(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    first = ok(await account.client.mutate(ARCHIVE_LEADS, {"ids": [lead_gid(lead)]}))["leads"][0]
    again = ok(await account.client.mutate(ARCHIVE_LEADS, {"ids": [lead_gid(lead)]}))["leads"][0]
    assert again["archivedAt"] == first["archivedAt"]
    assert len(await log_of(lead.id, "ARCHIVED")) == 1


async def test_archive_is_all_or_nothing(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    result = await account.client.mutate(ARCHIVE_LEADS, {"ids": [lead_gid(lead), lead_gid(uuid.uuid4())]})
    assert only_error(result)["code"] == "NOT_FOUND"
    assert result["leads"] == []
    assert (await Lead.get(id=lead.id)).is_archived is False
    assert await log_of(lead.id, "ARCHIVED") == []


async def test_a_change_of_labels_alone_moves_updated_at(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    other = await make_lead(viewer, "Second")
    label = await make_label(viewer)
    before = (await Lead.get(id=lead.id)).updated_at
    payload = await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "labelIds": [gid("LeadLabel", label.id)]})
    assert payload["userErrors"] == []
    assert (await Lead.get(id=lead.id)).updated_at > before
    before_other = (await Lead.get(id=other.id)).updated_at
    payload = await account.client.mutate(
        BULK_UPDATE, {"ids": [lead_gid(other)], "addLabelIds": [gid("LeadLabel", label.id)]}
    )
    assert payload["updatedCount"] == 1
    assert (await Lead.get(id=other.id)).updated_at > before_other


async def test_bulk_reports_an_unknown_label_under_the_field_it_came_from(account: Account) -> None:
    lead = await make_lead(await account.viewer())
    missing = "TGVhZExhYmVsOjk5OTk5"
    payload = await account.client.mutate(BULK_UPDATE, {"ids": [lead_gid(lead)], "removeLabelIds": [missing]})
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "removeLabelIds"])]
