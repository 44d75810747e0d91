"""The read engine (issue 14) against the ordinary execution, every request with a fresh text.

    python bench/read_engine.py --database-url sqlite:///abs/path/engine_10000.sqlite3
    python bench/read_engine.py --database-url postgresql://postgres@127.0.0.1:5432/<seeded db> --duration 8

The database is one bench/seed.py made (its manifest beside it gives the tokens and columns).
Two real servers (uvicorn, one worker each, bench.suite:server_app) run on it, one with the
engine and one with ``LEADBOX_COMPILED_OPERATIONS=0``; each workload is sent to one and then the
other, in ``--rounds`` interleaved rounds of ``--duration`` seconds at ``--connections``
connections. By default every request carries a text no earlier request sent (the operation name
and the root field's alias carry its number), so nothing depends on a registered or cached text:
each request is parsed, validated and planned anew; ``--texts 1`` sends one text throughout, as a
client repeating its query does (parser, validation and plan caches hit). Workloads:

- Q1: the inbox page of bench/workloads.py, 100 leads x 20 columns;
- W7: 25 leads x 8 fields as a frontend writes them (``__typename`` everywhere, an owner union);
- W8: 25 deals with their stage, person, organization and owner (bench/seed.py makes no deals:
  ``--deals`` of them are made first, through the domain, if the company has fewer);
- W9: 25 persons with their organization.

Q1 also goes to the floor (bench/floor.py: one SQL statement that builds the JSON), interleaved
with the two. Reported: requests/s, p50 and p99, the server's CPU per request (user + system time of its
process, from /proc, over the run) and whether the engine answered (its response header).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import Manifest, manifest_path  # noqa: E402
from bench.suite import Run, Server, Workload, _free_port, load, start_floor, start_server  # noqa: E402
from bench.workloads import INBOX  # noqa: E402

W7 = """query Frontend{n}($first: Int!, $after: String) {
  page{n}: leads(first: $first, after: $after) {
    __typename
    edges {
      __typename
      cursor
      node {
        __typename
        id
        title
        source
        value { __typename amount currency }
        createdAt
        person { __typename id name }
        organization { __typename id name }
        owner { __typename ... on User { id name } ... on Team { id name } }
      }
    }
    pageInfo { __typename hasNextPage endCursor }
  }
}
"""

W8 = """query Deals{n}($first: Int!) {
  page{n}: deals(first: $first) {
    edges { cursor node { id title status value { amount currency } expectedCloseDate
      stage { id name } person { id name } organization { id name } owner { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

W9 = """query Persons{n}($first: Int!) {
  page{n}: persons(first: $first) {
    edges { cursor node { id name primaryEmail primaryPhone jobTitle organization { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def numbered(text: str) -> Any:
    return lambda n: text.replace("{n}", str(n))


def q1_text(n: int) -> str:
    return INBOX.replace("query Inbox(", f"query Inbox{n}(", 1).replace("  leads(", "  leads: leads(", 1)


@dataclass
class Fresh(Workload):
    """A workload whose every request has its own text (``count`` of them, sent in turn)."""

    texts: Any = None
    count: int = 0

    def bodies(self) -> list[bytes]:
        return [orjson.dumps({"query": self.texts(n), "variables": self.variables[0]}) for n in range(self.count)]


def workloads(m: Manifest, count: int) -> dict[str, Fresh]:
    def make(key: str, texts: Any, variables: dict[str, Any]) -> Fresh:
        return Fresh(key, "", [variables], m.admin_token, texts=texts, count=count)

    return {
        "Q1 inbox, 100 leads x 20 columns": make("Q1", q1_text, {"first": 100, "columns": m.columns}),
        "W7 25 leads x 8 fields, frontend text": make("W7", numbered(W7), {"first": 25}),
        "W8 25 deals with stage, person, organization": make("W8", numbered(W8), {"first": 25}),
        "W9 25 persons with organizations": make("W9", numbered(W9), {"first": 25}),
    }


async def ensure_deals(database_url: str, m: Manifest, count: int) -> None:
    """bench/seed.py makes no deals: make ``count`` in the seeded company, through the domain
    (each with a person and an organization of the company, a value and an owner)."""
    from core.db import close_db, fetch, init_db
    from domain.deal import DealData, create_deal
    from domain.viewer import viewer_for_user

    await init_db(database_url)
    try:
        have = (await fetch("SELECT count(*) AS n FROM deal WHERE company_id = ?", [m.company_id]))[0]["n"]
        if have >= count:
            return
        viewer = await viewer_for_user(m.user_ids[0])
        persons = await fetch(
            "SELECT id, organization_id FROM person WHERE company_id = ? AND organization_id IS NOT NULL"
            " ORDER BY id LIMIT ?",
            [m.company_id, count],
        )
        for i in range(count - have):
            person = persons[i % len(persons)]
            data = DealData(
                title=f"Bench deal {i}",
                person_id=person["id"],
                organization_id=person["organization_id"],
                owner_id=m.user_ids[i % len(m.user_ids)],
                value_amount=Decimal(1000 + i),
                value_currency="EUR",
            )
            await create_deal(viewer, data)
    finally:
        await close_db()


def cpu_seconds(server: Server) -> float:
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(database_url: str, engine: bool) -> Server:
    port = _free_port()
    args = ["-m", "uvicorn", "bench.suite:server_app", "--factory", "--workers", "1", "--no-access-log"]
    args += ["--log-level", "warning", "--host", "127.0.0.1", "--port", str(port)]
    env = {
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "LEADBOX_COMPILED_OPERATIONS": "1" if engine else "0",
        # The rate limits (core/rate_limit.py) would throttle a load test; the bookkeeping runs.
        "LEADBOX_RATE_LIMIT_POINTS": str(10**12),
        "LEADBOX_RATE_LIMIT_RESTORE_RATE": str(10**12),
    }
    return start_server("engine" if engine else "ordinary", args, env, port)


async def answered_by_engine(server: Server, w: Fresh) -> tuple[bool, int]:
    """Whether the server's engine answered one request of the workload, and its rows."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    body = orjson.dumps({"query": w.texts(10**9), "variables": w.variables[0]})
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {w.token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    raw = await reader.readuntil(b"\r\n\r\n")
    length = int(next(line for line in raw.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1])
    payload = orjson.loads(await reader.readexactly(length))
    writer.close()
    if payload.get("errors"):
        raise SystemExit(f"{w.key}: {payload['errors']}")
    (page,) = payload["data"].values()
    return b"x-leadbox-execution: compiled" in raw.lower(), len(page.get("edges", []))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--texts", type=int, default=6000, help="distinct texts sent in turn (1: one text, as a client repeats it)"
    )
    parser.add_argument("--deals", type=int, default=200, help="deals to make in the seeded company if it has fewer")
    parser.add_argument("--only", default="", help="workload keys to run, comma-separated (Q1,W7,W8,W9)")
    args = parser.parse_args()
    m = Manifest.load(manifest_path(args.database_url))
    await ensure_deals(args.database_url, m, args.deals)
    chosen = {k: w for k, w in workloads(m, args.texts).items() if not args.only or w.key in args.only.split(",")}
    servers = {"engine": start(args.database_url, True), "ordinary": start(args.database_url, False)}
    # The floor (bench/floor.py) answers Q1 only: one SQL statement building the JSON.
    floor = start_floor(args.database_url)
    try:
        print("| workload | way | req/s | p50 ms | p99 ms | server CPU ms/req | rows | answered by |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for name, w in chosen.items():
            # Warm-up: every server has seen the workload's shape (and imported what it needs).
            for server in servers.values():
                warm = Fresh(w.key, "", w.variables, w.token, texts=lambda n, w=w: w.texts(10**8 + n), count=40)
                await load(server.port, warm, 2, requests=40)
            ways = {**servers, "floor": floor} if w.key == "Q1" else servers
            runs: dict[str, list[tuple[Run, float]]] = {way: [] for way in ways}
            for _, way in itertools.product(range(args.rounds), ways):
                server = ways[way]
                before = cpu_seconds(server)
                run = await load(server.port, w, args.connections, duration=args.duration)
                runs[way].append((run, cpu_seconds(server) - before))
            for way, server in ways.items():
                by_engine, rows = (False, 100) if way == "floor" else await answered_by_engine(server, w)
                by = "engine" if by_engine else way if way == "floor" else "ordinary execution"
                total = Run(
                    latencies=[x for r, _ in runs[way] for x in r.latencies],
                    errors=sum(r.errors for r, _ in runs[way]),
                    elapsed=sum(r.elapsed for r, _ in runs[way]),
                )
                cpu = sum(c for _, c in runs[way]) / max(1, len(total.latencies)) * 1000
                print(
                    f"| {name} | {way} | {total.rps:.1f} | {total.percentile(0.5):.1f} | {total.percentile(0.99):.1f}"
                    f" | {cpu:.1f} | {rows} | {by}"
                    f"{f' ({total.errors} errors)' if total.errors else ''} |",
                    flush=True,
                )
        rss = ", ".join(f"{way} {server.rss_mb():.0f} MB" for way, server in servers.items())
        print(f"\nserver RSS at the end: {rss}")
    finally:
        for server in [*servers.values(), floor]:
            server.stop()
    print(f"\nload average (1, 5 min) at the end: {os.getloadavg()[:2]}")


if __name__ == "__main__":
    asyncio.run(main())
