"""The company's lead statuses and categories (SPEC §8): defaults for new and existing
companies, adding, renaming, reordering and retiring statuses, and who may change them."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from core.db import conn
from models import Category, CategoryGroup, ChangeLogEntry, LeadStatus, Role
from tests.conftest import Account
from tests.factories.lead_status import gid, org_in, person_in, person_state, set_status, status_id, stored_status

LEAD_STATUSES = """
query($all: Boolean!) {
  leadStatuses(includeRetired: $all) { id name description position isInitial isRetired }
}
"""
CATEGORY_GROUPS = """
query { categoryGroups { id name leadStatusEnabled position categories { id name group { name } } } }
"""
STATUS_RESULT = "leadStatus { id name description position isInitial isRetired } userErrors { field message code }"
CREATE_STATUS = f"mutation($input: CreateLeadStatusInput!) {{ createLeadStatus(input: $input) {{ {STATUS_RESULT} }} }}"
UPDATE_STATUS = f"mutation($input: UpdateLeadStatusInput!) {{ updateLeadStatus(input: $input) {{ {STATUS_RESULT} }} }}"
REORDER = """
mutation($input: ReorderLeadStatusesInput!) {
  reorderLeadStatuses(input: $input) { leadStatuses { name position } userErrors { field code } }
}
"""
CREATE_GROUP = """
mutation($input: CreateCategoryGroupInput!) {
  createCategoryGroup(input: $input) { categoryGroup { id name leadStatusEnabled } userErrors { field code } }
}
"""
CREATE_CATEGORY = """
mutation($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id name group { name } } userErrors { field code } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def names(account: Account, include_retired: bool = False) -> list[str]:
    data = await account.client.execute(LEAD_STATUSES, {"all": include_retired})
    return [s["name"] for s in data["leadStatuses"]]


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


# --- defaults --------------------------------------------------------------------------------


async def test_a_new_company_has_the_default_statuses_with_tooltips(account: Account) -> None:
    data = await account.client.execute(LEAD_STATUSES, {"all": True})
    statuses = data["leadStatuses"]
    assert [s["name"] for s in statuses] == ["Open", "Contacting", "Qualified", "Disqualified", "Re-nurture"]
    assert [s["position"] for s in statuses] == [0, 1, 2, 3, 4]
    assert all(s["description"] for s in statuses)
    assert [s["isInitial"] for s in statuses] == [True, False, False, False, False]
    assert await LeadStatus.filter(company_id=account.company_id).count() == 5


async def test_a_new_company_has_potential_customer_and_customer_groups(account: Account) -> None:
    groups = (await account.client.execute(CATEGORY_GROUPS))["categoryGroups"]
    assert [(g["name"], g["leadStatusEnabled"], [c["name"] for c in g["categories"]]) for g in groups] == [
        ("Potential customer", True, ["Lead", "Marketing qualified lead"]),
        ("Customer", False, ["Customer"]),
    ]
    assert groups[0]["categories"][0]["group"] == {"name": "Potential customer"}


async def test_the_migration_gives_existing_companies_the_defaults(account: Account, other_account: Account) -> None:
    """Companies made before lead status existed get the same set-up, once."""
    migration = importlib.import_module("migrations.0005_lead_status")
    await Category.filter(company_id=account.company_id).delete()
    await CategoryGroup.filter(company_id=account.company_id).delete()
    await LeadStatus.filter(company_id=account.company_id).delete()

    class Editor:
        client = conn()

    for _ in range(2):  # a second run adds nothing
        await migration.add_defaults(None, Editor())
        assert await names(account) == ["Open", "Contacting", "Qualified", "Disqualified", "Re-nurture"]
        groups = (await account.client.execute(CATEGORY_GROUPS))["categoryGroups"]
        assert [(g["name"], g["leadStatusEnabled"], len(g["categories"])) for g in groups] == [
            ("Potential customer", True, 2),
            ("Customer", False, 1),
        ]
        assert await LeadStatus.filter(company_id=other_account.company_id).count() == 5
        assert await Category.filter(company_id=other_account.company_id).count() == 3


# --- adding, renaming, reordering, retiring ------------------------------------------------------


async def test_add_rename_and_describe_a_status(account: Account) -> None:
    added = await account.client.mutate(CREATE_STATUS, {"name": " Meeting booked ", "description": "A demo is set."})
    assert added["userErrors"] == []
    assert (added["leadStatus"]["name"], added["leadStatus"]["position"]) == ("Meeting booked", 5)

    renamed = await account.client.mutate(
        UPDATE_STATUS, {"id": added["leadStatus"]["id"], "name": "Demo booked", "description": "Demo in the calendar."}
    )
    assert (renamed["leadStatus"]["name"], renamed["leadStatus"]["description"]) == (
        "Demo booked",
        "Demo in the calendar.",
    )
    row = await LeadStatus.get(company_id=account.company_id, name="Demo booked")
    assert row.description == "Demo in the calendar."
    log = await ChangeLogEntry.filter(entity_type="lead_status", entity_id=str(row.id)).order_by("id")
    assert [(e.action, e.field) for e in log] == [("CREATED", "name"), ("UPDATED", "name"), ("UPDATED", "description")]

    clash = await account.client.mutate(CREATE_STATUS, {"name": "open"})
    assert codes(clash) == [(["input", "name"], "DUPLICATE")]
    # Names clash as they fold, accents and national letters included, the same on both databases.
    accented = await account.client.mutate(CREATE_STATUS, {"name": "Été"})
    assert accented["userErrors"] == []
    for other in ("ÉTÉ", "ete", " été "):
        assert codes(await account.client.mutate(CREATE_STATUS, {"name": other})) == [(["input", "name"], "DUPLICATE")]
    # Renaming a status to its own name, differently written, is no clash.
    same = await account.client.mutate(UPDATE_STATUS, {"id": accented["leadStatus"]["id"], "name": "ÉTÉ"})
    assert same["userErrors"] == [] and same["leadStatus"]["name"] == "ÉTÉ"
    empty = await account.client.mutate(CREATE_STATUS, {"name": "  "})
    assert codes(empty) == [(["input", "name"], "REQUIRED")]
    assert await LeadStatus.filter(company_id=account.company_id).count() == 7


async def test_reorder_the_statuses(account: Account) -> None:
    data = await account.client.execute(LEAD_STATUSES, {"all": True})
    ids = [s["id"] for s in data["leadStatuses"]]
    new_order = [ids[0], ids[2], ids[1], ids[4], ids[3]]
    payload = await account.client.mutate(REORDER, {"ids": new_order})
    assert [s["name"] for s in payload["leadStatuses"]] == [
        "Open",
        "Qualified",
        "Contacting",
        "Re-nurture",
        "Disqualified",
    ]
    assert await names(account) == ["Open", "Qualified", "Contacting", "Re-nurture", "Disqualified"]
    assert [s.position for s in await LeadStatus.filter(company_id=account.company_id).order_by("position")] == [
        0,
        1,
        2,
        3,
        4,
    ]

    incomplete = await account.client.mutate(REORDER, {"ids": new_order[:4]})
    assert codes(incomplete) == [(["input", "ids"], "INVALID")]
    twice = await account.client.mutate(REORDER, {"ids": [*new_order[:4], new_order[0]]})
    assert codes(twice) == [(["input", "ids"], "INVALID")]
    assert await names(account) == ["Open", "Qualified", "Contacting", "Re-nurture", "Disqualified"]


async def test_a_retired_status_stays_on_its_persons_but_cannot_be_chosen(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    holder, other = await person_in(viewer, org, "Holder"), await person_in(viewer, org, "Other")
    await set_status(account.client, holder, "Re-nurture", account.company_id)
    renurture = gid("LeadStatus", await status_id(account.company_id, "Re-nurture"))

    retired = await account.client.mutate(UPDATE_STATUS, {"id": renurture, "isRetired": True})
    assert retired["leadStatus"]["isRetired"] is True
    assert (await LeadStatus.get(company_id=account.company_id, name="Re-nurture")).retired_at is not None

    assert "Re-nurture" not in await names(account)
    assert "Re-nurture" in await names(account, include_retired=True)
    assert (await person_state(account.client, holder))["leadStatus"]["name"] == "Re-nurture"
    refused = await set_status(account.client, other, "Re-nurture", account.company_id)
    assert codes(refused) == [(["input", "leadStatusId"], "LEAD_STATUS_RETIRED")]
    assert await stored_status(other) == "Open"

    restored = await account.client.mutate(UPDATE_STATUS, {"id": renurture, "isRetired": False})
    assert restored["leadStatus"]["isRetired"] is False
    assert (await set_status(account.client, other, "Re-nurture", account.company_id))["userErrors"] == []


async def test_the_initial_status_can_move_but_not_be_retired(account: Account) -> None:
    open_id = gid("LeadStatus", await status_id(account.company_id, "Open"))
    contacting_id = gid("LeadStatus", await status_id(account.company_id, "Contacting"))
    refused = await account.client.mutate(UPDATE_STATUS, {"id": open_id, "isRetired": True})
    assert codes(refused) == [(["input", "isRetired"], "CONFLICT")]
    unset = await account.client.mutate(UPDATE_STATUS, {"id": open_id, "isInitial": False})
    assert codes(unset) == [(["input", "isInitial"], "INVALID")]

    moved = await account.client.mutate(UPDATE_STATUS, {"id": contacting_id, "isInitial": True})
    assert moved["leadStatus"]["isInitial"] is True
    initial = await LeadStatus.filter(company_id=account.company_id, is_initial=True).values_list("name", flat=True)
    assert initial == ["Contacting"]
    # New persons of a potential customer now start there.
    viewer = await account.viewer()
    assert await stored_status(await person_in(viewer, await org_in(viewer, "Lead"))) == "Contacting"
    assert (await account.client.mutate(UPDATE_STATUS, {"id": open_id, "isRetired": True}))["userErrors"] == []


async def test_groups_and_categories_can_be_added(account: Account) -> None:
    group = await account.client.mutate(CREATE_GROUP, {"name": "Partner", "leadStatusEnabled": True})
    assert group["categoryGroup"]["leadStatusEnabled"] is True
    made = await account.client.mutate(CREATE_CATEGORY, {"groupId": group["categoryGroup"]["id"], "name": "Reseller"})
    assert made["category"] == {"id": made["category"]["id"], "name": "Reseller", "group": {"name": "Partner"}}
    duplicate = await account.client.mutate(CREATE_CATEGORY, {"groupId": group["categoryGroup"]["id"], "name": "lead"})
    assert codes(duplicate) == [(["input", "name"], "DUPLICATE")]
    group_id = group["categoryGroup"]["id"]
    accented = await account.client.mutate(CREATE_CATEGORY, {"groupId": group_id, "name": "Återförsäljare"})
    assert accented["userErrors"] == []
    folded = await account.client.mutate(CREATE_CATEGORY, {"groupId": group_id, "name": "ATERFORSALJARE"})
    assert codes(folded) == [(["input", "name"], "DUPLICATE")]
    assert codes(await account.client.mutate(CREATE_GROUP, {"name": "PÄRTNER"})) == [(["input", "name"], "DUPLICATE")]
    viewer = await account.viewer()
    assert await stored_status(await person_in(viewer, await org_in(viewer, "Reseller"))) == "Open"


# --- who may ---------------------------------------------------------------------------------


async def test_only_admins_change_the_set_up(account: Account, make_account: Any) -> None:
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    open_id = gid("LeadStatus", await status_id(account.company_id, "Open"))
    for operation, input in (
        (CREATE_STATUS, {"name": "Mine"}),
        (UPDATE_STATUS, {"id": open_id, "name": "Fresh"}),
        (CREATE_GROUP, {"name": "Mine"}),
    ):
        payload = await regular.client.mutate(operation, input)
        assert [e["code"] for e in payload["userErrors"]] == ["PERMISSION_DENIED"]
    assert await names(regular) == ["Open", "Contacting", "Qualified", "Disqualified", "Re-nurture"]
    assert await CategoryGroup.filter(company_id=account.company_id).count() == 2


@pytest.mark.parametrize("type_name", ["LeadStatus", "CategoryGroup", "Category"])
async def test_another_company_sees_none_of_the_set_up(
    account: Account, other_account: Account, type_name: str
) -> None:
    models: dict[str, type[LeadStatus] | type[CategoryGroup] | type[Category]] = {
        "LeadStatus": LeadStatus,
        "CategoryGroup": CategoryGroup,
        "Category": Category,
    }
    model = models[type_name]
    row = await model.filter(company_id=account.company_id).order_by("id").first()
    assert row is not None
    own = await account.client.execute(NODE, {"id": gid(type_name, row.id)})
    assert own["node"]["__typename"] == type_name
    assert (await other_account.client.execute(NODE, {"id": gid(type_name, row.id)}))["node"] is None

    theirs = (await other_account.client.execute(CATEGORY_GROUPS))["categoryGroups"]
    ours = {g["id"] for g in (await account.client.execute(CATEGORY_GROUPS))["categoryGroups"]}
    assert not ours & {g["id"] for g in theirs}
    if type_name == "LeadStatus":
        payload = await other_account.client.mutate(UPDATE_STATUS, {"id": gid(type_name, row.id), "name": "Mine"})
        assert codes(payload) == [(["input", "id"], "NOT_FOUND")]
        assert (await LeadStatus.get(id=row.id)).name == "Open"
    if type_name == "CategoryGroup":
        payload = await other_account.client.mutate(CREATE_CATEGORY, {"groupId": gid(type_name, row.id), "name": "X"})
        assert codes(payload) == [(["input", "groupId"], "NOT_FOUND")]
        assert not await Category.exists(name="X")
