"""Apollo Client's persisted-query link against real servers, on both databases.

Two uvicorn processes serve the same database. A small Node script (tests/js/, Apollo Client
and its PersistedQueryLink from the npm registry, pinned by package-lock.json) sends a query and
a mutation through the first, then through new clients of the second: every step must answer
data, the first use of a document must go hash-only -> PersistedQueryNotFound -> text, and the
second server must answer by hash what the first one stored.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models import LeadLabel, PersistedQuery
from tests.conftest import Account
from tests.factories.live_server import live_server

JS = Path(__file__).resolve().parent.parent / "js"


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without Node; in CI (which installs it) fail."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node() -> str:
    """Node, with the script's packages installed (``npm ci`` when node_modules is missing)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("needs node and npm: apt-get install -y nodejs npm (.ci/run does)")
    assert node is not None and npm is not None
    if not (JS / "node_modules" / "@apollo" / "client").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            _unavailable(f"npm ci failed in {JS}:\n{done.stdout}\n{done.stderr}")
    return node


@pytest.fixture
def two_servers(database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    # A folder each, so that each keeps its own log.
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    with live_server(database, tmp_path / "first") as first, live_server(database, tmp_path / "second") as second:
        yield first, second


def run_client(node: str, first: str, second: str, token: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [node, "apollo_persisted.mjs", first, second, token], cwd=JS, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    steps: list[dict[str, Any]] = json.loads(done.stdout)["steps"]
    return steps


def shape(step: dict[str, Any]) -> list[tuple[str, bool, int, list[str]]]:
    """Each exchange as (method, whether the text was sent, status, error codes)."""
    return [(e["method"], e["sentText"], e["status"], e["codes"]) for e in step["exchanges"]]


async def test_apollo_client_persisted_query_link(node: str, two_servers: tuple[str, str], account: Account) -> None:
    first, second = two_servers
    steps = {step["name"]: step for step in run_client(node, first, second, account.token)}
    for step in steps.values():
        assert step["error"] is None, step
        assert all(e["sentHash"] for e in step["exchanges"]), step

    for name in ("query, first time", "query, again", "query, a new client"):
        assert steps[name]["data"]["viewer"]["name"] == "Anna Admin"
    # Unknown at first: the hash alone (by GET), then the text.
    assert shape(steps["query, first time"]) == [
        ("GET", False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
        ("POST", True, 200, []),
    ]
    # Then the hash alone is enough, for this client and for a new one on the other server.
    assert shape(steps["query, again"]) == [("GET", False, 200, [])]
    assert shape(steps["query, a new client"]) == [("GET", False, 200, [])]

    # Mutations go by POST, hash first too.
    assert steps["mutation, first time"]["data"]["createLeadLabel"]["label"]["name"] == "Apollo one"
    assert shape(steps["mutation, first time"]) == [
        ("POST", False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
        ("POST", True, 200, []),
    ]
    assert steps["mutation, a new client"]["data"]["createLeadLabel"]["label"]["name"] == "Apollo two"
    assert shape(steps["mutation, a new client"]) == [("POST", False, 200, [])]

    assert await PersistedQuery.all().count() == 2
    assert set(await LeadLabel.filter(name__startswith="Apollo").values_list("name", flat=True)) == {
        "Apollo one",
        "Apollo two",
    }
