"""API conventions: authentication, ids, limits, error masking, transport, the schema file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fastpath.execute
import resolvers.leads.lead
import schema as schema_module
from app import build_schema
from core.config import Settings
from domain.accounts.account import revoke_token
from models import Lead, Role
from schema import validation
from schema.context import Context
from tests.conftest import Account

ROOT = Path(__file__).resolve().parent.parent.parent

VIEWER = "query { viewer { id name email role permissions { convertDealsToLeads addProspectorLeads buyCredits } } }"
NODE = "query ($id: ID!) { node(id: $id) { id __typename ... on Lead { title } } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id title source } userErrors { field message code } }
}
"""
LEADS = "query { leads { edges { node { id title } } } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def new_lead(account: Account, title: str = "Volvo fleet") -> str:
    payload = await account.client.mutate(CREATE_LEAD, {"title": title, "organization": {"name": "Volvo"}})
    assert payload["userErrors"] == []
    lead_id: str = payload["lead"]["id"]
    return lead_id


def test_schema_file_matches_code() -> None:
    """schema.graphql is the contract partners read: regenerate it with `leadbox export-schema`."""
    assert (ROOT / "schema.graphql").read_text() == schema_module.schema.as_str() + "\n"


async def test_viewer_reports_the_token_owner(account: Account) -> None:
    data = await account.client.execute(VIEWER)
    assert data["viewer"]["name"] == "Anna Admin"
    assert data["viewer"]["role"] == "ADMIN"
    assert data["viewer"]["permissions"] == {
        "convertDealsToLeads": True,
        "addProspectorLeads": True,
        "buyCredits": True,
    }


async def test_regular_user_permissions_follow_flags(make_account: Any) -> None:
    user = await make_account(role=Role.REGULAR, name="Rita Regular")
    data = await user.client.execute(VIEWER)
    assert data["viewer"]["permissions"] == {
        "convertDealsToLeads": True,
        "addProspectorLeads": False,
        "buyCredits": False,
    }


async def test_no_token_is_refused_with_a_clear_code(account: Account) -> None:
    account.client.token = None
    body = await account.client.raw(LEADS)
    assert body["data"] is None
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "Bearer" in body["errors"][0]["message"]


async def test_revoked_and_unknown_tokens_are_refused(account: Account) -> None:
    assert await revoke_token(account.token)
    body = await account.client.raw(VIEWER)
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "revoked" in body["errors"][0]["message"]
    account.client.token = "lbx_not-a-token"
    assert codes(await account.client.raw(VIEWER)) == ["UNAUTHENTICATED"]


async def test_mutation_without_token_writes_nothing(account: Account) -> None:
    account.client.token = None
    body = await account.client.raw(CREATE_LEAD, {"input": {"title": "x", "organization": {"name": "Org"}}})
    assert codes(body) == ["UNAUTHENTICATED"]
    assert await Lead.all().count() == 0


async def test_introspection_is_open_without_token(account: Account) -> None:
    account.client.token = None
    data = await account.client.execute("{ __schema { queryType { name } } }")
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_node_and_nodes(account: Account) -> None:
    lead_id = await new_lead(account)
    data = await account.client.execute(NODE, {"id": lead_id})
    assert data["node"] == {"id": lead_id, "__typename": "Lead", "title": "Volvo fleet"}
    data = await account.client.execute(
        NODES, {"ids": [lead_id, "TGVhZDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA"]}
    )
    assert data["nodes"] == [{"id": lead_id}, None]


@pytest.mark.parametrize("bad_id", ["garbage!", "", "VXNlcjp4", "TGVhZDpub3QtYS11dWlk"])
async def test_garbage_ids_give_a_clear_error(account: Account, bad_id: str) -> None:
    body = await account.client.raw(NODE, {"id": bad_id})
    assert codes(body) == ["INVALID_ID"]
    assert "Internal error" not in body["errors"][0]["message"]


async def test_garbage_id_in_mutation_input_is_a_user_error(account: Account) -> None:
    payload = await account.client.mutate(CREATE_LEAD, {"title": "x", "personId": "nope"})
    assert payload["lead"] is None
    assert payload["userErrors"][0]["code"] == "INVALID_ID"
    assert payload["userErrors"][0]["field"] == ["input", "personId"]


async def test_nodes_is_capped(account: Account) -> None:
    body = await account.client.raw(NODES, {"ids": ["x"] * 101})
    assert codes(body) == ["TOO_MANY_IDS"]


async def test_query_depth_is_limited(account: Account) -> None:
    strict = build_schema(Settings(database_url="", max_query_depth=4))
    viewer = await account.viewer()
    shallow = "query { leads { edges { node { id } } } }"
    deep = "query { leads { edges { node { person { organization { id } } } } } }"
    assert (await strict.execute(shallow, context_value=Context(viewer=viewer))).errors is None
    result = await strict.execute(deep, context_value=Context(viewer=viewer))
    assert result.errors and "exceeds maximum operation depth of 4" in result.errors[0].message
    assert result.data is None


async def test_aliases_are_limited(account: Account) -> None:
    query = "query { " + " ".join(f"a{i}: viewer {{ id }}" for i in range(31)) + " }"
    body = await account.client.raw(query)
    assert body["errors"] and "aliases" in body["errors"][0]["message"].lower()
    query = "query { " + " ".join(f"a{i}: viewer {{ id }}" for i in range(30)) + " }"
    assert "errors" not in await account.client.raw(query)


async def test_tokens_are_limited(account: Account) -> None:
    query = "query { viewer { " + " ".join(["id"] * 4000) + " } }"
    body = await account.client.raw(query)
    assert body["errors"] and "token" in body["errors"][0]["message"].lower()


async def test_internal_errors_are_masked(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    async def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(resolvers.leads.lead, "find_leads", explode)
    # The read engine (fastpath/) reads the filter through this; failing, it leaves the request
    # to the ordinary execution, whose error is masked.
    monkeypatch.setattr(fastpath.execute, "lead_query", explode)
    body = await account.client.raw(LEADS)
    assert body["errors"][0]["message"] == "Internal error."
    assert "hunter2" not in str(body)


async def test_queries_over_get_and_mutations_only_over_post(account: Account) -> None:
    headers = {"Authorization": f"Bearer {account.token}"}
    response = await account.client.http.get("/graphql", params={"query": VIEWER}, headers=headers)
    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["name"] == "Anna Admin"
    mutation = 'mutation { createLead(input: {title: "x", organization: {name: "y"}}) { lead { id } } }'
    response = await account.client.http.get("/graphql", params={"query": mutation}, headers=headers)
    assert response.status_code == 400
    assert await Lead.all().count() == 0


async def test_graphiql_is_served_to_browsers(account: Account) -> None:
    response = await account.client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health(account: Account) -> None:
    response = await account.client.http.get("/health")
    assert response.json() == {"status": "ok"}


async def test_a_repeated_query_is_validated_once(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation cache (schema/validation.py) keys on the rule classes: they must be the same
    every request. A renamed document of the same shape is not validated again either."""
    validated: list[object] = []
    real = validation.validate_document

    def counted(*args: Any) -> Any:
        validated.append(args[1])
        return real(*args)

    monkeypatch.setattr(validation, "validate_document", counted)
    await account.client.execute("query Repeated { viewer { id name } }")
    assert len(validated) == 1
    await account.client.execute("query Repeated { viewer { id name } }")
    await account.client.execute("query Renamed { me: viewer { id name } }")
    await account.client.execute("query Again { you: viewer { id, name } }")
    assert len(validated) == 2
