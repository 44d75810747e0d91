"""The lead mutations one lead at a time: createLead and updateLead (the bulk ones are in
tests/leads/test_lead_bulk.py).

Each test asserts on the payload and then on the stored rows, so that a mutation that answers
well but writes badly (or writes on failure) is caught.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import orjson
import pytest

from domain.accounts.account import create_team
from models import (
    Lead,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
    Role,
    Visibility,
)
from tests.conftest import Account
from tests.factories import (
    gid,
    lead_gid,
    make_label,
    make_lead,
    make_org,
    make_person,
)
from tests.factories.leads import (
    CREATE_LEAD,
    LEAD_DETAILS,
    UPDATE_LEAD,
    counts,
    label_id,
    labels_of,
    log_of,
    ok,
    only_error,
)

# --- createLead ---------------------------------------------------------------------------


async def test_create_lead_with_inline_person_and_organization(account: Account) -> None:
    payload = ok(
        await account.client.mutate(
            CREATE_LEAD,
            {
                "person": {"name": "Milton Waddams", "emails": [{"value": "milton@initech.test"}]},
                "organization": {"name": "Initech"},
            },
        )
    )
    lead = payload["lead"]
    # The title defaults to the person's name; the owner to the caller; the source to MANUAL.
    assert lead["title"] == "Milton Waddams"
    assert lead["owner"] == {"__typename": "User", "id": gid("User", account.user_id), "name": "Anna Admin"}
    assert lead["source"] == "MANUAL"
    assert lead["visibility"] == "COMPANY"
    assert lead["organization"]["name"] == "Initech"
    # The new person works for the new organization.
    assert lead["person"]["organization"] == lead["organization"]

    row = await Lead.get(id=lead["uuid"])
    person = await Person.get(id=row.person_id)
    org = await Organization.get(id=row.organization_id)
    assert (row.company_id, row.owner_user_id, row.owner_team_id) == (account.company_id, account.user_id, None)
    assert row.created_by_id == account.user_id
    assert person.organization_id == org.id
    assert person.company_id == org.company_id == account.company_id
    assert person.email_search == "milton@initech.test"
    (created,) = await log_of(row.id)
    assert (created.action, created.actor_id) == ("CREATED", account.user_id)
    assert orjson.loads(created.new_value or "null") == "MANUAL"


async def test_create_lead_links_existing_person_and_organization(account: Account) -> None:
    viewer = await account.viewer()
    org = await make_org(viewer, "Chotchkie's")
    person = await make_person(viewer, "Joanna")
    before = await counts()

    lead = ok(
        await account.client.mutate(
            CREATE_LEAD,
            {"personId": gid("Person", person.id), "organizationId": gid("Organization", org.id)},
        )
    )["lead"]

    assert lead["title"] == "Joanna"
    assert lead["person"]["id"] == gid("Person", person.id)
    assert lead["organization"]["id"] == gid("Organization", org.id)
    after = await counts()
    # One lead and its CREATED entry; no contact was duplicated.
    assert after[:3] == (before[0] + 1, before[1], before[2])
    # Linking an existing person does not move them into the organization.
    assert (await Person.get(id=person.id)).organization_id is None


async def test_title_defaults_to_organization_name_without_person(account: Account) -> None:
    lead = ok(await account.client.mutate(CREATE_LEAD, {"organization": {"name": "Initrode"}}))["lead"]
    assert lead["title"] == "Initrode"
    assert lead["person"] is None


async def test_given_title_wins_and_is_trimmed(account: Account) -> None:
    lead = ok(await account.client.mutate(CREATE_LEAD, {"title": "  TPS reports  ", "person": {"name": "Bill"}}))[
        "lead"
    ]
    assert lead["title"] == "TPS reports"
    assert (await Lead.get(id=lead["uuid"])).title == "TPS reports"


async def test_create_lead_with_every_field(account: Account, make_account: Any) -> None:
    colleague = await make_account(company_id=account.company_id, name="Bob Slydell", role=Role.REGULAR)
    hot, warm = await label_id(account, "Hot"), await label_id(account, "Warm")
    lead = ok(
        await account.client.mutate(
            CREATE_LEAD,
            {
                "title": "Consulting",
                "person": {"name": "Bob Porter"},
                "ownerId": gid("User", colleague.user_id),
                "value": {"amount": "1234.5", "currency": " eur "},
                "expectedCloseDate": "2031-02-28",
                "labelIds": [gid("LeadLabel", hot), gid("LeadLabel", warm)],
                "visibility": "TEAM",
                "wasSeen": True,
                "utm": {"source": "newsletter", "medium": "email", "campaign": "spring", "term": "crm", "content": "a"},
            },
        )
    )["lead"]

    # Amounts travel as strings with two decimals; currency codes are upper-cased.
    assert lead["value"] == {"amount": "1234.50", "currency": "EUR"}
    assert lead["owner"]["id"] == gid("User", colleague.user_id)
    assert lead["expectedCloseDate"] == "2031-02-28"
    assert [label["name"] for label in lead["labels"]] == ["Hot", "Warm"]
    assert (lead["visibility"], lead["wasSeen"]) == ("TEAM", True)
    assert [lead[f"utm{k}"] for k in ("Source", "Medium", "Campaign", "Term", "Content")] == [
        "newsletter",
        "email",
        "spring",
        "crm",
        "a",
    ]

    row = await Lead.get(id=lead["uuid"])
    assert (row.value_amount, row.value_currency) == (Decimal("1234.50"), "EUR")
    assert row.owner_user_id == colleague.user_id
    # The creator is recorded apart from the owner.
    assert row.created_by_id == account.user_id
    assert row.expected_close_date == dt.date(2031, 2, 28)
    assert row.visibility == Visibility.TEAM
    assert (row.utm_source, row.utm_campaign) == ("newsletter", "spring")
    assert await labels_of(row.id) == ["Hot", "Warm"]


async def test_largest_amount_round_trips_exactly(account: Account) -> None:
    # A float on the way would turn this into ...99.98 or 1e16.
    lead = ok(
        await account.client.mutate(
            CREATE_LEAD, {"person": {"name": "Rich"}, "value": {"amount": "9999999999999999.99", "currency": "usd"}}
        )
    )["lead"]
    assert lead["value"] == {"amount": "9999999999999999.99", "currency": "USD"}
    assert (await Lead.get(id=lead["uuid"])).value_amount == Decimal("9999999999999999.99")


async def test_lead_owned_by_a_team(account: Account) -> None:
    team = await create_team(account.company_id, "Inside sales", [account.user_id])
    lead = ok(
        await account.client.mutate(CREATE_LEAD, {"person": {"name": "Tom"}, "ownerTeamId": gid("Team", team.id)})
    )["lead"]
    assert lead["owner"] == {"__typename": "Team", "id": gid("Team", team.id), "name": "Inside sales"}
    row = await Lead.get(id=lead["uuid"])
    # A team owner replaces the caller as default owner: never both.
    assert (row.owner_user_id, row.owner_team_id) == (None, team.id)


async def test_partner_token_creates_api_leads(make_account: Any) -> None:
    partner = await make_account("Partner Co", "Pat Partner", app=False)
    lead = ok(await partner.client.mutate(CREATE_LEAD, {"person": {"name": "Samir"}}))["lead"]
    assert lead["source"] == "API"
    assert (await Lead.get(id=lead["uuid"])).source == LeadSource.API
    (created,) = await log_of(uuid.UUID(lead["uuid"]))
    assert orjson.loads(created.new_value or "null") == "API"


INVALID_CREATES: list[tuple[str, dict[str, Any], str, list[str]]] = [
    ("no contact", {"title": "Nobody"}, "CONTACT_REQUIRED", ["input", "personId"]),
    (
        "person twice",
        {"personId": gid("Person", 1), "person": {"name": "Michael"}},
        "CONFLICT",
        ["input", "person"],
    ),
    (
        "organization twice",
        {"organizationId": gid("Organization", 1), "organization": {"name": "Initech"}},
        "CONFLICT",
        ["input", "organization"],
    ),
    (
        "bad currency",
        {"person": {"name": "Michael"}, "value": {"amount": "10", "currency": "EURO"}},
        "INVALID_CURRENCY",
        ["input", "value", "currency"],
    ),
    (
        "negative amount",
        {"person": {"name": "Michael"}, "value": {"amount": "-1", "currency": "EUR"}},
        "INVALID",
        ["input", "value", "amount"],
    ),
    (
        "three decimals",
        {"person": {"name": "Michael"}, "value": {"amount": "10.125", "currency": "EUR"}},
        "INVALID",
        ["input", "value", "amount"],
    ),
    ("title too long", {"person": {"name": "Michael"}, "title": "x" * 256}, "TOO_LONG", ["input", "title"]),
    ("blank title", {"person": {"name": "Michael"}, "title": "   "}, "REQUIRED", ["input", "title"]),
    (
        "unknown label",
        {"person": {"name": "Michael"}, "labelIds": [gid("LeadLabel", 999_999)]},
        "NOT_FOUND",
        ["input", "labelIds"],
    ),
    (
        "user and team owner",
        {"person": {"name": "Michael"}, "ownerId": gid("User", 1), "ownerTeamId": gid("Team", 1)},
        "OWNER_CONFLICT",
        ["input", "ownerTeamId"],
    ),
    ("garbage id", {"personId": "not-an-id"}, "INVALID_ID", ["input", "personId"]),
    ("id of another type", {"personId": gid("Organization", 1)}, "INVALID_ID", ["input", "personId"]),
    ("unknown person", {"personId": gid("Person", 999_999)}, "NOT_FOUND", ["input", "personId"]),
    (
        "unknown owner",
        {"person": {"name": "Michael"}, "ownerId": gid("User", 999_999)},
        "NOT_FOUND",
        ["input", "ownerId"],
    ),
    (
        "invalid inline email",
        {"person": {"name": "Michael", "emails": [{"value": "nope"}]}, "organization": {"name": "Initech"}},
        "INVALID",
        ["input", "person", "emails", "0", "value"],
    ),
]


@pytest.mark.parametrize(
    ("payload", "code", "field"), [pytest.param(*rest, id=name) for name, *rest in INVALID_CREATES]
)
async def test_create_lead_refuses(account: Account, payload: dict[str, Any], code: str, field: list[str]) -> None:
    before = await counts()
    result = await account.client.mutate(CREATE_LEAD, payload)
    assert result["lead"] is None
    error = only_error(result)
    assert (error["code"], error["field"]) == (code, field), error
    assert error["message"]
    # Nothing at all was written: no lead, and no inline person or organization either.
    assert await counts() == before


async def test_create_lead_is_all_or_nothing_when_the_last_write_fails(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inline organization and person are written before the lead's labels; a failure
    there must take them back too."""

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(LeadLabelLink, "bulk_create", broken)
    before = await counts()
    body = await account.client.raw(
        CREATE_LEAD,
        {
            "input": {
                "person": {"name": "Lumbergh"},
                "organization": {"name": "Initech"},
                "labelIds": [gid("LeadLabel", await label_id(account, "Hot"))],
            }
        },
    )
    # An unexpected failure is masked, not leaked.
    assert body["errors"][0]["message"] == "Internal error."
    assert "disk full" not in orjson.dumps(body).decode()
    assert await counts() == before


# --- updateLead ---------------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(
        viewer,
        "Old title",
        value_amount=Decimal("100"),
        value_currency="EUR",
        expected_close_date=dt.date(2030, 1, 1),
        label_ids=[await label_id(account, "Hot")],
        visibility=Visibility.TEAM,
        utm={"utm_source": "ads"},
    )
    result = ok(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "title": "New title"}))["lead"]

    assert result["title"] == "New title"
    assert result["value"] == {"amount": "100.00", "currency": "EUR"}
    assert result["expectedCloseDate"] == "2030-01-01"
    assert [label["name"] for label in result["labels"]] == ["Hot"]
    assert (result["visibility"], result["utmSource"]) == ("TEAM", "ads")

    row = await Lead.get(id=lead.id)
    assert row.title == "New title"
    assert (row.value_amount, row.value_currency, row.expected_close_date) == (
        Decimal("100.00"),
        "EUR",
        dt.date(2030, 1, 1),
    )
    assert (row.person_id, row.owner_user_id, row.visibility, row.utm_source) == (
        lead.person_id,
        account.user_id,
        Visibility.TEAM,
        "ads",
    )
    assert row.updated_at >= lead.updated_at
    (entry,) = await log_of(lead.id, "UPDATED")
    assert (entry.field, entry.actor_id) == ("title", account.user_id)
    assert (orjson.loads(entry.old_value or "null"), orjson.loads(entry.new_value or "null")) == (
        "Old title",
        "New title",
    )


async def test_update_null_clears_value_and_expected_close_date(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(
        viewer, value_amount=Decimal("99.90"), value_currency="GBP", expected_close_date=dt.date(2030, 6, 30)
    )
    result = ok(
        await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "value": None, "expectedCloseDate": None})
    )["lead"]
    assert (result["value"], result["expectedCloseDate"]) == (None, None)

    row = await Lead.get(id=lead.id)
    assert (row.value_amount, row.value_currency, row.expected_close_date) == (None, None, None)
    changes = {e.field: (e.old_value, e.new_value) for e in await log_of(lead.id, "UPDATED")}
    assert changes == {
        "value_amount": ('"99.90"', None),
        "value_currency": ('"GBP"', None),
        "expected_close_date": ('"2030-06-30"', None),
    }


async def test_update_change_log_is_served_with_actor(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "Before")
    ok(
        await account.client.mutate(
            UPDATE_LEAD, {"id": lead_gid(lead), "title": "After", "value": {"amount": "5", "currency": "chf"}}
        )
    )
    data = await account.client.execute(LEAD_DETAILS, {"id": lead_gid(lead)})
    log = data["node"]["changeLog"]
    updated = {e["field"]: e for e in log if e["action"] == "UPDATED"}
    assert updated["title"]["oldValue"] == "Before"
    assert updated["title"]["newValue"] == "After"
    assert updated["value_amount"]["newValue"] == "5.00"
    assert updated["value_currency"]["newValue"] == "CHF"
    assert {e["actor"]["id"] for e in log} == {gid("User", account.user_id)}
    # Newest first: the creation comes last.
    assert log[-1]["action"] == "CREATED"


async def test_update_labels_replaces_them(account: Account) -> None:
    viewer = await account.viewer()
    vip = await make_label(viewer, "VIP")
    lead = await make_lead(viewer, label_ids=[await label_id(account, "Hot"), await label_id(account, "Cold")])
    result = ok(
        await account.client.mutate(
            UPDATE_LEAD,
            {
                "id": lead_gid(lead),
                "labelIds": [gid("LeadLabel", vip.id), gid("LeadLabel", await label_id(account, "Hot"))],
            },
        )
    )["lead"]
    assert [label["name"] for label in result["labels"]] == ["Hot", "VIP"]
    assert await labels_of(lead.id) == ["Hot", "VIP"]
    (entry,) = await log_of(lead.id, "UPDATED")
    assert entry.field == "labels"
    assert (orjson.loads(entry.old_value or "null"), orjson.loads(entry.new_value or "null")) == (
        ["Cold", "Hot"],
        ["Hot", "VIP"],
    )

    # An empty list removes every label.
    ok(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "labelIds": []}))
    assert await labels_of(lead.id) == []


async def test_update_cannot_remove_the_last_contact(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer)
    result = await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "personId": None})
    error = only_error(result)
    assert (error["code"], error["field"]) == ("CONTACT_REQUIRED", ["input", "personId"])
    assert result["lead"] is None
    assert (await Lead.get(id=lead.id)).person_id == lead.person_id
    assert await log_of(lead.id, "UPDATED") == []


async def test_update_may_drop_one_of_two_contacts(account: Account) -> None:
    viewer = await account.viewer()
    org = await make_org(viewer)
    lead = await make_lead(viewer, organization_id=org.id, person_id=(await make_person(viewer)).id)
    result = ok(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "personId": None}))["lead"]
    assert result["person"] is None
    assert result["organization"]["id"] == gid("Organization", org.id)
    assert (await Lead.get(id=lead.id)).person_id is None


async def test_update_owner_team_clears_owner_user(account: Account) -> None:
    viewer = await account.viewer()
    team = await create_team(account.company_id, "Closers", [account.user_id])
    lead = await make_lead(viewer)
    result = ok(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "ownerTeamId": gid("Team", team.id)}))
    assert result["lead"]["owner"]["__typename"] == "Team"
    row = await Lead.get(id=lead.id)
    assert (row.owner_user_id, row.owner_team_id) == (None, team.id)
    changes = {e.field: (e.old_value, e.new_value) for e in await log_of(lead.id, "UPDATED")}
    assert changes == {"owner_team_id": (None, str(team.id)), "owner_user_id": (str(account.user_id), None)}

    # And back: a user owner clears the team.
    ok(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "ownerId": gid("User", account.user_id)}))
    row = await Lead.get(id=lead.id)
    assert (row.owner_user_id, row.owner_team_id) == (account.user_id, None)


async def test_update_refuses_a_lead_without_owner_or_title(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "Keep me")
    for change, field in (({"ownerId": None}, ["input", "ownerId"]), ({"title": None}, ["input", "title"])):
        error = only_error(await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), **change}))
        assert (error["code"], error["field"]) == ("REQUIRED", field)
    row = await Lead.get(id=lead.id)
    assert (row.title, row.owner_user_id) == ("Keep me", account.user_id)


async def test_update_validation_writes_nothing(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "Stable")
    result = await account.client.mutate(
        UPDATE_LEAD,
        {"id": lead_gid(lead), "title": "Changed", "value": {"amount": "1", "currency": "XXX"}},
    )
    assert only_error(result)["code"] == "INVALID_CURRENCY"
    assert (await Lead.get(id=lead.id)).title == "Stable"
    assert await log_of(lead.id, "UPDATED") == []
