"""Saved filters (SPEC §3.2): private to their owner or shared with the company, favourites per
user, used alongside the other filters of the list."""

from __future__ import annotations

from typing import Any

from core.ids import decode_id
from models import LeadLabel, LeadSource, Role, SavedFilter, SavedFilterFavorite
from tests.conftest import Account
from tests.factories import gid, make_lead
from tests.factories.columns import define_fields

ERRORS = "userErrors { field message code }"
FIELDS = "id name shared isFavorite filter owner { name }"
CREATE = f"""
mutation ($input: CreateSavedFilterInput!) {{
  createSavedFilter(input: $input) {{ savedFilter {{ {FIELDS} }} {ERRORS} }}
}}
"""
UPDATE = f"""
mutation ($input: UpdateSavedFilterInput!) {{
  updateSavedFilter(input: $input) {{ savedFilter {{ {FIELDS} }} {ERRORS} }}
}}
"""
DELETE = f"mutation ($input: IdInput!) {{ deleteSavedFilter(input: $input) {{ deletedId {ERRORS} }} }}"
FAVORITE = f"""
mutation ($input: SetSavedFilterFavoriteInput!) {{
  setSavedFilterFavorite(input: $input) {{ savedFilter {{ {FIELDS} }} {ERRORS} }}
}}
"""
LIST = f"query {{ savedFilters {{ {FIELDS} }} }}"
NODE = "query ($id: ID!) { node(id: $id) { id ... on SavedFilter { name } } }"
LEADS = """
query ($filter: LeadFilter) {
  leads(first: 50, filter: $filter, sort: {field: TITLE, direction: ASC}) { nodes { title } }
}
"""

BIG_FLEETS = {"conditions": {"conditions": [{"column": "cf.lead.fleet", "operator": "GREATER_THAN", "value": 5}]}}
GOLD = {
    "sources": ["MANUAL"],
    "conditions": {"conditions": [{"column": "cf.lead.tier", "operator": "EQUALS", "value": 1}]},
}


async def leads(account: Account, filter: dict[str, Any]) -> list[str]:
    return [n["title"] for n in (await account.client.execute(LEADS, {"filter": filter}))["leads"]["nodes"]]


async def setup(account: Account, make_account: Any) -> Account:
    viewer = await account.viewer()
    await define_fields(viewer)
    hot = await LeadLabel.get(company_id=account.company_id, name="Hot")
    await make_lead(viewer, "Gold big", custom_fields={"fleet": 40, "tier": 1}, label_ids=[hot.id])
    await make_lead(viewer, "Gold small", custom_fields={"fleet": 2, "tier": 1})
    await make_lead(viewer, "Gold by API", custom_fields={"fleet": 9, "tier": 1}, source=LeadSource.API)
    await make_lead(viewer, "Silver big", custom_fields={"fleet": 90, "tier": 2}, value_amount=5, value_currency="EUR")
    bob: Account = await make_account(company_id=account.company_id, name="Bob Seller", role=Role.REGULAR)
    return bob


async def test_private_filters_are_their_owners_alone_and_shared_ones_everyones(
    account: Account, make_account: Any, other_account: Account
) -> None:
    bob = await setup(account, make_account)
    mine = await account.client.mutate(CREATE, {"name": "Big fleets", "filter": BIG_FLEETS, "favorite": True})
    shared = await account.client.mutate(CREATE, {"name": "Gold (manual)", "filter": GOLD, "shared": True})
    assert mine["userErrors"] == shared["userErrors"] == []
    mine_id, shared_id = mine["savedFilter"]["id"], shared["savedFilter"]["id"]
    bobs = await bob.client.mutate(CREATE, {"name": "Bob's own", "filter": GOLD})
    bobs_id = bobs["savedFilter"]["id"]

    anna_list = (await account.client.execute(LIST))["savedFilters"]
    assert [(f["name"], f["shared"], f["isFavorite"]) for f in anna_list] == [
        ("Big fleets", False, True),
        ("Gold (manual)", True, False),
    ]
    # Bob sees the shared one and his own; never Anna's private one. Anna, an admin, never Bob's.
    assert [f["name"] for f in (await bob.client.execute(LIST))["savedFilters"]] == ["Bob's own", "Gold (manual)"]
    assert (await bob.client.execute(NODE, {"id": mine_id}))["node"] is None
    assert (await account.client.execute(NODE, {"id": bobs_id}))["node"] is None
    body = await bob.client.raw(LEADS, {"filter": {"savedFilterId": mine_id}})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for operation, input in (
        (UPDATE, {"id": mine_id, "name": "Hijacked"}),
        (DELETE, {"id": mine_id}),
        (FAVORITE, {"id": mine_id, "favorite": True}),
    ):
        assert (await bob.client.mutate(operation, input))["userErrors"][0]["code"] == "NOT_FOUND"
    stored = await SavedFilter.get(name="Big fleets")
    assert (stored.shared, await SavedFilterFavorite.filter(saved_filter_id=stored.id).count()) == (False, 1)

    # The shared one: Bob uses it, alone or alongside other filters, and marks it his favourite...
    assert await leads(bob, {"savedFilterId": shared_id}) == ["Gold big", "Gold small"]
    assert await leads(bob, {"savedFilterId": shared_id, "conditions": BIG_FLEETS["conditions"]}) == ["Gold big"]
    assert await leads(account, {"savedFilterId": mine_id, "predefined": ["WITH_VALUE"]}) == ["Silver big"]
    favored = await bob.client.mutate(FAVORITE, {"id": shared_id, "favorite": True})
    assert favored["savedFilter"]["isFavorite"] is True
    assert {f["name"]: f["isFavorite"] for f in (await account.client.execute(LIST))["savedFilters"]}[
        "Gold (manual)"
    ] is False
    # ...but only its owner changes or deletes it.
    for operation, input in ((UPDATE, {"id": shared_id, "shared": False}), (DELETE, {"id": shared_id})):
        assert (await bob.client.mutate(operation, input))["userErrors"][0]["code"] == "PERMISSION_DENIED"
    assert (await SavedFilter.get(name="Gold (manual)")).shared is True

    # Another company sees nothing, shared or not.
    assert (await other_account.client.execute(LIST))["savedFilters"] == []
    body = await other_account.client.raw(LEADS, {"filter": {"savedFilterId": shared_id}})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    # Unshared, it is Anna's alone again: Bob's favourite mark goes with it.
    unshared = await account.client.mutate(UPDATE, {"id": shared_id, "shared": False})
    assert unshared["savedFilter"]["shared"] is False
    assert [f["name"] for f in (await bob.client.execute(LIST))["savedFilters"]] == ["Bob's own"]
    assert not await SavedFilterFavorite.exists(user_id=bob.user_id)
    deleted = await account.client.mutate(DELETE, {"id": mine_id})
    assert deleted == {"deletedId": mine_id, "userErrors": []}
    assert not await SavedFilter.exists(name="Big fleets")


async def test_the_saved_filter_reads_back_as_a_lead_filter(account: Account, make_account: Any) -> None:
    await setup(account, make_account)
    hot = await LeadLabel.get(company_id=account.company_id, name="Hot")
    filter = {**GOLD, "labelIds": [gid("LeadLabel", hot.id)], "predefined": ["WITH_LINKED_PERSON"], "search": "gold"}
    created = await account.client.mutate(CREATE, {"name": "Roundtrip", "filter": filter})
    saved = created["savedFilter"]
    assert saved["filter"] == {
        "sources": ["MANUAL"],
        "labelIds": [gid("LeadLabel", hot.id)],
        "ownerIds": [],
        "teamIds": [],
        "predefined": ["WITH_LINKED_PERSON"],
        "search": "gold",
        "conditions": {
            "op": "AND",
            "conditions": [{"column": "cf.lead.tier", "operator": "EQUALS", "value": 1}],
            "groups": [],
        },
    }
    # What it reads back as is a LeadFilter: sent as it is, it lists what the saved filter does.
    assert await leads(account, saved["filter"]) == await leads(account, {"savedFilterId": saved["id"]}) == ["Gold big"]
    changed = await account.client.mutate(UPDATE, {"id": saved["id"], "name": "Big ones", "filter": BIG_FLEETS})
    assert changed["savedFilter"]["name"] == "Big ones"
    assert await leads(account, {"savedFilterId": saved["id"]}) == ["Gold big", "Gold by API", "Silver big"]
    stored = await SavedFilter.get(id=decode_id(saved["id"], "SavedFilter"))
    assert stored.definition["conditions"]["conditions"][0]["column"] == "cf.lead.fleet"


async def test_a_filter_that_does_not_fit_is_not_saved(
    account: Account, other_account: Account, make_account: Any
) -> None:
    await setup(account, make_account)
    theirs = await LeadLabel.get(company_id=other_account.company_id, name="Hot")
    cases = [
        (
            {"conditions": {"conditions": [{"column": "cf.lead.fleet", "operator": "CONTAINS", "value": "4"}]}},
            ["input", "filter", "conditions", "conditions", "0", "operator"],
            "INVALID_FILTER",
        ),
        (
            {"conditions": {"groups": [{"conditions": [{"column": "cf.lead.gone", "operator": "IS_EMPTY"}]}]}},
            ["input", "filter", "conditions"],
            "INVALID_FILTER",
        ),
        ({"labelIds": [gid("LeadLabel", theirs.id)]}, ["input", "filter", "labelIds"], "NOT_FOUND"),
        ({"labelIds": ["garbage"]}, ["input", "filter", "labelIds"], "INVALID_ID"),
    ]
    for filter, field, code in cases:
        payload = await account.client.mutate(CREATE, {"name": "Broken", "filter": filter})
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], filter
    payload = await account.client.mutate(CREATE, {"name": "  ", "filter": {}})
    assert payload["userErrors"][0]["code"] == "REQUIRED"
    nested = await account.client.mutate(CREATE, {"name": "Ok", "filter": GOLD})
    payload = await account.client.mutate(
        CREATE, {"name": "Nested", "filter": {"savedFilterId": nested["savedFilter"]["id"]}}
    )
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert [f.name for f in await SavedFilter.all()] == ["Ok"]
