"""Two real server processes share one bucket per token (core/rate_limit.py).

Both serve the test's database, with their buckets in it or, when ``LEADBOX_TEST_REDIS`` is
set, in that Redis. What one process charges the other sees, and a bucket spent through both is
refused by either. The figures allow for the second or so of refill at one point a second that
the requests themselves take.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.accounts.account import create_company
from domain.accounts.rate_plan import forget_plans, set_rate_limit
from tests.api.test_rate_limits import REDIS_ENV, STORES, TEN, token_of
from tests.factories.live_server import running

ROOT = Path(__file__).resolve().parent.parent.parent


@contextlib.contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[str]:
    """``leadbox``'s app served by uvicorn in a child process on a loopback socket; yields its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log.open("wb") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--fd", str(listener.fileno())],
            cwd=ROOT,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    with running(child, base, log, listener):
        yield base


def ask(base: str, token: str) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/graphql", json={"query": TEN}, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("store", STORES)
async def test_two_processes_share_one_bucket(database: str, store: str, tmp_path: Path) -> None:
    forget_plans()
    company = await create_company("Acme")
    await set_rate_limit(company.id, 100, 1)
    token = await token_of(company.id, "Anna")
    env = {**os.environ, "DATABASE_URL": database, "LEADBOX_FILES_DIR": str(tmp_path / "files")}
    env.pop("LEADBOX_REDIS_URL", None)
    if store == "redis":
        env["LEADBOX_REDIS_URL"] = os.environ[REDIS_ENV]
    with server(env, tmp_path / "a.log") as first, server(env, tmp_path / "b.log") as second:
        left: list[int] = []
        for i in range(10):
            body = ask(first if i % 2 == 0 else second, token)
            assert "errors" not in body, body
            left.append(body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"])
        # Each answer saw the charges of both processes: ten points fewer each time (give or
        # take the point a second that flows back meanwhile).
        for before, after in itertools.pairwise(left):
            assert 10 - 3 <= before - after <= 10
        assert left[-1] <= 10
        refused = [ask(base, token) for base in (first, second)]
        for body in refused:
            assert body["errors"][0]["extensions"]["code"] == "THROTTLED", body
    forget_plans()
