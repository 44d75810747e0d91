"""What the query-cost and rate limits add to a request, in microseconds.

Measures, one after another in one process:

- the requested cost of the README's first query and of the inbox page (schema/cost.py);
- one bucket charge (the atomic statement or script), and a charge followed by the refund a
  request makes when it used less than it asked for, on a temporary SQLite file, on PostgreSQL
  (``--postgres URL``, a scratch database made and dropped there) and on Redis (``--redis URL``);
- the bad-token check of core/auth_throttle.py.

    .venv/bin/python bench/rate_limit.py [--requests 2000] \
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Run from a checkout without installing: the repository root holds the packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from graphql import parse

from bench.inbox_page import PAGE
from core.auth_throttle import AuthThrottle
from core.db import close_db, init_db
from core.rate_limit import Buckets, DatabaseBuckets, Plan, RedisBuckets
from schema import schema
from schema.cost import requested_cost
from tests.api.test_query_cost import README_FIRST_QUERY

PLAN = Plan(1_000_000_000, 1)


def timed(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1e6
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1e6
    return f"p50 {p50:8.1f} µs   p99 {p99:8.1f} µs"


def sync_samples(step: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
    return samples


async def async_samples(step: Callable[[], Awaitable[object]], count: int) -> list[float]:
    for _ in range(min(count, 50)):  # warm up: connections, prepared statements, script cache
        await step()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        await step()
        samples.append(time.perf_counter() - start)
    return samples


async def buckets_figures(name: str, buckets: Buckets, count: int) -> None:
    key = f"bench-{uuid.uuid4().hex}"

    async def charge() -> None:
        await buckets.charge(key, 83, PLAN)

    async def charge_and_refund() -> None:
        await buckets.charge(key, 83, PLAN)
        await buckets.refund(key, 70, PLAN)

    print(f"{name:10} charge           {timed(await async_samples(charge, count))}")
    print(f"{name:10} charge + refund  {timed(await async_samples(charge_and_refund, count))}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is made there")
    parser.add_argument("--redis", help="a Redis URL")
    args = parser.parse_args()
    count = args.requests

    graphql_schema = schema._schema
    for label, text in (("README first query", README_FIRST_QUERY), ("inbox page", PAGE)):
        document = parse(text)
        cost = requested_cost(graphql_schema, document, None, {}, 50)
        samples = sync_samples(functools.partial(requested_cost, graphql_schema, document, None, {}, 50), count)
        print(f"cost of the {label} ({cost} points)  {timed(samples)}")

    throttle = AuthThrottle(limit=20, window=60)
    print(f"bad-token check (retry_after)  {timed(sync_samples(lambda: throttle.retry_after('203.0.113.7'), count))}")

    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        await init_db(f"sqlite://{Path(folder) / 'bench.sqlite3'}")
        try:
            await buckets_figures("sqlite", DatabaseBuckets(), count)
        finally:
            await close_db()

    if args.postgres:
        name = f"leadbox_bench_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(args.postgres)
        await admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(args.postgres.replace("postgresql://", "postgres://", 1))
        try:
            await init_db(urlunsplit(parts._replace(path="/" + name)))
            try:
                await buckets_figures("postgres", DatabaseBuckets(), count)
            finally:
                await close_db()
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()

    if args.redis:
        store = RedisBuckets(args.redis, prefix=f"leadbox-bench:{uuid.uuid4().hex}:")
        try:
            await buckets_figures("redis", store, count)
        finally:
            keys = [k async for k in store.client.scan_iter(match=store.prefix + "*")]
            if keys:
                await store.client.delete(*keys)
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
