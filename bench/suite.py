"""The performance suite of issue 7: one command, the real server, a floor, a table.

    python bench/suite.py --leads 10000 --backend sqlite
    python bench/suite.py --backend both --sizes 10000,1000000 --duration 10 --requests 10000

For each backend and size it seeds the database (bench/seed.py; reused when its manifest and
database are there, ``--reseed`` to make it again), starts the real server as a separate
process (uvicorn, one worker, access log off, the job worker off: :func:`server_app`) and the
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
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench.seed import DEFAULT_PG, Manifest, database_for, fresh_seed, manifest_path  # noqa: E402
from bench.workloads import INBOX, INBOX_COUNT, LEAD_DETAIL, PROSPECT_SEARCH  # noqa: E402
from core.config import Settings, settings_from_env  # noqa: E402
from core.db import close_db, init_db, is_postgres_url  # noqa: E402
from core.ids import to_global_id  # noqa: E402

PYTHON = sys.executable
PAGE = 100
COUNTRIES = ("SE", "DE", "FR", "GB", "ES", "IT", "NL", "US", "PL", "NO")
DEPARTMENTS = ("SALES", "MARKETING", "ENGINEERING", "FINANCE", "OPERATIONS", "HUMAN_RESOURCES")
SENIORITIES = ("ENTRY", "SENIOR", "MANAGER", "DIRECTOR", "VP", "C_LEVEL")
VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
WORKLOAD_NAMES = {
    "Q1": "inbox, 100 leads x 20 columns",
    "Q2": "owner + label + value range, custom sort",
    "Q3": "next page by cursor",
    "Q4": "Q1 with totalCount",
    "Q5": "10 leads with notes and activities",
    "Q6": "Prospector search, 50 profiles",
    "floor": "Q1 floor: one SQL statement, plain Starlette",
}


def server_app() -> Any:
    """The app as the suite serves it (``uvicorn --factory bench.suite:server_app``): the real
    ``create_app`` on ``DATABASE_URL``, without the job worker, which the workloads never need."""

    return create_app(settings_from_env(), run_worker=False)


# --- the workloads' requests ---------------------------------------------------------------------


@dataclass
class Workload:
    key: str
    query: str
    variables: list[dict[str, Any]]
    token: str
    path: str = "/graphql"

    def bodies(self) -> list[bytes]:
        return [orjson.dumps({"query": self.query, "variables": v}) for v in self.variables]


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


# --- the load generator ---------------------------------------------------------------------------


def _request(port: int, path: str, token: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = -1
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else float("nan")


async def load(
    port: int, workload: Workload, connections: int, *, duration: float | None = None, requests: int | None = None
) -> Run:
    """Send the workload's requests over ``connections`` keep-alive connections, for a time
    or a number of requests; each request takes the next set of variables in turn."""
    prepared = [_request(port, workload.path, workload.token, b) for b in workload.bodies()]
    run = Run()
    counter = iter(range(10**12))
    deadline = time.perf_counter() + duration if duration is not None else None

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                n = next(counter)
                if requests is not None and n >= requests:
                    return
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                start = time.perf_counter()
                writer.write(prepared[n % len(prepared)])
                status, body = await _read_response(reader)
                run.latencies.append(time.perf_counter() - start)
                run.bytes += len(body)
                if status != 200:
                    run.errors += 1
        finally:
            writer.close()

    cpu, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    run.elapsed = time.perf_counter() - start
    run.client_cpu = time.process_time() - cpu
    return run


# --- servers --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory in MB: ``VmRSS`` (all of it) or ``RssAnon`` (without file pages,
        such as the SQLite database pages the connection maps into memory)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(name: str, args: list[str], env: dict[str, str], port: int) -> Server:
    process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the {name} server exited with status {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Server(name, process, port)
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the {name} server did not start")


def start_app(database_url: str) -> Server:
    port = _free_port()
    args = ["-m", "uvicorn", "bench.suite:server_app", "--factory", "--workers", "1", "--no-access-log"]
    args += ["--log-level", "warning", "--host", "127.0.0.1", "--port", str(port)]
    return start_server("leadbox", args, {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}, port)


def start_floor(database_url: str) -> Server:
    port = _free_port()
    return start_server("floor", ["bench/floor.py", "--database-url", database_url, "--port", str(port)], {}, port)


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
    app = create_app(Settings(database_url=database_url), manage_db=False)
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


@dataclass
class Row:
    key: str
    connections: int
    run: Run
    statements: int | None
    rows: int | None


@dataclass
class Result:
    backend: str
    leads: int
    rows: list[Row]
    rss_warm: float
    rss_half: float
    rss_end: float
    anon_end: float
    rss_requests: int
    big_run: Run
    floor_rss: float
    load: list[float]
    client_cpu_per_request_ms: float


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


# --- the report -----------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(result: Result) -> str:
    floor = {r.connections: r.run.rps for r in result.rows if r.key == "floor"}
    lines = [
        f"### {result.backend}, {result.leads:,} leads",
        "",
        "| workload | conns | req/s | p50 ms | p99 ms | SQL stmts/req | bytes/resp | rows | vs floor | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result.rows:
        n = len(r.run.latencies)
        ratio = f"{r.run.rps / floor[r.connections]:.2f}" if r.key == "Q1" and floor.get(r.connections) else ""
        stmts = "1" if r.key == "floor" else _fmt(r.statements, 0) if r.statements is not None else "-"
        lines.append(
            f"| {r.key} {WORKLOAD_NAMES[r.key]} | {r.connections} | {r.run.rps:,.1f} | {r.run.percentile(0.5):.1f}"
            f" | {r.run.percentile(0.99):.1f} | {stmts} | {r.run.bytes // max(1, n):,} | {_fmt(r.rows, 0)}"
            f" | {ratio} | {r.run.errors} |"
        )
    big = result.big_run
    lines += [
        "",
        f"Server RSS: {result.rss_warm:.0f} MB after warm-up, {result.rss_half:.0f} MB after"
        f" {result.rss_requests // 2:,} more Q1 requests, {result.rss_end:.0f} MB after {result.rss_requests:,}"
        f" (those ran at {big.rps:.1f} req/s, p50 {big.percentile(0.5):.1f} ms, p99 {big.percentile(0.99):.1f} ms,"
        f" {big.errors} errors); at the end {result.anon_end:.0f} MB of it anonymous (the rest is file-backed pages:"
        f" the interpreter, shared libraries); the floor's RSS {result.floor_rss:.0f} MB.",
        f"Load average (1 min) during the run: min {min(result.load):.2f}, median"
        f" {statistics.median(result.load):.2f}, max {max(result.load):.2f};"
        f" the load generator took {result.client_cpu_per_request_ms:.2f} ms CPU per request.",
        "",
    ]
    return "\n".join(lines)


def scaling(results: list[Result]) -> str:
    """Q1-Q3 p50 at each size against the smallest size of the same backend."""
    lines = []
    for backend in sorted({r.backend for r in results}):
        mine = sorted((r for r in results if r.backend == backend), key=lambda r: r.leads)
        if len(mine) < 2:
            continue
        base = {(row.key, row.connections): row.run.percentile(0.5) for row in mine[0].rows}
        lines += [
            f"### {backend}: p50 against {mine[0].leads:,} leads",
            "",
            "| size | Q1 x1 | Q2 x1 | Q3 x1 |",
            "|---:|---:|---:|---:|",
        ]
        for r in mine[1:]:
            cells = []
            for key in ("Q1", "Q2", "Q3"):
                now = next(row.run.percentile(0.5) for row in r.rows if row.key == key and row.connections == 1)
                cells.append(f"{now / base[(key, 1)]:.2f}x")
            lines.append(f"| {r.leads:,} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _pg_version(server: str) -> str:
    async def ask() -> str:
        c = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
        try:
            version: str = await c.fetchval("SHOW server_version")
            return version
        finally:
            await c.close()

    try:
        return asyncio.run(ask())
    except (OSError, asyncpg.PostgresError):
        return "not reachable"


def machine(pg_server: str) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    return (
        f"- CPU: {cpu}, {os.cpu_count()} cores\n"
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {_pg_version(pg_server)}\n"
        f"- {platform.system()} {platform.release()}; run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def write_report(results: list[Result], header: str, command: str, output: Path) -> str:
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            "The latest table of the performance suite (issue 7), written by `bench/suite.py`;"
            " rerun it to replace this file.",
            "",
            f"Command: `{command}`",
            "",
            header,
            "",
            *[table(r) for r in results],
            scaling(results),
        ]
    )
    output.write_text(text.rstrip() + "\n")
    return text


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
