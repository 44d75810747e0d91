"""The lead mutations: createLead, updateLead, bulkUpdateLeads, deleteLeads, (un)archiveLeads.

Each test asserts on the payload and then on the stored rows, so that a mutation that answers
well but writes badly (or writes on failure) is caught.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, cast

import orjson
import pytest

from domain.accounts.account import create_team
from models import (
    Activity,
    ChangeLogEntry,
    Email,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Note,
    Organization,
    Person,
    Role,
    Visibility,
)
from tests.conftest import Account
from tests.factories import (
    USER_ERRORS,
    gid,
    lead_gid,
    make_activity,
    make_label,
    make_lead,
    make_note,
    make_org,
    make_person,
)

LEAD_FIELDS = """
fragment LeadFields on Lead {
  id uuid title source visibility wasSeen isArchived archivedAt expectedCloseDate
  value { amount currency }
  utmSource utmMedium utmCampaign utmTerm utmContent
  person { id name organization { id name } }
  organization { id name }
  owner { __typename ... on User { id name } ... on Team { id name } }
  labels { id name }
}
"""

CREATE_LEAD = (
    "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ...LeadFields } "
    + USER_ERRORS
    + " } }"
    + LEAD_FIELDS
)
UPDATE_LEAD = (
    "mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { ...LeadFields } "
    + USER_ERRORS
    + " } }"
    + LEAD_FIELDS
)
BULK_UPDATE = (
    "mutation($input: BulkUpdateLeadsInput!) { bulkUpdateLeads(input: $input) { updatedCount " + USER_ERRORS + " } }"
)
DELETE_LEADS = (
    "mutation($input: DeleteLeadsInput!) { deleteLeads(input: $input) { deletedIds deletedCount " + USER_ERRORS + " } }"
)
ARCHIVE_LEADS = (
    "mutation($input: LeadIdsInput!) { archiveLeads(input: $input)"
    " { leads { id isArchived archivedAt } " + USER_ERRORS + " } }"
)
UNARCHIVE_LEADS = (
    "mutation($input: LeadIdsInput!) { unarchiveLeads(input: $input)"
    " { leads { id isArchived archivedAt } " + USER_ERRORS + " } }"
)
LEAD_LIST = """
query($archived: Boolean!) {
  leads(first: 50, filter: {archived: $archived}) { totalCount nodes { id } }
}
"""
LEAD_DETAILS = """
query($id: ID!) {
  node(id: $id) {
    ... on Lead {
      id isArchived archivedAt
      labels { name }
      notes { content }
      changeLog { action field oldValue newValue actor { id } }
    }
  }
}
"""


def ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def only_error(payload: dict[str, Any]) -> dict[str, Any]:
    """The single user error of a payload that must have failed."""
    assert len(payload["userErrors"]) == 1, payload["userErrors"]
    error: dict[str, Any] = payload["userErrors"][0]
    return error


async def counts() -> tuple[int, int, int, int, int]:
    """How many leads, persons, organizations, label links and change-log rows exist."""
    return (
        await Lead.all().count(),
        await Person.all().count(),
        await Organization.all().count(),
        await LeadLabelLink.all().count(),
        await ChangeLogEntry.all().count(),
    )


async def labels_of(lead_id: uuid.UUID) -> list[str]:
    ids = await LeadLabelLink.filter(lead_id=lead_id).values_list("label_id", flat=True)
    names = await LeadLabel.filter(id__in=list(ids)).values_list("name", flat=True)
    return sorted(cast(list[str], names))


async def log_of(lead_id: uuid.UUID, action: str | None = None) -> list[ChangeLogEntry]:
    query = ChangeLogEntry.filter(entity_type="lead", entity_id=str(lead_id)).order_by("id")
    if action is not None:
        query = query.filter(action=action)
    return await query


async def label_id(account: Account, name: str) -> int:
    label = await LeadLabel.get(company_id=account.company_id, name=name)
    return label.id


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
