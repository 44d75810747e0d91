"""Test set-up: a real database per backend, a GraphQL client, factories, a statement counter.

Every test runs on SQLite; when ``LEADBOX_TEST_POSTGRES`` names a PostgreSQL server (for
example ``postgresql://postgres@127.0.0.1:5432/postgres``) every test runs there too. Each
run creates its own databases (a temporary SQLite file, a uniquely named PostgreSQL
database), applies the migrations, and drops them at the end. Tables are emptied between tests.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from app import create_app
from core.config import Settings
from core.db import close_db, conn, init_db, is_postgres
from domain import webhook_outbox
from domain.accounts.account import create_company, create_token, create_user
from domain.viewer import Viewer, viewer_for_user
from models import Role
from tests.key_check import stale_keys

PG_ENV = "LEADBOX_TEST_POSTGRES"
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get(PG_ENV) else [])


def _pg_url(database: str) -> str:
    parts = urlsplit(os.environ[PG_ENV].replace("postgresql://", "postgres://", 1))
    return urlunsplit(parts._replace(path="/" + database))


async def _pg_admin(statement: str) -> None:
    parts = urlsplit(os.environ[PG_ENV])
    admin = await asyncpg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        database=parts.path.lstrip("/") or "postgres",
    )
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Connect tortoise to a fresh, migrated database of one backend for the whole session."""
    if request.param == "postgres":
        name = f"leadbox_test_{uuid.uuid4().hex[:12]}"
        # C collation: text sorts by code point, as on SQLite, so both backends agree.
        await _pg_admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        url = _pg_url(name)
        try:
            await init_db(url)
            yield url
        finally:
            await close_db()
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="leadbox-test-") as folder:
            url = f"sqlite://{Path(folder) / 'test.sqlite3'}"
            await init_db(url)
            try:
                yield url
            finally:
                await close_db()


def _tables() -> list[str]:
    return [model._meta.db_table for app in Tortoise.apps.values() for model in app.values()]


@pytest.fixture(autouse=True)
async def clean(database: str) -> AsyncIterator[None]:
    yield
    # Every writer the test went through kept the folded keys of its texts (domain.fold).
    stale = await stale_keys()
    # Ids start again on PostgreSQL: a company's cached webhooks must not outlive its rows.
    webhook_outbox.forget()
    tables = _tables()
    if is_postgres():
        await conn().execute_script("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    else:
        await conn().execute_script(
            "PRAGMA foreign_keys = OFF;" + "".join(f'DELETE FROM "{t}";' for t in tables) + "PRAGMA foreign_keys = ON;"
        )
    assert not stale, "folded keys behind their texts: " + "; ".join(stale)


class StatementCounter(logging.Handler):
    """Counts the SQL statements tortoise sends, whatever the backend."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            text = record.args[0].lstrip().upper()
            # The rate limiter's bookkeeping (its bucket, the company's plan) is not the page's work;
            # bench/rate_limit.py measures it.
            if "RATE_BUCKET" in text or "RATE_LIMIT_POINTS" in text:
                return
            if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
                self.statements.append(record.args[0])

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements() -> Iterator[StatementCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


class GraphQLFailure(AssertionError):
    pass


@dataclass
class Client:
    """Posts GraphQL operations as one user; fails the test on unexpected top-level errors."""

    http: httpx.AsyncClient
    token: str | None

    async def raw(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers, **kwargs
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.raw(query, variables)
        if body.get("errors"):
            raise GraphQLFailure(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def mutate(self, query: str, input: dict[str, Any]) -> dict[str, Any]:
        """Run a one-mutation operation taking ``$input`` and return its payload."""
        data = await self.execute(query, {"input": input})
        (payload,) = data.values()
        result: dict[str, Any] = payload
        return result


@pytest.fixture
async def http(database: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


@dataclass
class Account:
    """A company with one user, that user's token and a client acting as them."""

    company_id: int
    user_id: int
    token: str
    client: Client

    async def viewer(self) -> Viewer:
        return await viewer_for_user(self.user_id)


@pytest.fixture
def make_account(http: httpx.AsyncClient) -> Any:
    async def make(
        company: str = "Acme",
        name: str = "Anna Admin",
        role: Role = Role.ADMIN,
        company_id: int | None = None,
        app: bool = True,
        **flags: Any,
    ) -> Account:
        if company_id is None:
            company_id = (await create_company(company)).id
        email = name.lower().replace("  ", " - ").replace(" ", ".") + f"@{company_id}.test"
        user = await create_user(company_id, name, email, role, **flags)
        token = await create_token(user.id, app=app)
        return Account(company_id, user.id, token, Client(http, token))

    return make


@pytest.fixture
async def account(make_account: Any) -> Account:
    """An admin of a company called Acme."""
    result: Account = await make_account()
    return result


@pytest.fixture
async def other_account(make_account: Any) -> Account:
    """An admin of a second, unrelated company."""
    result: Account = await make_account("Globex", "Gary Globex")
    return result
