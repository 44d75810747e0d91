"""Webhook delivery: events per second, commit-to-delivery lag, and the cost to companies without webhooks.

Measures, on a temporary SQLite file and (``--postgres URL``) on a scratch PostgreSQL database:

1. throughput: ``--events`` lead updates are committed while no server runs, then one leadbox
   server (uvicorn child, its dispatcher as in production) delivers them to a receiver on
   loopback (a threaded HTTP server in this process); events/s from the first to the last one
   received;
2. lag: with the server running, ``--rate`` changes per second for ``--seconds`` seconds (each
   its own transaction, round robin over 50 leads); the time from each commit to its arrival;
3. the change log write of a company without webhooks: ``update_lead`` with the outbox hook as
   it is (cached look-up), with the cache off (one query per write), and with no hook at all.

    .venv/bin/python bench/webhooks.py [--events 2000] [--rate 100] [--seconds 10] \
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# Run from a checkout without installing: the repository root holds the packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import orjson

from core.db import close_db, init_db
from domain import webhook_outbox
from domain.accounts.account import create_company, create_user
from domain.integration.webhook import create_webhook
from domain.leads.lead import update_lead
from domain.viewer import viewer_for_user
from models import Role
from tests.factories import make_lead, make_person
from tests.factories.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parent.parent
LEADS = 50


class TimedReceiver(Receiver):
    """The test receiver, also noting when each request arrived (by the lead title it carries)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, bytes]] = []
        self.count = 0
        self.changed = threading.Condition()

    def start(self) -> TimedReceiver:
        super().start()
        original = self.received

        receiver = self

        class Recording(list):
            def append(self, item: Any) -> None:
                with receiver.changed:
                    receiver.arrivals.append((time.perf_counter(), item.body))
                    receiver.count += 1
                    receiver.changed.notify_all()

        self.received = Recording(original)
        return self


def start_server(database: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database, "LEADBOX_WEBHOOKS_ALLOW_INSECURE": "1"}
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--port", "0", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def wait_for(receiver: TimedReceiver, count: int, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while receiver.count < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {receiver.count} of {count} deliveries arrived")
        await asyncio.sleep(0.01)


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def run(database: str, label: str, args: argparse.Namespace, folder: Path) -> None:
    await init_db(database)
    try:
        company = await create_company("Bench")
        user = await create_user(company.id, "Bea Bench", "bea@bench.test", Role.ADMIN)
        viewer = await viewer_for_user(user.id)
        person = await make_person(viewer, "Contact")
        leads = [await make_lead(viewer, f"Lead {i}", person_id=person.id) for i in range(LEADS)]

        # 3. Cost of a change to a company without webhooks (before subscribing).
        async def updates(n: int) -> float:
            start = time.perf_counter()
            for i in range(n):
                await update_lead(viewer, leads[i % LEADS].id, {"utm_term": f"t{i}-{uuid.uuid4().hex[:4]}"})
            return (time.perf_counter() - start) / n * 1e6

        n = 500
        await updates(50)
        cached = await updates(n)
        saved_ttl = webhook_outbox.CACHE_SECONDS
        webhook_outbox.CACHE_SECONDS = 0
        uncached = await updates(n)
        webhook_outbox.CACHE_SECONDS = saved_ttl
        saved_record = webhook_outbox.record

        async def nothing(entries: Any) -> None:
            return None

        webhook_outbox.record = nothing
        bare = await updates(n)
        webhook_outbox.record = saved_record
        print(
            f"{label}: update_lead without webhooks: {bare:.0f} µs with no hook, {cached:.0f} µs with the cached"
            f" look-up, {uncached:.0f} µs with a query per write"
        )

        receiver = TimedReceiver().start()
        try:
            await create_webhook(viewer, receiver.url, ["lead.updated"], None, allow_insecure=True)
            webhook_outbox.forget()
            # 1. Throughput from a committed backlog.
            write_start = time.perf_counter()
            await updates_titles(viewer, leads, "backlog", args.events)
            write_rate = args.events / (time.perf_counter() - write_start)
            server = start_server(database, folder / f"{label}-server.log")
            try:
                await wait_for(receiver, args.events)
                first, last = receiver.arrivals[0][0], receiver.arrivals[args.events - 1][0]
                print(
                    f"{label}: {args.events} events delivered at {args.events / (last - first):.0f} events/s"
                    f" (written at {write_rate:.0f} changes/s with a subscription)"
                )
                # 2. Lag at a steady rate of changes.
                total = int(args.rate * args.seconds)
                committed: dict[str, float] = {}
                base = receiver.count
                start = time.perf_counter()
                for i in range(total):
                    due = start + i / args.rate
                    pause = due - time.perf_counter()
                    if pause > 0:
                        await asyncio.sleep(pause)
                    title = f"steady {i}"
                    await update_lead(viewer, leads[i % LEADS].id, {"title": title})
                    committed[title] = time.perf_counter()
                achieved = total / (time.perf_counter() - start)
                await wait_for(receiver, base + total)
                lags = []
                for arrived, body in receiver.arrivals[base:]:
                    title = orjson.loads(body)["data"]["title"]
                    if title in committed:
                        lags.append(arrived - committed[title])
                print(
                    f"{label}: lag at {achieved:.0f} changes/s over {len(lags)} events: p50 {ms(lags, 0.5):.0f} ms,"
                    f" p90 {ms(lags, 0.9):.0f} ms, p99 {ms(lags, 0.99):.0f} ms, max {max(lags) * 1000:.0f} ms"
                )
            finally:
                server.kill()
                server.wait(10)
        finally:
            receiver.stop()
    finally:
        await close_db()


async def updates_titles(viewer: Any, leads: list[Any], prefix: str, count: int) -> None:
    for i in range(count):
        await update_lead(viewer, leads[i % LEADS].id, {"title": f"{prefix} {i}"})


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is made there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as name:
        folder = Path(name)
        await run(f"sqlite://{folder / 'bench.sqlite3'}", "sqlite", args, folder)
        if args.postgres:
            db = f"leadbox_bench_{uuid.uuid4().hex[:12]}"
            admin = await asyncpg.connect(args.postgres)
            await admin.execute(f'CREATE DATABASE "{db}"')
            parts = urlsplit(args.postgres.replace("postgresql://", "postgres://", 1))
            try:
                await run(urlunsplit(parts._replace(path="/" + db)), "postgres", args, folder)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
