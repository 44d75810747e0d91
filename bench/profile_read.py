"""A read-engine request in process, timed and profiled: where a request's CPU goes.

    python bench/profile_read.py --database-url sqlite:///abs/bench/.data/leads_10000.sqlite3 --only W7
    python bench/profile_read.py --database-url ... --only Q1 --texts 1 --profile 30

The real app (``create_app``, as bench/read_engine.py serves it, rate limits out of reach) is
called as an ASGI application, with no server or socket between: each workload of
bench/read_engine.py is sent ``--requests`` times, each request with a fresh text (``--texts 1``:
one text throughout). Printed: CPU milliseconds a request (process time), and with
``--profile N`` the N costliest functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.read_engine_workloads import workloads  # noqa: E402
from bench.seed import Manifest, manifest_path  # noqa: E402
from bench.servers import UNLIMITED, server_app  # noqa: E402

# Parts of a request, by the function that does each (cumulative time; parts may nest).
PARTS = {
    "whole request (ASGI app)": ("starlette/applications.py", "__call__"),
    "strawberry Schema.execute": ("strawberry/schema/schema.py", "execute"),
    "get_context (authentication)": ("app.py", "get_context"),
    "text cache (schema/parsing.py)": ("schema/parsing.py", "parse"),
    "  token key (schema/tokens.py)": ("schema/tokens.py", "read"),
    "parse (parser cache miss)": ("graphql/language/parser.py", "parse"),
    "validation (graphql-core rules)": ("graphql/validation/validate.py", "validate"),
    "document shape (schema/shape.py)": ("schema/shape.py", "shape"),
    "input guard": ("schema/input_guard.py", "on_execute"),
    "cost limiter (whole)": ("schema/limits.py", "on_execute"),
    "  requested cost": ("schema/cost.py", "requested"),
    "  actual cost": ("schema/cost.py", "actual"),
    "  rate-limit charge": ("core/rate_limit.py", "charge"),
    "  rate-limit refund": ("core/rate_limit.py", "refund"),
    "read engine (whole)": ("fastpath/extension.py", "_answer"),
    "  plan lookup": ("fastpath/plans.py", "entry"),
    "  plan compilation": ("fastpath/operation.py", "compile_operation"),
    "  variable coercion": ("graphql/execution/values.py", "get_variable_values"),
    "  answer (statements + writers)": ("fastpath/operation.py", "answer"),
    "ordinary execution (graphql-core)": ("graphql/execution/execute.py", "execute"),
    "JSON encoding": ("app.py", "encode_json"),
    "request log middleware": ("core/request_log.py", "__call__"),
}


async def call(app: Any, body: bytes, token: str) -> tuple[int, dict[str, str], bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"x"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status, headers, chunks = 0, {}, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update({k.decode(): v.decode() for k, v in message["headers"]})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--only", default="Q1,W7,W8,W9")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--texts", type=int, default=0, help="distinct texts (0: one per request)")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--engine", type=int, default=1)
    parser.add_argument(
        "--wall", action="store_true", help="profile wall time (default: CPU time, waits on the database not counted)"
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "LEADBOX_COMPILED_OPERATIONS": str(args.engine),
            **UNLIMITED,
        }
    )

    app = server_app()
    m = Manifest.load(manifest_path(args.database_url))
    texts = args.texts or args.requests
    async with app.router.lifespan_context(app):
        for w in workloads(m, texts + 50).values():
            if w.key not in args.only.split(","):
                continue
            bodies = [orjson.dumps({"query": w.texts(n), "variables": w.variables[0]}) for n in range(texts + 50)]
            for body in bodies[texts : texts + 20]:  # warm-up, texts not used below
                status, headers, raw = await call(app, body, w.token)
            assert status == 200 and b'"errors"' not in raw, raw[:500]
            way = headers.get("x-leadbox-execution", "ordinary")
            timer = time.perf_counter if args.wall else time.process_time
            profiler = cProfile.Profile(timer) if args.profile else None
            start = time.process_time()
            if profiler:
                profiler.enable()
            for i in range(args.requests):
                await call(app, bodies[i % texts], w.token)
            if profiler:
                profiler.disable()
            cpu = (time.process_time() - start) / args.requests * 1000
            print(f"{w.key}: {cpu:.2f} ms CPU a request ({way}, {args.requests} requests, {texts} texts)", flush=True)
            if profiler:
                stats = pstats.Stats(profiler)
                stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.profile)
                print(f"{w.key}: the pipeline's parts, cumulative ms a request (profiled, so inflated):")
                for label, (file, name) in PARTS.items():
                    spent = sum(
                        cumulative
                        # The raw table: typeshed does not declare Stats.stats, which pstats fills and reads.
                        for (path, _, function), (_, _, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
                        if path.endswith(file) and function == name
                    )
                    print(f"  {label:<40} {spent / args.requests * 1000:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
