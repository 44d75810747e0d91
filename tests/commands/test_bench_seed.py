"""The benchmark generator (bench/seed.py) writes what the app itself would write.

A small database is seeded through the generator on each backend, then read back: through the
real GraphQL API with the suite's own documents (bench/workloads.py), and against the domain's
rules recomputed from the stored rows (match keys, search columns, custom values, next
activities).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest

from bench.seed import Manifest, seed
from bench.seed_company import COLUMNS, CompanySetup
from bench.seed_generator import Generator, Ids
from bench.workloads import INBOX, INBOX_COUNT, LEAD_DETAIL, PROSPECT_SEARCH
from core.ids import decode_id, to_global_id
from domain.columns.custom_value import clean_values
from domain.contacts.duplicate import match_key
from domain.contacts.person import ContactValue, clean
from domain.fold import fold_key
from domain.next_activity import refresh_next_activity
from domain.viewer import viewer_for_user
from models import (
    Activity,
    Company,
    CustomFieldEntity,
    Deal,
    DealStatus,
    Lead,
    LeadLabelLink,
    Note,
    Organization,
    Person,
    ProspectPerson,
    Stage,
)
from tests.conftest import Client

LEADS = 300


@pytest.fixture
async def seeded(database: str) -> Manifest:
    return await seed(database, LEADS, prospects=400, other_leads=40, connect=False)


def client(http: httpx.AsyncClient, token: str) -> Client:
    return Client(http, token)


async def stored_leads(company_id: int) -> list[dict[str, Any]]:
    return await Lead.filter(company_id=company_id).values()


async def test_counts_and_tenancy_through_the_api(seeded: Manifest, http: httpx.AsyncClient) -> None:
    leads = await stored_leads(seeded.company_id)
    assert len(leads) == LEADS
    active = [lead for lead in leads if not lead["is_archived"]]
    data = await client(http, seeded.admin_token).execute(INBOX_COUNT, {"first": 100, "columns": COLUMNS})
    assert data["leads"]["totalCount"] == len(active)
    assert len(data["leads"]["edges"]) == 100
    assert data["leads"]["pageInfo"]["hasNextPage"] is True
    # Newest first, as the default inbox sorts.
    newest = sorted(active, key=lambda row: (row["created_at"], str(row["id"])), reverse=True)[:100]
    assert [e["node"]["id"] for e in data["leads"]["edges"]] == [to_global_id("Lead", row["id"]) for row in newest]
    # Every row has its five custom columns, most of them filled.
    values = [v for e in data["leads"]["edges"] for v in e["node"]["values"]]
    assert len(values) == 500 and sum(v is not None for v in values) > 250
    assert {v["__typename"] for v in values if v} == {
        "NumberValue",
        "OptionValue",
        "DateValue",
        "MoneyValue",
        "TextValue",
    }

    other = await client(http, seeded.other_token).execute(INBOX_COUNT, {"first": 100, "columns": COLUMNS})
    other_ids = {e["node"]["id"] for e in other["leads"]["edges"]}
    assert (
        other["leads"]["totalCount"]
        == await Lead.filter(is_archived=False).exclude(company_id=seeded.company_id).count()
    )
    assert other_ids and not other_ids & {to_global_id("Lead", row["id"]) for row in leads}


async def test_a_custom_field_sort_and_a_filter_agree_with_the_rows(seeded: Manifest, http: httpx.AsyncClient) -> None:
    api = client(http, seeded.admin_token)
    leads = [row for row in await stored_leads(seeded.company_id) if not row["is_archived"]]
    data = await api.execute(
        INBOX, {"first": 500, "columns": COLUMNS, "sort": {"column": "cf.lead.deal_size", "direction": "DESC"}}
    )
    got = [Decimal(e["node"]["values"][0]["number"]) for e in data["leads"]["edges"] if e["node"]["values"][0]]
    expected = sorted(
        (Decimal(str(row["custom_fields"]["deal_size"])) for row in leads if "deal_size" in row["custom_fields"]),
        reverse=True,
    )
    assert got == expected and len(got) > 100

    links: dict[uuid.UUID, set[int]] = defaultdict(set)
    for lead_id, label_id in await LeadLabelLink.all().values_list("lead_id", "label_id"):
        links[uuid.UUID(str(lead_id))].add(label_id)
    owner, label = seeded.user_ids[3], seeded.label_ids[4]
    owner_leads = [row for row in leads if row["owner_user_id"] == owner]
    data = await api.execute(
        INBOX,
        {
            "first": 500,
            "columns": COLUMNS,
            "filter": {
                "ownerIds": [to_global_id("User", owner)],
                "conditions": {"conditions": [{"column": "lead.value", "operator": "GREATER_THAN", "value": 1000}]},
            },
        },
    )
    expected_ids = {
        row["id"] for row in owner_leads if row["value_amount"] is not None and row["value_amount"] > Decimal(1000)
    }
    assert expected_ids
    assert {decode_id(e["node"]["id"], "Lead") for e in data["leads"]["edges"]} == expected_ids
    data = await api.execute(
        INBOX, {"first": 500, "filter": {"labelIds": [to_global_id("LeadLabel", label)]}, "columns": []}
    )
    expected_ids = {row["id"] for row in leads if label in links[uuid.UUID(str(row["id"]))]}
    assert expected_ids
    assert {decode_id(e["node"]["id"], "Lead") for e in data["leads"]["edges"]} == expected_ids


async def test_next_activities_are_what_the_domain_computes(seeded: Manifest, http: httpx.AsyncClient) -> None:
    before = {row["id"]: (row["next_activity_id"], row["next_activity_date"]) for row in await Lead.all().values()}
    assert sum(v[0] is not None for v in before.values()) > LEADS / 3
    assert await Activity.filter(done=True).exists() and await Activity.filter(done=False).exists()
    await refresh_next_activity(list(before))
    after = {row["id"]: (row["next_activity_id"], row["next_activity_date"]) for row in await Lead.all().values()}
    assert after == before

    # The lead detail (Q5) shows the stored notes and activities of each lead.
    data = await client(http, seeded.admin_token).execute(LEAD_DETAIL, {"first": 10})
    nodes = data["leads"]["nodes"]
    assert len(nodes) == 10
    for node in nodes:
        lead_id = decode_id(node["id"], "Lead")
        assert len(node["notes"]) == await Note.filter(lead_id=lead_id).count()
        assert len(node["activities"]) == await Activity.filter(lead_id=lead_id).count()
    assert sum(len(n["notes"]) for n in nodes) > 0 and sum(len(n["activities"]) for n in nodes) > 0


async def test_derived_columns_follow_the_domain_rules(seeded: Manifest) -> None:
    for person in await Person.filter(company_id=seeded.company_id).limit(200):
        cleaned = clean(
            {
                "name": person.name,
                "emails": [ContactValue(e["value"], e["label"], e["primary"]) for e in person.emails],
                "phones": [ContactValue(p["value"], p["label"], p["primary"]) for p in person.phones],
            },
            ("input",),
            creating=True,
        )
        assert (person.name_key, person.first_name, person.last_name) == (
            cleaned["name_key"],
            cleaned["first_name"],
            cleaned["last_name"],
        )
        assert (person.emails, person.phones) == (cleaned["emails"], cleaned["phones"])
        assert (person.email_search, person.phone_search) == (cleaned["email_search"], cleaned["phone_search"])
    for org in await Organization.filter(company_id=seeded.company_id).limit(50):
        assert org.name_key == match_key(org.name) and org.address_city
    viewer = await viewer_for_user(seeded.user_ids[0])
    checked = 0
    for lead in await Lead.filter(company_id=seeded.company_id).limit(200):
        assert lead.title_key == match_key(lead.title)
        assert (lead.owner_user_id is None) != (lead.owner_team_id is None)
        assert lead.person_id is not None or lead.organization_id is not None
        if lead.custom_fields:
            # Stored values are what the domain's validation stores for them: cleaning is a no-op.
            cleaned_values = await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, lead.custom_fields, ())
            # Compared as JSON: 12 and 12.0, or "5.5" and "5.50", are different stored forms.
            assert orjson.dumps(cleaned_values) == orjson.dumps(lead.custom_fields)
            checked += 1
    assert checked > 100


DEALS = """query Deals($first: Int!, $filter: DealFilter) {
  deals(first: $first, filter: $filter) {
    edges { node { id title status value { amount currency } wonAt lostAt lostReason deletedAt
      pipeline { id name } stage { id name } person { id organization { id } } organization { id } owner { id } } }
    pageInfo { hasNextPage }
  }
}"""


async def test_deals_are_what_the_domain_would_store(seeded: Manifest, http: httpx.AsyncClient) -> None:
    deals = await Deal.filter(company_id=seeded.company_id).order_by("-created_at", "-id").values()
    assert len(deals) == seeded.deals == LEADS // 10
    assert {d["status"] for d in deals} == set(DealStatus)
    company = await Company.get(id=seeded.company_id)
    assert sum(d["status"] == DealStatus.OPEN for d in deals) <= company.open_deals_limit
    viewer = await viewer_for_user(seeded.user_ids[0])
    stages = {s.id: s.pipeline_id for s in await Stage.filter(pipeline__company_id=seeded.company_id)}
    persons = {p.id: p for p in await Person.filter(company_id=seeded.company_id)}
    organizations = set(await Organization.filter(company_id=seeded.company_id).values_list("id", flat=True))
    for d in deals:
        assert d["title_key"] == fold_key(d["title"])
        assert stages[d["stage_id"]] == d["pipeline_id"]
        assert d["owner_id"] in seeded.user_ids
        assert d["person_id"] is not None or d["organization_id"] is not None
        if d["person_id"] is not None:
            assert d["organization_id"] == persons[d["person_id"]].organization_id
        if d["organization_id"] is not None:
            assert d["organization_id"] in organizations
        assert (d["won_at"] is not None) == (d["status"] == DealStatus.WON)
        assert (d["lost_at"] is not None) == (d["status"] == DealStatus.LOST)
        assert d["lost_reason"] is None or d["status"] == DealStatus.LOST
        assert (d["value_amount"] is None) == (d["value_currency"] is None)
        cleaned = await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, d["custom_fields"], ())
        assert orjson.dumps(cleaned) == orjson.dumps(d["custom_fields"])

    # Through the API: the live deals, newest first, each with its stage, person and owner.
    data = await client(http, seeded.admin_token).execute(DEALS, {"first": 500})
    live = [d for d in deals if d["deleted_at"] is None]
    nodes = [e["node"] for e in data["deals"]["edges"]]
    assert [n["id"] for n in nodes] == [to_global_id("Deal", d["id"]) for d in live]
    assert all(n["stage"] and n["pipeline"] and n["owner"] for n in nodes)
    assert sum(n["person"] is not None for n in nodes) > len(nodes) / 2
    assert sum(n["value"] is not None for n in nodes) > len(nodes) / 2
    deleted = await client(http, seeded.admin_token).execute(DEALS, {"first": 500, "filter": {"includeDeleted": True}})
    assert len(deleted["deals"]["edges"]) == len(deals)
    # The other company sees its own deals only.
    other = await client(http, seeded.other_token).execute(DEALS, {"first": 500})
    other_ids = {decode_id(e["node"]["id"], "Deal") for e in other["deals"]["edges"]}
    assert other_ids and not other_ids & {d["id"] for d in deals}


async def test_the_prospect_search_has_profiles(seeded: Manifest, http: httpx.AsyncClient) -> None:
    assert await ProspectPerson.all().count() == 400
    data = await client(http, seeded.admin_token).execute(PROSPECT_SEARCH, {"first": 50})
    assert len(data["prospects"]["edges"]) == 50


def test_the_same_seed_and_day_give_the_same_rows() -> None:
    setup = CompanySetup(
        7, list(range(1, 11)), [1, 2], [1, 2, 3, 4], {"tier": [1, 2, 3, 4]}, "birthday", "employees", 3, [5, 6, 7]
    )
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

    def rows(seed_value: int) -> list[Any]:
        gen = Generator(setup, 500, seed_value, now, Ids())
        return list(gen.organization_rows()) + [chunk.tables() for chunk in gen.lead_chunks()] + list(gen.deal_rows())

    assert rows(1) == rows(1)
    assert rows(1) != rows(2)
    # The deals draw from their own generator: the other rows do not depend on how many there are.
    gen = Generator(setup, 500, 1, now, Ids(), deals=0)
    without = list(gen.organization_rows()) + [chunk.tables() for chunk in gen.lead_chunks()]
    assert not list(gen.deal_rows()) and without == rows(1)[: len(without)]
