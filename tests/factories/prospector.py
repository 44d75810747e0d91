"""Prospector test data: profiles loaded the way the operator loads them, and the add-on."""

from __future__ import annotations

from typing import Any

import orjson

from core.ids import to_global_id
from domain.prospector.billing import set_add_on
from domain.prospector.load import load_text
from models import AddOnState, ProspectOrganization, ProspectPerson

NORDIC = {
    "type": "organization",
    "id": "o-nordic",
    "name": "Nordic Robotics AB",
    "domain": "nordic.example",
    "industry": "Manufacturing",
    "employee_range": "51-200",
    "revenue_range": "10M-50M",
    "country": "SE",
    "city": "Gothenburg",
    "street": "Hamngatan 1",
    "postal_code": "411 06",
    "phones": ["+46 31 100 00 00"],
}
ELIN = {
    "type": "person",
    "id": "p-elin",
    "name": "Elin Berg",
    "job_title": "Head of Sales",
    "seniority": "DIRECTOR",
    "department": "SALES",
    "country": "SE",
    "city": "Gothenburg",
    "organization_id": "o-nordic",
    "work_email": "elin.berg@nordic.example",
    "other_emails": ["elin@mail.example"],
    "direct_phone": "+46 31 100 00 01",
    "mobile_phone": "+46 70 100 00 01",
    "secondary_phones": ["+46 8 555 00 01"],
    "linkedin_url": "https://linkedin.example/in/elin-berg",
    "work_history": [
        {"company": "Nordic Robotics AB", "title": "Head of Sales", "start": "2021"},
        {"company": "Volvo Cars", "title": "Key Account Manager", "start": "2016", "end": "2021"},
        {"company": "Ericsson", "title": "Sales Representative", "start": "2012", "end": "2016"},
    ],
}
OSKAR = {
    "type": "person",
    "id": "p-oskar",
    "name": "Oskar Lund",
    "job_title": "Sales Manager",
    "seniority": "MANAGER",
    "department": "SALES",
    "country": "SE",
    "city": "Stockholm",
    "organization_id": "o-nordic",
    "work_email": "oskar.lund@nordic.example",
}
KARI = {
    "type": "person",
    "id": "p-kari",
    "name": "Kari Nord",
    "job_title": "CTO",
    "country": "NO",
    "company": "Nordlys AS",
    "mobile_phone": "+47 900 00 001",
}


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(orjson.dumps(r).decode() for r in records)


async def load_profiles(*records: dict[str, Any]) -> None:
    report = await load_text(jsonl(*records), "jsonl")
    assert report.errors == []


async def enable(company_id: int, state: AddOnState = AddOnState.ON) -> None:
    await set_add_on(company_id, state)


async def person_gid(external_id: str) -> str:
    return to_global_id("ProspectPerson", (await ProspectPerson.get(external_id=external_id)).id)


async def organization_gid(external_id: str) -> str:
    return to_global_id("ProspectOrganization", (await ProspectOrganization.get(external_id=external_id)).id)


async def many_persons(count: int) -> list[str]:
    """``count`` persons, each at a company of their own, all of distinct names."""
    records = [
        {"type": "person", "id": f"bulk-{i}", "name": f"Person {i:03d}", "company": f"Company {i:03d}"}
        for i in range(count)
    ]
    await load_profiles(*records)
    ids = dict(await ProspectPerson.filter(external_id__startswith="bulk-").values_list("external_id", "id"))
    return [to_global_id("ProspectPerson", ids[f"bulk-{i}"]) for i in range(count)]
