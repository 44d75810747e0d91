"""The benchmark floor (bench/floor.py) answers Q1 with the same data as the app's /graphql."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bench.floor import create_floor_app
from bench.seed import Manifest, seed
from bench.seed_company import COLUMNS
from bench.workloads import INBOX
from tests.conftest import Client


@pytest.fixture
async def seeded(database: str) -> Manifest:
    return await seed(database, 150, prospects=0, other_leads=20, connect=False)


async def floor_post(database: str, token: str, variables: dict[str, Any]) -> httpx.Response:
    app = create_floor_app(database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://floor.test") as floor:
            return await floor.post(
                "/graphql",
                json={"query": INBOX, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )


@pytest.mark.parametrize("first", [100, 7])
async def test_the_floor_returns_what_the_app_returns(
    database: str, seeded: Manifest, http: httpx.AsyncClient, first: int
) -> None:
    variables = {"first": first, "columns": COLUMNS}
    expected = await Client(http, seeded.admin_token).raw(INBOX, variables)
    assert not expected.get("errors")
    # The app reports the query's cost (schema/limits.py); the floor has no such thing.
    expected.pop("extensions", None)
    assert len(expected["data"]["leads"]["edges"]) == first
    response = await floor_post(database, seeded.admin_token, variables)
    assert response.status_code == 200
    assert response.json() == expected


async def test_the_floor_checks_the_token(database: str, seeded: Manifest) -> None:
    response = await floor_post(database, "not-a-token", {"first": 100, "columns": COLUMNS})
    assert response.status_code == 401
    assert response.json()["data"] is None
