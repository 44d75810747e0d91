"""How long typical Prospector searches take over a large generated prospect database.

    python bench/prospect_search.py                           # 1,000,000 persons, fresh SQLite file
    python bench/prospect_search.py --persons 200000          # smaller
    python bench/prospect_search.py --database-url postgresql://postgres@127.0.0.1/bench

The database is filled by the generator (domain.prospector.generator, seed 1: the same profiles
on both backends), then each search runs through :func:`domain.prospector.query.search_prospects`,
the code behind the ``prospects`` query: the page's statement and the "already bought"
statement, 50 rows a page. Two warm-up runs, then ``--runs`` timed runs; the median and the
slowest are reported, and the capped ``totalCount`` separately (it is computed only when a
client asks for it). A PostgreSQL database named in ``--database-url`` must exist; without
``--keep`` it must be empty, with ``--keep`` its profiles are searched as they are.

The searches:

1. sales leaders in Sweden: seniority DIRECTOR, VP or C_LEVEL, department SALES, country SE;
2. marketing managers at mid-size software companies: job title "marketing manager", industry
   Software, 51-500 employees;
3. engineers in Berlin, the second page: department ENGINEERING, city Berlin, after page one;
4. (organizations) large financial companies in Britain or Germany: industry Financial
   Services, revenue 100M-1B, country GB or DE.

Measured on the 2-core development machine (shared with other work, so noisy), 1,000,000
persons and 125,000 organizations, median / slowest of 15 runs, in milliseconds:

| search | SQLite page | SQLite totalCount | PostgreSQL 15 page | PostgreSQL totalCount |
|---|---|---|---|---|
| 1. sales leaders in Sweden (1,322 match) | 3.2 / 4.4 | 104 / 120 | 5.8 / 8.6 | 161 / 169 |
| 2. marketing managers, mid-size software (436) | 3.8 / 4.3 | 21 / 22 | 10.6 / 15.8 | 53 / 62 |
| 3. engineers in Berlin, page 2 (2,601) | 1.7 / 1.9 | 26 / 26 | 2.6 / 3.7 | 45 / 50 |
| 4. large financial orgs, GB or DE (153) | 4.3 / 4.8 | 10 / 10 | 7.8 / 9.7 | 6 / 7 |

Generating the database took 133 s on SQLite (an 823 MiB file) and 245 s on PostgreSQL
(1005 MB). Before the connection asked PostgreSQL for custom plans and SSD-priced random
reads (core/db.py), search 1 took 31-40 ms there.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import close_db, fetch, init_db, is_postgres
from domain.accounts.account import create_company
from domain.prospector.generator import generate_prospects
from domain.prospector.query import ProspectFilter, count_prospects, search_prospects
from models import Department, EmployeeRange, ProspectKind, ProspectPerson, RevenueRange, Seniority

PAGE = 50

SEARCHES: list[tuple[str, ProspectKind, ProspectFilter, bool]] = [
    (
        "sales leaders in Sweden",
        ProspectKind.PERSON,
        ProspectFilter(
            seniorities=[Seniority.DIRECTOR, Seniority.VP, Seniority.C_LEVEL],
            departments=[Department.SALES],
            countries=["SE"],
        ),
        False,
    ),
    (
        "marketing managers, mid-size software",
        ProspectKind.PERSON,
        ProspectFilter(
            job_title="marketing manager",
            industries=["Software"],
            employee_ranges=[EmployeeRange.EMPLOYEES_51_200, EmployeeRange.EMPLOYEES_201_500],
        ),
        False,
    ),
    (
        "engineers in Berlin, page 2",
        ProspectKind.PERSON,
        ProspectFilter(departments=[Department.ENGINEERING], cities=["Berlin"]),
        True,
    ),
    (
        "large financial orgs, GB or DE",
        ProspectKind.ORGANIZATION,
        ProspectFilter(
            industries=["Financial Services"],
            revenue_ranges=[RevenueRange.REVENUE_100M_500M, RevenueRange.REVENUE_500M_1B],
            countries=["GB", "DE"],
        ),
        False,
    ),
]


async def timed(work: Callable[[], Awaitable[Any]], runs: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(2):
        result = await work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


async def bench(url: str, persons: int, runs: int, keep: bool) -> None:
    await init_db(url, create_db=True)
    try:
        existing = await ProspectPerson.all().count()
        if existing and not keep:
            raise SystemExit(f"the database holds {existing} prospects already: empty it, or pass --keep")
        if not existing:
            started = time.monotonic()
            report = await generate_prospects(persons, seed=1, progress=_progress)
            print(
                f"\ngenerated {report.persons:,} persons and {report.organizations:,} organizations"
                f" in {time.monotonic() - started:.0f} s",
                flush=True,
            )
        total = await ProspectPerson.all().count()
        company = await create_company("Bench AB")
        backend = "PostgreSQL" if is_postgres() else "SQLite"
        print(f"\n{backend}, {total:,} persons, {PAGE} a page, median / slowest of {runs} runs (ms)\n")
        print(f"{'search':40} {'rows':>5} {'page':>16} {'totalCount':>16}")
        for name, kind, conditions, second_page in SEARCHES:
            after = None
            if second_page:
                first = await search_prospects(company.id, kind, conditions, PAGE, None)
                after = first.cursors[-1] if first.cursors else None

            async def page(
                kind: ProspectKind = kind, conditions: ProspectFilter = conditions, after: Any = after
            ) -> Any:
                return await search_prospects(company.id, kind, conditions, PAGE, after)

            async def count(kind: ProspectKind = kind, conditions: ProspectFilter = conditions) -> Any:
                return await count_prospects(kind, conditions)

            page_times, result = await timed(page, runs)
            count_times, counted = await timed(count, max(3, runs // 3))
            print(
                f"{name:40} {len(result.rows):>5} {_fmt(page_times):>16} {_fmt(count_times):>16}"
                f"  ({counted:,}{'+' if counted > 10_000 else ''} match)",
                flush=True,
            )
        if is_postgres():
            size = await fetch("SELECT pg_size_pretty(pg_database_size(current_database())) AS size")
            print(f"\ndatabase size: {size[0]['size']}")
    finally:
        await close_db()


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} / {max(times):.1f}"


def _progress(what: str, done: int, total: int) -> None:
    print(f"\r{what}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--keep", action="store_true", help="search the profiles already in the database")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(bench(args.database_url, args.persons, args.runs, args.keep))
        return
    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        asyncio.run(bench(f"sqlite://{path}", args.persons, args.runs, args.keep))
        print(f"database size: {path.stat().st_size / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
