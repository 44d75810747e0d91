"""leadLabels and the label mutations, checked against the stored rows."""

from __future__ import annotations

from typing import Any

from core.ids import decode_id, to_global_id
from domain.accounts.account import revoke_token
from models import ChangeLogEntry, Lead, LeadLabel, LeadLabelLink, Role
from tests.conftest import Account, Client

LEAD_LABELS = "query { leadLabels { id name color } }"
CREATE_LABEL = """
mutation ($input: CreateLeadLabelInput!) {
  createLeadLabel(input: $input) { label { id name color } userErrors { field code message } }
}
"""
UPDATE_LABEL = """
mutation ($input: UpdateLeadLabelInput!) {
  updateLeadLabel(input: $input) { label { id name color } userErrors { field code message } }
}
"""
DELETE_LABEL = """
mutation ($input: IdInput!) {
  deleteLeadLabel(input: $input) { label { id } userErrors { field code message } }
}
"""
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id uuid labels { name } } userErrors { field code } }
}
"""
LEAD = """
query ($id: ID!) {
  node(id: $id) { ... on Lead { title updatedAt labels { name } changeLog { action field } } }
}
"""


# --- helpers ---------------------------------------------------------------------------------


async def labels_by_name(client: Client) -> dict[str, dict[str, Any]]:
    data = await client.execute(LEAD_LABELS)
    return {label["name"]: label for label in data["leadLabels"]}


async def make_label(client: Client, name: str = "Strategic", color: str = "#336699") -> dict[str, Any]:
    payload = await client.mutate(CREATE_LABEL, {"name": name, "color": color})
    assert payload["userErrors"] == []
    label: dict[str, Any] = payload["label"]
    return label


async def make_lead(client: Client, title: str, label_ids: list[str]) -> dict[str, Any]:
    payload = await client.mutate(
        CREATE_LEAD, {"title": title, "organization": {"name": f"{title} Inc"}, "labelIds": label_ids}
    )
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


def key(global_id: str) -> int:
    value = decode_id(global_id, "LeadLabel")
    assert isinstance(value, int)
    return value


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


# --- leadLabels ------------------------------------------------------------------------------


async def test_a_new_company_has_hot_warm_and_cold_sorted_by_name(account: Account, other_account: Account) -> None:
    data = await account.client.execute(LEAD_LABELS)
    assert [(label["name"], label["color"]) for label in data["leadLabels"]] == [
        ("Cold", "blue"),
        ("Hot", "red"),
        ("Warm", "yellow"),
    ]
    # Each company has its own three, and sees only those.
    mine = {key(label["id"]) for label in data["leadLabels"]}
    assert mine == set(await LeadLabel.filter(company_id=account.company_id).values_list("id", flat=True))
    theirs = await other_account.client.execute(LEAD_LABELS)
    assert [label["name"] for label in theirs["leadLabels"]] == ["Cold", "Hot", "Warm"]
    assert not mine & {key(label["id"]) for label in theirs["leadLabels"]}


async def test_new_labels_take_their_place_in_name_order(account: Account) -> None:
    await make_label(account.client, "Warmish", "orange")
    await make_label(account.client, "Arctic", "#00ffff")
    data = await account.client.execute(LEAD_LABELS)
    assert [label["name"] for label in data["leadLabels"]] == ["Arctic", "Cold", "Hot", "Warm", "Warmish"]


# --- createLeadLabel -------------------------------------------------------------------------


async def test_create_label(account: Account) -> None:
    label = await make_label(account.client, "  Strategic  ", "#336699")
    assert (label["name"], label["color"]) == ("Strategic", "#336699")

    row = await LeadLabel.get(id=key(label["id"]))
    assert (row.company_id, row.name, row.color) == (account.company_id, "Strategic", "#336699")
    (entry,) = await ChangeLogEntry.filter(entity_type="lead_label", entity_id=str(row.id))
    assert (entry.action, entry.new_value, entry.actor_id) == ("CREATED", '"Strategic"', account.user_id)


async def test_duplicate_name_is_refused(account: Account, other_account: Account) -> None:
    payload = await account.client.mutate(CREATE_LABEL, {"name": " Hot ", "color": "green"})
    assert payload["label"] is None
    assert errors(payload) == [(["input", "name"], "DUPLICATE")]
    assert await LeadLabel.filter(company_id=account.company_id).count() == 3

    # Another company's labels do not clash with this one's.
    await make_label(other_account.client, "Strategic")
    await make_label(account.client, "Strategic")


async def test_bad_color_is_invalid(account: Account) -> None:
    for color in ("#12345", "#1234567", "#gggggg", "Red", "light blue", "", "rgb(1,2,3)"):
        payload = await account.client.mutate(CREATE_LABEL, {"name": "Strategic", "color": color})
        assert payload["label"] is None
        assert errors(payload) == [(["input", "color"], "INVALID")], color
    assert await LeadLabel.filter(company_id=account.company_id).count() == 3


async def test_empty_name_is_required(account: Account) -> None:
    for name in ("", "   "):
        payload = await account.client.mutate(CREATE_LABEL, {"name": name, "color": "red"})
        assert errors(payload) == [(["input", "name"], "REQUIRED")]
    payload = await account.client.mutate(CREATE_LABEL, {"name": "x" * 101, "color": "red"})
    assert errors(payload) == [(["input", "name"], "TOO_LONG")]
    assert await LeadLabel.filter(company_id=account.company_id).count() == 3


# --- updateLeadLabel -------------------------------------------------------------------------


async def test_rename_and_recolor(account: Account) -> None:
    hot = (await labels_by_name(account.client))["Hot"]

    payload = await account.client.mutate(UPDATE_LABEL, {"id": hot["id"], "name": "Burning"})
    assert payload["userErrors"] == []
    assert payload["label"] == {"id": hot["id"], "name": "Burning", "color": "red"}

    payload = await account.client.mutate(UPDATE_LABEL, {"id": hot["id"], "color": "#ff4500"})
    assert payload["label"] == {"id": hot["id"], "name": "Burning", "color": "#ff4500"}

    row = await LeadLabel.get(id=key(hot["id"]))
    assert (row.name, row.color) == ("Burning", "#ff4500")
    entries = await ChangeLogEntry.filter(entity_type="lead_label", entity_id=str(row.id)).order_by("id")
    assert [(e.action, e.field, e.old_value, e.new_value) for e in entries] == [
        ("UPDATED", "name", '"Hot"', '"Burning"'),
        ("UPDATED", "color", '"red"', '"#ff4500"'),
    ]
    assert [label["name"] for label in (await account.client.execute(LEAD_LABELS))["leadLabels"]] == [
        "Burning",
        "Cold",
        "Warm",
    ]


async def test_keeping_its_own_name_is_not_a_duplicate(account: Account) -> None:
    hot = (await labels_by_name(account.client))["Hot"]
    payload = await account.client.mutate(UPDATE_LABEL, {"id": hot["id"], "name": "Hot", "color": "maroon"})
    assert payload["userErrors"] == []
    assert (await LeadLabel.get(id=key(hot["id"]))).color == "maroon"


async def test_rename_onto_an_existing_name_is_a_duplicate(account: Account) -> None:
    labels = await labels_by_name(account.client)
    payload = await account.client.mutate(UPDATE_LABEL, {"id": labels["Hot"]["id"], "name": "Cold", "color": "pink"})
    assert payload["label"] is None
    assert errors(payload) == [(["input", "name"], "DUPLICATE")]
    row = await LeadLabel.get(id=key(labels["Hot"]["id"]))
    # Nothing of the refused change is kept, the colour included.
    assert (row.name, row.color) == ("Hot", "red")
    assert not await ChangeLogEntry.filter(entity_type="lead_label").exists()


async def test_update_refuses_bad_values(account: Account) -> None:
    hot = (await labels_by_name(account.client))["Hot"]
    payload = await account.client.mutate(UPDATE_LABEL, {"id": hot["id"], "color": "#abc"})
    assert errors(payload) == [(["input", "color"], "INVALID")]
    payload = await account.client.mutate(UPDATE_LABEL, {"id": hot["id"], "name": " "})
    assert errors(payload) == [(["input", "name"], "REQUIRED")]
    row = await LeadLabel.get(id=key(hot["id"]))
    assert (row.name, row.color) == ("Hot", "red")


async def test_another_companys_label_is_not_found(account: Account, other_account: Account) -> None:
    theirs = (await labels_by_name(other_account.client))["Hot"]
    payload = await account.client.mutate(UPDATE_LABEL, {"id": theirs["id"], "name": "Mine now"})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    payload = await account.client.mutate(DELETE_LABEL, {"id": theirs["id"]})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    assert (await LeadLabel.get(id=key(theirs["id"]))).name == "Hot"

    # A global id of another type is no label id.
    payload = await account.client.mutate(DELETE_LABEL, {"id": to_global_id("Lead", "x")})
    assert errors(payload) == [(["input", "id"], "INVALID_ID")]


# --- deleteLeadLabel -------------------------------------------------------------------------


async def test_delete_takes_the_label_off_leads_and_nothing_else(account: Account) -> None:
    labels = await labels_by_name(account.client)
    hot, warm, cold = labels["Hot"]["id"], labels["Warm"]["id"], labels["Cold"]["id"]
    both = await make_lead(account.client, "Both", [hot, warm])
    only_cold = await make_lead(account.client, "Only cold", [cold])
    before = await account.client.execute(LEAD, {"id": both["id"]})
    rows_before = {lead.id: (lead.title, lead.updated_at) for lead in await Lead.all()}

    payload = await account.client.mutate(DELETE_LABEL, {"id": hot})
    assert payload == {"label": None, "userErrors": []}

    assert not await LeadLabel.exists(id=key(hot))
    assert not await LeadLabelLink.filter(label_id=key(hot)).exists()
    after = await account.client.execute(LEAD, {"id": both["id"]})
    assert after["node"] == before["node"] | {"labels": [{"name": "Warm"}]}
    assert (await account.client.execute(LEAD, {"id": only_cold["id"]}))["node"]["labels"] == [{"name": "Cold"}]
    assert {lead.id: (lead.title, lead.updated_at) for lead in await Lead.all()} == rows_before
    assert await LeadLabelLink.all().count() == 2
    assert [label["name"] for label in (await account.client.execute(LEAD_LABELS))["leadLabels"]] == ["Cold", "Warm"]
    (entry,) = await ChangeLogEntry.filter(entity_type="lead_label", entity_id=str(key(hot)))
    assert (entry.action, entry.old_value, entry.actor_id) == ("DELETED", '"Hot"', account.user_id)


# --- authentication --------------------------------------------------------------------------


async def test_unauthenticated_calls_write_nothing(account: Account) -> None:
    hot = (await labels_by_name(account.client))["Hot"]
    revoked = Client(account.client.http, account.token)
    await revoke_token(account.token)

    for client in (Client(account.client.http, None), revoked):
        body = await client.raw(LEAD_LABELS)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
        for query, input in (
            (CREATE_LABEL, {"name": "Intruder", "color": "red"}),
            (UPDATE_LABEL, {"id": hot["id"], "name": "Intruder"}),
            (DELETE_LABEL, {"id": hot["id"]}),
        ):
            body = await client.raw(query, {"input": input})
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    assert sorted(await LeadLabel.filter(company_id=account.company_id).values_list("name", flat=True)) == [
        "Cold",
        "Hot",
        "Warm",
    ]
    assert not await ChangeLogEntry.filter(entity_type="lead_label").exists()


async def test_label_names_are_unique_whatever_their_case(account: Account) -> None:
    payload = await account.client.mutate(CREATE_LABEL, {"name": "hot", "color": "red"})
    assert payload["label"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["DUPLICATE"]


# --- who may manage labels ------------------------------------------------------------------------

PERMISSIONS = "query { viewer { permissions { manageLabels } } }"


async def test_regular_users_may_not_manage_labels_unless_allowed(account: Account, make_account: Any) -> None:
    """Labels are the whole company's: a regular user without the permission can neither add,
    rename nor delete one, and nothing changes; one given it (like an admin) can."""
    hot = (await labels_by_name(account.client))["Hot"]
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    assert (await rita.client.execute(PERMISSIONS))["viewer"]["permissions"] == {"manageLabels": False}
    assert (await account.client.execute(PERMISSIONS))["viewer"]["permissions"] == {"manageLabels": True}
    for operation, input in (
        (CREATE_LABEL, {"name": "Mine", "color": "red"}),
        (UPDATE_LABEL, {"id": hot["id"], "name": "Not hot"}),
        (DELETE_LABEL, {"id": hot["id"]}),
    ):
        payload = await rita.client.mutate(operation, input)
        assert payload["label"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("PERMISSION_DENIED", ["input"])]
    rows = await LeadLabel.filter(company_id=account.company_id).order_by("name")
    assert [(r.name, r.color) for r in rows] == [("Cold", "blue"), ("Hot", "red"), ("Warm", "yellow")]
    assert not await ChangeLogEntry.filter(entity_type="lead_label").exists()

    manager = await make_account(
        company_id=account.company_id, name="Mona Manager", role=Role.REGULAR, can_manage_labels=True
    )
    assert (await manager.client.execute(PERMISSIONS))["viewer"]["permissions"] == {"manageLabels": True}
    made = await make_label(manager.client, "Mine", "red")
    payload = await manager.client.mutate(UPDATE_LABEL, {"id": made["id"], "name": "Ours"})
    assert payload["userErrors"] == [] and payload["label"]["name"] == "Ours"
    payload = await manager.client.mutate(DELETE_LABEL, {"id": hot["id"]})
    assert payload["userErrors"] == []
    assert sorted(await LeadLabel.filter(company_id=account.company_id).values_list("name", flat=True)) == [
        "Cold",
        "Ours",
        "Warm",
    ]


async def test_a_label_of_another_company_is_not_found_before_permission(
    account: Account, other_account: Account, make_account: Any
) -> None:
    """Another company's label answers NOT_FOUND whoever asks, as an unknown id does."""
    theirs = (await labels_by_name(other_account.client))["Hot"]
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    payload = await rita.client.mutate(DELETE_LABEL, {"id": theirs["id"]})
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert await LeadLabel.filter(company_id=other_account.company_id).count() == 3
