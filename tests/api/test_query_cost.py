"""Query cost (schema/cost.py): the documented queries' costs pinned, the rules, and the limit.

The documented queries are the README's (a first query, filters, the curl and mutation examples)
and the query `leadbox demo` prints. A change to the cost rules that moves any of these figures
changes what partners were told, so it must be deliberate.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import build_schema, parse

from app import create_app
from cli import DEMO_QUERY
from core.config import Settings
from models import Lead
from schema import schema
from schema.cost import Costs, actual_cost, requested_cost
from schema.limits import RequestedCosts
from tests.conftest import Account, Client

README_FIRST_QUERY = """{
  viewer { name role }
  leads(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        title
        source
        createdAt
        value { amount currency }
        person { name primaryEmail primaryPhone }
        organization { name address { city country } }
        owner { ... on User { name } ... on Team { name } }
        labels { name color }
        nextActivity { subject dueDate }
        activityStatus
      }
    }
  }
}"""
README_FILTER_QUERY = """{
  leads(
    first: 20
    filter: { predefined: [WITH_SCHEDULED_ACTIVITY], search: "nordvik" }
    sort: { field: VALUE, direction: DESC }
  ) {
    edges { node { title value { amount currency } person { name } organization { name } } }
  }
}"""
README_CURL_QUERY = (
    "{ leads(first: 3) { totalCount edges { node { title person { name primaryEmail } organization { name } } } } }"
)
README_MUTATION = (
    "mutation($input: CreateLeadInput!) { createLead(input: $input) "
    "{ lead { id title source } userErrors { field message code } } }"
)
CREATE_INPUT = {
    "title": "Website redesign",
    "person": {"name": "Anna Berg", "emails": [{"value": "anna@berg.example"}]},
    "organization": {"name": "Berg Design AB"},
}

DOCUMENTED = [
    # viewer 1; the connection 1 + pageInfo 1 + 10 leads x (lead, value, person, organization,
    # address, owner, labels, nextActivity: 8 objects).
    pytest.param(README_FIRST_QUERY, None, 83, id="readme-first-query"),
    # 1 + 20 x (lead, value, person, organization).
    pytest.param(README_FILTER_QUERY, None, 81, id="readme-filters"),
    # 1 + 3 x (lead, person, organization).
    pytest.param(README_CURL_QUERY, None, 10, id="readme-curl"),
    # the mutation 10 + payload 1 + lead 1 + userErrors 1.
    pytest.param(README_MUTATION, {"input": CREATE_INPUT}, 13, id="readme-create-lead"),
    # 1 + 5 x (lead, person, organization).
    pytest.param(DEMO_QUERY, None, 16, id="demo-query"),
]


def cost(query: str, variables: dict[str, Any] | None = None, page: int = 50) -> int:
    return requested_cost(schema._schema, parse(query), None, variables, page)


@pytest.mark.parametrize(("query", "variables", "expected"), DOCUMENTED)
def test_documented_queries_cost_what_partners_were_told(
    query: str, variables: dict[str, Any] | None, expected: int
) -> None:
    assert cost(query, variables) == expected


def test_rules() -> None:
    # Scalars are free; an object costs 1; a left-out page size counts the default (50).
    assert cost("{ viewer { name role } }") == 1
    assert cost("{ __typename viewer { __typename } }") == 1
    assert cost("{ leads { nodes { title } } }") == 51
    assert cost("{ leads { nodes { title } } }", page=20) == 21
    # A page size beyond the largest counts as the largest.
    assert requested_cost(schema._schema, parse("{ leads(first: 9000) { nodes { id } } }"), None, None, 50, 500) == 501
    # The page size from a variable, and the variable's default.
    assert cost("query($n: Int) { leads(first: $n) { nodes { title } } }", {"n": 7}) == 8
    assert cost("query($n: Int = 4) { leads(first: $n) { nodes { title } } }", {}) == 5
    # Edges are wrappers: their node counts, they do not; edges and nodes both asked: both count.
    assert cost("{ leads(first: 10) { edges { cursor node { title } } } }") == 11
    assert cost("{ leads(first: 10) { edges { node { id } } nodes { id } } }") == 21
    # A list without a page size counts as one item; a page inside it multiplies.
    assert cost("{ selections { name members(first: 20) { nodes { __typename } } } }") == 1 + 1 + 20
    # nodes(ids:) costs one item per id, and multiplies what each item asks for.
    assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
    members = '{ nodes(ids: ["a", "b"]) { ... on Selection { members(first: 20) { nodes { __typename } } } } }'
    assert cost(members) == 2 * (1 + 1 + 20)
    # On an interface, the costliest type asked about counts.
    node = '{ node(id: "x") { id ... on Lead { person { name } organization { name } } ... on Person { name } } }'
    assert cost(node) == 3
    # Aliases each count; @skip and @include are honoured.
    assert cost("{ a: viewer { name } b: viewer { name } }") == 2
    assert cost("query($s: Boolean!) { viewer @skip(if: $s) { name } }", {"s": True}) == 0
    assert cost("query($s: Boolean!) { viewer @include(if: $s) { name } }", {"s": True}) == 1
    # Fragments count as if written out.
    assert cost("{ leads(first: 2) { nodes { ...L } } } fragment L on Lead { person { name } }") == 5


NESTED_SDL = """
type Query { teams(first: Int = 10): TeamConnection! }
type TeamConnection { edges: [TeamEdge!]! nodes: [Team!]! pageInfo: PageInfo! }
type TeamEdge { cursor: String! node: Team! }
type Team { name: String! users(first: Int): UserConnection! }
type UserConnection { edges: [UserEdge!]! nodes: [User!]! pageInfo: PageInfo! }
type UserEdge { cursor: String! node: User! }
type User { name: String! }
type PageInfo { hasNextPage: Boolean! }
"""


def test_nested_connections_multiply() -> None:
    nested = build_schema(NESTED_SDL)
    query = "{ teams(first: 5) { pageInfo { hasNextPage } edges { node { users(first: 30) { nodes { name } } } } } }"
    # 1 + pageInfo 1 + 5 teams x (team 1 + users connection 1 + 30 users).
    assert requested_cost(nested, parse(query), None, None, 50) == 1 + 1 + 5 * (1 + 1 + 30)
    # The field's own default page size (10), and the API's (50) for a field without one.
    assert requested_cost(nested, parse("{ teams { nodes { users { nodes { name } } } } }"), None, None, 50) == (
        1 + 10 * (1 + 1 + 50)
    )
    data = {
        "teams": {
            "pageInfo": {"hasNextPage": False},
            "edges": [
                {"node": {"users": {"nodes": [{"name": "a"}, {"name": "b"}]}}},
                {"node": {"users": {"nodes": []}}},
            ],
        }
    }
    assert actual_cost(nested, parse(query), None, None, 50, data) == 1 + 1 + (1 + 1 + 2) + (1 + 1)


def test_actual_cost_counts_what_came_back() -> None:
    data = {"leads": {"edges": [{"node": {"title": "a", "person": None, "organization": {"name": "x"}}}]}}
    assert actual_cost(schema._schema, parse(DEMO_QUERY), None, None, 50, data) == 1 + 1 + 1
    assert actual_cost(schema._schema, parse(DEMO_QUERY), None, None, 50, None) == 0


async def test_every_response_reports_its_cost(account: Account) -> None:
    for title in ("One", "Two", "Three"):
        payload = await account.client.mutate(
            "mutation($input: CreateLeadInput!) { createLead(input: $input) { userErrors { code } } }",
            {"title": title, "person": {"name": f"Person {title}"}},
        )
        assert payload["userErrors"] == []
    body = await account.client.raw(README_CURL_QUERY)
    assert body["data"]["leads"]["totalCount"] == 3
    report = body["extensions"]["cost"]
    # Three leads came back, each with a person and no organization: 1 + 3 x 2.
    assert report["requestedQueryCost"] == 10
    assert report["actualQueryCost"] == 7
    status = report["throttleStatus"]
    assert status["maximumAvailable"] == 20_000
    assert status["restoreRate"] == 500
    # What was not used was given back.
    assert 20_000 - 3 * 13 - 7 <= status["currentlyAvailable"] <= 20_000

    created = await account.client.raw(README_MUTATION, {"input": CREATE_INPUT})
    assert created["extensions"]["cost"]["requestedQueryCost"] == 13
    # The payload, the lead and its userErrors list (empty): 10 + 1 + 1.
    assert created["extensions"]["cost"]["actualQueryCost"] == 12


async def test_a_query_above_the_maximum_is_refused_before_anything_runs(database: str, account: Account) -> None:
    app = create_app(Settings(database_url=database, max_query_cost=12), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as http:
        headers = {"Authorization": f"Bearer {account.token}"}
        response = await http.post(
            "/graphql", json={"query": README_MUTATION, "variables": {"input": CREATE_INPUT}}, headers=headers
        )
        body = response.json()
        assert response.status_code == 200
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 13, "maximumCost": 12}
        assert "13" in error["message"] and "12" in error["message"]
        assert body["extensions"]["cost"]["requestedQueryCost"] == 13
        assert body["extensions"]["cost"]["actualQueryCost"] is None
        # Nothing ran: no lead was made.
        assert await Lead.filter(company_id=account.company_id).count() == 0

        # A page size beyond the largest counts as the largest (501 points here, refused), and
        # within the maximum its own error, INVALID_PAGE_SIZE, answers.
        big = await http.post("/graphql", json={"query": "{ leads(first: 100000) { nodes { id } } }"}, headers=headers)
        assert big.json()["errors"][0]["extensions"]["cost"] == 501
    lenient = await account.client.raw("{ leads(first: 100000) { nodes { id } } }")
    assert lenient["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"
    assert lenient["extensions"]["cost"]["requestedQueryCost"] == 501


async def test_anonymous_requests_are_not_charged(account: Account) -> None:
    anonymous = Client(account.client.http, None)
    body = await anonymous.raw("{ viewer { name } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["extensions"]["cost"]["throttleStatus"] is None


def test_requested_costs_are_kept_by_shape_operation_and_variables() -> None:
    known = RequestedCosts(maxsize=8)
    text = "query {op}($n: Int) {{ {alias}: leads(first: $n) {{ edges {{ node {{ title person {{ name }} }} }} }} }}"

    def requested(op: str, alias: str, variables: dict[str, Any] | None) -> int:
        document = parse(text.format(op=op, alias=alias))
        made: list[Costs] = []

        def costs() -> Costs:
            made.append(Costs(schema._schema, document, op, variables, 50, 500))
            return made[-1]

        cost = known.requested(document, op, variables, costs)
        walked.append(bool(made))
        return cost

    walked: list[bool] = []

    assert requested("A", "a", {"n": 10}) == 1 + 10 * 2
    # Renamed: the same shape, the kept cost.
    assert requested("B", "b", {"n": 10}) == 1 + 10 * 2 and len(known.costs) == 1
    # Other variables are another key, with their own cost.
    assert requested("B", "b", {"n": 30}) == 1 + 30 * 2 and len(known.costs) == 2
    assert requested("C", "c", None) == 1 + 50 * 2 and len(known.costs) == 3
    # A variable that is not JSON is walked, not kept.
    assert requested("D", "d", {"n": 10, "x": object()}) == 1 + 10 * 2 and len(known.costs) == 3
    # The document is walked (its Costs made) only when its cost is not kept.
    assert walked == [True, False, True, True, True]
    # Bounded: the least recently used goes.
    for n in range(1, 9):
        requested("A", "a", {"n": n})
    assert len(known.costs) == 8
