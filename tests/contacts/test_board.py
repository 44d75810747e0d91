"""The lead-status board of a selection (SPEC §8): a column per status in order plus one for
persons without, counts that match the members, paging per column, moving cards with
setLeadStatus, visibility, tenancy and a bounded number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from models import LeadStatus, Person, Role, Visibility
from tests.conftest import Account, Client, StatementCounter
from tests.factories.lead_status import category, gid, move_org, org_in, person_in, set_status, status_id

BOARD = """
query($id: ID!, $first: Int) {
  leadStatusBoard(selectionId: $id) {
    totalCount
    selection { name }
    columns {
      status { name description isRetired }
      count
      members(first: $first) { totalCount nodes { name leadStatus { name } } pageInfo { hasNextPage endCursor } }
    }
  }
}
"""
COLUMN = """
query($id: ID!, $status: ID, $first: Int, $after: String) {
  leadStatusBoard(selectionId: $id) {
    column(leadStatusId: $status) {
      count
      members(first: $first, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } }
    }
  }
}
"""
CREATE_SELECTION = """
mutation($input: CreateSelectionInput!) { createSelection(input: $input) { selection { id } userErrors { code } } }
"""
UPDATE_STATUS = """
mutation($input: UpdateLeadStatusInput!) { updateLeadStatus(input: $input) { userErrors { code } } }
"""
STATUSES = ["Open", "Contacting", "Qualified", "Disqualified", "Re-nurture"]


async def selection(client: Client, entity: str = "PERSON", kind: str = "DYNAMIC", **fields: Any) -> str:
    payload = await client.mutate(
        CREATE_SELECTION, {"name": "Board", "entity": entity, "kind": kind, "conditions": [], **fields}
    )
    assert payload["userErrors"] == []
    selection_id: str = payload["selection"]["id"]
    return selection_id


async def board(client: Client, selection_id: str, first: int = 100) -> dict[str | None, list[str]]:
    """Column name (None: without status) -> its members' names, checking counts on the way."""
    data = (await client.execute(BOARD, {"id": selection_id, "first": first}))["leadStatusBoard"]
    out: dict[str | None, list[str]] = {}
    for column in data["columns"]:
        name = column["status"]["name"] if column["status"] else None
        names = [n["name"] for n in column["members"]["nodes"]]
        assert column["members"]["totalCount"] == column["count"]
        # Every member shows the column's status (the no-status column: none).
        assert {(n["leadStatus"] or {}).get("name") for n in column["members"]["nodes"]} <= {name}
        if column["members"]["pageInfo"]["hasNextPage"]:
            names += await rest_of_column(client, selection_id, column, first)
        assert len(names) == column["count"], (name, names, column["count"])
        out[name] = names
    assert data["totalCount"] == sum(len(v) for v in out.values())
    return out


async def rest_of_column(client: Client, selection_id: str, column: dict[str, Any], first: int) -> list[str]:
    status = None
    if column["status"]:
        status = gid("LeadStatus", (await LeadStatus.get(name=column["status"]["name"])).id)
    after = column["members"]["pageInfo"]["endCursor"]
    names: list[str] = []
    while after:
        variables = {"id": selection_id, "status": status, "first": first, "after": after}
        page = (await client.execute(COLUMN, variables))["leadStatusBoard"]["column"]["members"]
        names += [n["name"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    return names


async def seed(account: Account) -> None:
    """Two potential customers and a customer; persons with every kind of status."""
    viewer = await account.viewer()
    initech, hooli = await org_in(viewer, "Lead", "Initech"), await org_in(viewer, "Lead", "Hooli")
    globo = await org_in(viewer, "Lead", "Globo")
    for i, name in enumerate(["Ada", "Bea", "Cal", "Dee", "Eli"]):
        person = await person_in(viewer, initech if i % 2 else hooli, name)
        if name in ("Bea", "Cal", "Dee"):
            await set_status(account.client, person, "Qualified", account.company_id)
    await set_status(account.client, await person_in(viewer, hooli, "Fin"), "Contacting", account.company_id)
    await set_status(account.client, await person_in(viewer, globo, "Gil"), "Qualified", account.company_id)
    await move_org(account.client, globo, "Customer")  # Gil's Qualified is kept, hidden
    await person_in(viewer, None, "Hal")


# --- columns and counts ------------------------------------------------------------------------


async def test_a_column_per_status_in_order_then_without(account: Account) -> None:
    await seed(account)
    columns = await board(account.client, await selection(account.client))
    assert list(columns) == [*STATUSES, None]
    assert columns == {
        "Open": ["Ada", "Eli"],
        "Contacting": ["Fin"],
        "Qualified": ["Bea", "Cal", "Dee"],
        "Disqualified": [],
        "Re-nurture": [],
        None: ["Gil", "Hal"],  # a hidden status and no status at all
    }
    data = await account.client.execute(BOARD, {"id": await selection(account.client), "first": 1})
    tooltips = [c["status"]["description"] for c in data["leadStatusBoard"]["columns"] if c["status"]]
    assert all(tooltips)


@pytest.mark.parametrize("first", [1, 2, 5])
async def test_counts_match_the_members_page_after_page(account: Account, first: int) -> None:
    await seed(account)
    selection_id = await selection(account.client)
    columns = await board(account.client, selection_id, first=first)
    stored = await Person.filter(company_id=account.company_id).count()
    assert sum(len(v) for v in columns.values()) == stored


async def test_moving_a_card_is_set_lead_status(account: Account) -> None:
    await seed(account)
    selection_id = await selection(account.client)
    ada = await Person.get(name="Ada")
    assert (await set_status(account.client, ada, "Disqualified", account.company_id))["userErrors"] == []
    columns = await board(account.client, selection_id)
    assert (columns["Open"], columns["Disqualified"]) == (["Eli"], ["Ada"])


async def test_order_and_retired_statuses_follow_the_company(account: Account) -> None:
    await seed(account)
    selection_id = await selection(account.client)
    reorder = (
        "mutation($input: ReorderLeadStatusesInput!) { reorderLeadStatuses(input: $input) { userErrors { code } } }"
    )
    ids = [gid("LeadStatus", await status_id(account.company_id, n)) for n in reversed(STATUSES)]
    assert (await account.client.mutate(reorder, {"ids": ids}))["userErrors"] == []
    assert list(await board(account.client, selection_id)) == [*reversed(STATUSES), None]

    for name in ("Qualified", "Disqualified"):
        retire = {"id": gid("LeadStatus", await status_id(account.company_id, name)), "isRetired": True}
        assert (await account.client.mutate(UPDATE_STATUS, retire))["userErrors"] == []
    columns = await board(account.client, selection_id)
    # Qualified is retired but still held: its column stays. Disqualified, held by nobody, goes.
    assert list(columns) == ["Re-nurture", "Qualified", "Contacting", "Open", None]
    assert columns["Qualified"] == ["Bea", "Cal", "Dee"]


async def test_a_static_selections_board_follows_statuses_not_membership(account: Account) -> None:
    await seed(account)
    selection_id = await selection(account.client, kind="STATIC")
    viewer = await account.viewer()
    await person_in(viewer, await org_in(viewer, "Lead", "Late"), "Ivy")  # not a member
    await set_status(account.client, await Person.get(name="Eli"), "Re-nurture", account.company_id)
    columns = await board(account.client, selection_id)
    assert columns["Re-nurture"] == ["Eli"]
    assert "Ivy" not in columns["Open"]


async def test_an_organization_selection_shows_its_organizations_persons(account: Account) -> None:
    await seed(account)
    lead = gid("Category", (await category(account.company_id, "Lead")).id)
    selection_id = await selection(
        account.client,
        entity="ORGANIZATION",
        conditions=[
            {"field": "CATEGORY", "operator": "IS_ONE_OF", "ids": [lead]},
            {"field": "NAME", "operator": "STARTS_WITH", "value": "init"},
        ],
    )
    columns = await board(account.client, selection_id)
    expected: dict[str | None, list[str]] = {**{s: [] for s in STATUSES}, "Qualified": ["Bea", "Dee"], None: []}
    assert columns == expected


# --- who sees what -----------------------------------------------------------------------------


async def test_the_board_shows_only_persons_the_reader_may_see(account: Account, make_account: Any) -> None:
    await seed(account)
    await Person.filter(name__in=["Bea", "Hal"]).update(visibility=Visibility.OWNER)
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    selection_id = await selection(account.client, isShared=True)
    columns = await board(regular.client, selection_id)
    assert columns["Qualified"] == ["Cal", "Dee"] and columns[None] == ["Gil"]
    assert len((await board(account.client, selection_id))["Qualified"]) == 3


async def test_another_company_gets_no_board(account: Account, other_account: Account) -> None:
    await seed(account)
    selection_id = await selection(account.client, isShared=True)
    assert (await other_account.client.execute(BOARD, {"id": selection_id}))["leadStatusBoard"] is None
    globex = await other_account.viewer()
    await person_in(globex, await org_in(globex, "Lead"), "Gina")
    theirs = await board(other_account.client, await selection(other_account.client))
    expected: dict[str | None, list[str]] = {**{s: [] for s in STATUSES}, "Open": ["Gina"], None: []}
    assert theirs == expected


# --- cost --------------------------------------------------------------------------------------

# Authenticate, the selection, the statuses, the counts, every column's first page (one
# window), and the persons' lead states for `leadStatus`: whatever the page size.
BOARD_STATEMENTS = 6


async def test_the_board_costs_the_same_statements_for_2_and_50_per_column(
    account: Account, count_statements: StatementCounter
) -> None:
    viewer = await account.viewer()
    orgs = [await org_in(viewer, "Lead", f"Org {i}") for i in range(5)]
    for i in range(120):
        person = await person_in(viewer, orgs[i % 5], f"Person {i:03}")
        if i % 3:
            await Person.filter(id=person.id).update(
                lead_status_id=await status_id(account.company_id, STATUSES[i % 5])
            )
    selection_id = await selection(account.client)
    for first in (2, 50):
        count_statements.statements.clear()
        data = await account.client.execute(BOARD, {"id": selection_id, "first": first})
        columns = data["leadStatusBoard"]["columns"]
        assert sum(c["count"] for c in columns) == 120
        assert max(len(c["members"]["nodes"]) for c in columns) == min(first, max(c["count"] for c in columns))
        assert count_statements.count == BOARD_STATEMENTS, count_statements.statements
