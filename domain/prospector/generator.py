"""A synthetic prospect database of any size, for demos, tests and benchmarks (SPEC §7).

Seeded: the same seed and sizes give the same profiles on SQLite and PostgreSQL. The mix
follows domain.prospector.sample_data: countries, cities, industries and company sizes by
weight, persons spread over companies by company size, seniority by company size (a small
company has more owners and chiefs), titles from seniority and department, and each contact
detail present with a plausible probability. Addresses use the reserved ``.example`` domain,
so that nothing generated can reach a real mailbox.

Written in batches straight to the tables (domain.prospector.store): about a million persons a
few minutes on a laptop.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from tortoise.transactions import in_transaction

from domain.contacts.duplicate import match_key
from domain.prospector.sample_data import (
    COUNTRIES,
    DEPARTMENTS,
    EMPLOYEE_RANGES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    NAME_NOUNS,
    NAME_WORDS,
    REVENUE_BY_SIZE,
    REVENUE_RANGES,
    SENIORITY_BY_SIZE,
    job_title,
)
from domain.prospector.store import (
    ORGANIZATION_COLUMNS,
    PERSON_COLUMNS,
    TitleIds,
    db_time,
    existing_ids,
    finish,
    insert_rows,
    json_text,
    next_id,
)
from models import Department, EmployeeRange, Seniority

BATCH = 10_000
SMALL = (EmployeeRange.EMPLOYEES_1_10, EmployeeRange.EMPLOYEES_11_50)
LOWER = {
    Seniority.SENIOR: Seniority.ENTRY,
    Seniority.MANAGER: Seniority.SENIOR,
    Seniority.DIRECTOR: Seniority.MANAGER,
    Seniority.VP: Seniority.DIRECTOR,
    Seniority.C_LEVEL: Seniority.VP,
    Seniority.OWNER: Seniority.DIRECTOR,
    Seniority.PARTNER: Seniority.MANAGER,
}


@dataclass(frozen=True)
class GenerateReport:
    # The profiles added (those of the seed already there are not counted).
    organizations: int
    persons: int
    seconds: float


@dataclass(frozen=True)
class _Org:
    id: int
    name: str
    domain: str
    country: str
    city: str
    industry: str
    size: EmployeeRange


T = TypeVar("T")


class _Weighted(Generic[T]):
    """Weighted choices with the cumulative weights computed once."""

    def __init__(self, rng: random.Random, items: Sequence[tuple[T, float]]) -> None:
        self.rng = rng
        self.values = [v for v, _ in items]
        self.cum = list(accumulate(w for _, w in items))

    def pick(self) -> T:
        return self.rng.choices(self.values, cum_weights=self.cum)[0]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii())


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.countries = _Weighted(rng, [(code, spec[0]) for code, spec in COUNTRIES.items()])
        self.cities = {
            code: _Weighted(rng, [((city, postal), w) for city, w, postal in spec[5]])
            for code, spec in COUNTRIES.items()
        }
        self.industries = _Weighted(rng, INDUSTRIES)
        self.sizes = _Weighted(rng, [(size, share) for size, share, _ in EMPLOYEE_RANGES])
        self.profiles_per_org = {size: per for size, _, per in EMPLOYEE_RANGES}
        self.seniority = {k: _Weighted(rng, v) for k, v in SENIORITY_BY_SIZE.items()}
        self.departments = _Weighted(rng, DEPARTMENTS)
        self.history_lengths = _Weighted(rng, [(0, 25), (1, 30), (2, 25), (3, 12), (4, 8)])
        self.org_names: list[str] = []

    def phone(self, country: str) -> str:
        rng = self.rng
        return f"+{COUNTRIES[country][1]} {rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"

    def organization(self, org_id: int, external_id: str) -> tuple[_Org, tuple[object, ...]]:
        rng = self.rng
        country: str = self.countries.pick()
        spec = COUNTRIES[country]
        city, postal = self.cities[country].pick()
        size: EmployeeRange = self.sizes.pick()
        industry: str = self.industries.pick()
        last_names = LAST_NAMES[spec[3]]
        roll = rng.random()
        if roll < 0.45:
            base = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_NOUNS)}"
        elif roll < 0.65:
            base = f"{rng.choice(last_names)} {rng.choice(NAME_NOUNS)}"
        elif roll < 0.75:
            base = f"{rng.choice(last_names)} & {rng.choice(last_names)}"
        else:
            base = f"{rng.choice(NAME_WORDS)}{rng.choice(NAME_NOUNS).lower()}"
        name = f"{base} {rng.choice(spec[4])}" if rng.random() < 0.6 else base
        domain = f"{_ascii(base)}.example"
        revenue = REVENUE_BY_SIZE[size] + rng.choice((-1, 0, 0, 0, 1))
        revenue_range = REVENUE_RANGES[max(0, min(len(REVENUE_RANGES) - 1, revenue))].value
        phones = [self.phone(country) for _ in range(rng.choice((0, 1, 1, 1, 2)))]
        street = f"{rng.choice(last_names)} {rng.choice(('Street', 'Road', 'Avenue', 'Square'))} {rng.randint(1, 180)}"
        postal_code = f"{postal}{rng.randint(10, 99)}"
        org = _Org(org_id, name, domain, country, city, industry, size)
        self.org_names.append(name)
        row = {
            "id": org_id,
            "external_id": external_id,
            "name": name,
            "name_key": match_key(name),
            "domain": domain,
            "industry": industry,
            "employee_range": size.value,
            "revenue_range": revenue_range,
            "country": country,
            "city": city,
            "street": street,
            "postal_code": postal_code,
            "phones": json_text(phones),
        }
        return org, tuple(row.get(c) for c in ORGANIZATION_COLUMNS[:-2])

    def person(
        self, person_id: int, external_id: str, org: _Org, titles: dict[tuple[Seniority, Department, int], str]
    ) -> dict[str, object]:
        rng = self.rng
        country = org.country if rng.random() < 0.88 else self.countries.pick()
        assert isinstance(country, str)
        same_city = country == org.country and rng.random() < 0.75
        city = org.city if same_city else self.cities[country].pick()[0]
        pool = COUNTRIES[country][3]
        first, last = rng.choice(FIRST_NAMES[pool]), rng.choice(LAST_NAMES[pool])
        seniority: Seniority = self.seniority["small" if org.size in SMALL else "large"].pick()
        if seniority == Seniority.OWNER or (seniority == Seniority.PARTNER and rng.random() < 0.5):
            department = Department.EXECUTIVE
        else:
            department = self.departments.pick()
        variant = rng.randrange(10)
        title = titles.get((seniority, department, variant))
        if title is None:
            title = titles[(seniority, department, variant)] = job_title(seniority, department, variant / 10)
        handle = f"{_ascii(first)}.{_ascii(last)}"
        history: list[dict[str, object]] = []
        year = 2024 - rng.randint(0, 6)
        history.append({"company": org.name, "title": title, "start": str(year), "end": None})
        earlier = LOWER.get(seniority, seniority)
        for _ in range(self.history_lengths.pick()):
            end, year = year, year - rng.randint(1, 5)
            history.append(
                {
                    "company": rng.choice(self.org_names),
                    "title": job_title(earlier, department, rng.random()),
                    "start": str(year),
                    "end": str(end),
                }
            )
        return {
            "id": person_id,
            "external_id": external_id,
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "job_title": title,
            "seniority": seniority.value,
            "department": department.value,
            "country": country,
            "city": city,
            "organization_id": org.id,
            "company_name": org.name,
            "company_name_key": match_key(org.name),
            "industry": org.industry,
            "employee_range": org.size.value,
            "work_email": f"{handle}@{org.domain}" if rng.random() < 0.82 else None,
            "other_emails": json_text([f"{handle}{rng.randint(1, 99)}@mail.example"] if rng.random() < 0.1 else []),
            "direct_phone": self.phone(org.country) if rng.random() < 0.45 else None,
            "mobile_phone": self.phone(country) if rng.random() < 0.55 else None,
            "secondary_phones": json_text(
                [self.phone(country) for _ in range(rng.choice((1, 1, 2)))] if rng.random() < 0.12 else []
            ),
            "linkedin_url": (
                f"https://www.linkedin.com/in/{handle.replace('.', '-')}-{rng.getrandbits(24):06x}"
                if rng.random() < 0.85
                else None
            ),
            "work_history": json_text(history),
        }


def _job_title(row: dict[str, object]) -> str | None:
    """A generated person's job title (the rows are dicts of mixed values)."""
    title = row["job_title"]
    assert title is None or isinstance(title, str)
    return title


async def generate_prospects(
    persons: int,
    *,
    seed: int = 1,
    organizations: int | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> GenerateReport:
    """Add ``persons`` person profiles working at ``organizations`` organization profiles
    (by default one for every eight persons) to the prospect database.

    A generated profile is known by its seed and position (external id ``syn<seed>-p<n>``,
    ``syn<seed>-o<n>``): running again with the same seed adds only the profiles not there yet,
    so it never doubles the database. The report counts the profiles added."""
    if persons < 0 or (organizations is not None and organizations < 1):
        raise ValueError("sizes must be positive")
    started = time.monotonic()
    gen = _Generator(seed)
    stamp = db_time(now or dt.datetime.now(dt.UTC))
    org_count = organizations if organizations is not None else max(1, persons // 8)

    new_org_id = await next_id("prospect_organization")
    orgs: list[_Org] = []
    orgs_added = 0
    for start in range(0, org_count, BATCH):
        externals = [f"syn{seed}-o{i}" for i in range(start, min(start + BATCH, org_count))]
        known = await existing_ids("prospect_organization", externals)
        rows = []
        for external in externals:
            org_id = known.get(external, new_org_id)
            # Every profile is drawn, the known ones too, so that the rest come out the same.
            org, row = gen.organization(org_id, external)
            orgs.append(org)
            if external not in known:
                new_org_id += 1
                rows.append((*row, stamp, stamp))
        async with in_transaction():
            await insert_rows("prospect_organization", ORGANIZATION_COLUMNS, rows)
        orgs_added += len(rows)
        if progress:
            progress("organizations", len(orgs), org_count)

    # Larger companies have more profiles in the database.
    org_weights = list(accumulate(gen.profiles_per_org[o.size] for o in orgs))
    titles: dict[tuple[Seniority, Department, int], str] = {}
    title_ids = TitleIds()
    new_person_id = await next_id("prospect_person")
    done = persons_added = 0
    while done < persons:
        size = min(BATCH, persons - done)
        picked = gen.rng.choices(orgs, cum_weights=org_weights, k=size)
        externals = [f"syn{seed}-p{done + i}" for i in range(size)]
        known = await existing_ids("prospect_person", externals)
        values = []
        for external, org in zip(externals, picked, strict=True):
            value = gen.person(new_person_id, external, org, titles)
            if external not in known:
                new_person_id += 1
                values.append(value)
        async with in_transaction():
            await title_ids.resolve({_job_title(v) for v in values})
            rows = []
            for v in values:
                v.update(title_id=title_ids.get(_job_title(v)), erased_at=None, created_at=stamp, updated_at=stamp)
                rows.append(tuple(v.get(c) for c in PERSON_COLUMNS))
            await insert_rows("prospect_person", PERSON_COLUMNS, rows)
        done += size
        persons_added += len(rows)
        if progress:
            progress("persons", done, persons)
    await finish()
    return GenerateReport(orgs_added, persons_added, time.monotonic() - started)
