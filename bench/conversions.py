"""How long deal → lead conversions take: 100 deals by ids, and a filter job over 10,000 deals.

    python bench/conversions.py                      # a fresh SQLite file in a temporary folder
    python bench/conversions.py --deals 2000         # smaller
    DATABASE_URL=postgresql://... python bench/conversions.py --database-url "$DATABASE_URL"

The database is filled fast with ``bulk_create`` (no rules run while seeding): one company,
persons and organizations, and ``--deals`` open deals in the default pipeline plus ``--ids``
more in a second pipeline, each deal with a note, one activity not done and one done. Then it
times, through the same code the API uses:

1. :func:`domain.deals.conversion.convert_deals_to_leads` on the ``--ids`` deals of the second pipeline;
2. the filter-wide job: :func:`jobs.deal_conversion.start_conversion_job` (the deal ids and the
   job's items) and a :class:`jobs.worker.Worker` running it to the end.

A PostgreSQL database named in ``--database-url`` must exist and be empty; it is left filled.

Measured on the 2-core development machine (single runs, defaults: 10,000 + 100 deals):

| backend | 100 deals by ids | filter job over 10,000 deals |
|---|---|---|
| SQLite | 0.66 s (6.6 ms a deal) | 76.6 s (7.6 ms a deal) |
| PostgreSQL 15, local | 1.12 s (11.2 ms a deal) | 145.5 s (14.4 ms a deal) |

A deal costs about 13 statements: the conversion's 10 and the job runner's 3 per item.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import close_db, init_db
from domain.accounts.account import create_company, create_user
from domain.deals.conversion import convert_deals_to_leads
from domain.deals.query import DealQuery
from domain.fold import fill_keys
from domain.viewer import viewer_for_user
from jobs.deal_conversion import start_conversion_job
from jobs.worker import Worker
from models import (
    Activity,
    Deal,
    DealStatus,
    Job,
    Lead,
    Note,
    Organization,
    Person,
    Pipeline,
    Role,
    Stage,
)

BATCH = 1000


async def seed(company_id: int, user_id: int, deals: int, extra: int) -> tuple[int, list[int]]:
    """Fill the company; return the default pipeline's id and the ids of the extra deals."""
    contacts = max(1, deals // 10)
    await Organization.bulk_create(
        [
            fill_keys(Organization(company_id=company_id, name=f"Org {i:05d}", owner_id=user_id))
            for i in range(contacts)
        ],
        batch_size=BATCH,
    )
    org_ids = await Organization.filter(company_id=company_id).order_by("id").values_list("id", flat=True)
    await Person.bulk_create(
        [
            fill_keys(
                Person(company_id=company_id, name=f"Person {i:05d}", organization_id=org_ids[i], owner_id=user_id)
            )
            for i in range(contacts)
        ],
        batch_size=BATCH,
    )
    person_ids = await Person.filter(company_id=company_id).order_by("id").values_list("id", flat=True)
    default = await Pipeline.get(company_id=company_id, is_default=True)
    first = await Stage.filter(pipeline_id=default.id).order_by("position").first()
    other = await Pipeline.create(company_id=company_id, name="By ids", position=1)
    other_stage = await Stage.create(pipeline_id=other.id, name="Start", position=0)
    assert first is not None

    def deal(i: int, pipeline_id: int, stage_id: int) -> Deal:
        return Deal(
            company_id=company_id,
            title=f"Deal {i:05d}",
            title_key=f"deal {i:05d}",
            value_amount=Decimal(1000 + i),
            value_currency="EUR",
            person_id=person_ids[i % contacts],
            organization_id=org_ids[i % contacts],
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            status=DealStatus.OPEN,
            owner_id=user_id,
            expected_close_date=dt.date(2030, 1, 1),
        )

    await Deal.bulk_create([deal(i, default.id, first.id) for i in range(deals)], batch_size=BATCH)
    await Deal.bulk_create([deal(deals + i, other.id, other_stage.id) for i in range(extra)], batch_size=BATCH)
    deal_ids = await Deal.filter(company_id=company_id).order_by("id").values_list("id", flat=True)
    await Note.bulk_create(
        [Note(company_id=company_id, deal_id=d, author_id=user_id, content="Called, interested.") for d in deal_ids],
        batch_size=BATCH,
    )
    await Activity.bulk_create(
        [
            Activity(
                company_id=company_id,
                deal_id=d,
                subject=subject,
                due_date=dt.date(2030, 1, 1),
                done=done,
                assignee_id=user_id,
                created_by_id=user_id,
            )
            for d in deal_ids
            for subject, done in (("Follow up", False), ("Intro call", True))
        ],
        batch_size=BATCH,
    )
    extra_ids = await Deal.filter(company_id=company_id, pipeline_id=other.id).order_by("id").values_list("id")
    return default.id, [row[0] for row in extra_ids]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=10_000, help="deals for the filter job (default 10000)")
    parser.add_argument("--ids", type=int, default=100, help="deals converted by ids (default 100, at most 100)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        url = args.database_url or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await init_db(url)
        try:
            company = await create_company("Bench")
            user = await create_user(company.id, "Bea Bench", "bea@bench.test", Role.ADMIN)
            viewer = await viewer_for_user(user.id)

            started = time.perf_counter()
            pipeline_id, extra_ids = await seed(company.id, user.id, args.deals, args.ids)
            backend = url.split(":")[0]
            print(f"seeded {args.deals + args.ids} deals in {time.perf_counter() - started:.1f} s ({backend})")

            started = time.perf_counter()
            outcomes = await convert_deals_to_leads(viewer, extra_ids)
            by_ids = time.perf_counter() - started
            assert all(o.lead is not None for o in outcomes), [o.errors for o in outcomes if o.errors][:3]
            each = by_ids / len(extra_ids) * 1000
            print(f"convert {len(extra_ids)} deals by ids: {by_ids:.2f} s ({each:.1f} ms a deal)")

            started = time.perf_counter()
            job = await start_conversion_job(viewer, DealQuery(pipeline_id=pipeline_id))
            created = time.perf_counter() - started
            await Worker().run_pending()
            total = time.perf_counter() - started
            job = await Job.get(id=job.id)
            assert (job.done, job.failed) == (args.deals, 0), (job.status, job.done, job.failed, job.error)
            print(
                f"filter job over {args.deals} deals: {total:.1f} s "
                f"(job created in {created:.2f} s, {(total - created) / args.deals * 1000:.1f} ms a deal)"
            )
            assert await Lead.filter(company_id=company.id).count() == args.deals + len(extra_ids)
        finally:
            await close_db()


if __name__ == "__main__":
    asyncio.run(main())
