"""The prospect database: loading JSON Lines and CSV, erasure, the synthetic generator, the CLI."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import orjson
import pytest

from cli.prospects import register, run
from core.errors import DomainError
from domain.prospector.erasure import erase_person
from domain.prospector.generator import generate_prospects
from domain.prospector.load import load_text
from models import ProspectKind, ProspectOrganization, ProspectPerson, ProspectSuppression, ProspectTitle


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else orjson.dumps(r).decode() for r in records) + "\n"


ACME = {
    "type": "organization",
    "id": "org-1",
    "name": "Acme Robotics AB",
    "domain": "ACME.example",
    "industry": "Manufacturing",
    "employee_range": "51-200",
    "revenue_range": "10M-50M",
    "country": "se",
    "city": "Gothenburg",
    "street": "Lindholmen 1",
    "postal_code": "417 56",
    "phones": ["+46 31 123 45 67"],
}
ELIN = {
    "type": "person",
    "id": "p-1",
    "first_name": "Elin",
    "last_name": "Berg",
    "job_title": "Head of  Sales",
    "seniority": "director",
    "department": "sales",
    "country": "SE",
    "city": "Gothenburg",
    "organization_id": "org-1",
    "work_email": "elin.berg@acme.example",
    "direct_phone": "+46 31 123 45 68",
    "mobile_phone": "+46 70 123 45 67",
    "secondary_phones": ["+46 8 555 01 01"],
    "linkedin_url": "https://www.linkedin.com/in/elin-berg",
    "work_history": [{"company": "Acme Robotics AB", "title": "Head of Sales", "start": "2021"}],
}


async def test_jsonl_loads_good_lines_and_reports_bad_ones_by_number() -> None:
    text = jsonl(
        ACME,
        ELIN,
        "{not json",
        {"type": "person", "id": "p-2"},
        {"type": "person", "id": "p-3", "name": "Bo Ek", "seniority": "intern"},
        "",
        {"type": "person", "id": "p-4", "name": "Ana Lind", "country": "Sweden"},
        {"type": "person", "id": "p-5", "name": "Per Holm", "organization_id": "nope", "work_email": "per@x.example"},
        {"type": "robot", "id": "r-1", "name": "R2"},
        [1, 2],
    )
    report = await load_text(text, "jsonl")
    assert (report.organizations_created, report.persons_created) == (1, 2)
    assert [line for line, _ in report.errors] == [3, 4, 5, 7, 8, 9, 10]
    messages = dict(report.errors)
    assert "not valid JSON" in messages[3]
    assert messages[4] == "name (or first_name and last_name) is required"
    assert messages[5].startswith("seniority 'intern' is not one of ENTRY, SENIOR")
    assert messages[7] == "country 'Sweden' is not an ISO 3166 two-letter code"
    assert "organization_id 'nope'" in messages[8]

    org = await ProspectOrganization.get(external_id="org-1")
    assert (org.name_key, org.domain, org.country, org.phones) == (
        "acme robotics ab",
        "acme.example",
        "SE",
        ["+46 31 123 45 67"],
    )
    elin = await ProspectPerson.get(external_id="p-1")
    assert (elin.name, elin.job_title, elin.seniority, elin.department) == (
        "Elin Berg",
        "Head of Sales",
        "DIRECTOR",
        "SALES",
    )
    # The employer's industry and size are copied for filtering without a join.
    assert (elin.organization_id, elin.company_name, elin.industry, elin.employee_range) == (
        org.id,
        "Acme Robotics AB",
        "Manufacturing",
        "51-200",
    )
    assert (await ProspectTitle.get(id=elin.title_id)).title_key == "head of sales"
    per = await ProspectPerson.get(external_id="p-5")
    assert per.organization_id is None and per.work_email == "per@x.example"


async def test_loading_an_id_again_updates_the_profile() -> None:
    await load_text(jsonl(ACME, ELIN), "jsonl")
    report = await load_text(
        jsonl({**ELIN, "job_title": "VP Sales", "seniority": "vp"}, {**ELIN, "id": "p-9"}), "jsonl"
    )
    assert (report.persons_updated, report.persons_created) == (1, 1)
    elin = await ProspectPerson.get(external_id="p-1")
    assert (elin.job_title, elin.seniority) == ("VP Sales", "VP")
    assert await ProspectPerson.all().count() == 2
    assert await ProspectTitle.filter(title_key="vp sales").count() == 1


async def test_csv_with_lists_history_and_a_record_over_two_lines() -> None:
    text = (
        "type,id,name,job_title,country,secondary_phones,work_history,company\n"
        'person,c-1,Karl Lund,"Sales\nManager",SE,+46 8 111 11 11;+46 8 222 22 22,'
        '"[{""company"": ""Old AB"", ""title"": ""Seller""}]",Lund AB\n'
        "person,c-2,,,,,,\n"
        "person,c-3,Ida Ek,CTO,SE,,not json,\n"
        "person,c-4,Ola Ek,CEO,NO,,,Ek AS,extra\n"
        "organization,o-9,Lund AB,,,,,\n"
    )
    report = await load_text(text, "csv")
    assert (report.persons_created, report.organizations_created) == (1, 1)
    assert report.errors == [
        (4, "name (or first_name and last_name) is required"),
        (5, "work_history must be a JSON list"),
        (6, "9 cells but only 8 columns"),
    ]
    karl = await ProspectPerson.get(external_id="c-1")
    assert karl.job_title == "Sales Manager" and karl.company_name == "Lund AB"
    assert karl.secondary_phones == ["+46 8 111 11 11", "+46 8 222 22 22"]
    assert karl.work_history == [{"company": "Old AB", "title": "Seller", "start": None, "end": None}]


async def test_a_file_of_one_kind_needs_no_type() -> None:
    report = await load_text("id,name\nx-1,Solo AB\n", "csv", ProspectKind.ORGANIZATION)
    assert report.organizations_created == 1 and report.errors == []
    report = await load_text(jsonl(ELIN), "jsonl", ProspectKind.ORGANIZATION)
    assert report.errors == [(1, "a person in a file of organizations")]


async def test_an_erased_person_loses_their_details_and_never_comes_back() -> None:
    await load_text(jsonl(ACME, ELIN), "jsonl")
    elin = await ProspectPerson.get(external_id="p-1")
    assert await erase_person(elin) is True
    assert await erase_person(await ProspectPerson.get(id=elin.id)) is False
    erased = await ProspectPerson.get(id=elin.id)
    assert erased.erased_at is not None and erased.name == "(erased)"
    assert (erased.work_email, erased.linkedin_url, erased.direct_phone, erased.work_history) == (None, None, None, [])
    assert await ProspectSuppression.all().count() == 2

    # The same source again, and the same person under another id: neither is loaded.
    again = await load_text(jsonl(ELIN, {**ELIN, "id": "p-elsewhere", "linkedin_url": None}), "jsonl")
    assert (again.erased_skipped, again.persons_created, again.persons_updated) == (2, 0, 0)
    assert (await ProspectPerson.get(id=elin.id)).name == "(erased)"
    assert await ProspectPerson.all().count() == 1


async def test_the_generator_makes_a_plausible_database_reproducibly() -> None:
    report = await generate_prospects(2000, seed=11)
    assert (report.persons, report.organizations) == (2000, 250)
    persons = (
        await ProspectPerson.all()
        .order_by("id")
        .values(
            "name", "seniority", "department", "country", "organization_id", "work_email", "linkedin_url", "title_id"
        )
    )
    assert len(persons) == 2000 and all(p["organization_id"] and p["title_id"] for p in persons)
    seniority = Counter(p["seniority"] for p in persons)
    assert seniority["ENTRY"] + seniority["SENIOR"] > seniority["DIRECTOR"] + seniority["VP"] + seniority["C_LEVEL"]
    assert len({p["country"] for p in persons}) >= 10
    assert Counter(p["country"] for p in persons).most_common(1)[0][0] == "US"
    assert 0.7 < sum(bool(p["work_email"]) for p in persons) / 2000 < 0.9
    assert all(p["work_email"].endswith(".example") for p in persons if p["work_email"])
    first_names = [p["name"] for p in persons[:50]]

    await ProspectPerson.all().delete()
    await ProspectOrganization.all().delete()
    await generate_prospects(2000, seed=11)
    assert [p["name"] for p in await ProspectPerson.all().order_by("id").limit(50).values("name")] == first_names


async def test_generating_again_with_the_same_seed_adds_nothing() -> None:
    first = await generate_prospects(300, seed=5, organizations=40)
    assert (first.persons, first.organizations) == (300, 40)
    names = await ProspectPerson.all().order_by("id").values_list("name", "external_id")
    again = await generate_prospects(300, seed=5, organizations=40)
    assert (again.persons, again.organizations) == (0, 0)
    assert await ProspectPerson.all().order_by("id").values_list("name", "external_id") == names
    assert await ProspectOrganization.all().count() == 40
    # More of the same seed adds only the profiles not there yet; another seed adds its own.
    more = await generate_prospects(400, seed=5, organizations=40)
    assert (more.persons, more.organizations) == (100, 0)
    other = await generate_prospects(10, seed=6, organizations=2)
    assert (other.persons, other.organizations) == (10, 2)
    assert await ProspectPerson.all().count() == 410
    assert await ProspectOrganization.all().count() == 42
    # Every person works at an organization that exists.
    org_ids = set(await ProspectOrganization.all().values_list("id", flat=True))
    assert set(await ProspectPerson.all().values_list("organization_id", flat=True)) <= org_ids


# --- the CLI --------------------------------------------------------------------------------------


async def prospects_cli(*argv: str) -> None:
    parser = argparse.ArgumentParser(prog="leadbox")
    register(parser.add_subparsers(dest="command", required=True))
    await run(parser.parse_args(argv))


async def test_cli_loads_generates_and_erases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text(jsonl(ACME, ELIN, "{broken"))
    await prospects_cli("prospects", "load", str(path))
    out, err = capsys.readouterr()
    assert "organizations: 1 created" in out and "persons: 1 created" in out and "1 line(s) with errors" in out
    assert err.startswith("line 3: not valid JSON")

    await prospects_cli("prospects", "generate", "40", "--seed", "2", "--organizations", "4")
    assert "generated 40 persons and 4 organizations" in capsys.readouterr().out
    assert await ProspectPerson.all().count() == 41
    await prospects_cli("prospects", "generate", "40", "--seed", "2", "--organizations", "4")
    assert "generated 0 persons and 0 organizations" in capsys.readouterr().out
    assert await ProspectPerson.all().count() == 41

    await prospects_cli("prospects", "erase", "p-1")
    assert capsys.readouterr().out.strip() == "p-1: erased"
    assert (await ProspectPerson.get(external_id="p-1")).erased_at is not None
    with pytest.raises(DomainError, match="no person profile with id nobody"):
        await prospects_cli("prospects", "erase", "nobody")
    with pytest.raises(DomainError, match="no such file"):
        await prospects_cli("prospects", "load", str(tmp_path / "missing.csv"))
