"""How long selections and the lead-status board take over a large company.

    python bench/lead_status_board.py                     # a fresh SQLite file in a temporary folder
    python bench/lead_status_board.py --persons 5000      # smaller
    python bench/lead_status_board.py --database-url postgresql://...   # an existing, empty database

The database is filled fast with ``bulk_create`` (no rules run while seeding): one company,
``--persons`` persons in organizations of 25 persons each; 40 % of the organizations are Lead,
20 % Marketing qualified lead, 20 % Customer and 20 % have no category; each person holds one of
the default statuses (a customer's is hidden). Then it times, through the code the API uses:

1. the board of a dynamic selection of everyone: the counts, and every column's first 20 persons;
2. a further page of one column;
3. a dynamic selection "category group is Potential customer and status is not Disqualified":
   its first page of 50 members and its count;
4. saving a static selection of the same criteria (one INSERT ... SELECT);
5. moving one organization into a Lead category (its persons start at Open, each logged).

On PostgreSQL it runs ANALYZE after seeding, as autovacuum would: without statistics the
planner picks nested loops and the selection queries take 1.5 s instead of 50 ms.

Measured on the 2-core development machine (single runs, 50,000 persons, 2,000 organizations):

| step | SQLite | PostgreSQL 15, local |
|---|---|---|
| board: counts of every column | 58 ms | 36 ms |
| board: first 20 of every column (one window) | 340 ms | 118 ms |
| board: next 20 of one column | 104 ms | 44 ms |
| dynamic selection: first 50 members | 84 ms | 53 ms |
| dynamic selection: count | 70 ms | 27 ms |
| static selection: save 24,000 members | 204 ms | 605 ms |
| organization into Lead: 25 persons start at Open | 23 ms | 15 ms |

The board and dynamic selections scan the company's persons (the visible status is computed
through the organization's category and group, which no index holds); a first page sorts each
column by name.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import close_db, conn, init_db, is_postgres
from domain.accounts.account import create_company, create_user
from domain.contacts.board import board_columns, column_page, first_pages
from domain.contacts.organization import update_organization
from domain.contacts.selection import SelectionData, count_members_of, create_selection, find_members_of
from domain.contacts.selection_criteria import Condition, SelectionField, SelectionOperator
from domain.fold import fill_keys
from domain.viewer import viewer_for_user
from models import Category, CategoryGroup, LeadStatus, Organization, Person, Role, SelectionEntity, SelectionKind


async def seed(company_id: int, owner_id: int, persons: int) -> None:
    categories = {c.name: c.id for c in await Category.filter(company_id=company_id)}
    statuses = [s.id for s in await LeadStatus.filter(company_id=company_id).order_by("position")]
    plan = ["Lead", "Lead", "Marketing qualified lead", "Customer", None]
    organizations = [
        fill_keys(
            Organization(
                company_id=company_id,
                name=f"Organization {i:06}",
                name_key=f"organization {i:06}",
                owner_id=owner_id,
                category_id=categories[kind] if (kind := plan[i % 5]) else None,
            )
        )
        for i in range((persons + 24) // 25)
    ]
    await Organization.bulk_create(organizations, batch_size=1000)
    org_ids = [o.id for o in await Organization.filter(company_id=company_id).order_by("id").only("id")]
    batch: list[Person] = []
    for i in range(persons):
        name = f"Person {i:07}"
        batch.append(
            fill_keys(
                Person(
                    company_id=company_id,
                    name=name,
                    name_key=name.lower(),
                    organization_id=org_ids[i // 25],
                    owner_id=owner_id,
                    lead_status_id=statuses[i % len(statuses)],
                    email_search=f"p{i}@example.test",
                )
            )
        )
        if len(batch) == 5000:
            await Person.bulk_create(batch)
            batch = []
    if batch:
        await Person.bulk_create(batch)


T = TypeVar("T")


async def timed(label: str, work: Awaitable[T]) -> T:
    start = time.perf_counter()
    result = await work
    print(f"{label:<58} {1000 * (time.perf_counter() - start):9.1f} ms")
    return result


async def main(database_url: str, persons: int) -> None:
    await init_db(database_url, create_db=True)
    try:
        company = await create_company("Bench")
        user = await create_user(company.id, "Bench Admin", "bench@example.test", Role.ADMIN)
        viewer = await viewer_for_user(user.id)
        started = time.perf_counter()
        await seed(company.id, user.id, persons)
        print(f"seeded {persons} persons in {time.perf_counter() - started:.1f} s")
        if is_postgres():
            # Statistics, as autovacuum would gather them after a bulk load.
            await conn().execute_script("ANALYZE")
        now = dt.datetime.now(dt.UTC)

        everyone = await create_selection(
            viewer, SelectionData("Everyone", SelectionEntity.PERSON, SelectionKind.DYNAMIC), now=now
        )
        columns = await timed("board: counts of every column", board_columns(viewer, everyone, now=now))
        pages = await timed("board: first 20 of every column (one window)", first_pages(viewer, everyone, 20, now=now))
        assert sum(c.count for c in columns) == persons
        open_id = next(c.key for c in columns if c.status and c.status.name == "Open")
        after = pages[open_id].cursors[-1]
        await timed("board: next 20 of one column", column_page(viewer, everyone, open_id, 20, after, now=now))

        group = await CategoryGroup.get(company_id=company.id, name="Potential customer")
        disqualified = await LeadStatus.get(company_id=company.id, name="Disqualified")
        conditions = [
            Condition(SelectionField.CATEGORY_GROUP, SelectionOperator.IS_ONE_OF, ids=(group.id,)),
            Condition(SelectionField.LEAD_STATUS, SelectionOperator.IS_NOT_ONE_OF, ids=(disqualified.id,)),
        ]
        dynamic = await create_selection(
            viewer, SelectionData("Prospects", SelectionEntity.PERSON, SelectionKind.DYNAMIC, conditions), now=now
        )
        await timed("dynamic selection: first 50 members", find_members_of(viewer, [(dynamic, 50, None)], now=now))
        (total,) = await timed("dynamic selection: count", count_members_of(viewer, [dynamic], now=now))
        await timed(
            f"static selection: save {total} members",
            create_selection(
                viewer, SelectionData("Snapshot", SelectionEntity.PERSON, SelectionKind.STATIC, conditions), now=now
            ),
        )
        customer_org = await Organization.filter(company_id=company.id, category__name="Customer").first()
        lead = await Category.get(company_id=company.id, name="Lead")
        assert customer_org is not None
        await timed(
            "organization into Lead: 25 persons start at Open",
            update_organization(viewer, customer_org.id, {"category_id": lead.id}),
        )
    finally:
        await close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(main(args.database_url, args.persons))
    else:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(main(f"sqlite://{Path(folder) / 'bench.sqlite3'}", args.persons))
