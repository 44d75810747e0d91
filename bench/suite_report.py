"""bench/suite.py's report: what each run measured, as markdown tables (one a backend and size,
and the scaling of p50 with size), with the machine it ran on; written to BENCHMARKS.md."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import sqlite3
import statistics
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.http_load import Run

WORKLOAD_NAMES = {
    "Q1": "inbox, 100 leads x 20 columns",
    "Q2": "owner + label + value range, custom sort",
    "Q3": "next page by cursor",
    "Q4": "Q1 with totalCount",
    "Q5": "10 leads with notes and activities",
    "Q6": "Prospector search, 50 profiles",
    "floor": "Q1 floor: one SQL statement, plain Starlette",
}


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
