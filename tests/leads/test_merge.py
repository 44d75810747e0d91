"""Merging two leads (SPEC §6): dry run, field choices, what moves, the log, tenancy, atomicity."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import pytest

import domain.leads.merge
from core.db import fetch
from core.ids import to_global_id
from domain.activity.activity import ActivityData, create_activity, set_done
from domain.activity.note import create_note
from domain.activity.target import Target
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import PersonData, create_person
from domain.fold import keyed
from domain.leads.lead import LeadData, create_lead
from domain.leads.merge import FieldChoice, MergeField, MergeSide, merge_leads
from models import Activity, ChangeLogEntry, Email, Lead, LeadLabel, LeadSource, Note, Role, Visibility
from tests.conftest import Account

MERGE = """
mutation ($input: MergeLeadsInput!) {
  mergeLeads(input: $input) {
    lead { id title value { amount currency } labels { name } person { name } organization { name } }
    preview {
      id title value { amount currency } utmSource labels { name } person { name } organization { name }
      notes { content } activities { subject done } emails { subject } nextActivity { subject }
    }
    deletedLeadId
    takenFromOther { field key }
    userErrors { field message code }
  }
}
"""
LEAD = """
query ($id: ID!) {
  node(id: $id) {
    ... on Lead {
      title labels { name } notes { content } activities { subject done } emails { subject }
      nextActivity { subject }
      changeLog { action field oldValue newValue }
    }
  }
}
"""
TABLES = ("lead", "lead_label_link", "note", "note_mention", "activity", "email", "change_log_entry", "person")
TODAY = dt.date(2030, 1, 15)


def gid(lead_id: uuid.UUID) -> str:
    return to_global_id("Lead", lead_id)


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table a merge touches, in a stable order."""
    return {t: await fetch(f"SELECT * FROM {t} ORDER BY id") for t in TABLES}


@dataclass
class Pair:
    survivor: Lead
    other: Lead


async def add_email(account: Account, lead: Lead, subject: str) -> None:
    await Email.create(
        company_id=account.company_id,
        lead_id=lead.id,
        from_address="anna@volvo.se",
        to_addresses=["sales@acme.test"],
        subject=subject,
        sent_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )


async def make_pair(account: Account) -> Pair:
    """Two leads for the same person: each with a note, an activity, an email and a label."""
    viewer = await account.viewer()
    labels = {label.name: label.id for label in await LeadLabel.filter(company_id=account.company_id)}
    person = await create_person(viewer, PersonData(name="Anna Berg"))
    org = await create_organization(viewer, OrganizationData(name="Volvo"))
    survivor = await create_lead(
        viewer,
        LeadData(title="Fleet renewal", person_id=person.id, label_ids=[labels["Hot"]]),
        LeadSource.MANUAL,
    )
    other = await create_lead(
        viewer,
        LeadData(
            title="Volvo trucks",
            person_id=person.id,
            organization_id=org.id,
            value_amount=Decimal("1200.50"),
            value_currency="EUR",
            label_ids=[labels["Warm"]],
            utm={"utm_source": "newsletter"},
        ),
        LeadSource.MANUAL,
    )
    await Lead.filter(id=survivor.id).update(**keyed(Lead, {"custom_fields": {"size": "L", "region": None}}))
    await Lead.filter(id=other.id).update(**keyed(Lead, {"custom_fields": {"size": "XL", "region": "North"}}))
    for lead, name in ((survivor, "survivor"), (other, "other")):
        await create_note(viewer, Target("lead", lead.id), f"note on {name}")
        await add_email(account, lead, f"email to {name}")
    await create_activity(
        viewer, Target("lead", survivor.id), ActivityData(subject="call later", due_date=TODAY + dt.timedelta(days=9))
    )
    await create_activity(
        viewer, Target("lead", other.id), ActivityData(subject="call soon", due_date=TODAY + dt.timedelta(days=2))
    )
    done = await create_activity(viewer, Target("lead", other.id), ActivityData(subject="old call", due_date=TODAY))
    await set_done(viewer, done.id, True)
    return Pair(await Lead.get(id=survivor.id), await Lead.get(id=other.id))


async def test_dry_run_previews_the_merge_and_writes_nothing(account: Account) -> None:
    pair = await make_pair(account)
    before = await snapshot()
    payload = await account.client.mutate(
        MERGE,
        {
            "survivorId": gid(pair.survivor.id),
            "otherId": gid(pair.other.id),
            "fields": [{"field": "TITLE", "take": "OTHER"}],
            "dryRun": True,
        },
    )
    assert payload["userErrors"] == []
    assert payload["lead"] is None and payload["deletedLeadId"] is None
    preview = payload["preview"]
    assert preview["id"] == gid(pair.survivor.id)
    assert preview["title"] == "Volvo trucks"
    # The survivor had no value, organization or UTM source: by default it takes the other's.
    assert preview["value"] == {"amount": "1200.50", "currency": "EUR"}
    assert preview["organization"] == {"name": "Volvo"}
    assert preview["utmSource"] == "newsletter"
    assert [label["name"] for label in preview["labels"]] == ["Hot", "Warm"]
    assert sorted(n["content"] for n in preview["notes"]) == ["note on other", "note on survivor"]
    assert sorted(e["subject"] for e in preview["emails"]) == ["email to other", "email to survivor"]
    assert [a["subject"] for a in preview["activities"]] == ["call soon", "call later", "old call"]
    assert preview["nextActivity"] == {"subject": "call soon"}
    assert {(t["field"], t["key"]) for t in payload["takenFromOther"]} == {
        ("TITLE", None),
        ("ORGANIZATION", None),
        ("VALUE", None),
        ("UTM_SOURCE", None),
        ("LABELS", None),
        ("CUSTOM_FIELD", "region"),
    }
    assert await snapshot() == before


async def test_confirmed_merge_moves_everything_to_the_survivor(account: Account) -> None:
    pair = await make_pair(account)
    payload = await account.client.mutate(
        MERGE,
        {
            "survivorId": gid(pair.survivor.id),
            "otherId": gid(pair.other.id),
            "fields": [
                {"field": "VALUE", "take": "SURVIVOR"},
                {"field": "CUSTOM_FIELD", "key": "size", "take": "OTHER"},
            ],
        },
    )
    assert payload["userErrors"] == []
    assert payload["preview"] is None
    assert payload["deletedLeadId"] == gid(pair.other.id)
    merged = payload["lead"]
    assert merged["title"] == "Fleet renewal" and merged["value"] is None
    assert [label["name"] for label in merged["labels"]] == ["Hot", "Warm"]

    assert not await Lead.exists(id=pair.other.id)
    stored = await Lead.get(id=pair.survivor.id)
    assert stored.custom_fields == {"size": "XL", "region": "North"}
    assert stored.organization_id == pair.other.organization_id
    assert stored.value_amount is None
    assert await Note.filter(lead_id=pair.survivor.id).count() == 2
    assert await Activity.filter(lead_id=pair.survivor.id).count() == 3
    assert await Email.filter(lead_id=pair.survivor.id).count() == 2
    for model in (Note, Activity, Email):
        assert await model.filter(lead_id=pair.other.id).count() == 0
    next_activity = await Activity.get(subject="call soon")
    assert (stored.next_activity_id, stored.next_activity_date) == (next_activity.id, next_activity.due_date)

    data = await account.client.execute(LEAD, {"id": gid(pair.survivor.id)})
    node = data["node"]
    assert node["nextActivity"] == {"subject": "call soon"}
    assert sorted(n["content"] for n in node["notes"]) == ["note on other", "note on survivor"]
    assert (await account.client.execute(LEAD, {"id": gid(pair.other.id)}))["node"] is None


async def test_the_change_log_records_the_merge(account: Account) -> None:
    pair = await make_pair(account)
    await merge_leads(
        await account.viewer(),
        pair.survivor.id,
        pair.other.id,
        [FieldChoice(MergeField.TITLE, MergeSide.OTHER), FieldChoice(MergeField.VISIBILITY, MergeSide.OTHER)],
    )
    log = [
        (e.field, orjson.loads(e.old_value or "null"), orjson.loads(e.new_value or "null"))
        for e in await ChangeLogEntry.filter(entity_id=str(pair.survivor.id), action="MERGED").order_by("id")
    ]
    assert log[0] == ("lead", None, {"id": str(pair.other.id), "title": "Volvo trucks"})
    assert sorted(log[1:], key=str) == sorted(
        [
            ("title", "Fleet renewal", "Volvo trucks"),
            ("organization_id", None, pair.other.organization_id),
            ("value_amount", None, "1200.50"),
            ("value_currency", None, "EUR"),
            ("utm_source", None, "newsletter"),
            ("custom_fields.region", None, "North"),
            ("labels", ["Hot"], ["Hot", "Warm"]),
        ],
        key=str,
    )  # not visibility or person (equal on both), nor custom size (the survivor's kept)
    (gone,) = await ChangeLogEntry.filter(entity_id=str(pair.other.id), action="MERGED_INTO")
    assert orjson.loads(gone.new_value or "null")["id"] == str(pair.survivor.id)
    data = await account.client.execute(LEAD, {"id": gid(pair.survivor.id)})
    assert "MERGED" in {e["action"] for e in data["node"]["changeLog"]}


async def test_labels_can_be_kept_from_one_side(account: Account) -> None:
    pair = await make_pair(account)
    payload = await account.client.mutate(
        MERGE,
        {
            "survivorId": gid(pair.survivor.id),
            "otherId": gid(pair.other.id),
            "fields": [{"field": "LABELS", "take": "OTHER"}],
        },
    )
    assert [label["name"] for label in payload["lead"]["labels"]] == ["Warm"]


async def test_bad_requests_are_refused_without_change(account: Account) -> None:
    pair = await make_pair(account)
    before = await snapshot()
    survivor, other = gid(pair.survivor.id), gid(pair.other.id)
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({"survivorId": survivor, "otherId": survivor}, ["input", "otherId"], "INVALID"),
        (
            {"survivorId": survivor, "otherId": other, "fields": [{"field": "CUSTOM_FIELD", "take": "OTHER"}]},
            ["input", "fields", "0", "key"],
            "REQUIRED",
        ),
        (
            {
                "survivorId": survivor,
                "otherId": other,
                "fields": [{"field": "TITLE", "take": "OTHER"}, {"field": "TITLE", "take": "SURVIVOR"}],
            },
            ["input", "fields", "1"],
            "CONFLICT",
        ),
        (
            {
                "survivorId": survivor,
                "otherId": other,
                "fields": [{"field": "PERSON", "take": "OTHER"}, {"field": "ORGANIZATION", "take": "SURVIVOR"}],
            },
            ["input", "fields"],
            "CONTACT_REQUIRED",
        ),
    ]
    # The last case needs an other lead without a person: clear it for that request only.
    for variables, field, code in cases:
        if code == "CONTACT_REQUIRED":
            await Lead.filter(id=pair.other.id).update(person_id=None)
        payload = await account.client.mutate(MERGE, variables)
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], payload
        if code == "CONTACT_REQUIRED":
            await Lead.filter(id=pair.other.id).update(person_id=pair.other.person_id)
    after = await snapshot()
    # Only the lead row's own timestamp moved (the test's temporary update); nothing else.
    assert {t: rows for t, rows in after.items() if t != "lead"} == {t: r for t, r in before.items() if t != "lead"}
    strip = [{k: v for k, v in row.items() if k != "updated_at"} for row in after["lead"]]
    assert strip == [{k: v for k, v in row.items() if k != "updated_at"} for row in before["lead"]]


async def test_another_companys_or_a_hidden_lead_cannot_be_merged(
    account: Account, other_account: Account, make_account: Any
) -> None:
    pair = await make_pair(account)
    foreign = await create_lead(
        await other_account.viewer(),
        LeadData(title="Globex deal", organization=OrganizationData(name="Globex")),
        LeadSource.MANUAL,
    )
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    sven = await make_account(company_id=account.company_id, name="Sven Regular", role=Role.REGULAR)
    hidden = await create_lead(
        await rita.viewer(),
        LeadData(title="Private", organization=OrganizationData(name="Rita AB"), visibility=Visibility.OWNER),
        LeadSource.MANUAL,
    )
    before = await snapshot()
    attempts = [
        (account, {"survivorId": gid(pair.survivor.id), "otherId": gid(foreign.id)}, ["input", "otherId"]),
        (other_account, {"survivorId": gid(foreign.id), "otherId": gid(pair.other.id)}, ["input", "otherId"]),
        (other_account, {"survivorId": gid(pair.survivor.id), "otherId": gid(foreign.id)}, ["input", "survivorId"]),
        (sven, {"survivorId": gid(pair.survivor.id), "otherId": gid(hidden.id)}, ["input", "otherId"]),
    ]
    for who, variables, field in attempts:
        for dry_run in (True, False):
            payload = await who.client.mutate(MERGE, {**variables, "dryRun": dry_run})
            assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "NOT_FOUND")]
            assert payload["preview"] is None and payload["lead"] is None
    assert await snapshot() == before


async def test_a_merge_failing_half_way_leaves_both_leads_untouched(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = await make_pair(account)
    before = await snapshot()

    async def explode(lead_ids: Any) -> None:
        raise RuntimeError("disk full")

    # Runs after the moves, the label changes, the delete and the survivor's update.
    monkeypatch.setattr(domain.leads.merge, "refresh_next_activity", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        await merge_leads(await account.viewer(), pair.survivor.id, pair.other.id)
    assert await snapshot() == before
    body = await account.client.raw(
        MERGE, {"input": {"survivorId": gid(pair.survivor.id), "otherId": gid(pair.other.id)}}
    )
    assert body["errors"][0]["message"] == "Internal error."
    assert await snapshot() == before
