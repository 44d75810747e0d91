"""A demo of any size: organization names never run out, and a large demo is written in chunks
that add up to exactly the leads asked for (``leadbox demo --leads 10000`` used to never end)."""

from __future__ import annotations

import datetime as dt
import random

from cli import demo_data as words
from cli.demo import fill_demo
from cli.demo_draws import OrganizationNames
from models import Company, Lead, Organization, Person

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_organization_names_never_run_out() -> None:
    names = OrganizationNames(random.Random(7))
    sweden = words.COUNTRIES[0]
    drawn = [names.draw(sweden) for _ in range(50_000)]  # 50 times what the word lists give
    assert len(set(drawn)) == 50_000
    assert all(name.endswith(" AB") for name in drawn)
    assert names.numbered > 40_000


async def test_a_demo_in_chunks_has_every_lead_asked_for() -> None:
    seen: list[int] = []
    company_id, _ = await fill_demo(leads=1_234, now=NOW, chunk=300, progress=seen.append)
    assert seen == [300, 300, 300, 300, 34]
    assert await Lead.filter(company_id=company_id).count() == 1_234
    names = await Organization.filter(company_id=company_id).values_list("name", flat=True)
    assert len(names) == len(set(names)) == 300 // 5 * 4 + 34 // 5
    # Every lead's contacts are the company's own.
    lead_persons = await Lead.filter(company_id=company_id).exclude(person_id=None).values_list("person_id", flat=True)
    lead_orgs = (
        await Lead.filter(company_id=company_id).exclude(organization_id=None).values_list("organization_id", flat=True)
    )
    assert lead_persons and set(lead_persons) <= set(
        await Person.filter(company_id=company_id).values_list("id", flat=True)
    )
    assert lead_orgs and set(lead_orgs) <= set(
        await Organization.filter(company_id=company_id).values_list("id", flat=True)
    )
    assert await Person.filter(company_id=company_id).count() == sum(n * 5 // 6 for n in (300, 300, 300, 300, 34))
    assert await Company.all().count() == 1
