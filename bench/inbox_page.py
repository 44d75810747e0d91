"""How long one page of the Leads Inbox takes, and how many SQL statements it sends.

Runs the real ASGI app in-process (httpx's ASGI transport, no network) against a database
holding the demo company: a temporary SQLite file filled by :func:`cli.demo.fill_demo`, or
``DATABASE_URL`` when set (filled first if it has no company). For an admin and a regular
user it fetches a 50-row page of the inbox's usual columns, the first page and one reached
with an ``after`` cursor, and prints the statements per request and the median and 90th
percentile wall time.

    .venv/bin/python bench/inbox_page.py [--requests 200] [--warmup 20] [--leads 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# Run from a checkout without installing: the repository root holds the packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from cli.demo import fill_demo
from core.config import Settings
from core.db import close_db, init_db, is_postgres
from domain.accounts.account import create_token, revoke_token
from models import Company, Lead, Role, User

PAGE = """
query Inbox($after: String) {
  leads(first: 50, after: $after) {
    pageInfo { endCursor hasNextPage }
    edges {
      node {
        id title value { amount currency } source createdAt
        person { name primaryEmail }
        organization { name }
        owner { ... on User { name } ... on Team { name } }
        labels { name color }
        nextActivity { subject dueDate }
        activityStatus
      }
    }
  }
}
"""


VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class StatementCounter(logging.Handler):
    """Counts the statements tortoise logs, as tests/conftest.py's counter does."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if args and isinstance(args, tuple) and isinstance(args[0], str) and args[0].lstrip().upper().startswith(VERBS):
            self.count += 1


@dataclass
class Result:
    user: str
    page: str
    rows: int
    statements: int
    median_ms: float
    p90_ms: float


async def _page(client: httpx.AsyncClient, token: str, after: str | None) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": PAGE, "variables": {"after": after}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"the page failed: {response.status_code} {body}")
    leads: dict[str, Any] = body["data"]["leads"]
    return leads


async def _count_statements(client: httpx.AsyncClient, token: str, after: str | None) -> int:
    logger = logging.getLogger("tortoise.db_client")
    counter, previous = StatementCounter(), logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        await _page(client, token, after)
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
    return counter.count


async def measure(client: httpx.AsyncClient, user: str, token: str, requests: int, warmup: int) -> list[Result]:
    first = await _page(client, token, None)
    cursor = first["pageInfo"]["endCursor"]
    results = []
    for page, after in (("first", None), ("after", cursor)):
        rows = len((await _page(client, token, after))["edges"])
        # Counted on a request of its own: the debug logging it needs would skew the timings.
        statements = await _count_statements(client, token, after)
        for _ in range(warmup):
            await _page(client, token, after)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            await _page(client, token, after)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        results.append(Result(user, page, rows, statements, statistics.median(times), p90))
    return results


async def run(database_url: str, requests: int, warmup: int, leads: int) -> None:
    await init_db(database_url, create_db=True)
    tokens: list[str] = []
    try:
        if not await Company.exists():
            start = time.perf_counter()
            await fill_demo(leads=leads)
            print(f"filled the demo company in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        company = await Company.all().order_by("id").first()
        assert company is not None
        admin = await User.filter(company_id=company.id, role=Role.ADMIN).order_by("id").first()
        regular = await User.filter(company_id=company.id, role=Role.REGULAR).order_by("id").first()
        if admin is None or regular is None:
            raise SystemExit("the database needs an admin and a regular user in its first company")
        app = create_app(Settings(database_url=database_url), manage_db=False)
        results: list[Result] = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
            for name, user in (("admin", admin), ("regular", regular)):
                token = await create_token(user.id, "bench")
                tokens.append(token)
                results += await measure(client, name, token, requests, warmup)
        backend = "postgresql" if is_postgres() else "sqlite"
        total = await Lead.filter(company_id=company.id).count()
        print(f"\n{backend}, {total} leads, {requests} requests after {warmup} warm-up, 50 rows a page\n")
        print(f"{'user':<8} {'page':<6} {'rows':>4} {'statements':>10} {'median ms':>10} {'p90 ms':>8}")
        for r in results:
            print(f"{r.user:<8} {r.page:<6} {r.rows:>4} {r.statements:>10} {r.median_ms:>10.1f} {r.p90_ms:>8.1f}")
    finally:
        for token in tokens:
            await revoke_token(token)
        await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description="Time one page of the Leads Inbox.")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--leads", type=int, default=3000, help="size of the demo when the database is filled")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if url:
        asyncio.run(run(url, args.requests, args.warmup, args.leads))
        return
    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        asyncio.run(run(f"sqlite://{Path(folder) / 'bench.sqlite3'}", args.requests, args.warmup, args.leads))


if __name__ == "__main__":
    main()
