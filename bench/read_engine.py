"""The read engine (issue 14) against the ordinary execution and PostGraphile 5, every request
with a fresh text.

    python bench/read_engine.py --database-url sqlite:///abs/path/engine_10000.sqlite3
    python bench/read_engine.py --database-url postgresql://postgres@127.0.0.1:5432/<seeded db> --duration 8

The database is one bench/seed.py made (its manifest beside it gives the tokens and columns).
Two real servers (uvicorn, one worker each, bench.servers:server_app) run on it, one with the
engine and one with ``LEADBOX_COMPILED_OPERATIONS=0``; on PostgreSQL a third, PostGraphile 5
(bench/postgraphile/server.mjs, one Node process; ``npm ci`` runs there first when its
node_modules are missing or older than its package-lock.json; ``--no-peer`` leaves it out). Each
workload is sent to each server in turn, in ``--rounds`` interleaved rounds of ``--duration``
seconds at ``--connections`` connections. By default every request carries a text no earlier
request sent (the operation name and the root field's alias carry its number), so nothing depends
on a registered or cached text: each request is parsed, validated and planned anew, by every
server; ``--texts 1`` sends one text throughout, as a client repeating its query does (parser,
validation and plan caches hit). Workloads:

- Q1: the inbox page of bench/workloads.py, 100 leads x 20 columns;
- W7: 25 leads x 8 fields as a frontend writes them (``__typename`` everywhere, an owner union);
- W8: 25 deals with their stage, person, organization and owner (newest first, as the deals
  list sorts by default; bench/seed.py seeds one deal for ten leads);
- W9: 25 persons with their organization.

Q1 also goes to the floor (bench/floor.py: one SQL statement that builds the JSON), interleaved
with the others. Reported: requests/s, p50 and p99, the server's CPU per request (user + system
time of its process, from /proc, over the run: the Python process, or the Node process of
PostGraphile; PostgreSQL's own backends are not counted for any), whether the engine answered
(its response header), and leadbox's requests/s and CPU per request against PostGraphile's.

PostGraphile gets the nearest query its generated schema allows (``PEER`` of
bench/read_engine_workloads.py): the same rows in the same order, with the same company condition
(it is sent as a variable: PostGraphile here authenticates no one, it serves the whole database),
its own relation fields, the stored JSON where leadbox computes values (custom fields, a person's
e-mails and phones), and the first pending activity where leadbox reads the stored next activity.
Before the runs, every server's answer to each workload is checked to hold the same rows in the
same order (by their ids).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import Run, load  # noqa: E402
from bench.read_engine_workloads import Fresh, peer_workload, workloads  # noqa: E402
from bench.seed import Manifest, manifest_path  # noqa: E402
from bench.servers import UNLIMITED, Server, free_port, start_floor, start_server  # noqa: E402
from core.db import is_postgres_url  # noqa: E402
from core.ids import from_global_id  # noqa: E402

PEER_DIR = ROOT / "bench" / "postgraphile"


def cpu_seconds(server: Server) -> float:
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(database_url: str, engine: bool) -> Server:
    port = free_port()
    args = ["-m", "uvicorn", "bench.servers:server_app", "--factory", "--workers", "1", "--no-access-log"]
    args += ["--log-level", "warning", "--host", "127.0.0.1", "--port", str(port)]
    env = {
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "LEADBOX_COMPILED_OPERATIONS": "1" if engine else "0",
        **UNLIMITED,
    }
    return start_server("engine" if engine else "ordinary", args, env, port)


def ensure_peer_modules() -> None:
    """``npm ci`` in bench/postgraphile when its node_modules are missing or older than the lock."""
    installed = PEER_DIR / "node_modules" / ".package-lock.json"
    lock = PEER_DIR / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    print("installing PostGraphile (npm ci in bench/postgraphile)", file=sys.stderr, flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR, check=True)


def start_peer(database_url: str) -> Server:
    """PostGraphile 5 on the database, one Node process (its CPU time is read as the others')."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "NODE_ENV": "production"}
    process = subprocess.Popen(["node", "server.mjs"], cwd=PEER_DIR, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"PostGraphile exited with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return Server("postgraphile", process, port)
        time.sleep(0.2)
    process.kill()
    raise SystemExit("PostGraphile did not start")


async def ask(server: Server, w: Fresh) -> tuple[bytes, dict[str, Any]]:
    """One request of the workload (a text of its own): the response's head and its JSON."""
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
        raise SystemExit(f"{w.key} on {server.name}: {payload['errors']}")
    return raw, payload


def row_keys(payload: dict[str, Any]) -> list[str]:
    """The database keys of a page's rows, in order: from leadbox's ids (``Type:key``) or
    PostGraphile's (base64 of a JSON list ending with the key)."""
    (page,) = payload["data"].values()
    keys = []
    for edge in page["edges"]:
        node_id = edge["node"]["id"]
        raw = base64.b64decode(node_id + "=" * (-len(node_id) % 4), altchars=b"-_")
        keys.append(str(orjson.loads(raw)[-1]) if raw.startswith(b"[") else from_global_id(node_id)[1])
    return keys


@dataclass
class Way:
    server: Server
    workload: Fresh
    cpu_ms: float = 0.0
    db_ms: float = 0.0
    rps: float = 0.0


class DatabaseCpu:
    """The CPU time of the PostgreSQL backends serving the database (from /proc), but this one's.

    The servers run one at a time, so what the backends spend during a run is that run's server's
    (the others' pools sit idle). Backends that start during a run count from zero."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url.replace("postgres://", "postgresql://", 1)
        self.conn: Any = None

    async def read(self) -> dict[int, float]:
        if self.conn is None:
            self.conn = await asyncpg.connect(self.url)
        rows = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        out = {}
        for row in rows:
            try:
                fields = Path(f"/proc/{row['pid']}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[row["pid"]] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--texts", type=int, default=6000, help="distinct texts sent in turn (1: one text, as a client repeats it)"
    )
    parser.add_argument("--only", default="", help="workload keys to run, comma-separated (Q1,W7,W8,W9)")
    parser.add_argument("--no-peer", action="store_true", help="leave PostGraphile out (it runs on PostgreSQL only)")
    args = parser.parse_args()
    m = Manifest.load(manifest_path(args.database_url))
    chosen = {k: w for k, w in workloads(m, args.texts).items() if not args.only or w.key in args.only.split(",")}
    if not m.deals and any(w.key == "W8" for w in chosen.values()):
        raise SystemExit("this database has no deals (seeded before bench/seed.py made them): seed it again")
    peer = is_postgres_url(args.database_url) and not args.no_peer
    if peer:
        ensure_peer_modules()
    servers = {"engine": start(args.database_url, True), "ordinary": start(args.database_url, False)}
    if peer:
        servers["postgraphile"] = start_peer(args.database_url)
    # The floor (bench/floor.py) answers Q1 only: one SQL statement building the JSON.
    floor = start_floor(args.database_url)
    database = DatabaseCpu(args.database_url) if is_postgres_url(args.database_url) else None
    ratios: list[str] = []
    try:
        print(
            "| workload | way | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req"
            " | rows | same rows | answered by |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
        for name, w in chosen.items():
            ways = {
                way: Way(server, peer_workload(w, m, args.texts) if way == "postgraphile" else w)
                for way, server in servers.items()
            }
            if w.key == "Q1":
                ways["floor"] = Way(floor, w)
            # Warm-up: every server has seen the workload's shape (and imported what it needs);
            # then each one's answer, checked to hold the rows the engine's holds.
            answers: dict[str, tuple[bytes, dict[str, Any]]] = {}
            for way, x in ways.items():
                warm = Fresh(w.key, "", x.workload.variables, w.token, texts=lambda n, x=x: x.workload.texts(10**8 + n))
                warm.count = 40
                await load(x.server.port, warm, 2, requests=40)
                answers[way] = await ask(x.server, x.workload)
            expected = row_keys(answers["engine"][1])
            runs: dict[str, list[tuple[Run, float, float]]] = {way: [] for way in ways}
            for _, way in itertools.product(range(args.rounds), ways):
                x = ways[way]
                before, db_before = cpu_seconds(x.server), await database.read() if database else {}
                run = await load(x.server.port, x.workload, args.connections, duration=args.duration)
                db = DatabaseCpu.spent(db_before, await database.read()) if database else 0.0
                runs[way].append((run, cpu_seconds(x.server) - before, db))
            for way, x in ways.items():
                head, payload = answers[way]
                keys = row_keys(payload)
                by = (
                    way
                    if way in ("floor", "postgraphile")
                    else "engine"
                    if b"x-leadbox-execution: compiled" in head.lower()
                    else "ordinary execution"
                )
                total = Run(
                    latencies=[t for r, _, _ in runs[way] for t in r.latencies],
                    errors=sum(r.errors for r, _, _ in runs[way]),
                    elapsed=sum(r.elapsed for r, _, _ in runs[way]),
                )
                x.cpu_ms = sum(c for _, c, _ in runs[way]) / max(1, len(total.latencies)) * 1000
                x.db_ms = sum(d for _, _, d in runs[way]) / max(1, len(total.latencies)) * 1000
                x.rps = total.rps
                db_cell = f"{x.db_ms:.2f}" if database else "-"
                print(
                    f"| {name} | {way} | {total.rps:.1f} | {total.percentile(0.5):.1f} | {total.percentile(0.99):.1f}"
                    f" | {x.cpu_ms:.2f} | {db_cell} | {len(keys)} | {'yes' if keys == expected else 'NO'} | {by}"
                    f"{f' ({total.errors} errors)' if total.errors else ''} |",
                    flush=True,
                )
            if "postgraphile" in ways:
                pg = ways["postgraphile"]
                cells = [name]
                for way in ("engine", "ordinary"):
                    mine = ways[way]
                    cells += [
                        f"{mine.rps / pg.rps:.2f}",
                        f"{mine.cpu_ms / pg.cpu_ms:.2f}",
                        f"{(mine.cpu_ms + mine.db_ms) / (pg.cpu_ms + pg.db_ms):.2f}",
                    ]
                cells.append(f"{ways['engine'].rps / ways['floor'].rps:.2f}" if "floor" in ways else "-")
                ratios.append("| " + " | ".join(cells) + " |")
        if ratios:
            print(
                "\nAgainst PostGraphile (CPU: the server process's; CPU+DB: with its PostgreSQL backends'):\n\n"
                "| workload | engine req/s | engine CPU | engine CPU+DB | ordinary req/s | ordinary CPU"
                " | ordinary CPU+DB | engine req/s ÷ floor's |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            print("\n".join(ratios))
        rss = ", ".join(f"{way} {server.rss_mb():.0f} MB" for way, server in servers.items())
        print(f"\nserver RSS at the end: {rss}")
    finally:
        for server in [*servers.values(), floor]:
            server.stop()
        if database:
            await database.close()
    print(f"\nload average (1, 5 min) at the end: {os.getloadavg()[:2]}")


if __name__ == "__main__":
    asyncio.run(main())
