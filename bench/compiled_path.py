"""The inbox workloads (Q1-Q5 of bench/workloads.py) by the ordinary execution and by the compiled path.

    python bench/compiled_path.py                      # a fresh SQLite file, 20,000 leads
    python bench/compiled_path.py --leads 5000 --profile
    python bench/compiled_path.py --database-url postgresql://postgres@127.0.0.1:5432/<empty database>

Seeds with bench/columns_page.py's ``seed`` (one company, 8 users, 3 teams, each lead with its
own person, organization, label, planned activity and five custom field values), then sends each
workload through the ASGI app in-process (httpx's ASGI transport, no network) to two apps on the
same database: one with the compiled path, one with ``compiled_operations=False``. For each it
prints the statements of one request, the median time of ``--runs`` sequential requests by each
path, and checks the two bodies are the same bytes. Then 8 concurrent clients send Q1 to the
compiled app (``--concurrent`` requests in all): requests/s and p50/p99 latency. The client runs
in the same process and on the same core as the server, so these are lower bounds of what a
server process gives. ``--profile`` prints cProfile's top functions of the compiled Q1.

Measured on the shared 2-core machine while three other helpers ran test suites and benchmarks
(load average 4 to 6 throughout: every figure is several times an idle machine's, read the ratios);
20,000 leads, 100 rows a page, the INBOX document's 20 fields with 5 custom values each, 30 runs:

| workload (median of sequential requests) | SQLite: ordinary / compiled | PostgreSQL 15: ordinary / compiled |
|---|---|---|
| Q1 first page | 363 ms (10 statements) / 65 ms (4) | 364 ms (10) / 72 ms (4) |
| Q2 owner + label + value filter, custom sort | 359 ms (9) / 168 ms (4) | 266 ms (9) / 174 ms (4) |
| Q3 next page by cursor | 353 ms (10) / 63 ms (4) | 523 ms (10) / 83 ms (4) |
| Q4 first page + totalCount | 409 ms (11) / 80 ms (5) | 448 ms (11) / 83 ms (5) |
| Q5 lead detail, 10 leads with notes and activities | 25 ms (7) / 6.4 ms (4) | not measured |

(A second SQLite run: Q1 421 / 74 ms, Q2 407 / 130 ms, Q3 299 / 51 ms, Q4 343 / 70 ms.)

Q1 over HTTP, one uvicorn process, 8 keep-alive connections from this script, 10-15 s:

| server | SQLite | PostgreSQL 15 |
|---|---|---|
| floor (page SQL + orjson) | 42 / 58 req/s, p50 186 / 129 ms, p99 386 / 225 ms | 70 req/s, p50 108, p99 233 ms |
| compiled path | 16 / 25 req/s, p50 513 / 312 ms, p99 798 / 619 ms | 19 req/s, p50 393 ms, p99 756 ms |
| ordinary | 2 / 3 req/s, p50 4069 / 2458 ms, p99 4736 / 2794 ms | 3 req/s, p50 2700 ms, p99 3774 ms |

(SQLite: two runs, load average 4.8 and 3.2.) So the compiled path answers Q1 5-6 times faster than
the ordinary execution and serves 6-8 times the requests per second, but on this loaded machine it
reaches 27-43% of the floor's requests per second, short of the 50% issue 7 asks, and its p99 is
far above 50 ms; the same ratio on an idle machine is still to be measured.
Q2's time is mostly its SQL (the custom-field sort reads the JSON of all 20,000 leads).

Where the compiled Q1's time goes (cProfile and timers around each phase, SQLite, 100 rows): the
page statement about a third (sqlite, the aiosqlite thread hop, tortoise making 100 dicts of 60
columns), the records about a quarter (tortoise's converters: datetimes, decimals, the JSON of custom
fields and contact lists, UUIDs, enums), the values' cells a sixth (domain.columns.values, display
strings), the generated writers a fifth (global ids, isoformat), orjson 1-2%. The three other
statements (token, custom field definitions, the users the manager field names) cost a thread hop each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from app import create_app
from bench.columns_page import Counter, seed
from bench.workloads import INBOX, INBOX_COUNT, LEAD_DETAIL
from core.config import Settings
from core.db import close_db, conn, init_db, is_postgres
from core.ids import to_global_id
from domain.accounts.account import create_company, create_team, create_token, create_user
from domain.columns.custom_field import OptionData, create_custom_field
from domain.leads.query import LeadQuery, find_lead_rows
from domain.viewer import viewer_for_user
from fastpath.extension import EXECUTION_HEADER
from fastpath.records import page_select
from models import CustomFieldEntity, CustomFieldType, LeadLabel, Role

COLUMNS = ["cf.lead.fleet", "cf.lead.tier", "cf.lead.decide_on", "cf.lead.budget", "cf.lead.manager"]
FIRST = 100


def workloads(users: list[str], labels: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    base = {"first": FIRST, "after": None, "filter": None, "sort": None, "columns": COLUMNS}
    return {
        "Q1 first page": (INBOX, base),
        "Q2 filter + custom sort": (
            INBOX,
            {
                **base,
                "filter": {
                    "ownerIds": users[:4],
                    "labelIds": labels[:2],
                    "conditions": {
                        "conditions": [{"column": "lead.value", "operator": "BETWEEN", "values": [500, 4000]}]
                    },
                },
                "sort": {"column": "cf.lead.fleet", "direction": "DESC"},
            },
        ),
        "Q3 next page by cursor": (INBOX, {**base, "after": "page-2"}),
        "Q4 first page + totalCount": (INBOX_COUNT, base),
        "Q5 lead detail, 10 leads": (LEAD_DETAIL, {"first": 10, "after": None, "filter": None}),
    }


async def post(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]) -> httpx.Response:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text[:500]
    return response


async def median_ms(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any], runs: int, counter: Counter
) -> tuple[float, int, bytes, bool]:
    await post(client, token, query, variables)  # warm-up
    times = []
    body = b""
    compiled = False
    for _ in range(runs):
        counter.count = 0
        started = time.perf_counter()
        response = await post(client, token, query, variables)
        times.append(time.perf_counter() - started)
        body = response.content
        compiled = response.headers.get(EXECUTION_HEADER) == "compiled"
    return statistics.median(times) * 1000, counter.count, body, compiled


async def concurrent(client: httpx.AsyncClient, token: str, variables: dict[str, Any], total: int) -> str:
    latencies: list[float] = []
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await post(client, token, INBOX, variables)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(8)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return f"{len(latencies) / elapsed:.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"


def floor_app() -> Any:
    """The floor: one SQL statement (the same page statement) and orjson on plain Starlette, for
    the user in ``BENCH_USER_ID``; served by uvicorn in ``--http`` mode."""

    state: dict[str, Any] = {}

    async def page(_: Any) -> Response:
        rows = await find_lead_rows(state["viewer"], LeadQuery(), FIRST, None, extra=page_select())
        return Response(orjson.dumps(rows.rows, default=str), media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        await init_db(os.environ["DATABASE_URL"], shared=True)
        state["viewer"] = await viewer_for_user(int(os.environ["BENCH_USER_ID"]))
        yield
        await close_db()

    return Starlette(routes=[Route("/graphql", page, methods=["POST"])], lifespan=lifespan)


async def http_load(port: int, token: str, body: bytes, seconds: float, connections: int = 8) -> str:
    """``connections`` keep-alive clients posting ``body`` for ``seconds``: requests/s, p50, p99."""
    request = (
        f"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    sizes: set[int] = set()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
            )
            sizes.add(len(await reader.readexactly(length)))
            latencies.append(time.perf_counter() - started)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    return f"{len(latencies) / elapsed:6.0f} requests/s, p50 {p50:6.1f} ms, p99 {p99:6.1f} ms ({max(sizes)} bytes)"


async def serve_and_load(target: str, env: dict[str, str], port: int, token: str, body: bytes, seconds: float) -> str:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", target, "--factory", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.2)
        await http_load(port, token, body, 2)  # warm-up
        return await http_load(port, token, body, seconds)
    finally:
        server.terminate()
        server.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--concurrent", type=int, default=400, help="Q1 requests by 8 concurrent clients")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--profile", action="store_true", help="cProfile the compiled Q1")
    parser.add_argument(
        "--http", type=float, default=0, help="seconds of Q1 load by 8 connections on a uvicorn server per path"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        url = args.database_url or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await init_db(url, create_db=True)
        try:
            company = await create_company("Bench")
            admin = await create_user(company.id, "Bea Bench", "bea@bench.test", Role.ADMIN)
            users = [admin.id] + [
                (await create_user(company.id, f"Seller {i}", f"s{i}@bench.test", Role.REGULAR)).id for i in range(7)
            ]
            teams = [(await create_team(company.id, f"Team {i}", users[i::3])).id for i in range(3)]
            viewer = await viewer_for_user(admin.id)
            for kind, key, options in (
                (CustomFieldType.NUMBER, "fleet", []),
                (CustomFieldType.SINGLE_OPTION, "tier", ["Gold", "Silver", "Bronze"]),
                (CustomFieldType.DATE, "decide_on", []),
                (CustomFieldType.MONETARY, "budget", []),
                (CustomFieldType.USER, "manager", []),
            ):
                await create_custom_field(
                    viewer,
                    CustomFieldEntity.LEAD_DEAL,
                    key.title(),
                    kind,
                    key=key,
                    options=[OptionData(o) for o in options],
                )
            started = time.perf_counter()
            await seed(company.id, users, teams, args.leads)
            await conn().execute_script("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
            print(f"seeded {args.leads} leads in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
            token = await create_token(admin.id, app=True)

            label_ids = [
                to_global_id("LeadLabel", i)
                for i in await LeadLabel.filter(company_id=company.id).values_list("id", flat=True)
            ]
            user_ids = [to_global_id("User", u) for u in users]

            logger = logging.getLogger("tortoise.db_client")
            counter = Counter()
            logger.setLevel(logging.DEBUG)
            logger.addHandler(counter)
            logger.propagate = False
            compiled_app = create_app(Settings(database_url=url), manage_db=False, run_worker=False)
            ordinary_app = create_app(
                Settings(database_url=url, compiled_operations=False), manage_db=False, run_worker=False
            )
            base = "http://bench.test"
            async with (
                httpx.AsyncClient(transport=httpx.ASGITransport(app=compiled_app), base_url=base) as fast,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=ordinary_app), base_url=base) as slow,
            ):
                print(f"{'':<28} {'ordinary':>10} {'stmts':>5} {'compiled':>10} {'stmts':>5}  same bytes")
                for name, (query, variables) in workloads(user_ids, label_ids).items():
                    if variables["after"] == "page-2":
                        first = (await post(slow, token, query, {**variables, "after": None})).json()
                        variables = {**variables, "after": first["data"]["leads"]["pageInfo"]["endCursor"]}
                    slow_ms, slow_n, slow_body, _ = await median_ms(slow, token, query, variables, args.runs, counter)
                    fast_ms, fast_n, fast_body, compiled = await median_ms(
                        fast, token, query, variables, args.runs, counter
                    )
                    assert compiled, name
                    same = slow_body == fast_body
                    print(f"{name:<28} {slow_ms:8.1f} ms {slow_n:>5} {fast_ms:8.1f} ms {fast_n:>5}  {same}")
                q1 = workloads(user_ids, label_ids)["Q1 first page"][1]
                print("Q1, 8 concurrent clients, compiled:", await concurrent(fast, token, q1, args.concurrent))
                if args.http:
                    body = orjson.dumps({"query": INBOX, "variables": q1})
                    env = {"DATABASE_URL": url, "BENCH_USER_ID": str(admin.id)}
                    for name, target, more in (
                        ("floor", "bench.compiled_path:floor_app", {}),
                        ("compiled", "app:create_app", {"LEADBOX_COMPILED_OPERATIONS": "1"}),
                        ("ordinary", "app:create_app", {"LEADBOX_COMPILED_OPERATIONS": "0"}),
                    ):
                        found = await serve_and_load(target, {**env, **more}, 8765, token, body, args.http)
                        print(f"Q1 over HTTP, 8 connections, {name:<9} {found}")
                if args.profile:
                    profile = cProfile.Profile()
                    profile.enable()
                    for _ in range(args.runs):
                        await post(fast, token, INBOX, q1)
                    profile.disable()
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        finally:
            await close_db()


if __name__ == "__main__":
    asyncio.run(main())
