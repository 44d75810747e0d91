"""The performance suite's data: the same seeded company on SQLite and PostgreSQL, at any size.

    python bench/seed.py --leads 10000 --backend sqlite        # bench/.data/leads_10000.sqlite3
    python bench/seed.py --leads 1000000 --backend postgres    # database leadbox_bench_1000000
    python bench/seed.py --leads 100000 --database-url sqlite:///tmp/x.sqlite3 --prospects 200000

One big company (40 users, 6 teams, 12 labels, five lead custom fields as the inbox's
``values`` columns read them: a number, a single option with coloured options, a date, money
and text; plus a person and an organization custom field) holding ``--leads`` leads, about
one person a lead with emails and phones, one organization for four leads with an address,
labels (0-3 a lead), notes (about one a lead) and activities (about 1.5 a lead, some done,
some planned), and one deal for ten leads (``--deals``) in the stages of the default pipeline,
most open, some won, lost or deleted, each with an owner and a person (with the person's
organization) or an organization alone; a second, small company beside it; the Prospector add-on on, and
``--prospects`` person profiles from :mod:`domain.prospector.generator`.

How it stays fast and still right:

- The small things (companies, users, teams, labels, custom field definitions, tokens) are
  made through the domain functions (``create_company``, ``create_custom_field`` ...), so they
  are exactly what the app makes (bench/seed_company.py).
- The large tables are built as Python rows by :class:`bench.seed_generator.Generator` (``random.Random(seed)``:
  the same seed gives the same rows on both backends) and written in big transactions, with
  ``executemany`` through plain ``sqlite3`` (synchronous=OFF while loading) or asyncpg's
  ``copy_records_to_table`` (bench/seed_writers.py); the secondary indexes of those tables are
  dropped for the load and made again after it. Every derived column is filled by the domain's own rule:
  ``name_key``/``title_key`` by :func:`domain.contacts.duplicate.match_key`, a person's
  ``first_name``/``last_name`` by :func:`domain.contacts.person.split_name`, ``email_search`` and
  ``phone_search`` as :func:`domain.contacts.person.clean` makes them, one primary entry per contact
  list, custom values in the stored forms of :mod:`domain.columns.custom_value`, and a lead's
  ``next_activity_id``/``next_activity_date`` by the ordering of
  :func:`domain.next_activity.refresh_next_activity`; the other folded keys (addresses, job
  titles, text custom values) by :func:`bench.seed_writers.keyed_rows` from
  :data:`domain.fold.KEYS`; a deal's ``title_key`` by :func:`domain.fold.fold_key`, its
  ``won_at``/``lost_at``/``lost_reason`` as :func:`domain.deals.deal._status_changes` sets them
  for its status. tests/commands/test_bench_seed.py reads a seeded database back through the
  GraphQL API to prove it.
- Values are written in each backend's stored form, as tortoise writes them (on SQLite:
  timestamps as ISO text in UTC, UUIDs as text, money as text with two decimals).

A manifest (``<database>.json`` in bench/.data) keeps the tokens and ids the suite needs.

Measured on the shared 2-core development machine (Xeon 2.8 GHz; three other helpers running
test suites beside it, load average 4-6, so the generator had about half a core):

| leads | backend | company set-up | rows | indexes + ANALYZE | 100k prospects | total | size |
|---|---|---|---|---|---|---|---|
| 10,000 | SQLite | 5 s | 3.7 s | 0.6 s | 16 s | 26 s | 39 MB |
| 100,000 | SQLite | 6 s | 45 s | 6 s | - | 57 s | |
| 1,000,000 | SQLite | 7 s | 488 s | 98 s | 32 s | 625 s | 2.3 GB |
| 10,000 | PostgreSQL 15 | 5 s | 9 s | 1.4 s | 41 s | 57 s | |
| 1,000,000 | PostgreSQL 15 | 6 s | 674 s | 54 s | 23 s | 757 s | |

(The PostgreSQL 1M load ran beside the full test suite and a benchmark run, load average 4-5.)

At 1,000,000 leads: 250,050 organizations, 874,535 persons, 1,000,200 leads (200 in the small
company), 1,250,430 label links, 1,000,742 notes, 1,500,140 activities. Most of the row time
is Python building rows (random draws, timestamps, ISO text), not the database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

# Run from a checkout without installing: the repository root holds the packages.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_company import COLUMNS, make_company  # noqa: E402
from bench.seed_generator import Generator, Ids  # noqa: E402
from bench.seed_writers import (  # noqa: E402
    DEAL_COLUMNS,
    ORGANIZATION_COLUMNS,
    PostgresWriter,
    SqliteWriter,
    Writer,
    keyed_rows,
)
from core.db import close_db, fetch, init_db, is_postgres_url  # noqa: E402
from domain.prospector.credit import ensure_account  # noqa: E402
from domain.prospector.generator import generate_prospects  # noqa: E402
from models import AddOnState, Company, CreditAccount  # noqa: E402

DATA_DIR = ROOT / "bench" / ".data"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Manifest:
    """What the suite needs to know about a seeded database."""

    database_url: str
    leads: int
    seed: int
    now: str
    company_id: int
    admin_token: str
    regular_token: str
    other_token: str
    user_ids: list[int]
    team_ids: list[int]
    label_ids: list[int]
    columns: list[str]
    prospects: int
    deals: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text()))


# --- the rows ------------------------------------------------------------------------------------


async def _next_ids() -> Ids:
    async def top(table: str) -> int:
        rows = await fetch(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}")
        return int(rows[0]["top"]) + 1

    return Ids(
        organization=await top("organization"),
        person=await top("person"),
        link=await top("lead_label_link"),
        note=await top("note"),
        activity=await top("activity"),
        deal=await top("deal"),
    )


async def _write_company(writer: Writer, gen: Generator, report: dict[str, int], say: Any) -> None:
    for rows in gen.organization_rows():
        await writer.write("organization", *keyed_rows("organization", ORGANIZATION_COLUMNS, rows))
        report["organization"] = report.get("organization", 0) + len(rows)
    started, done = time.perf_counter(), 0
    for chunk in gen.lead_chunks():
        for table, columns, rows in chunk.tables():
            if rows:
                await writer.write(table, *keyed_rows(table, columns, rows))
                report[table] = report.get(table, 0) + len(rows)
        await writer.commit()
        done += len(chunk.leads)
        if done % 200_000 == 0:
            say(f"  {done:,} of {gen.leads:,} leads in {time.perf_counter() - started:.0f} s")
    for rows in gen.deal_rows():
        await writer.write("deal", DEAL_COLUMNS, rows)
        report["deal"] = report.get("deal", 0) + len(rows)
    await writer.commit()


# --- the whole run -------------------------------------------------------------------------------


async def create_pg_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` (C collation, as the tests use), dropping an
    old one of the same name."""
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    if not name.startswith("leadbox_bench_") and not name.startswith("leadbox_test_"):
        raise SystemExit(f"refusing to recreate {name!r}: benchmark databases are named leadbox_bench_*")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    finally:
        await admin.close()


async def seed(
    database_url: str,
    leads: int,
    *,
    seed: int = 1,
    prospects: int = 100_000,
    other_leads: int = 200,
    deals: int | None = None,
    now: dt.datetime | None = None,
    log: Any = None,
    connect: bool = True,
) -> Manifest:
    """Fill an empty database and return its manifest. ``connect`` makes this function open
    (creating and migrating the database) and close tortoise's connection itself; without it,
    tortoise must already be connected to ``database_url`` (as in the tests)."""
    say = log or (lambda message: None)
    # The data depends on "now" (dates spread around it, activities done or not against
    # today), so it is pinned to a day: seeded on the same day (or with the same --today),
    # SQLite and PostgreSQL hold the very same rows.
    now = now or dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), dt.UTC)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if connect:
        await init_db(database_url, create_db=True)
    try:
        big, admin_token, regular_token = await make_company("Bench Co", 40, 6, full=True)
        small, other_token, _ = await make_company("Small Co", 3, 1, full=False)
        for company_id in (big.company_id, small.company_id):
            await ensure_account(company_id)
            await CreditAccount.filter(company_id=company_id).update(add_on=AddOnState.ON)
        ids = await _next_ids()
        deals = leads // 10 if deals is None else deals
        # A company this size is on a plan that holds its open deals (the default cap is 1,000).
        await Company.filter(id=big.company_id).update(open_deals_limit=max(1000, 2 * deals))
    finally:
        if connect:
            await close_db()
    timings["setup"] = time.perf_counter() - started

    step = time.perf_counter()
    if is_postgres_url(database_url):
        writer: Writer = PostgresWriter(database_url)
    else:
        writer = SqliteWriter(database_url.split("://", 1)[1])
    await writer.open()
    report: dict[str, int] = {}
    await _write_company(writer, Generator(big, leads, seed, now, ids, deals), report, say)
    await _write_company(writer, Generator(small, other_leads, seed, now, ids), report, say)
    timings["rows"] = time.perf_counter() - step
    say("rows: " + ", ".join(f"{t} {n:,}" for t, n in report.items()) + f" in {timings['rows']:.1f} s")
    step = time.perf_counter()
    await writer.close()
    timings["indexes_analyze"] = time.perf_counter() - step
    say(f"indexes and ANALYZE in {timings['indexes_analyze']:.1f} s")

    step = time.perf_counter()
    if prospects:
        if connect:
            await init_db(database_url)
        try:
            await generate_prospects(prospects, seed=seed)
            await fetch("ANALYZE")
        finally:
            if connect:
                await close_db()
    timings["prospects"] = time.perf_counter() - step
    say(f"{prospects:,} prospect profiles in {timings['prospects']:.1f} s")
    timings["total"] = time.perf_counter() - started
    return Manifest(
        database_url=database_url,
        leads=leads,
        seed=seed,
        now=now.isoformat(),
        company_id=big.company_id,
        admin_token=admin_token,
        regular_token=regular_token,
        other_token=other_token,
        user_ids=big.user_ids,
        team_ids=big.team_ids,
        label_ids=big.label_ids,
        columns=COLUMNS,
        prospects=prospects,
        deals=deals,
        timings={k: round(v, 2) for k, v in timings.items()},
    )


def database_for(backend: str, leads: int, pg_server: str = DEFAULT_PG) -> str:
    """The benchmark database of a backend and size: a file in bench/.data, or leadbox_bench_<n>."""
    if backend == "sqlite":
        return f"sqlite://{DATA_DIR / f'leads_{leads}.sqlite3'}"
    parts = urlsplit(pg_server.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/leadbox_bench_{leads}"))


def manifest_path(database_url: str) -> Path:
    if is_postgres_url(database_url):
        return DATA_DIR / f"{urlsplit(database_url).path.lstrip('/')}.pg.json"
    return Path(database_url.split("://", 1)[1] + ".json")


async def fresh_seed(database_url: str, leads: int, **kwargs: Any) -> Manifest:
    """Remove what is there, seed anew, and save the manifest beside the database."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if is_postgres_url(database_url):
        await create_pg_database(database_url)
    else:
        path = Path(database_url.split("://", 1)[1])
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), manifest_path(database_url)):
            stale.unlink(missing_ok=True)
    manifest = await seed(database_url, leads, **kwargs)
    manifest.save(manifest_path(database_url))
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description="Fill a benchmark database with seeded leads.")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="instead of the backend's default database for the size")
    parser.add_argument("--pg-server", default=DEFAULT_PG, help="the PostgreSQL server for --backend postgres")
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--deals", type=int, help="deals of the big company (default: one for ten leads)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the data is made around (YYYY-MM-DD)")
    args = parser.parse_args()
    url = args.database_url or database_for(args.backend, args.leads, args.pg_server)
    manifest = asyncio.run(
        fresh_seed(
            url,
            args.leads,
            seed=args.seed,
            prospects=args.prospects,
            deals=args.deals,
            now=dt.datetime.combine(args.today, dt.time(), dt.UTC) if args.today else None,
            log=lambda m: print(m, flush=True),
        )
    )
    print(f"seeded {url}: " + ", ".join(f"{k} {v:.1f} s" for k, v in manifest.timings.items()))
    print(f"manifest: {manifest_path(url)}")


if __name__ == "__main__":
    main()
