"""Searching prospects: filters, pages, masked details, "already bought" marks, saved filters."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from core.ids import to_global_id
from domain.prospector.billing import set_add_on
from domain.prospector.erasure import erase_person
from domain.prospector.load import load_text
from models import AddOnState, ProspectKind, ProspectPerson, ProspectPurchase, Role, SavedProspectFilter
from tests.conftest import Account

PROSPECTS = """
query ($kind: ProspectKind, $filter: ProspectFilterInput, $first: Int, $after: String) {
  prospects(kind: $kind, filter: $filter, first: $first, after: $after) {
    nodes {
      id name country city industry employeeRange owned
      ... on ProspectPerson {
        jobTitle seniority department companyName hasWorkEmail hasDirectPhone hasMobile hasLinkedin
        organization { name owned }
        details { workEmail directPhone mobilePhone linkedinUrl secondaryPhones workHistory { company title } }
      }
      ... on ProspectOrganization { domain revenueRange hasPhone hasAddress details { street phones } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
COUNT = """
query ($kind: ProspectKind, $filter: ProspectFilterInput) {
  prospects(kind: $kind, filter: $filter, first: 1) { totalCount totalCountCapped }
}
"""
SAVE = """
mutation ($input: SaveProspectFilterInput!) {
  saveProspectFilter(input: $input) {
    savedFilter { id name kind filter { jobTitle seniorities countries employeeRanges } }
    userErrors { field message code }
  }
}
"""
DELETE = "mutation ($input: IdInput!) { deleteProspectFilter(input: $input) { deletedId userErrors { code } } }"
SAVED = "query ($kind: ProspectKind) { prospectFilters(kind: $kind) { name kind filter { departments name } } }"
NODE = "query ($id: ID!) { node(id: $id) { ... on ProspectPerson { name owned hasWorkEmail details { workEmail } } } }"


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(orjson.dumps(r).decode() for r in records)


ORGS: list[dict[str, Any]] = [
    {"id": "o1", "name": "Nordic Robotics AB", "industry": "Manufacturing", "employee_range": "51-200",
     "revenue_range": "10M-50M", "country": "SE", "city": "Gothenburg", "street": "Hamngatan 1",
     "phones": ["+46 31 100 00 00"]},
    {"id": "o2", "name": "Nordlys Software AS", "industry": "Software", "employee_range": "11-50",
     "revenue_range": "1M-10M", "country": "NO", "city": "Oslo"},
    {"id": "o3", "name": "Bright Data GmbH", "industry": "Software", "employee_range": "201-500",
     "revenue_range": "50M-100M", "country": "DE", "city": "Berlin"},
]  # fmt: skip
PERSONS: list[dict[str, Any]] = [
    {"id": "p1", "name": "Elin Berg", "job_title": "Head of Sales", "seniority": "DIRECTOR", "department": "SALES",
     "country": "SE", "city": "Gothenburg", "organization_id": "o1", "work_email": "elin@nordic.example",
     "direct_phone": "+46 31 100 00 01", "linkedin_url": "https://linkedin.example/in/elin",
     "secondary_phones": ["+46 8 000 00 01"], "work_history": [{"company": "Old AB", "title": "Seller"}]},
    {"id": "p2", "name": "Oskar Lund", "job_title": "Sales Manager", "seniority": "MANAGER", "department": "SALES",
     "country": "SE", "city": "Stockholm", "organization_id": "o1", "mobile_phone": "+46 70 000 00 02"},
    {"id": "p3", "name": "Kari Nord", "job_title": "Chief Technology Officer", "seniority": "C_LEVEL",
     "department": "ENGINEERING", "country": "NO", "city": "Oslo", "organization_id": "o2",
     "work_email": "kari@nordlys.example"},
    {"id": "p4", "name": "Jonas Weber", "job_title": "Senior Software Engineer", "seniority": "SENIOR",
     "department": "ENGINEERING", "country": "DE", "city": "Berlin", "organization_id": "o3"},
    {"id": "p5", "name": "Lea Koch", "job_title": "VP of Sales", "seniority": "VP", "department": "SALES",
     "country": "DE", "city": "Berlin", "organization_id": "o3", "linkedin_url": "https://linkedin.example/in/lea"},
    {"id": "p6", "name": "Ida Holm", "job_title": "Marketing Manager", "seniority": "MANAGER",
     "department": "MARKETING", "country": "SE", "city": "Gothenburg", "company": "Holm Design"},
]  # fmt: skip


@pytest.fixture
async def database_loaded(account: Account) -> dict[str, int]:
    await set_add_on(account.company_id, AddOnState.ON)
    orgs = [{"type": "organization", **o} for o in ORGS]
    persons = [{"type": "person", **p} for p in PERSONS]
    report = await load_text(jsonl(*orgs, *persons), "jsonl")
    assert report.errors == []
    return {p.external_id: p.id for p in await ProspectPerson.all()}


async def names(account: Account, kind: str = "PERSON", **filter: Any) -> list[str]:
    data = await account.client.execute(PROSPECTS, {"kind": kind, "filter": filter, "first": 50})
    return [n["name"] for n in data["prospects"]["nodes"]]


async def test_without_the_add_on_search_is_refused_with_a_clear_code(account: Account) -> None:
    body = await account.client.raw(PROSPECTS)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "PROSPECTOR_NOT_ENABLED"
    body = await account.client.raw(SAVED)
    assert body["errors"][0]["extensions"]["code"] == "PROSPECTOR_NOT_ENABLED"
    body = await account.client.raw("query { myProspects { nodes { kind } } }")
    assert body["errors"][0]["extensions"]["code"] == "PROSPECTOR_NOT_ENABLED"
    saved = await account.client.mutate(SAVE, {"name": "x", "kind": "PERSON", "filter": {}})
    assert [e["code"] for e in saved["userErrors"]] == ["PROSPECTOR_NOT_ENABLED"]
    deleted = await account.client.mutate(DELETE, {"id": to_global_id("SavedProspectFilter", 1)})
    assert deleted["userErrors"] == [{"code": "PROSPECTOR_NOT_ENABLED"}]


async def test_person_filters(account: Account, database_loaded: dict[str, int]) -> None:
    assert await names(account) == ["Elin Berg", "Oskar Lund", "Kari Nord", "Jonas Weber", "Lea Koch", "Ida Holm"]
    assert await names(account, jobTitle="sales") == ["Elin Berg", "Oskar Lund", "Lea Koch"]
    assert await names(account, jobTitle="  MANAGER sales ") == ["Oskar Lund"]
    assert await names(account, jobTitle="officer chief") == ["Kari Nord"]
    assert await names(account, jobTitle="50%_off") == []
    assert await names(account, seniorities=["DIRECTOR", "VP"]) == ["Elin Berg", "Lea Koch"]
    assert await names(account, departments=["ENGINEERING"]) == ["Kari Nord", "Jonas Weber"]
    assert await names(account, countries=["se"], departments=["SALES"]) == ["Elin Berg", "Oskar Lund"]
    assert await names(account, cities=["Berlin", "Oslo"]) == ["Kari Nord", "Jonas Weber", "Lea Koch"]
    # Industry and size are the employer's.
    assert await names(account, industries=["Software"], employeeRanges=["EMPLOYEES_201_500"]) == [
        "Jonas Weber",
        "Lea Koch",
    ]
    assert await names(account, companyName="nord") == ["Elin Berg", "Oskar Lund", "Kari Nord"]
    assert await names(account, companyName="Nordic Rob") == ["Elin Berg", "Oskar Lund"]
    assert await names(account, companyName="holm d") == ["Ida Holm"]


async def test_organization_filters(account: Account, database_loaded: dict[str, int]) -> None:
    assert await names(account, "ORGANIZATION") == ["Nordic Robotics AB", "Nordlys Software AS", "Bright Data GmbH"]
    assert await names(account, "ORGANIZATION", industries=["Software"]) == ["Nordlys Software AS", "Bright Data GmbH"]
    assert await names(account, "ORGANIZATION", revenueRanges=["REVENUE_50M_100M"]) == ["Bright Data GmbH"]
    assert await names(account, "ORGANIZATION", name="NORD", countries=["NO"]) == ["Nordlys Software AS"]
    assert await names(account, "ORGANIZATION", employeeRanges=["EMPLOYEES_51_200"], cities=["Gothenburg"]) == [
        "Nordic Robotics AB"
    ]
    # A condition that does not apply to the kind is an error, not silently ignored.
    body = await account.client.raw(PROSPECTS, {"kind": "ORGANIZATION", "filter": {"jobTitle": "ceo"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    body = await account.client.raw(PROSPECTS, {"kind": "PERSON", "filter": {"revenueRanges": ["REVENUE_1B_PLUS"]}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


async def test_pages_follow_the_cursor_and_counts_are_capped(account: Account, database_loaded: dict[str, int]) -> None:
    seen: list[str] = []
    after = None
    while True:
        data = (await account.client.execute(PROSPECTS, {"first": 4, "after": after}))["prospects"]
        seen += [n["name"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert seen == ["Elin Berg", "Oskar Lund", "Kari Nord", "Jonas Weber", "Lea Koch", "Ida Holm"]
    counted = (await account.client.execute(COUNT, {"filter": {"departments": ["SALES"]}}))["prospects"]
    assert counted == {"totalCount": 3, "totalCountCapped": False}
    org_cursor = (await account.client.execute(PROSPECTS, {"kind": "ORGANIZATION", "first": 1}))["prospects"]
    body = await account.client.raw(PROSPECTS, {"first": 1, "after": org_cursor["pageInfo"]["endCursor"]})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_details_are_masked_until_the_company_owns_the_prospect(
    account: Account, other_account: Account, database_loaded: dict[str, int], make_account: Any
) -> None:
    body = await account.client.raw(PROSPECTS, {"filter": {"countries": ["SE"]}})
    elin = body["data"]["prospects"]["nodes"][0]
    assert (elin["hasWorkEmail"], elin["hasDirectPhone"], elin["hasMobile"], elin["hasLinkedin"]) == (
        True,
        True,
        False,
        True,
    )
    assert elin["owned"] is False and elin["details"] is None
    assert elin["organization"] == {"name": "Nordic Robotics AB", "owned": False}
    text = orjson.dumps(body).decode()
    for secret in ("elin@nordic.example", "+46 31 100 00 01", "linkedin.example", "+46 70", "Hamngatan"):
        assert secret not in text

    # Bought: marked, and the details show, to this company only.
    await ProspectPurchase.create(
        company_id=account.company_id, kind=ProspectKind.PERSON, prospect_person_id=database_loaded["p1"]
    )
    mine = (await account.client.execute(PROSPECTS, {"filter": {"countries": ["SE"]}}))["prospects"]["nodes"][0]
    assert mine["owned"] is True
    assert mine["details"] == {
        "workEmail": "elin@nordic.example",
        "directPhone": "+46 31 100 00 01",
        "mobilePhone": None,
        "linkedinUrl": "https://linkedin.example/in/elin",
        "secondaryPhones": ["+46 8 000 00 01"],
        "workHistory": [{"company": "Old AB", "title": "Seller"}],
    }
    regular = await make_account(name="Rick Regular", role=Role.REGULAR, company_id=account.company_id)
    assert (await regular.client.execute(PROSPECTS, {"first": 1}))["prospects"]["nodes"][0]["owned"] is True

    await set_add_on(other_account.company_id, AddOnState.ON)
    theirs = (await other_account.client.execute(PROSPECTS, {"first": 1}))["prospects"]["nodes"][0]
    assert theirs["owned"] is False and theirs["details"] is None
    node = await other_account.client.execute(NODE, {"id": to_global_id("ProspectPerson", database_loaded["p1"])})
    assert node["node"] == {"name": "Elin Berg", "owned": False, "hasWorkEmail": True, "details": None}


async def test_an_erased_person_is_gone_from_search(account: Account, database_loaded: dict[str, int]) -> None:
    await erase_person(await ProspectPerson.get(id=database_loaded["p3"]))
    assert "Kari Nord" not in await names(account)
    assert await names(account, departments=["ENGINEERING"]) == ["Jonas Weber"]
    node = await account.client.execute(NODE, {"id": to_global_id("ProspectPerson", database_loaded["p3"])})
    assert node["node"] is None


async def test_a_page_costs_the_same_statements_whatever_its_size(
    account: Account, database_loaded: dict[str, int], count_statements: Any
) -> None:
    counts = []
    for first in (1, 6):
        before = count_statements.count
        await account.client.execute(PROSPECTS, {"first": first})
        counts.append(count_statements.count - before)
    assert counts[0] == counts[1]


async def test_saved_filters_belong_to_their_user(
    account: Account, make_account: Any, database_loaded: dict[str, int]
) -> None:
    saved = await account.client.mutate(
        SAVE,
        {
            "name": "Nordic sales chiefs",
            "kind": "PERSON",
            "filter": {"jobTitle": "sales", "seniorities": ["DIRECTOR", "VP"], "countries": ["se", "NO"]},
        },
    )
    assert saved["userErrors"] == []
    assert saved["savedFilter"]["filter"] == {
        "jobTitle": "sales",
        "seniorities": ["DIRECTOR", "VP"],
        "countries": ["NO", "SE"],
        "employeeRanges": [],
    }
    filter_id = saved["savedFilter"]["id"]
    again = await account.client.mutate(SAVE, {"name": "Nordic sales chiefs", "kind": "PERSON", "filter": {}})
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(["input", "name"], "DUPLICATE")]
    wrong = await account.client.mutate(SAVE, {"name": "Orgs", "kind": "ORGANIZATION", "filter": {"jobTitle": "x"}})
    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [(["input", "filter", "jobTitle"], "INVALID")]
    replaced = await account.client.mutate(
        SAVE, {"id": filter_id, "name": "Software orgs", "kind": "ORGANIZATION", "filter": {"name": "nord"}}
    )
    assert replaced["savedFilter"]["id"] == filter_id and replaced["savedFilter"]["kind"] == "ORGANIZATION"
    assert (await account.client.execute(SAVED, {"kind": "ORGANIZATION"}))["prospectFilters"] == [
        {"name": "Software orgs", "kind": "ORGANIZATION", "filter": {"departments": [], "name": "nord"}}
    ]
    assert (await account.client.execute(SAVED, {"kind": "PERSON"}))["prospectFilters"] == []

    colleague = await make_account(name="Cole League", role=Role.REGULAR, company_id=account.company_id)
    assert (await colleague.client.execute(SAVED))["prospectFilters"] == []
    stolen = await colleague.client.mutate(DELETE, {"id": filter_id})
    assert stolen["userErrors"] == [{"code": "NOT_FOUND"}]
    hijack = await colleague.client.mutate(SAVE, {"id": filter_id, "name": "Mine", "kind": "PERSON", "filter": {}})
    assert [e["code"] for e in hijack["userErrors"]] == ["NOT_FOUND"]
    assert await SavedProspectFilter.filter(name="Software orgs").count() == 1

    deleted = await account.client.mutate(DELETE, {"id": filter_id})
    assert deleted == {"deletedId": filter_id, "userErrors": []}
    assert await SavedProspectFilter.all().count() == 0
