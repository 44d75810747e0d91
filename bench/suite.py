"""The performance suite of issue 7: one command, the real server, a floor, a table.

    python bench/suite.py --leads 10000 --backend sqlite
    python bench/suite.py --backend both --sizes 10000,1000000 --duration 10 --requests 10000

For each backend and size it seeds the database (bench/seed.py; reused when its manifest and
database are there, ``--reseed`` to make it again), starts the real server as a separate
process (uvicorn, one worker, access log off, the job worker off: bench/servers.py) and the
floor (bench/floor.py) as another, warms both up, and then runs each workload of
bench/workloads.py at 1 and 8 connections for ``--duration`` seconds, each request with
varied variables:

- Q1 the default inbox (100 leads, 20 columns; the same variables each time, it is the page
  every user opens first); the floor answers the same page;
- Q2 one owner + one label + a value range, sorted by the custom number field (the range is
  the same at every size: a few rows at 10,000 leads, a full page at 1,000,000);
- Q3 a later page of the inbox, by a cursor taken from earlier pages;
- Q4 Q1 with ``totalCount`` (the count of the whole default inbox, as Q1's variables);
- Q5 ten leads with their notes and activities, owner varying;
- Q6 the Prospector search, 50 profiles, country/department/seniority varying.

Reported per workload: requests per second, p50 and p99 latency, SQL statements per request
(counted in this process: the same request once through the ASGI app with tortoise's
statement log, as tests/conftest.py counts), response bytes, rows returned; for Q1 the ratio
to the floor's requests per second. Then 10,000 more Q1 requests (``--requests``) at 8
connections, and the server's resident memory (VmRSS of /proc/<pid>/status) after warm-up,
half-way and at the end. The load generator is this process: an asyncio client writing
prepared HTTP/1.1 requests over raw keep-alive connections. It is the cheaper client: on the
floor's 130 KB page, 8 connections, it took 0.31 ms of CPU a request against 3.2 ms for httpx
with keep-alive (measured side by side on the shared 2-core machine); its CPU time per request
is printed with every run, so that a reader can see what it took from the 2 cores.

The markdown table is printed and written to BENCHMARKS.md with the machine (CPU model,
cores, Python, SQLite and PostgreSQL versions, date) and the load average during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench.http_load import Run, Workload, load  # noqa: E402
from bench.seed import DEFAULT_PG, Manifest, database_for, fresh_seed, manifest_path  # noqa: E402
from bench.servers import start_app, start_floor, unlimited_settings  # noqa: E402
from bench.suite_report import Result, Row, machine, write_report  # noqa: E402
from bench.workloads import INBOX, INBOX_COUNT, LEAD_DETAIL, PROSPECT_SEARCH  # noqa: E402
from core.db import close_db, init_db, is_postgres_url  # noqa: E402
from core.ids import to_global_id  # noqa: E402

PAGE = 100
COUNTRIES = ("SE", "DE", "FR", "GB", "ES", "IT", "NL", "US", "PL", "NO")
DEPARTMENTS = ("SALES", "MARKETING", "ENGINEERING", "FINANCE", "OPERATIONS", "HUMAN_RESOURCES")
SENIORITIES = ("ENTRY", "SENIOR", "MANAGER", "DIRECTOR", "VP", "C_LEVEL")
VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


# --- the workloads' requests ---------------------------------------------------------------------


def _inbox_vars(m: Manifest, **extra: Any) -> dict[str, Any]:
    return {"first": PAGE, "columns": m.columns, **extra}


def make_workloads(m: Manifest, cursors: list[str], rng: random.Random) -> dict[str, Workload]:
    users = [to_global_id("User", u) for u in m.user_ids]
    labels = [to_global_id("LeadLabel", label) for label in m.label_ids]
    q2 = []
    for _ in range(64):
        low = rng.randrange(0, 80_000)
        q2.append(
            _inbox_vars(
                m,
                filter={
                    "ownerIds": [rng.choice(users)],
                    "labelIds": [rng.choice(labels)],
                    "conditions": {
                        "op": "AND",
                        "conditions": [{"column": "lead.value", "operator": "BETWEEN", "values": [low, low + 20_000]}],
                    },
                },
                sort={"column": "cf.lead.deal_size", "direction": "DESC"},
            )
        )
    q6 = []
    for _ in range(64):
        flt: dict[str, Any] = {"countries": [rng.choice(COUNTRIES)]}
        if rng.random() < 0.7:
            flt["departments"] = [rng.choice(DEPARTMENTS)]
        if rng.random() < 0.5:
            flt["seniorities"] = rng.sample(SENIORITIES, 2)
        q6.append({"first": 50, "filter": flt})
    return {
        "Q1": Workload("Q1", INBOX, [_inbox_vars(m)], m.admin_token),
        "Q2": Workload("Q2", INBOX, q2, m.admin_token),
        "Q3": Workload("Q3", INBOX, [_inbox_vars(m, after=c) for c in cursors], m.admin_token),
        "Q4": Workload("Q4", INBOX_COUNT, [_inbox_vars(m)], m.admin_token),
        "Q5": Workload("Q5", LEAD_DETAIL, [{"first": 10, "filter": {"ownerIds": [u]}} for u in users], m.admin_token),
        "Q6": Workload("Q6", PROSPECT_SEARCH, q6, m.admin_token),
        "floor": Workload("floor", INBOX, [_inbox_vars(m)], m.admin_token),
    }


# --- statements per request, in-process ----------------------------------------------------------


class StatementCounter(logging.Handler):
    """Counts the statements tortoise logs, as tests/conftest.py does."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if args and isinstance(args, tuple) and isinstance(args[0], str) and args[0].lstrip().upper().startswith(VERBS):
            self.count += 1


@dataclass
class Probe:
    statements: int
    rows: int
    bytes: int


def _rows(data: dict[str, Any]) -> int:
    (connection,) = data.values()
    items = connection.get("edges", connection.get("nodes", []))
    return len(items)


async def probe(database_url: str, workloads: dict[str, Workload]) -> tuple[dict[str, Probe], list[str]]:
    """Each workload's first request once through the ASGI app in this process, with the
    statement counter on; also the cursors of the inbox's pages 2 to 40 for Q3."""

    await init_db(database_url)
    app = create_app(unlimited_settings(database_url), manage_db=False)
    logger = logging.getLogger("tortoise.db_client")
    out: dict[str, Probe] = {}
    cursors: list[str] = []
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

            async def post(w: Workload, body: bytes) -> dict[str, Any]:
                response = await client.post(
                    "/graphql",
                    content=body,
                    headers={"Authorization": f"Bearer {w.token}", "Content-Type": "application/json"},
                )
                result: dict[str, Any] = response.json()
                if response.status_code != 200 or result.get("errors"):
                    raise SystemExit(f"{w.key} failed: {response.status_code} {response.text[:500]}")
                return result

            q1 = workloads["Q1"]
            after = None
            for _ in range(40):
                page = await post(q1, orjson.dumps({"query": INBOX, "variables": _inbox_vars_after(q1, after)}))
                info = page["data"]["leads"]["pageInfo"]
                if not info["hasNextPage"]:
                    break
                after = info["endCursor"]
                cursors.append(after)
            workloads["Q3"].variables = [_inbox_vars_after(q1, c) for c in cursors]
            for key, w in workloads.items():
                if key == "floor" or not w.variables:
                    continue
                body = w.bodies()[0]
                await post(w, body)  # warm the caches: count a steady-state request
                counter = StatementCounter()
                previous = logger.level
                logger.setLevel(logging.DEBUG)
                logger.addHandler(counter)
                try:
                    result = await post(w, body)
                finally:
                    logger.removeHandler(counter)
                    logger.setLevel(previous)
                out[key] = Probe(counter.count, _rows(result["data"]), len(orjson.dumps(result)))
    finally:
        await close_db()
    return out, cursors


def _inbox_vars_after(w: Workload, after: str | None) -> dict[str, Any]:
    return {**w.variables[0], "after": after}


# --- the run --------------------------------------------------------------------------------------


async def run_backend(
    database_url: str, m: Manifest, duration: float, requests: int, say: Callable[[str], None]
) -> Result:
    rng = random.Random(7)
    workloads = make_workloads(m, [], rng)
    probes, _ = await probe(database_url, workloads)
    app, floor = start_app(database_url), start_floor(database_url)
    loads: list[float] = []
    rows: list[Row] = []
    try:
        say(f"servers up (leadbox pid {app.process.pid}, floor pid {floor.process.pid}); warming up")
        for key, w in workloads.items():
            server = floor if key == "floor" else app
            warm = await load(server.port, w, 2, requests=max(50, len(w.variables)))
            if warm.errors:
                raise SystemExit(f"{key}: {warm.errors} failed requests during warm-up")
        rss_warm = app.rss_mb()
        cpu_total, requests_total = 0.0, 0
        for key, w in workloads.items():
            server = floor if key == "floor" else app
            for connections in (1, 8):
                loads.append(os.getloadavg()[0])
                result = await load(server.port, w, connections, duration=duration)
                cpu_total += result.client_cpu
                requests_total += len(result.latencies)
                probe_row = probes.get(key)
                rows.append(
                    Row(
                        key,
                        connections,
                        result,
                        probe_row.statements if probe_row else None,
                        probe_row.rows if probe_row else None,
                    )
                )
                say(
                    f"{key} x{connections}: {result.rps:.1f} req/s, p50 {result.percentile(0.5):.1f} ms,"
                    f" p99 {result.percentile(0.99):.1f} ms, errors {result.errors}"
                )
        half = requests // 2
        first_half = await load(app.port, workloads["Q1"], 8, requests=half)
        rss_half = app.rss_mb()
        second_half = await load(app.port, workloads["Q1"], 8, requests=requests - half)
        rss_end = app.rss_mb()
        anon_end = app.rss_mb("RssAnon")
        loads.append(os.getloadavg()[0])
        big = Run(
            latencies=first_half.latencies + second_half.latencies,
            bytes=first_half.bytes + second_half.bytes,
            errors=first_half.errors + second_half.errors,
            elapsed=first_half.elapsed + second_half.elapsed,
        )
        say(f"{requests} Q1 requests: RSS {rss_warm:.0f} -> {rss_half:.0f} -> {rss_end:.0f} MB")
        floor_rss = floor.rss_mb()
    finally:
        app.stop()
        floor.stop()
    return Result(
        backend="postgresql" if is_postgres_url(database_url) else "sqlite",
        leads=m.leads,
        rows=rows,
        rss_warm=rss_warm,
        rss_half=rss_half,
        rss_end=rss_end,
        anon_end=anon_end,
        rss_requests=requests,
        big_run=big,
        floor_rss=floor_rss,
        load=loads,
        client_cpu_per_request_ms=cpu_total / max(1, requests_total) * 1000,
    )


def ensure_seeded(url: str, leads: int, prospects: int, reseed: bool, say: Callable[[str], None]) -> Manifest:
    path = manifest_path(url)
    exists = path.exists() and (is_postgres_url(url) or Path(url.split("://", 1)[1]).exists())
    if exists and not reseed:
        m = Manifest.load(path)
        if m.leads == leads:
            say(f"reusing {url} (seeded {m.now})")
            return m
    say(f"seeding {url} with {leads:,} leads")
    return asyncio.run(fresh_seed(url, leads, prospects=prospects, log=say))


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the performance suite and write BENCHMARKS.md.")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--sizes", help="comma-separated lead counts, instead of --leads")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per workload and connection count")
    parser.add_argument("--requests", type=int, default=10_000, help="Q1 requests for the memory measurement")
    parser.add_argument("--prospects", type=int, default=100_000, help="prospect profiles when seeding")
    parser.add_argument("--pg-server", default=DEFAULT_PG)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md", help="where the report goes")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.leads]
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]

    def say(message: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)

    header = machine(args.pg_server)
    results = []
    for backend in backends:
        for leads in sizes:
            url = database_for(backend, leads, args.pg_server)
            m = ensure_seeded(url, leads, args.prospects, args.reseed, say)
            results.append(asyncio.run(run_backend(url, m, args.duration, args.requests, say)))
    command = "python bench/suite.py " + " ".join(sys.argv[1:])
    print(write_report(results, header, command, args.output))


if __name__ == "__main__":
    main()
