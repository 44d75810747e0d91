"""The read engine (issues 7, 14): every answer byte for byte the ordinary execution's, a few
statements whatever the page size, and the ordinary errors when it declines.

Each request is sent twice: to the app (compiled path on) and to an app with
``compiled_operations=False``; the two bodies must be the same bytes, and the first must carry
the compiled path's header (or, for a request it declines, not carry it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from app import create_app
from bench.workloads import INBOX, INBOX_COUNT, LEAD_DETAIL
from core.config import Settings, settings_from_env
from domain.accounts.account import create_team
from domain.columns import custom_field
from domain.columns.column import STATIC_COLUMNS
from domain.fold import keyed
from fastpath.extension import EXECUTION_HEADER
from models import Activity, CustomField, Lead, Note, Person, Role, Visibility
from tests.conftest import Account, StatementCounter
from tests.factories import gid
from tests.factories.columns import CF_KEYS
from tests.factories.read_engine import bare_lead, make_inbox

EVERY_COLUMN = [c.key for c in STATIC_COLUMNS] + CF_KEYS
BENCH_COLUMNS = ["cf.lead.fleet", "cf.lead.tier", "cf.lead.decide_on", "cf.lead.budget", "cf.lead.manager"]


@pytest.fixture
async def ordinary(database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The same application with the compiled path switched off."""
    app = create_app(Settings(database_url=database, compiled_operations=False), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


def _without_cost(response: httpx.Response) -> dict[str, Any]:
    """The body without what differs between two servers for reasons other than the answer: the
    token's bucket (each app keeps its own). The requested and actual costs stay: the engine's
    count of what it wrote (fastpath/sqljson.py) must be the limiter's walk of the ordinary answer."""
    body: dict[str, Any] = orjson.loads(response.content)
    cost = body.get("extensions", {}).get("cost")
    if cost is not None:
        cost.pop("throttleStatus", None)
    # The spec leaves the order of errors open, and sibling root fields resolve concurrently, so
    # two failing roots may report in either order: compare them by path.
    if "errors" in body:
        body["errors"].sort(key=lambda error: (str(error.get("path")), error.get("message", "")))
    return body


@dataclass
class Both:
    compiled: httpx.AsyncClient
    ordinary: httpx.AsyncClient

    async def post(self, client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
        response = await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        return response

    async def same(self, token: str, query: str, variables: dict[str, Any], *, compiled: bool = True) -> dict[str, Any]:
        """Both answers, checked equal byte for byte; the parsed body."""
        body = {"query": query, "variables": variables}
        fast = await self.post(self.compiled, token, body)
        slow = await self.post(self.ordinary, token, body)
        assert fast.headers.get(EXECUTION_HEADER) == ("compiled" if compiled else None)
        assert slow.headers.get(EXECUTION_HEADER) is None
        # Compare all but the buckets' levels, in the order it was written.
        fast_body, slow_body = _without_cost(fast), _without_cost(slow)
        assert orjson.dumps(fast_body, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
            slow_body, option=orjson.OPT_SORT_KEYS
        )
        assert orjson.dumps(fast_body) == orjson.dumps(slow_body)
        return fast_body

    async def walk(self, token: str, query: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
        """Every page by cursor, each compared; the leads in order."""
        nodes: list[dict[str, Any]] = []
        after = None
        for _ in range(50):
            body = await self.same(token, query, {**variables, "after": after})
            page = body["data"]["leads"]
            nodes += [e["node"] for e in page["edges"]] if "edges" in page else page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]
        raise AssertionError("too many pages")


@pytest.fixture
def both(http: httpx.AsyncClient, ordinary: httpx.AsyncClient) -> Both:
    return Both(http, ordinary)


def inbox_vars(**more: Any) -> dict[str, Any]:
    return {"first": 5, "after": None, "filter": None, "sort": None, "columns": EVERY_COLUMN, **more}


async def test_default_inbox_every_column_through_every_page(account: Account, both: Both) -> None:
    await make_inbox(account)
    nodes = await both.walk(account.token, INBOX, inbox_vars())
    assert len(nodes) == 14
    bare = next(n for n in nodes if n["title"] == "Bare lead")
    assert bare["person"] is None and bare["organization"] is None and bare["owner"] is None
    assert bare["labels"] == [] and bare["nextActivity"] is None and bare["activityStatus"] == "NONE"
    seeded = next(n for n in nodes if n["person"] is not None)
    assert {v["__typename"] for v in seeded["values"] if v} >= {
        "TextValue",
        "NumberValue",
        "MoneyValue",
        "DateValue",
        "OptionValue",
        "OptionsValue",
        "UserValue",
        "BooleanValue",
        "LabelsValue",
        "PersonValue",
        "OrganizationValue",
        "TeamValue",
        "DateTimeValue",
        "TimeValue",
    }


async def test_bench_columns_and_one_hundred_rows(account: Account, both: Both) -> None:
    await make_inbox(account)
    body = await both.same(account.token, INBOX, inbox_vars(first=100, columns=BENCH_COLUMNS))
    assert len(body["data"]["leads"]["edges"]) == 14


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_filtered_and_sorted_by_a_custom_number_with_ties_and_nulls(
    account: Account, both: Both, direction: str
) -> None:
    inbox = await make_inbox(account)
    sort = {"column": "cf.lead.fleet", "direction": direction}
    nodes = await both.walk(account.token, INBOX, inbox_vars(first=3, sort=sort))
    assert len(nodes) == 14  # ties (two batches) and empty values (bare leads) all listed once
    filter = {
        "ownerIds": [gid("User", u) for u in inbox.users],
        "teamIds": [gid("Team", t) for t in inbox.teams],
        "labelIds": [gid("LeadLabel", label) for label in inbox.labels],
        "conditions": {"conditions": [{"column": "lead.value", "operator": "BETWEEN", "values": [101, 104]}]},
    }
    nodes = await both.walk(account.token, INBOX, inbox_vars(first=2, sort=sort, filter=filter))
    assert len(nodes) == 8 and all(101 <= float(n["value"]["amount"]) <= 104 for n in nodes)


async def test_condition_tree_search_and_named_sorts(account: Account, both: Both) -> None:
    await make_inbox(account)
    tree = {
        "op": "OR",
        "conditions": [{"column": "cf.lead.tier", "operator": "IS_ONE_OF", "values": [1]}],
        "groups": [
            {
                "conditions": [
                    {"column": "cf.lead.fleet", "operator": "GREATER_THAN", "value": 3},
                    {"column": "person.name", "operator": "IS_NOT_EMPTY"},
                ]
            }
        ],
    }
    nodes = await both.walk(account.token, INBOX, inbox_vars(first=4, filter={"conditions": tree}))
    assert nodes
    nodes = await both.walk(account.token, INBOX, inbox_vars(filter={"search": "Person 00"}))
    assert nodes
    for sort in ({"field": "TITLE", "direction": "ASC"}, {"field": "OWNER"}, {"column": "person.name"}):
        await both.walk(account.token, INBOX, inbox_vars(first=4, sort=sort))


async def test_total_count(account: Account, both: Both) -> None:
    await make_inbox(account)
    body = await both.same(account.token, INBOX_COUNT, inbox_vars(columns=BENCH_COLUMNS))
    assert body["data"]["leads"]["totalCount"] == 14
    filter = {"conditions": {"conditions": [{"column": "cf.lead.fleet", "operator": "LESS_THAN", "value": 2}]}}
    body = await both.same(account.token, INBOX_COUNT, inbox_vars(filter=filter))
    assert body["data"]["leads"]["totalCount"] == 4


async def test_null_columns_are_the_viewers_saved_columns(account: Account, both: Both) -> None:
    await make_inbox(account)
    body = await both.same(account.token, INBOX, inbox_vars(columns=None))
    node = body["data"]["leads"]["edges"][0]["node"]
    assert [v["column"] for v in node["values"] if v] == [
        "lead.title",
        "lead.activityStatus",
        "lead.source",
        "lead.createdAt",
    ]
    saved = ["cf.person.score", "organization.owner", "cf.organization.key_contact", "lead.createdBy"]
    await account.client.execute(
        "mutation ($input: SetLeadColumnsInput!) { setLeadColumns(input: $input) { userErrors { code } } }",
        {"input": {"keys": saved}},
    )
    body = await both.same(account.token, INBOX, inbox_vars(first=20, columns=None))
    seeded = next(e["node"] for e in body["data"]["leads"]["edges"] if e["node"]["person"])
    assert [v["column"] for v in seeded["values"]] == saved


async def test_regular_users_see_what_visibility_allows(account: Account, make_account: Any, both: Both) -> None:
    inbox = await make_inbox(account)
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    mate = inbox.users[1]
    await create_team(account.company_id, "Sellers", [seller.user_id, mate])
    leads = inbox.leads
    await Lead.filter(id__in=leads[0:3]).update(visibility=Visibility.OWNER)
    await Lead.filter(id__in=leads[3:6]).update(visibility=Visibility.TEAM, owner_user_id=mate, owner_team_id=None)
    await Lead.filter(id=leads[6]).update(visibility=Visibility.OWNER, owner_user_id=seller.user_id, owner_team_id=None)
    hidden = await Lead.filter(id__in=leads[7:10]).values_list("person_id", flat=True)
    await Person.filter(id__in=list(hidden)).update(visibility=Visibility.OWNER)
    nodes = await both.walk(seller.token, INBOX, inbox_vars(first=4))
    titles = {n["title"] for n in nodes}
    assert len(nodes) == 11 and all(n["person"] is None for n in nodes if n["title"].endswith(("007", "008", "009")))
    assert titles
    body = await both.same(seller.token, INBOX_COUNT, inbox_vars(columns=None))
    assert body["data"]["leads"]["totalCount"] == 11


async def test_another_company_sees_none_of_the_leads(account: Account, other_account: Account, both: Both) -> None:
    await make_inbox(account)
    body = await both.same(other_account.token, INBOX_COUNT, inbox_vars(columns=[c.key for c in STATIC_COLUMNS]))
    assert body["data"]["leads"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


@pytest.mark.parametrize("size", [5, 200])
async def test_statements_do_not_grow_with_the_page(
    account: Account, both: Both, count_statements: StatementCounter, size: int
) -> None:
    await make_inbox(account, count=100)
    count_statements.statements.clear()
    body = await both.same(account.token, INBOX, inbox_vars(first=size, columns=BENCH_COLUMNS))
    assert len(body["data"]["leads"]["edges"]) == min(size, 202)
    # The ordinary execution's statements are counted too; the compiled request came first.
    compiled = count_statements.statements[: _first_of_second(count_statements.statements)]
    # token, custom field definitions, page, the users the manager field names
    assert len(compiled) == 4, compiled


def _first_of_second(statements: list[str]) -> int:
    """Where the second request (the ordinary one) starts: its token lookup."""
    tokens = [i for i, s in enumerate(statements) if "api_token" in s]
    assert len(tokens) == 2
    return tokens[1]


async def test_regular_user_statements(
    account: Account, make_account: Any, both: Both, count_statements: StatementCounter
) -> None:
    await make_inbox(account)
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    count_statements.statements.clear()
    await both.same(seller.token, INBOX, inbox_vars(first=100, columns=BENCH_COLUMNS))
    compiled = count_statements.statements[: _first_of_second(count_statements.statements)]
    assert len(compiled) == 4, compiled  # as an admin's: the teams of the user come with the token


async def test_declined_requests_give_the_ordinary_errors(account: Account, both: Both) -> None:
    await make_inbox(account)
    cases = [
        inbox_vars(after="not-a-cursor"),
        inbox_vars(columns=["lead.title", "no.such.column"]),
        inbox_vars(first=501),
        inbox_vars(filter={"labelIds": ["bad-id"]}),
        inbox_vars(columns=["lead.title"] * 101),
        {"first": "five"},
    ]
    for variables in cases:
        body = await both.same(account.token, INBOX, variables, compiled=False)
        assert body["errors"]
    # A cursor made for another sort.
    page = await both.same(account.token, INBOX, inbox_vars())
    cursor = page["data"]["leads"]["pageInfo"]["endCursor"]
    body = await both.same(account.token, INBOX, inbox_vars(after=cursor, sort={"field": "TITLE"}), compiled=False)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    # No token, an unknown one: the ordinary authentication errors.
    for token in ("", "unknown"):
        body = await both.same(token, INBOX, inbox_vars(), compiled=False)
        assert body["errors"]


async def test_any_text_is_compiled(account: Account, both: Both) -> None:
    """No registered texts: whitespace, operation names, aliases, fragments, `__typename` and
    `@skip` / `@include` all compile, and each plan serves every request sending its text."""
    await make_inbox(account)
    await both.same(account.token, " ".join(INBOX.split()), inbox_vars())
    await both.same(account.token, INBOX.replace("query Inbox", "query Renamed"), inbox_vars())
    # Root aliases: the second reuses the first's plan, renaming its root key; the actual cost
    # the plan reports (fastpath.operation.Plan.actual_cost) is the limiter's walk all the same.
    for alias in ("page", "other"):
        await both.same(account.token, INBOX.replace("  leads(", f"  {alias}: leads(", 1), inbox_vars())
    await both.same(account.token, INBOX.replace("title\n", "title\n        uuid\n", 1), inbox_vars())
    reprinted = """
    query Frontend($first: Int!, $after: String, $withPerson: Boolean!, $bare: Boolean = false) {
      page: leads(first: $first, after: $after) {
        __typename
        edges { __typename cursor node { ...Row ...on Lead { heading: title } } }
        pageInfo { __typename hasNextPage endCursor ...@include(if: $bare) { startCursor } }
      }
    }
    fragment Row on Lead {
      __typename
      id
      who: person @include(if: $withPerson) { __typename id name }
      person @skip(if: $withPerson) { id }
      value @skip(if: true) { amount }
      labels { name }
    }
    """
    for with_person in (True, False):
        for bare in (True, False):
            await both.same(
                account.token, reprinted, {"first": 3, "after": None, "withPerson": with_person, "bare": bare}
            )
    # Two operations in one document: the one named runs.
    two = INBOX + "\nquery Other { leads(first: 2) { nodes { id } } }"
    body = {"query": two, "variables": {}, "operationName": "Other"}
    headers = {"Authorization": f"Bearer {account.token}"}
    fast = await both.compiled.post("/graphql", json=body, headers=headers)
    slow = await both.ordinary.post("/graphql", json=body, headers=headers)
    assert fast.headers.get(EXECUTION_HEADER) == "compiled" and _without_cost(fast) == _without_cost(slow)
    # Several roots, `__typename` at the root.
    mixed = (
        "query { __typename me: viewer { id name role permissions { buyCredits } } leads(first: 2) { nodes { id } } }"
    )
    await both.same(account.token, mixed, {})
    # A document the compiler cannot plan (a statement per webhook in a list): the ordinary answer.
    await both.same(account.token, "query { leadLabels { id } webhooks { deliveries { id } } }", {}, compiled=False)
    # A field the lead page's compiler does not write: the resolver's plan answers (fastpath.resolved).
    await both.same(account.token, "query { leads(first: 3) { nodes { id changeLog { action } } } }", {})


async def test_activity_status_of_each_kind(account: Account, both: Both) -> None:
    inbox = await make_inbox(account)
    today = dt.datetime.now(dt.UTC).date()
    for lead_id, due in zip(inbox.leads[:3], (-2, 0, 5), strict=True):
        await Activity.filter(lead_id=lead_id).update(due_date=today + dt.timedelta(days=due))
    body = await both.same(account.token, INBOX, inbox_vars(first=20))
    assert {e["node"]["activityStatus"] for e in body["data"]["leads"]["edges"]} >= {"OVERDUE", "TODAY", "PLANNED"}


async def test_lead_detail_with_notes_and_activities(
    account: Account, both: Both, count_statements: StatementCounter
) -> None:
    inbox = await make_inbox(account)
    today = dt.datetime.now(dt.UTC).date()
    for i, lead_id in enumerate(inbox.leads[:6]):
        for n in range(i % 3):
            await Note.create(
                company_id=account.company_id, lead_id=lead_id, author_id=inbox.users[n], content=f"Note {n}"
            )
        await Activity.create(
            company_id=account.company_id,
            lead_id=lead_id,
            subject="Lunch",
            type="LUNCH",
            due_date=today + dt.timedelta(days=i),
            due_time=dt.time(9 + i, 15),
            done=i % 2 == 0,
            assignee_id=inbox.users[i % len(inbox.users)],
            note="Bring the contract",
            duration_minutes=45,
        )
    await Note.create(company_id=account.company_id, lead_id=inbox.leads[0], author_id=None, content="Anonymous")
    nodes = await both.walk(account.token, LEAD_DETAIL, {"first": 4})
    assert (
        len(nodes) == 14
        and any(n["notes"] for n in nodes)
        and any(a["assignee"] for n in nodes for a in n["activities"])
    )
    filter = {"labelIds": [gid("LeadLabel", label) for label in inbox.labels[:3]]}
    await both.same(account.token, LEAD_DETAIL, {"first": 10, "filter": filter})
    count_statements.statements.clear()
    await both.same(account.token, LEAD_DETAIL, {"first": 10})
    compiled = count_statements.statements[: _first_of_second(count_statements.statements)]
    assert len(compiled) == 4, compiled  # token, page, notes, activities


async def test_get_requests_and_the_switch(account: Account, both: Both, monkeypatch: pytest.MonkeyPatch) -> None:
    await make_inbox(account)
    params = {"query": INBOX, "variables": orjson.dumps(inbox_vars()).decode()}
    headers = {"Authorization": f"Bearer {account.token}"}
    fast = await both.compiled.get("/graphql", params=params, headers=headers)
    slow = await both.ordinary.get("/graphql", params=params, headers=headers)
    # GET runs the same pipeline: the engine answers; the same but for the token's bucket.
    assert fast.headers.get(EXECUTION_HEADER) == "compiled" and "errors" not in fast.json()
    assert _without_cost(fast) == _without_cost(slow)
    monkeypatch.setenv("LEADBOX_COMPILED_OPERATIONS", "0")
    assert settings_from_env().compiled_operations is False
    monkeypatch.delenv("LEADBOX_COMPILED_OPERATIONS")
    assert settings_from_env().compiled_operations is True


async def test_the_cost_of_what_the_database_wrote_is_counted(account: Account, both: Both) -> None:
    """The leads' JSON the page statement writes (fastpath/sqljson.py) is spliced into the
    response unparsed; the limiter's count of what came back (schema/cost.py) reads it all the
    same: the actual cost is the ordinary execution's."""
    await make_inbox(account)
    body = {"query": INBOX, "variables": inbox_vars(first=100, columns=BENCH_COLUMNS)}
    costs = []
    for client in (both.compiled, both.ordinary):
        response = await both.post(client, account.token, body)
        costs.append(orjson.loads(response.content)["extensions"]["cost"]["actualQueryCost"])
    assert costs[0] == costs[1] > 14


async def test_pages_asking_no_lead_field_or_values_alone(account: Account, both: Both) -> None:
    """A page whose leads the database writes no column of: only the page's info, only values."""
    await make_inbox(account)
    page_info = "query($first: Int) { leads(first: $first) { pageInfo { hasNextPage endCursor } totalCount } }"
    await both.same(account.token, page_info, {"first": 3})
    values_only = """query($first: Int, $columns: [String!]) {
      leads(first: $first) { edges { cursor node { values(columns: $columns) { column display } } } } }"""
    await both.same(account.token, values_only, {"first": 3, "columns": BENCH_COLUMNS})
    await both.same(account.token, values_only, {"first": 3, "columns": EVERY_COLUMN})
    contacts = "{ persons(first: 2) { pageInfo { hasNextPage } } organizations { totalCount } }"
    await both.same(account.token, contacts, {})


async def test_custom_field_definitions_are_read_again_after_a_change_in_any_process(
    account: Account, both: Both, count_statements: StatementCounter
) -> None:
    """The engine keeps a company's custom field definitions per process while the company's stamp
    (read with the token) holds (domain.columns.custom_field.viewer_definitions). A change made elsewhere
    gives the company a new stamp: this process, still holding the old copy as another process
    would, reads them again on the next request and shows the change."""
    await make_inbox(account)
    viewer = await account.viewer()
    variables = inbox_vars(first=50, columns=["cf.lead.tier"])

    async def labels() -> set[str]:
        nodes = await both.walk(account.token, INBOX, variables)  # one page
        return {v["label"] for n in nodes for v in n["values"] if v}

    assert await labels() == {"Gold", "Silver", "Bronze"}
    count_statements.statements.clear()
    assert await labels() == {"Gold", "Silver", "Bronze"}
    reads = [s for s in count_statements.statements if '"custom_field"' in s]
    assert len(reads) == 1  # the ordinary execution's; the engine's copy was kept

    held = custom_field._CACHED[account.company_id]
    field = await CustomField.get(company_id=account.company_id, key="tier")
    renamed = [custom_field.OptionData(f"{o['label']} tier", o.get("color"), o["id"]) for o in field.options]
    await custom_field.update_custom_field(viewer, field.id, options=renamed)
    custom_field._CACHED[account.company_id] = held  # as a process that did not make the change
    count_statements.statements.clear()
    assert await labels() == {"Gold tier", "Silver tier", "Bronze tier"}
    reads = [s for s in count_statements.statements if '"custom_field"' in s]
    assert len(reads) == 2  # both ways read them


async def test_primary_email_and_phone_wherever_the_flag_is(account: Account, both: Both) -> None:
    """The SQL reads the first entry straight when it is flagged primary and walks the list
    otherwise (fastpath/sqltables.py): a flag on the first or a later entry, no flag and an
    empty list all answer as the domain's rule does."""
    lists: list[list[dict[str, Any]]] = [
        [{"value": "first@x.test", "label": "work", "primary": True}, {"value": "second@x.test", "primary": False}],
        [{"value": "first@x.test", "label": "work", "primary": False}, {"value": "second@x.test", "primary": True}],
        [{"value": "a@x.test", "primary": False}, {"value": "b@x.test"}],
        [],
    ]
    for i, entries in enumerate(lists):
        fields = keyed(Person, {"name": f"Primary {i}", "emails": entries, "phones": entries})
        person = await Person.create(company_id=account.company_id, **fields)
        await bare_lead(account.company_id, f"Primary lead {i}", person_id=person.id)
    persons = await both.same(account.token, "{ persons(first: 50) { nodes { name primaryEmail primaryPhone } } }", {})
    found = {p["name"]: (p["primaryEmail"], p["primaryPhone"]) for p in persons["data"]["persons"]["nodes"]}
    assert found["Primary 0"] == ("first@x.test", "first@x.test")
    assert found["Primary 1"] == ("second@x.test", "second@x.test")
    assert found["Primary 2"] == found["Primary 3"] == (None, None)
    leads = await both.same(
        account.token, "{ leads(first: 50) { nodes { title person { primaryEmail primaryPhone } } } }", {}
    )
    assert {n["title"]: n["person"]["primaryEmail"] for n in leads["data"]["leads"]["nodes"]}["Primary lead 1"] == (
        "second@x.test"
    )
