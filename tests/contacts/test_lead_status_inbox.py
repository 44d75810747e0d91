"""The inbox and lead status (SPEC §8, §3.2): the linked person's status as a column and as a
filter, in a bounded number of statements per page."""

from __future__ import annotations

from typing import Any

import pytest

from domain.leads.lead import LeadData, create_lead
from models import LeadSource, Person, Role, Visibility
from tests.conftest import Account, StatementCounter
from tests.factories.lead_list import ADMIN_STATEMENTS, INBOX_SCREEN, REGULAR_STATEMENTS
from tests.factories.lead_status import gid, move_org, org_in, person_in, set_status, status_id
from tests.leads.test_lead_list import check_inbox_page, inbox_company

LEADS = """
query($filter: LeadFilter) {
  leads(first: 50, filter: $filter, sort: {field: TITLE, direction: ASC}) {
    totalCount
    nodes { title person { name leadStatus { name } leadStatusHiddenReason storedLeadStatus { name } } }
  }
}
"""
# The inbox screen with the person's lead status as one more column.
INBOX_WITH_STATUS = INBOX_SCREEN.replace(
    "person { name primaryEmail organization { name } }",
    "person { name primaryEmail organization { name } leadStatus { name } }",
)


async def inbox(account: Account) -> None:
    """Leads of a qualified, a contacting and a hidden-qualified person, and of an organization."""
    viewer = await account.viewer()
    initech, globo = await org_in(viewer, "Lead", "Initech"), await org_in(viewer, "Lead", "Globo")
    people = {
        name: await person_in(viewer, initech if name != "Gil" else globo, name) for name in ("Ada", "Bob", "Gil")
    }
    await set_status(account.client, people["Ada"], "Qualified", account.company_id)
    await set_status(account.client, people["Bob"], "Contacting", account.company_id)
    await set_status(account.client, people["Gil"], "Qualified", account.company_id)
    await move_org(account.client, globo, "Customer")
    for name, person in people.items():
        await create_lead(viewer, LeadData(title=f"Lead of {name}", person_id=person.id), LeadSource.MANUAL)
    await create_lead(viewer, LeadData(title="Org only", organization_id=initech.id), LeadSource.MANUAL)


async def titles(account: Account, *statuses: str) -> tuple[list[str], int]:
    ids = [gid("LeadStatus", await status_id(account.company_id, s)) for s in statuses]
    data = (await account.client.execute(LEADS, {"filter": {"leadStatusIds": ids}}))["leads"]
    return [n["title"] for n in data["nodes"]], data["totalCount"]


async def test_the_inbox_shows_the_persons_lead_status(account: Account) -> None:
    await inbox(account)
    nodes = (await account.client.execute(LEADS))["leads"]["nodes"]
    shown = {n["title"]: n["person"] for n in nodes}
    assert shown["Lead of Ada"]["leadStatus"] == {"name": "Qualified"}
    assert shown["Lead of Bob"]["leadStatus"] == {"name": "Contacting"}
    assert shown["Lead of Gil"]["leadStatus"] is None
    assert shown["Lead of Gil"]["leadStatusHiddenReason"] == "LEAD_STATUS_NOT_ENABLED"
    assert shown["Lead of Gil"]["storedLeadStatus"] == {"name": "Qualified"}
    assert shown["Org only"] is None


async def test_the_inbox_filters_by_the_persons_shown_status(account: Account) -> None:
    await inbox(account)
    assert await titles(account, "Qualified") == (["Lead of Ada"], 1)  # not Gil: his is hidden
    assert await titles(account, "Qualified", "Contacting") == (["Lead of Ada", "Lead of Bob"], 2)
    assert await titles(account, "Disqualified") == ([], 0)


async def test_the_filter_never_tells_a_hidden_persons_status(account: Account, make_account: Any) -> None:
    await inbox(account)
    await Person.filter(name="Ada").update(visibility=Visibility.OWNER)
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    ids = [gid("LeadStatus", await status_id(account.company_id, "Qualified"))]
    data = (await regular.client.execute(LEADS, {"filter": {"leadStatusIds": ids}}))["leads"]
    assert (data["nodes"], data["totalCount"]) == ([], 0)


async def test_another_companys_status_is_not_found(account: Account, other_account: Account) -> None:
    """As an unknown id: NOT_FOUND naming the field, never a list."""
    await inbox(account)
    await inbox(other_account)
    ours = [gid("LeadStatus", await status_id(account.company_id, "Qualified"))]
    body = await other_account.client.raw(LEADS, {"filter": {"leadStatusIds": ours}})
    assert body["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in body["errors"]] == [
        ("NOT_FOUND", "leadStatusIds: 1 lead status id(s) not found.")
    ]


@pytest.mark.parametrize("who", ["admin", "regular"])
async def test_the_status_column_costs_one_statement_per_page(
    account: Account, make_account: Any, count_statements: StatementCounter, who: str
) -> None:
    regular = await inbox_company(account, make_account)
    client = (account if who == "admin" else regular).client
    pinned = ADMIN_STATEMENTS if who == "admin" else REGULAR_STATEMENTS
    for size in (5, 200):
        count_statements.statements.clear()
        page = (await client.execute(INBOX_WITH_STATUS, {"first": size}))["leads"]
        check_inbox_page(page, size)
        # The persons' lead states: one statement more than the inbox page without the column.
        assert count_statements.count == pinned + 1, (size, count_statements.statements)
        assert sum("JOIN lead_status" in s for s in count_statements.statements) == 1


SAVE = """
mutation ($input: CreateSavedFilterInput!) {
  createSavedFilter(input: $input) { savedFilter { id filter } userErrors { field message code } }
}
"""


async def test_a_saved_filter_keeps_the_status_filter(account: Account) -> None:
    await inbox(account)
    ids = [gid("LeadStatus", await status_id(account.company_id, "Qualified"))]
    saved = (await account.client.execute(SAVE, {"input": {"name": "Qualified", "filter": {"leadStatusIds": ids}}}))[
        "createSavedFilter"
    ]
    assert saved["userErrors"] == []
    assert saved["savedFilter"]["filter"]["leadStatusIds"] == ids
    data = (await account.client.execute(LEADS, {"filter": {"savedFilterId": saved["savedFilter"]["id"]}}))["leads"]
    assert ([n["title"] for n in data["nodes"]], data["totalCount"]) == (["Lead of Ada"], 1)


async def test_the_status_filter_combines_with_custom_conditions(account: Account) -> None:
    await inbox(account)
    ids = [gid("LeadStatus", await status_id(account.company_id, s)) for s in ("Qualified", "Contacting")]
    conditions = {"conditions": [{"column": "lead.title", "operator": "CONTAINS", "value": "Bob"}]}
    data = (await account.client.execute(LEADS, {"filter": {"leadStatusIds": ids, "conditions": conditions}}))["leads"]
    assert ([n["title"] for n in data["nodes"]], data["totalCount"]) == (["Lead of Bob"], 1)
