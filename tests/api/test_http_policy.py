"""What every HTTP response carries, and what a deployment may switch (core/serving.py).

Security headers on every kind of response; CORS only for the configured origins, preflights
answered; introspection and the GraphiQL page switched off by configuration; bad values of
those variables end with a clear error naming the variable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import create_app
from core.config import Settings, SettingsError, settings_from_env
from core.serving import API_CONTENT_SECURITY_POLICY
from tests.conftest import Account
from tests.factories.live_server import live_server
from web import graphiql

APP_ORIGIN = "https://app.example.com"
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "Lead") { name } }'


def data(response: httpx.Response) -> Any:
    """The answer's data, after checking it has no errors (extensions such as the cost may vary)."""
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def client_for(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_db=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test")


@pytest.fixture
async def cors_http(database: str) -> AsyncIterator[httpx.AsyncClient]:
    async with await client_for(Settings(database_url=database, cors_origins=(APP_ORIGIN,))) as client:
        yield client


def assert_secured(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.request.url
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_every_kind_of_response_carries_the_security_headers(http: httpx.AsyncClient, account: Account) -> None:
    auth = {"Authorization": f"Bearer {account.token}"}
    api = [
        await http.post("/graphql", json={"query": "{ viewer { name } }"}, headers=auth),
        await http.post("/graphql", json={"query": "{ viewer { name } }"}),  # an error answer
        await http.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"}),
        await http.get("/health"),
        await http.get("/ready"),
        await http.get("/exports/1"),
        await http.get("/no-such-path"),
        await http.get("/"),
    ]
    assert [r.status_code for r in api] == [200, 200, 400, 200, 200, 401, 404, 307]
    for response in api:
        assert_secured(response)
        assert response.headers["content-security-policy"] == API_CONTENT_SECURITY_POLICY
    # GraphiQL keeps its own policy, which lets the page load and call only its own origin.
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert_secured(page)
    assert page.headers["content-security-policy"] == graphiql.CONTENT_SECURITY_POLICY
    asset = await http.get(f"{graphiql.static_path()}/leadbox-graphiql.js")
    assert asset.status_code == 200
    assert asset.headers["x-content-type-options"] == "nosniff"


async def test_no_cors_headers_without_configured_origins(http: httpx.AsyncClient) -> None:
    preflight = await http.options("/graphql", headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP_ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_a_configured_origin_gets_its_preflight_and_answers(cors_http: httpx.AsyncClient) -> None:
    preflight = await cors_http.options(
        "/graphql",
        headers={
            "Origin": APP_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers
    assert_secured(preflight)
    response = await cors_http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP_ORIGIN})
    assert data(response) == {"__typename": "Query"}
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN


async def test_other_origins_are_not_let_in(cors_http: httpx.AsyncClient) -> None:
    other = "https://evil.example.net"
    preflight = await cors_http.options("/graphql", headers={"Origin": other, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    response = await cors_http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": other})
    assert "access-control-allow-origin" not in response.headers


async def test_introspection_is_on_by_default(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": INTROSPECTION})
    assert data(response) == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_switched_off(database: str, account: Account) -> None:
    auth = {"Authorization": f"Bearer {account.token}"}
    async with await client_for(Settings(database_url=database, introspection=False)) as http:
        for query in (INTROSPECTION, TYPE_INTROSPECTION):
            body = (await http.post("/graphql", json={"query": query}, headers=auth)).json()
            assert body.get("data") is None
            assert "introspection" in body["errors"][0]["message"].lower()
        # __typename is no introspection of the schema: clients (Apollo's cache) rely on it.
        ok = await http.post("/graphql", json={"query": "{ __typename viewer { name } }"}, headers=auth)
        assert data(ok) == {"__typename": "Query", "viewer": {"name": "Anna Admin"}}


async def test_graphiql_switched_off(database: str) -> None:
    async with await client_for(Settings(database_url=database, graphiql=False)) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert "GraphiQL" not in page.text
        asset = await http.get(f"{graphiql.static_path()}/leadbox-graphiql.js")
        assert asset.status_code == 404
        # The API itself answers as always.
        response = await http.post("/graphql", json={"query": "{ __typename }"})
        assert data(response) == {"__typename": "Query"}


def test_switches_and_origins_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADBOX_CORS_ORIGINS", " https://app.example.com/, http://localhost:3000 ")
    monkeypatch.setenv("LEADBOX_INTROSPECTION", "0")
    monkeypatch.setenv("LEADBOX_GRAPHIQL", "off")
    monkeypatch.setenv("LEADBOX_PERSISTED_QUERIES", "no")
    settings = settings_from_env()
    assert settings.cors_origins == ("https://app.example.com", "http://localhost:3000")
    assert (settings.introspection, settings.graphiql, settings.persisted_queries) == (False, False, False)
    for name in ("LEADBOX_CORS_ORIGINS", "LEADBOX_INTROSPECTION", "LEADBOX_GRAPHIQL", "LEADBOX_PERSISTED_QUERIES"):
        monkeypatch.delenv(name)
    defaults = settings_from_env()
    assert defaults.cors_origins == ()
    assert (defaults.introspection, defaults.graphiql, defaults.persisted_queries) == (True, True, True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LEADBOX_INTROSPECTION", "maybe"),
        ("LEADBOX_GRAPHIQL", "treu"),
        ("LEADBOX_PERSISTED_QUERIES", "2"),
        ("LEADBOX_CORS_ORIGINS", "app.example.com"),
        ("LEADBOX_CORS_ORIGINS", "https://app.example.com/path"),
        ("LEADBOX_CORS_ORIGINS", "ftp://files.example.com"),
    ],
)
def test_a_bad_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        settings_from_env()


async def test_a_real_server_reads_its_origins_from_the_environment(
    database: str, tmp_path: Path, account: Account
) -> None:
    if not database.startswith("sqlite"):
        pytest.skip("the middleware does not touch the database; tested once, on SQLite")
    with live_server(database, tmp_path, LEADBOX_CORS_ORIGINS=APP_ORIGIN) as base:
        async with httpx.AsyncClient(base_url=base, timeout=15) as client:
            preflight = await client.options(
                "/graphql",
                headers={
                    "Origin": APP_ORIGIN,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type",
                },
            )
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { name } }"},
                headers={"Origin": APP_ORIGIN, "Authorization": f"Bearer {account.token}"},
            )
            assert data(response) == {"viewer": {"name": "Anna Admin"}}
            assert response.headers["access-control-allow-origin"] == APP_ORIGIN
            assert_secured(response)
