"""`/health` (the process is alive) and `/ready` (its database answers), on both databases.

The unreachable case runs a real server on a PostgreSQL database of its own and drops that
database under it: `/ready` must then answer 503 promptly while `/health` still answers 200.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_ENV, _pg_admin, _pg_url
from tests.factories.live_server import live_server


async def test_health_says_the_process_is_alive(http: httpx.AsyncClient) -> None:
    response = await http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_the_database_answers(http: httpx.AsyncClient) -> None:
    response = await http.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


async def test_not_ready_when_the_database_is_gone(database: str, tmp_path: Path) -> None:
    if not database.startswith("postgres"):
        pytest.skip(f"drops a PostgreSQL database under a running server; runs with {PG_ENV} set")
    name = f"leadbox_ready_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        with live_server(_pg_url(name), tmp_path) as base:
            async with httpx.AsyncClient(base_url=base, timeout=15) as client:
                assert (await client.get("/ready")).status_code == 200
                await _pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
                for _ in range(2):  # the pool's dead connection first, then a new one that is refused
                    response = await client.get("/ready")
                    assert response.status_code == 503
                    assert response.json() == {"status": "unavailable", "database": "unreachable"}
                # The process itself is fine, and says so.
                health = await client.get("/health")
                assert health.status_code == 200
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
