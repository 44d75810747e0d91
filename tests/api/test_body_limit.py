"""Request bodies: over the limit answered 413 before they are read, JSON nested too deeply 400.

The size tests run the real server (uvicorn on loopback) and talk to it with raw sockets, so that
a body can be announced and then left unsent, or streamed in chunks while another client asks
something else. The nesting tests run in process.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from app import create_app
from core.body_limit import MAX_JSON_DEPTH, too_deep
from core.config import Settings, SettingsError, settings_from_env
from tests.conftest import Account
from tests.factories.live_server import live_server

BIG = 52 << 20
QUERY = b'{"query": "{ __typename }"}'


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[str]:
    # Every request here is refused or answered before the database matters: SQLite only.
    if not database.startswith("sqlite"):
        pytest.skip("the body limit works before any database access; tested once, on SQLite")
    with live_server(database, tmp_path) as base:
        yield base


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def _read_response(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, json.loads(rest[:length])


def _post_head(extra: str) -> bytes:
    return (
        "POST /graphql HTTP/1.1\r\nHost: leadbox.test\r\nContent-Type: application/json\r\n" + extra + "\r\n"
    ).encode()


def test_a_declared_52_mb_body_is_refused_before_it_is_sent(server: str) -> None:
    with _connect(server) as sock:
        sock.sendall(_post_head(f"Content-Length: {BIG}\r\n"))
        sock.sendall(b"[" * 65536)  # a start, nothing more: the answer must not wait for the rest
        status, body = _read_response(sock)
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "1024 KB" in body["errors"][0]["message"]


def test_a_streamed_52_mb_body_is_cut_off_while_other_requests_are_answered(server: str) -> None:
    """A chunked body with no declared length is counted as it arrives and refused past the limit;
    meanwhile another client gets its answers."""
    sent = 0
    stop = threading.Event()

    def stream(sock: socket.socket) -> None:
        nonlocal sent
        piece = b"x" * 65536
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        try:
            while sent < BIG and not stop.is_set():
                sock.sendall(chunk)
                sent += len(piece)
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server closed the connection after refusing the body
            pass

    with _connect(server) as sock:
        sock.sendall(_post_head("Transfer-Encoding: chunked\r\n"))
        sender = threading.Thread(target=stream, args=(sock,))
        sender.start()
        try:
            # Another client, while the big body is on its way.
            for _ in range(3):
                answer = httpx.post(f"{server}/graphql", content=QUERY, headers={"Content-Type": "application/json"})
                assert answer.status_code == 200
                assert answer.json()["data"] == {"__typename": "Query"}
            status, body = _read_response(sock)
        finally:
            stop.set()
            sender.join(timeout=60)
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # The server stopped reading: the sender could not hand over the whole body.
    assert sent < BIG


@pytest.fixture
async def small_limit(database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process with a 4 KB body limit."""
    app = create_app(Settings(database_url=database, max_body_bytes=4096), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


async def test_the_limit_is_configurable_and_bodies_within_it_work(
    small_limit: httpx.AsyncClient, make_account: Any
) -> None:
    account: Account = await make_account()
    headers = {"Authorization": f"Bearer {account.token}"}
    padding = " " * 3000
    fits = await small_limit.post("/graphql", json={"query": "{ viewer { name } }" + padding}, headers=headers)
    assert fits.status_code == 200
    assert fits.json()["data"] == {"viewer": {"name": "Anna Admin"}}
    over = await small_limit.post("/graphql", json={"query": "{ viewer { name } }" + padding * 2}, headers=headers)
    assert over.status_code == 413
    assert "4 KB" in over.json()["errors"][0]["message"]


def test_a_bad_limit_in_the_environment_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("lots", "0", "-5"):
        monkeypatch.setenv("LEADBOX_MAX_BODY_KB", bad)
        with pytest.raises(SettingsError, match="LEADBOX_MAX_BODY_KB must be a whole number greater than 0"):
            settings_from_env()
    monkeypatch.setenv("LEADBOX_MAX_BODY_KB", "2048")
    assert settings_from_env().max_body_bytes == 2 << 20


def _nested(levels: int) -> str:
    """JSON text of a number inside ``levels`` arrays (built as text: encoders stop at a few hundred)."""
    return "[" * levels + "1" + "]" * levels


async def test_json_nested_1000_levels_is_a_clear_400_without_authentication(http: httpx.AsyncClient) -> None:
    for body in (
        '{"query": "{ __typename }", "variables": {"deep": ' + _nested(1000) + "}}",
        _nested(1000),
        '{"query": "{ __typename }", "extensions": ' + '{"a":' * 1000 + "1" + "}" * 1000 + "}",
    ):
        response = await http.post("/graphql", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"
    # The same in a GET's variables.
    response = await http.get(
        "/graphql", params={"query": "{ __typename }", "variables": '{"deep": ' + _nested(200) + "}"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"


async def test_json_within_the_depth_and_brackets_inside_strings_pass(http: httpx.AsyncClient) -> None:
    brackets = "[{" * 5000
    variables = {"t": brackets, "v": json.loads(_nested(MAX_JSON_DEPTH - 2))}
    body = {"query": "{ __typename }", "variables": variables}
    response = await http.post("/graphql", content=orjson.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


async def test_deep_nesting_inside_the_query_text_is_a_graphql_error_not_a_500(http: httpx.AsyncClient) -> None:
    # Nesting written in the GraphQL document itself (a list literal, or selections) is the query
    # limits' business: a clear error, never a 500.
    for query in (
        "{ __typename(x: " + "[" * 1000 + "]" * 1000 + ") }",
        "{ a " + "{ a " * 1000 + "}" * 1001,
    ):
        response = await http.post("/graphql", json={"query": query})
        assert response.status_code in (200, 400)
        assert response.json()["errors"][0]["message"] != "Internal error."


def test_depth_check_counts_nesting_not_brackets() -> None:
    assert too_deep(_nested(MAX_JSON_DEPTH + 1).encode())
    assert not too_deep(_nested(MAX_JSON_DEPTH).encode())
    assert not too_deep(orjson.dumps([[1]] * 10_000))
    assert not too_deep(orjson.dumps({"q": "[" * 10_000, "e": 'a\\"[[[' * 100}))
