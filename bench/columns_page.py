"""How much a page of the column-customised inbox costs: 50 leads, 15 columns (5 custom).

    python bench/columns_page.py                     # a fresh SQLite file in a temporary folder
    python bench/columns_page.py --leads 5000        # smaller
    DATABASE_URL=postgresql://... python bench/columns_page.py --database-url "$DATABASE_URL"

The database is filled fast with ``bulk_create`` (no rules run while seeding): one company with
8 users and 3 teams, ``--leads`` leads (default 20,000), each with its own person (with an
email) and organization, a label, a planned activity and five custom field values (number,
single option, date, money, user). Then the GraphQL app is asked, through its ASGI interface
with a real token, for the same page ``--runs`` times per scenario:

- the newest leads (the default sort), first page and the page after it (a keyset cursor);
- sorted by a custom number field;
- filtered on two custom fields (option is one of, number greater than);
- sorted by the linked person's name.

A PostgreSQL database named in ``--database-url`` must exist and be empty; it is left filled.

For each it prints the SQL statements of one request, the median time of the whole request
(GraphQL included) and the median time of the page query plus the values without GraphQL.

Measured on the 2-core development machine while other test suites and benchmarks ran on it
(load average 3 to 3.5, so every figure is about twice what an idle machine gives); 20,000
leads, 15 runs per scenario, medians:

| scenario | statements | SQLite: request / query + values | PostgreSQL 15: request / query + values |
|---|---|---|---|
| newest first, page 1 | 9 | 134 ms / 44 ms | 126 ms / 46 ms |
| newest first, page 2 (cursor) | 9 | 123 ms / 41 ms | 109 ms / 21 ms |
| sorted by a custom number | 9 | 164 ms / 94 ms | 166 ms / 88 ms |
| filtered on two custom fields | 9 | 88 ms / 37 ms | 163 ms / 83 ms |
| sorted by person name | 9 | 146 ms / 71 ms | 219 ms / 168 ms |

Most of a request is GraphQL itself: 50 rows of 15 typed values are 750 abstract values
and about 3,000 fields for graphql-core to complete. The page query sorted by a custom
number reads and sorts the JSON of all 20,000 leads (about 40 ms of SQL on SQLite); an index
on the expression would answer it at once, but it would have to be created per key, at run
time, for keys each company names for itself, so there is none.

The statements, whatever the page size: the token, the page, the custom field definitions, then
at once the persons, organizations, labels, next activities and owner teams, then the users.
A sort or filter on a custom field reads the JSON of every lead of the company (no index can
serve keys each company defines for itself), which is why those scenarios cost more; the values
of the page cost the same.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from core.config import Settings
from core.db import close_db, conn, init_db, is_postgres
from domain.accounts.account import create_company, create_team, create_token, create_user
from domain.columns.custom_field import OptionData, create_custom_field
from domain.columns.values import page_values
from domain.fold import fill_keys
from domain.leads.filter import group_from_json
from domain.leads.query import LeadQuery, SortDirection, find_leads
from domain.next_activity import refresh_next_activity
from domain.viewer import Viewer, viewer_for_user
from loaders import make_loaders
from models import (
    Activity,
    CustomFieldEntity,
    CustomFieldType,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
    Role,
)

BATCH = 1000
COLUMNS = [
    "lead.title",
    "lead.value",
    "lead.owner",
    "lead.labels",
    "lead.source",
    "lead.activityStatus",
    "lead.createdAt",
    "person.name",
    "person.email",
    "organization.name",
    "cf.lead.fleet",
    "cf.lead.tier",
    "cf.lead.decide_on",
    "cf.lead.budget",
    "cf.lead.manager",
]
PAGE = """
query ($first: Int!, $after: String, $columns: [String!], $filter: LeadFilter, $sort: LeadSort) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { id values(columns: $columns) {
      __typename column display
      ... on OptionValue { id color }
      ... on UserValue { user { id name } }
      ... on TeamValue { team { id name } }
      ... on LabelsValue { labels { name color } }
    } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SCENARIOS: dict[str, dict[str, Any]] = {
    "newest first, page 1": {},
    "newest first, page 2 (cursor)": {"page": 2},
    "sorted by a custom number": {"sort": {"column": "cf.lead.fleet", "direction": "DESC"}},
    "filtered on two custom fields": {
        "filter": {
            "conditions": {
                "conditions": [
                    {"column": "cf.lead.tier", "operator": "IS_ONE_OF", "values": [1, 2]},
                    {"column": "cf.lead.fleet", "operator": "GREATER_THAN", "value": 50},
                ]
            }
        }
    },
    "sorted by person name": {"sort": {"column": "person.name", "direction": "ASC"}},
}


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        statement = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if isinstance(statement, str) and statement.lstrip().upper().startswith(
            ("SELECT", "INSERT", "UPDATE", "DELETE")
        ):
            self.count += 1


async def seed(company_id: int, users: list[int], teams: list[int], count: int) -> None:
    today = dt.datetime.now(dt.UTC).date()
    await Organization.bulk_create(
        [
            fill_keys(Organization(company_id=company_id, name=f"Org {i:06d}", owner_id=users[i % len(users)]))
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    org_ids = await Organization.filter(company_id=company_id).order_by("id").values_list("id", flat=True)
    await Person.bulk_create(
        [
            fill_keys(
                Person(
                    company_id=company_id,
                    name=f"Person {(i * 7919) % count:06d}",
                    emails=[{"value": f"p{i}@bench.test", "label": "work", "primary": True}],
                    email_search=f"p{i}@bench.test",
                    organization_id=org_ids[i],
                    owner_id=users[i % len(users)],
                )
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    person_ids = await Person.filter(company_id=company_id).order_by("id").values_list("id", flat=True)
    labels = await LeadLabel.filter(company_id=company_id).values_list("id", flat=True)
    lead_ids = [uuid.uuid4() for _ in range(count)]
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    await Lead.bulk_create(
        [
            fill_keys(
                Lead(
                    id=lead_id,
                    company_id=company_id,
                    title=f"Lead {i:06d}",
                    person_id=person_ids[i],
                    organization_id=org_ids[i],
                    owner_user_id=users[i % len(users)] if i % 4 else None,
                    owner_team_id=None if i % 4 else teams[i % len(teams)],
                    value_amount=Decimal(100 + i % 5000),
                    value_currency="EUR",
                    source=LeadSource.MANUAL,
                    created_by_id=users[0],
                    custom_fields={
                        "fleet": i % 97,
                        "tier": i % 3 + 1,
                        "decide_on": (today + dt.timedelta(days=i % 365)).isoformat(),
                        "budget": {"amount": f"{i % 1000}.00", "currency": "EUR"},
                        "manager": users[(i + 3) % len(users)],
                    },
                )
            )
            for i, lead_id in enumerate(lead_ids)
        ],
        batch_size=BATCH,
    )
    # bulk_create stamps every row with the same moment: spread them so "newest first" means something.
    for start in range(0, count, BATCH):
        chunk = lead_ids[start : start + BATCH]
        await Lead.filter(id__in=chunk).update(created_at=created + dt.timedelta(minutes=start // BATCH))
    await LeadLabelLink.bulk_create(
        [LeadLabelLink(lead_id=lead_id, label_id=labels[i % len(labels)]) for i, lead_id in enumerate(lead_ids)],
        batch_size=BATCH,
    )
    await Activity.bulk_create(
        [
            Activity(
                company_id=company_id,
                lead_id=lead_id,
                subject=f"Call {i}",
                due_date=today + dt.timedelta(days=i % 9 - 3),
            )
            for i, lead_id in enumerate(lead_ids)
        ],
        batch_size=BATCH,
    )
    for start in range(0, count, BATCH):
        await refresh_next_activity(lead_ids[start : start + BATCH])


async def measure(
    client: httpx.AsyncClient, token: str, scenario: dict[str, Any], runs: int, counter: Counter
) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}"}
    variables: dict[str, Any] = {
        "first": 50,
        "columns": COLUMNS,
        "filter": scenario.get("filter"),
        "sort": scenario.get("sort"),
    }
    if scenario.get("page") == 2:
        first = (await client.post("/graphql", json={"query": PAGE, "variables": variables}, headers=headers)).json()
        variables["after"] = first["data"]["leads"]["pageInfo"]["endCursor"]
    times = []
    statements = 0
    for _ in range(runs):
        counter.count = 0
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": PAGE, "variables": variables}, headers=headers)
        times.append(time.perf_counter() - started)
        body = response.json()
        assert not body.get("errors"), body["errors"]
        edges = body["data"]["leads"]["edges"]
        assert len(edges) == 50 and all(len(e["node"]["values"]) == 15 for e in edges)
        statements = counter.count
    return statements, statistics.median(times) * 1000


async def measure_domain(viewer: Viewer, scenario: dict[str, Any], runs: int) -> float:
    """The same page without GraphQL: the page query and page_values, with fresh loaders each time."""
    sort = scenario.get("sort") or {}
    conditions = (scenario.get("filter") or {}).get("conditions")
    query = LeadQuery(
        sort_column=sort.get("column"),
        direction=SortDirection(sort.get("direction", "DESC")),
        conditions=group_from_json(conditions) if conditions else None,
    )
    after = None
    if scenario.get("page") == 2:
        after = (await find_leads(viewer, query, 50, None)).cursors[-1]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        loaders = make_loaders(viewer)
        page = await find_leads(viewer, query, 50, after, now=now)
        rows = await page_values(viewer, page.leads, COLUMNS, loaders, now)
        times.append(time.perf_counter() - started)
        assert len(rows) == 50
    return statistics.median(times) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=20_000, help="leads in the inbox (default 20000)")
    parser.add_argument("--runs", type=int, default=15, help="requests per scenario (default 15)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="leadbox-bench-") as folder:
        url = args.database_url or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await init_db(url)
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
            # Fresh statistics, as a database that has lived a while has them (autovacuum on
            # PostgreSQL): the planner must know the leads are many to pick the sort's index.
            await conn().execute_script("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
            backend = url.split(":")[0]
            print(f"seeded {args.leads} leads in {time.perf_counter() - started:.1f} s ({backend})")
            token = await create_token(admin.id, app=True)

            app = create_app(Settings(database_url=url), manage_db=False, run_worker=False)
            logger = logging.getLogger("tortoise.db_client")
            counter = Counter()
            logger.setLevel(logging.DEBUG)
            logger.addHandler(counter)
            logger.propagate = False
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
                print(
                    f"a page of 50 leads, {len(COLUMNS)} columns ({sum(c.startswith('cf.') for c in COLUMNS)} custom):"
                )
                print(f"  {'':<32} statements  request (median)  of which query + values")
                for name, scenario in SCENARIOS.items():
                    statements, median = await measure(client, token, scenario, args.runs, counter)
                    domain = await measure_domain(viewer, scenario, args.runs)
                    print(f"  {name:<32} {statements:>10}  {median:12.1f} ms  {domain:17.1f} ms")
        finally:
            await close_db()


if __name__ == "__main__":
    asyncio.run(main())
