"""Selections (SPEC §8): the criteria over persons and organizations, static versus dynamic
after the data changes, paginated members, sharing, visibility and tenancy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import domain.contacts.selection
from domain import changelog as real_changelog
from domain.contacts.organization import update_organization
from domain.contacts.person import delete_person
from domain.leads.lead import LeadData, create_lead
from models import CategoryGroup, LeadSource, Organization, Person, Role, Selection, SelectionMember, Visibility
from tests.conftest import Account, Client, StatementCounter
from tests.factories.lead_status import category, gid, org_in, person_in, pk, set_status, status_id

SELECTION_FIELDS = """
    id name entity kind isShared membersSavedAt owner { name }
    conditions { field operator ids value date days }
"""
MEMBERS = """
    members(first: $first, after: $after) {
      totalCount
      edges { cursor node { __typename ... on Person { name } ... on Organization { name } } }
      pageInfo { hasNextPage endCursor }
    }
"""
CREATE = f"""
mutation($input: CreateSelectionInput!) {{
  createSelection(input: $input) {{ selection {{ {SELECTION_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
UPDATE = f"""
mutation($input: UpdateSelectionInput!) {{
  updateSelection(input: $input) {{ selection {{ {SELECTION_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
DELETE = """
mutation($input: IdInput!) { deleteSelection(input: $input) { userErrors { field code } } }
"""
SELECTION = f"""
query($id: ID!, $first: Int, $after: String) {{
  selection(id: $id) {{ {SELECTION_FIELDS} {MEMBERS} }}
}}
"""
SELECTIONS = "query { selections { id name } }"


@dataclass
class World:
    """Acme's contacts: persons of potential customers, of a customer, and without a category."""

    account: Account
    ids: dict[str, str]

    def cond(self, field: str, operator: str, *names: str, **operand: Any) -> dict[str, Any]:
        return {"field": field, "operator": operator, "ids": [self.ids[n] for n in names] or None, **operand}


@pytest.fixture
async def world(account: Account, make_account: Any) -> World:
    viewer = await account.viewer()
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    initech, hooli = await org_in(viewer, "Lead", "Initech"), await org_in(viewer, "Marketing qualified lead", "Hooli")
    globo, nocat = await org_in(viewer, "Lead", "Globo"), await org_in(viewer, None, "Nocat", address_city="Oslo")
    ada = await person_in(viewer, initech, "Ada Initech", email="ada@initech.test")
    bob = await person_in(viewer, initech, "Bob Initech", owner_id=seller.user_id)
    cid = await person_in(viewer, hooli, "Cid Hooli", phone="+47 555 0101")
    dan = await person_in(viewer, globo, "Dan Globo", job_title="CTO")
    await person_in(viewer, None, "Eve Alone")
    await person_in(viewer, nocat, "Fay Nocat")
    for person, name in ((ada, "Qualified"), (cid, "Contacting"), (dan, "Qualified")):
        assert (await set_status(account.client, person, name, account.company_id))["userErrors"] == []
    # Dan keeps Qualified, hidden: Globo becomes a customer.
    await update_organization(viewer, globo.id, {"category_id": (await category(account.company_id, "Customer")).id})
    utm: dict[str, str | None] = {"utm_source": "newsletter"}
    await create_lead(viewer, LeadData(title="Web", person_id=ada.id, utm=utm), LeadSource.WEB_FORM)
    await create_lead(viewer, LeadData(title="Plain", person_id=bob.id, organization_id=hooli.id), LeadSource.MANUAL)
    await create_lead(viewer, LeadData(title="Org web", organization_id=nocat.id, utm=utm), LeadSource.WEB_FORM)
    ids = {
        "Qualified": gid("LeadStatus", await status_id(account.company_id, "Qualified")),
        "Contacting": gid("LeadStatus", await status_id(account.company_id, "Contacting")),
        "Potential customer": gid(
            "CategoryGroup", (await CategoryGroup.get(company_id=account.company_id, name="Potential customer")).id
        ),
        "Customer": gid("Category", (await category(account.company_id, "Customer")).id),
        "Sam": gid("User", seller.user_id),
    }
    return World(account, ids)


async def create(client: Client, conditions: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(
        CREATE, {"name": "Mine", "entity": "PERSON", "kind": "DYNAMIC", "conditions": conditions, **fields}
    )
    assert payload["userErrors"] == [], payload
    selection: dict[str, Any] = payload["selection"]
    return selection


async def members(client: Client, selection_id: str, first: int = 100) -> list[str]:
    """Every member's name, page by page."""
    out: list[str] = []
    after = None
    while True:
        data = await client.execute(SELECTION, {"id": selection_id, "first": first, "after": after})
        page = data["selection"]["members"]
        out += [e["node"]["name"] for e in page["edges"]]
        assert page["totalCount"] >= len(out)
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(out)
            return out
        after = page["pageInfo"]["endCursor"]


async def matching(world: World, *conditions: dict[str, Any], entity: str = "PERSON") -> list[str]:
    selection = await create(world.account.client, list(conditions), entity=entity)
    return await members(world.account.client, selection["id"])


ALL = ["Ada Initech", "Bob Initech", "Cid Hooli", "Dan Globo", "Eve Alone", "Fay Nocat"]


# --- criteria ----------------------------------------------------------------------------------


async def test_lead_status_is_one_of_counts_only_shown_statuses(world: World) -> None:
    assert await matching(world, world.cond("LEAD_STATUS", "IS_ONE_OF", "Qualified")) == ["Ada Initech"]
    # Dan's Qualified is hidden by Globo's category: he is "not one of", like those without any.
    assert await matching(world, world.cond("LEAD_STATUS", "IS_NOT_ONE_OF", "Qualified")) == [
        n for n in ALL if n != "Ada Initech"
    ]
    two = world.cond("LEAD_STATUS", "IS_ONE_OF", "Qualified", "Contacting")
    assert await matching(world, two) == ["Ada Initech", "Cid Hooli"]


async def test_category_group_and_category(world: World) -> None:
    potential = ["Ada Initech", "Bob Initech", "Cid Hooli"]
    assert await matching(world, world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer")) == potential
    assert await matching(world, world.cond("CATEGORY_GROUP", "IS_NOT_ONE_OF", "Potential customer")) == [
        "Dan Globo",
        "Eve Alone",
        "Fay Nocat",
    ]
    assert await matching(world, world.cond("CATEGORY", "IS_ONE_OF", "Customer")) == ["Dan Globo"]


async def test_utm_owner_and_text_conditions(world: World) -> None:
    assert await matching(world, world.cond("LEAD_HAS_UTM_DATA", "IS_TRUE")) == ["Ada Initech"]
    assert "Ada Initech" not in await matching(world, world.cond("LEAD_HAS_UTM_DATA", "IS_FALSE"))
    assert await matching(world, world.cond("OWNER", "IS_ONE_OF", "Sam")) == ["Bob Initech"]
    assert await matching(world, world.cond("NAME", "CONTAINS", value="INITECH")) == ["Ada Initech", "Bob Initech"]
    assert await matching(world, world.cond("EMAIL", "EQUALS", value="ADA@initech.test")) == ["Ada Initech"]
    assert await matching(world, world.cond("EMAIL", "STARTS_WITH", value="ada@")) == ["Ada Initech"]
    assert await matching(world, world.cond("EMAIL", "IS_NOT_EMPTY")) == ["Ada Initech"]
    assert await matching(world, world.cond("PHONE", "CONTAINS", value="555-0101")) == ["Cid Hooli"]
    assert await matching(world, world.cond("JOB_TITLE", "EQUALS", value="cto")) == ["Dan Globo"]
    assert await matching(world, world.cond("ORGANIZATION_NAME", "STARTS_WITH", value="hoo")) == ["Cid Hooli"]
    assert await matching(world, world.cond("ORGANIZATION_NAME", "IS_EMPTY")) == ["Eve Alone"]
    assert await matching(world, world.cond("CITY", "EQUALS", value="oslo")) == ["Fay Nocat"]
    assert await matching(world, world.cond("NAME", "NOT_CONTAINS", value="initech")) == ALL[2:]
    # Conditions combine with AND.
    both = [
        world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer"),
        world.cond("NAME", "STARTS_WITH", value="b"),
    ]
    assert await matching(world, *both) == ["Bob Initech"]


async def test_organization_selections(world: World) -> None:
    group = world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer")
    assert await matching(world, group, entity="ORGANIZATION") == ["Hooli", "Initech"]
    status = world.cond("LEAD_STATUS", "IS_ONE_OF", "Qualified")
    assert await matching(world, status, entity="ORGANIZATION") == ["Initech"]  # not Globo: Dan's is hidden
    utm = world.cond("LEAD_HAS_UTM_DATA", "IS_TRUE")
    assert await matching(world, utm, entity="ORGANIZATION") == ["Nocat"]
    payload = await world.account.client.mutate(
        CREATE,
        {"name": "x", "entity": "ORGANIZATION", "kind": "DYNAMIC", "conditions": [world.cond("EMAIL", "IS_EMPTY")]},
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "conditions", "0", "field"], "INVALID")
    ]


async def test_conditions_are_checked_before_anything_is_saved(world: World, other_account: Account) -> None:
    foreign = gid("LeadStatus", await status_id(other_account.company_id, "Qualified"))
    payload = await world.account.client.mutate(
        CREATE,
        {
            "name": "Bad",
            "entity": "PERSON",
            "kind": "STATIC",
            "conditions": [
                world.cond("LEAD_STATUS", "CONTAINS", "Qualified"),
                {"field": "LEAD_STATUS", "operator": "IS_ONE_OF", "ids": [foreign]},
                {"field": "CATEGORY", "operator": "IS_ONE_OF", "ids": []},
                {"field": "NAME", "operator": "EQUALS"},
                {"field": "CREATED_AT", "operator": "IN_LAST_DAYS", "days": 0},
            ],
        },
    )
    assert payload["selection"] is None
    assert [(e["field"][-1], e["code"]) for e in payload["userErrors"]] == [
        ("operator", "INVALID"),
        ("ids", "NOT_FOUND"),
        ("ids", "REQUIRED"),
        ("value", "REQUIRED"),
        ("days", "INVALID"),
    ]
    assert await Selection.all().count() == 0 and await SelectionMember.all().count() == 0


# --- static versus dynamic ---------------------------------------------------------------------


async def test_static_keeps_its_members_while_dynamic_follows_the_data(world: World) -> None:
    client = world.account.client
    group = [world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer")]
    static = await create(client, group, kind="STATIC")
    dynamic = await create(client, group, kind="DYNAMIC")
    assert static["membersSavedAt"] is not None and dynamic["membersSavedAt"] is None
    stored = await SelectionMember.filter(selection_id=int(pk_of(static))).count()
    assert stored == 3

    viewer = await world.account.viewer()
    initech = await Organization.get(name="Initech")
    globo = await Organization.get(name="Globo")
    await update_organization(viewer, initech.id, {"category_id": (await category(initech.company_id, "Customer")).id})
    await update_organization(viewer, globo.id, {"category_id": (await category(globo.company_id, "Lead")).id})
    await person_in(viewer, await Organization.get(name="Hooli"), "Gus Hooli")
    await delete_person(viewer, (await Person.get(name="Cid Hooli")).id)

    # Static: the members at save time, less the one that no longer exists.
    assert await members(client, static["id"]) == ["Ada Initech", "Bob Initech"]
    # Dynamic: evaluated now.
    assert await members(client, dynamic["id"]) == ["Dan Globo", "Gus Hooli"]

    refreshed = await client.mutate(UPDATE, {"id": static["id"], "refresh": True})
    assert refreshed["userErrors"] == []
    assert await members(client, static["id"]) == ["Dan Globo", "Gus Hooli"]
    # Turning a static selection dynamic drops the stored members.
    await client.mutate(UPDATE, {"id": static["id"], "kind": "DYNAMIC"})
    assert await SelectionMember.filter(selection_id=int(pk_of(static))).count() == 0


def pk_of(selection: dict[str, Any]) -> int:
    return pk(selection["id"], "Selection")


async def test_members_are_paginated_by_name(world: World) -> None:
    selection = await create(world.account.client, [])
    for first in (1, 2, 4):
        assert await members(world.account.client, selection["id"], first=first) == ALL
    body = await world.account.client.raw(SELECTION, {"id": selection["id"], "first": 2, "after": "bogus"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_a_failed_save_leaves_no_selection(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    class Exploding:
        entry = staticmethod(real_changelog.entry)

        @staticmethod
        async def write(entries: list[Any]) -> None:
            raise RuntimeError("disk full")  # after the members were inserted

    monkeypatch.setattr(domain.contacts.selection, "changelog", Exploding)
    body = await world.account.client.raw(
        CREATE, {"input": {"name": "S", "entity": "PERSON", "kind": "STATIC", "conditions": []}}
    )
    assert body["errors"][0]["message"] == "Internal error."
    assert await Selection.all().count() == 0 and await SelectionMember.all().count() == 0


# --- sharing, visibility, tenancy --------------------------------------------------------------


async def test_private_and_shared_selections(world: World, make_account: Any) -> None:
    client = world.account.client
    regular = await make_account(company_id=world.account.company_id, name="Rita Regular", role=Role.REGULAR)
    private = await create(client, [], name="Private")
    shared = await create(client, [], name="Shared", isShared=True)

    assert [s["name"] for s in (await regular.client.execute(SELECTIONS))["selections"]] == ["Shared"]
    assert (await regular.client.execute(SELECTION, {"id": private["id"]}))["selection"] is None
    refused = await regular.client.mutate(UPDATE, {"id": shared["id"], "name": "Taken"})
    assert [e["code"] for e in refused["userErrors"]] == ["PERMISSION_DENIED"]
    missing = await regular.client.mutate(DELETE, {"id": private["id"]})
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]
    assert await Selection.all().count() == 2

    assert (await client.mutate(DELETE, {"id": shared["id"]}))["userErrors"] == []
    assert await Selection.filter(name="Shared").count() == 0


async def test_members_are_read_with_the_readers_visibility(world: World, make_account: Any) -> None:
    await Person.filter(name="Ada Initech").update(visibility=Visibility.OWNER)
    await Organization.filter(name="Hooli").update(visibility=Visibility.OWNER)
    regular = await make_account(company_id=world.account.company_id, name="Rita Regular", role=Role.REGULAR)
    group = [world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer")]
    static = await create(world.account.client, group, kind="STATIC", isShared=True)
    assert await members(world.account.client, static["id"]) == ["Ada Initech", "Bob Initech", "Cid Hooli"]
    assert await members(regular.client, static["id"]) == ["Bob Initech", "Cid Hooli"]

    # A hidden organization's name matches nothing for the reader.
    by_org = await create(
        world.account.client, [world.cond("ORGANIZATION_NAME", "EQUALS", value="hooli")], isShared=True
    )
    assert await members(world.account.client, by_org["id"]) == ["Cid Hooli"]
    assert await members(regular.client, by_org["id"]) == []


async def test_another_company_can_neither_see_nor_touch_a_selection(world: World, other_account: Account) -> None:
    selection = await create(world.account.client, [], kind="STATIC", isShared=True)
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await other_account.client.execute(node, {"id": selection["id"]}))["node"] is None
    assert (await other_account.client.execute(SELECTION, {"id": selection["id"]}))["selection"] is None
    assert (await other_account.client.execute(SELECTIONS))["selections"] == []
    for operation, input in ((UPDATE, {"id": selection["id"], "name": "Mine"}), (DELETE, {"id": selection["id"]})):
        payload = await other_account.client.mutate(operation, input)
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    # Their own static selection of everyone holds only their own persons.
    globex = await other_account.viewer()
    await person_in(globex, None, "Gina Globex")
    theirs = await create(other_account.client, [], kind="STATIC")
    assert await members(other_account.client, theirs["id"]) == ["Gina Globex"]
    row = await Selection.get(id=pk_of(selection))
    assert (row.name, row.company_id) == ("Mine", world.account.company_id)
    assert await SelectionMember.filter(selection_id=row.id).count() == len(ALL)


LIST_WITH_MEMBERS = "query($first: Int, $after: String) { selections { name " + MEMBERS + " } }"


async def test_a_list_of_selections_reads_its_members_in_fixed_statements(
    world: World, count_statements: StatementCounter
) -> None:
    """Members and counts of every selection of a list: one statement a kind of member and one
    for the counts, whatever the list's length; each page the same as asked one at a time."""
    client = world.account.client
    group = world.cond("CATEGORY_GROUP", "IS_ONE_OF", "Potential customer")
    await create(client, [group], name="A persons")

    async def listed() -> tuple[int, list[dict[str, Any]]]:
        count_statements.statements.clear()
        data = await client.execute(LIST_WITH_MEMBERS, {"first": 2, "after": None})
        reads = [s for s in count_statements.statements if "ORDER BY" in s.upper() and "NAME_KEY" in s.upper()]
        counts = [s for s in count_statements.statements if "COUNT(*)" in s.upper()]
        return len(reads) + len(counts), data["selections"]

    alone, _ = await listed()
    await create(client, [group], name="B organizations", entity="ORGANIZATION")
    await create(client, [world.cond("LEAD_HAS_UTM_DATA", "IS_TRUE")], name="C persons", kind="STATIC")
    await create(client, [world.cond("LEAD_HAS_UTM_DATA", "IS_TRUE")], name="D persons")
    many, selections = await listed()
    # Persons and organizations: one statement each, and one for the counts.
    assert (alone, many) == (2, 3)
    assert [s["name"] for s in selections] == ["A persons", "B organizations", "C persons", "D persons"]
    # The same members as asked one selection at a time, page by page.
    ids = {s["name"]: s for s in (await client.execute("query { selections { id name } }"))["selections"]}
    # Acme's potential customers' persons and organizations, and the one UTM lead's person.
    assert [s["members"]["totalCount"] for s in selections] == [
        len(await matching(world, group)),
        len(await matching(world, group, entity="ORGANIZATION")),
        1,
        1,
    ]
    for selection in selections:
        names = await members(client, ids[selection["name"]]["id"], first=2)
        assert [e["node"]["name"] for e in selection["members"]["edges"]] == names[:2]
        assert selection["members"]["totalCount"] == len(names)
        assert selection["members"]["pageInfo"]["hasNextPage"] == (len(names) > 2)
