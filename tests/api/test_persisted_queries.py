"""Automatic persisted queries over plain HTTP (core/persisted_queries.py), on both databases.

The protocol as Apollo's link speaks it: a hash alone, then the text with its hash, then the hash
alone again, by POST and by GET; a wrong hash refused; the store shared (a second application,
as a second server process would be, finds what the first stored) and scoped to no company
without letting one company read another's data through it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app import create_app
from core.config import Settings
from models import LeadLabel, PersistedQuery
from tests.conftest import Account
from tests.factories import make_lead

LEADS = "query Leads { leads { edges { node { title } } } }"
VIEWER = "query Me { viewer { name } }"
CREATE_LABEL = """
mutation CreateLabel($input: CreateLeadLabelInput!) {
  createLeadLabel(input: $input) { label { name } userErrors { code } }
}
"""


def data(response: httpx.Response) -> Any:
    """The answer's data, after checking it has no errors (extensions such as the cost may vary)."""
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


def auth(account: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.token}"}


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


async def post(http: httpx.AsyncClient, body: dict[str, Any], account: Account | None = None) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=auth(account) if account else {})


async def get(http: httpx.AsyncClient, params: dict[str, Any], account: Account | None = None) -> httpx.Response:
    query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    headers = {"Accept": "application/json", **(auth(account) if account else {})}
    return await http.get("/graphql", params=query, headers=headers)


async def test_unknown_hash_answers_the_error_the_client_retries_on(http: httpx.AsyncClient, account: Account) -> None:
    """HTTP 200 with PersistedQueryNotFound, by POST and by GET: Apollo's link then sends the text."""
    for response in (
        await post(http, {"extensions": persisted(VIEWER)}, account),
        await get(http, {"extensions": persisted(VIEWER)}, account),
    ):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"] is None
        assert [e["message"] for e in body["errors"]] == ["PersistedQueryNotFound"]
        assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert await PersistedQuery.all().count() == 0


async def test_text_with_its_hash_is_run_stored_and_then_answered_by_hash(
    http: httpx.AsyncClient, account: Account
) -> None:
    first = await post(http, {"query": VIEWER, "extensions": persisted(VIEWER)}, account)
    assert data(first) == {"viewer": {"name": "Anna Admin"}}
    stored = await PersistedQuery.get(sha256=sha(VIEWER))
    assert stored.query == VIEWER

    by_post = await post(http, {"extensions": persisted(VIEWER), "operationName": "Me"}, account)
    by_get = await get(http, {"extensions": persisted(VIEWER), "operationName": "Me"}, account)
    assert data(by_post) == {"viewer": {"name": "Anna Admin"}}
    assert by_get.status_code == 200
    assert data(by_get) == {"viewer": {"name": "Anna Admin"}}


async def test_a_hash_that_does_not_match_its_text_is_refused(http: httpx.AsyncClient, account: Account) -> None:
    response = await post(http, {"query": VIEWER, "extensions": persisted(LEADS)}, account)
    assert response.status_code == 400
    body = response.json()
    assert codes(body) == ["BAD_REQUEST"]
    assert "not the SHA-256" in body["errors"][0]["message"]
    # Nothing was stored under either hash, and the hash of LEADS still names nothing.
    assert await PersistedQuery.all().count() == 0
    again = await post(http, {"extensions": persisted(LEADS)}, account)
    assert codes(again.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize(
    "extension",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": sha(VIEWER)}},
        {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
        {"persistedQuery": {"version": 1, "sha256Hash": sha(VIEWER).upper()}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": "yes"},
    ],
)
async def test_a_malformed_extension_is_a_clear_400(
    http: httpx.AsyncClient, account: Account, extension: dict[str, Any]
) -> None:
    response = await post(http, {"query": VIEWER, "extensions": extension}, account)
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_anonymous_callers_and_invalid_documents_store_nothing(http: httpx.AsyncClient, account: Account) -> None:
    anonymous = await post(http, {"query": VIEWER, "extensions": persisted(VIEWER)})
    assert codes(anonymous.json()) == ["UNAUTHENTICATED"]
    invalid = "query { viewer { noSuchField } }"
    refused = await post(http, {"query": invalid, "extensions": persisted(invalid)}, account)
    assert "noSuchField" in refused.json()["errors"][0]["message"]
    assert await PersistedQuery.all().count() == 0
    assert codes((await post(http, {"extensions": persisted(invalid)}, account)).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


async def test_mutations_by_hash_go_by_post_only(http: httpx.AsyncClient, account: Account) -> None:
    variables = {"input": {"name": "Stored", "color": "#ff0000"}}
    first = await post(
        http, {"query": CREATE_LABEL, "variables": variables, "extensions": persisted(CREATE_LABEL)}, account
    )
    assert first.json()["data"]["createLeadLabel"] == {
        "label": {"name": "Stored"},
        "userErrors": [],
    }
    again = await post(
        http,
        {"variables": {"input": {"name": "By hash", "color": "#ff0000"}}, "extensions": persisted(CREATE_LABEL)},
        account,
    )
    assert again.json()["data"]["createLeadLabel"] == {
        "label": {"name": "By hash"},
        "userErrors": [],
    }
    # A GET never changes anything, whether the text comes with it or from the store.
    by_get = await get(
        http,
        {"variables": {"input": {"name": "Nope", "color": "#ff0000"}}, "extensions": persisted(CREATE_LABEL)},
        account,
    )
    assert by_get.status_code == 400
    assert not await LeadLabel.filter(name="Nope").exists()


async def test_a_stored_text_answers_each_company_with_its_own_data(
    http: httpx.AsyncClient, account: Account, other_account: Account
) -> None:
    await make_lead(await account.viewer(), "Acme's secret deal")
    await make_lead(await other_account.viewer(), "Globex's own lead")
    first = await post(http, {"query": LEADS, "extensions": persisted(LEADS)}, account)
    assert [e["node"]["title"] for e in first.json()["data"]["leads"]["edges"]] == ["Acme's secret deal"]
    # The other company knows the hash (e.g. from the same app's bundle): it gets its own leads.
    theirs = await post(http, {"extensions": persisted(LEADS)}, other_account)
    assert [e["node"]["title"] for e in theirs.json()["data"]["leads"]["edges"]] == ["Globex's own lead"]
    # Without a token the stored text is answered as any anonymous request is: refused.
    anonymous = await post(http, {"extensions": persisted(LEADS)})
    assert codes(anonymous.json()) == ["UNAUTHENTICATED"]


@pytest.fixture
async def second_app(database: str) -> AsyncIterator[httpx.AsyncClient]:
    """Another application on the same database, with its own (empty) in-process cache."""
    app = create_app(Settings(database_url=database), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://second.test") as client:
        yield client


async def test_every_application_on_the_database_finds_a_stored_text(
    http: httpx.AsyncClient, second_app: httpx.AsyncClient, account: Account
) -> None:
    await post(http, {"query": VIEWER, "extensions": persisted(VIEWER)}, account)
    response = await post(second_app, {"extensions": persisted(VIEWER)}, account)
    assert data(response) == {"viewer": {"name": "Anna Admin"}}


async def test_switched_off_hash_only_requests_are_not_supported(database: str, account: Account) -> None:
    app = create_app(Settings(database_url=database, persisted_queries=False), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://off.test") as http:
        only_hash = await post(http, {"extensions": persisted(VIEWER)}, account)
        assert only_hash.status_code == 200
        assert codes(only_hash.json()) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
        with_text = await post(http, {"query": VIEWER, "extensions": persisted(VIEWER)}, account)
        assert data(with_text) == {"viewer": {"name": "Anna Admin"}}
    assert await PersistedQuery.all().count() == 0
