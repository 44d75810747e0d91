"""Per-token leaky buckets (core/rate_limit.py, schema/limits.py) and bad-token throttling
(core/auth_throttle.py), through the real API, on each database and on Redis.

Buckets are kept in the database of the run (SQLite, PostgreSQL) and, when
``LEADBOX_TEST_REDIS`` names a Redis server (``redis://127.0.0.1:6379/0``; `.ci/run` sets it),
in Redis as well. The bucket's clock is the test's: refilling is checked by moving it, not by
waiting.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app import create_app
from core.auth_throttle import AuthThrottle
from core.config import Settings
from core.errors import DomainError
from core.rate_limit import Buckets, DatabaseBuckets, Plan, RedisBuckets
from core.security import token_digest
from domain.accounts.account import create_company, create_token, create_user
from domain.accounts.rate_plan import forget_plans, set_rate_limit
from models import Company, Lead, Role, User
from tests.commands.test_cli import run_leadbox
from tests.conftest import Client, StatementCounter

REDIS_ENV = "LEADBOX_TEST_REDIS"
STORES = ["database"] + (["redis"] if os.environ.get(REDIS_ENV) else [])
# Ten objects, all of which come back: requested and actual cost 10, so nothing is given back.
TEN = "{ " + " ".join(f"v{i}: viewer {{ name }}" for i in range(10)) + " }"
CREATE = "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { code } } }"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fresh_plans() -> Iterator[None]:
    # Plans are cached per company id, and ids start again at 1 in every test.
    forget_plans()
    yield
    forget_plans()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=STORES)
async def buckets(request: pytest.FixtureRequest, database: str, clock: Clock) -> AsyncIterator[Buckets]:
    if request.param == "database":
        yield DatabaseBuckets(clock)
        return
    prefix = f"leadbox-test:{uuid.uuid4().hex}:"
    store = RedisBuckets(os.environ[REDIS_ENV], prefix=prefix, clock=clock)
    try:
        yield store
    finally:
        keys = [key async for key in store.client.scan_iter(match=prefix + "*")]
        if keys:
            await store.client.delete(*keys)
        await store.close()


@pytest.fixture
async def http(database: str, buckets: Buckets) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database), manage_db=False, buckets=buckets)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


async def token_of(company_id: int, name: str) -> str:
    user = await create_user(company_id, name, f"{name.lower()}@{company_id}.test", Role.ADMIN)
    return await create_token(user.id)


async def post(http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response


def status(body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = body["extensions"]["cost"]["throttleStatus"]
    return result


async def test_a_spent_bucket_throttles_and_refills_at_the_restore_rate(http: httpx.AsyncClient, clock: Clock) -> None:
    company = await create_company("Acme")
    await set_rate_limit(company.id, 100, 10)
    token = await token_of(company.id, "Anna")

    for spent in range(1, 11):
        body = (await post(http, token, TEN)).json()
        assert "errors" not in body
        assert status(body) == {"maximumAvailable": 100, "currentlyAvailable": 100 - 10 * spent, "restoreRate": 10}

    refused = await post(http, token, TEN)
    body = refused.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "THROTTLED", "cost": 10, "retryAfterSeconds": 1.0}
    assert refused.headers["retry-after"] == "1"
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert status(body)["currentlyAvailable"] == 0

    # A refused mutation does nothing, and a refusal takes no points.
    blocked = (await post(http, token, CREATE, {"input": {"title": "X", "person": {"name": "P"}}})).json()
    assert blocked["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert await Lead.filter(company_id=company.id).count() == 0

    clock.now += 0.5  # five points back: still too few, and half the wait left
    half = (await post(http, token, TEN)).json()
    assert half["errors"][0]["extensions"]["retryAfterSeconds"] == 0.5
    assert status(half)["currentlyAvailable"] == 5

    clock.now += 0.5
    again = (await post(http, token, TEN)).json()
    assert "errors" not in again
    assert status(again)["currentlyAvailable"] == 0

    clock.now += 3600  # never more than the bucket holds
    full = (await post(http, token, TEN)).json()
    assert status(full)["currentlyAvailable"] == 90


async def test_another_token_has_its_own_bucket(http: httpx.AsyncClient) -> None:
    acme = await create_company("Acme")
    await set_rate_limit(acme.id, 20, 1)
    anna = await token_of(acme.id, "Anna")
    first_user = await User.filter(company_id=acme.id).order_by("id").first()
    assert first_user is not None
    second = await create_token(first_user.id)
    globex = await token_of((await create_company("Globex")).id, "Gary")

    for _ in range(2):
        await post(http, anna, TEN)
    assert (await post(http, anna, TEN)).json()["errors"][0]["extensions"]["code"] == "THROTTLED"

    # The same user's other token, and another company's, are untouched.
    assert status((await post(http, second, TEN)).json())["currentlyAvailable"] == 10
    other = (await post(http, globex, TEN)).json()
    assert status(other) == {"maximumAvailable": 20_000, "currentlyAvailable": 19_990, "restoreRate": 500}


async def test_unused_points_are_given_back(http: httpx.AsyncClient) -> None:
    company = await create_company("Acme")
    await set_rate_limit(company.id, 1000, 1)
    token = await token_of(company.id, "Anna")
    body = (await post(http, token, "{ leads(first: 100) { nodes { title } } }")).json()
    # Asked for up to 101, got the connection alone: 100 given back.
    assert body["extensions"]["cost"]["requestedQueryCost"] == 101
    assert body["extensions"]["cost"]["actualQueryCost"] == 1
    assert status(body)["currentlyAvailable"] == 999


async def test_a_request_writes_its_bucket_once_and_the_next_charge_gives_back(
    http: httpx.AsyncClient, buckets: Buckets, count_statements: StatementCounter
) -> None:
    """What a request did not use is given back with the token's next charge from this process
    (core/rate_limit.py), not by a second write: the bucket holds the same points either way."""
    company = await create_company("Acme")
    await set_rate_limit(company.id, 1000, 1)
    token = await token_of(company.id, "Anna")
    bucket_writes: list[str] = []  # (count_statements switches the driver's log on)
    logger = logging.getLogger("tortoise.db_client")

    class Writes(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.args and isinstance(record.args, tuple) and "rate_bucket" in str(record.args[0]):
                bucket_writes.append(str(record.args[0]))

    handler = Writes(level=logging.DEBUG)
    logger.addHandler(handler)
    try:
        levels = []
        for _ in range(3):
            body = (await post(http, token, "{ leads(first: 100) { nodes { title } } }")).json()
            assert body["extensions"]["cost"]["actualQueryCost"] == 1
            levels.append(status(body)["currentlyAvailable"])
    finally:
        logger.removeHandler(handler)
    # 101 asked, 1 used each time (the clock stands still: nothing flows back meanwhile).
    assert levels == [999, 998, 997]
    if isinstance(buckets, DatabaseBuckets):
        assert len(bucket_writes) == 3  # one a request
    # A process that stops writes what it still owes.
    await buckets.close()
    again: Buckets
    if isinstance(buckets, DatabaseBuckets):
        again = DatabaseBuckets(buckets.clock)
    else:
        assert isinstance(buckets, RedisBuckets)
        again = RedisBuckets(os.environ[REDIS_ENV], prefix=buckets.prefix, clock=buckets.clock)
    try:
        key = "t:" + token_digest(token)
        assert (await again.charge(key, 0, Plan(1000, 1))).available == 997
    finally:
        if isinstance(again, RedisBuckets):
            await again.client.aclose()


async def test_a_query_larger_than_the_bucket_is_refused_as_too_costly(http: httpx.AsyncClient) -> None:
    company = await create_company("Acme")
    await set_rate_limit(company.id, 50, 1)
    token = await token_of(company.id, "Anna")
    body = (await post(http, token, "{ leads(first: 60) { nodes { title } } }")).json()
    assert body["errors"][0]["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 61, "maximumCost": 50}


async def test_concurrent_requests_never_spend_the_same_points(buckets: Buckets) -> None:
    plan = Plan(100, 1)
    charges = await asyncio.gather(*(buckets.charge("concurrent", 10, plan) for _ in range(25)))
    assert sum(c.charged for c in charges) == 10
    assert min(c.available for c in charges) == 0


async def test_plans_are_checked(database: str) -> None:
    company = await create_company("Acme")
    for points, rate in ((0, 10), (10, -1), (2_000_000_000, 1)):
        with pytest.raises(DomainError):
            await set_rate_limit(company.id, points, rate)
    with pytest.raises(DomainError):
        await set_rate_limit(company.id + 1000, 10, 10)
    await set_rate_limit(company.id, 10, 10)
    await set_rate_limit(company.id, None, None)  # back to the deployment's default
    assert (await Company.get(id=company.id)).rate_limit_points is None


# --- bad tokens ---------------------------------------------------------------------------------


async def test_bad_tokens_from_one_address_are_answered_429(database: str) -> None:
    company = await create_company("Acme")
    good = await token_of(company.id, "Anna")
    app = create_app(Settings(database_url=database, auth_failure_limit=3, auth_failure_window=60), manage_db=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://leadbox.test") as http:
        guessing = Client(http, "lbx_not-a-token")
        for _ in range(3):
            assert (await guessing.raw("{ viewer { name } }"))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        refused = await http.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers={"Authorization": "Bearer lbx_guess"}
        )
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # While it lasts, no token from that address is looked at, not even a good one ...
        with_good = await http.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers={"Authorization": f"Bearer {good}"}
        )
        assert with_good.status_code == 429
        exports = await http.get("/exports/1", headers={"Authorization": f"Bearer {good}"})
        assert exports.status_code == 429

    # ... while another address is served as always.
    other = httpx.ASGITransport(app=app, client=("198.51.100.9", 4000))
    async with httpx.AsyncClient(transport=other, base_url="http://leadbox.test") as http:
        assert (await Client(http, good).execute("{ viewer { name } }"))["viewer"]["name"] == "Anna"


def test_the_window_ends() -> None:
    now = [0.0]
    throttle = AuthThrottle(limit=2, window=60, clock=lambda: now[0])
    throttle.failed("a")
    assert throttle.retry_after("a") is None
    throttle.failed("a")
    assert throttle.retry_after("a") == 60
    now[0] = 45
    assert throttle.retry_after("a") == 15
    assert throttle.retry_after("b") is None
    now[0] = 60
    assert throttle.retry_after("a") is None
    throttle.failed("a")  # a new window: one failure in it
    assert throttle.retry_after("a") is None


async def test_set_rate_limit_command(database: str) -> None:
    company = await create_company("Acme")
    done = run_leadbox(
        database, "set-rate-limit", "--company", str(company.id), "--points", "300", "--restore-rate", "7"
    )
    assert done.returncode == 0, done.stderr
    stored = await Company.get(id=company.id)
    assert (stored.rate_limit_points, stored.rate_limit_restore_rate) == (300, 7)
    wrong = run_leadbox(database, "set-rate-limit", "--company", str(company.id), "--points", "0")
    assert wrong.returncode == 2 and wrong.stderr.startswith("leadbox: error:")


async def test_an_unreachable_store_serves_without_charging(database: str, closed_port: int) -> None:
    # Nothing listens on that port: Redis cannot be reached, and requests are served regardless.
    store = RedisBuckets(f"redis://127.0.0.1:{closed_port}/0")
    app = create_app(Settings(database_url=database), manage_db=False, buckets=store)
    token = await token_of((await create_company("Acme")).id, "Anna")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as http:
        body = (await post(http, token, TEN)).json()
    await store.close()
    assert body["data"]["v0"] == {"name": "Anna"}
    assert body["extensions"]["cost"] == {"requestedQueryCost": 10, "actualQueryCost": 10, "throttleStatus": None}


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
