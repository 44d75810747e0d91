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
  are exactly what the app makes.
- The large tables are built as Python rows by :class:`Generator` (``random.Random(seed)``:
  the same seed gives the same rows on both backends) and written in big transactions, with
  ``executemany`` through plain ``sqlite3`` (synchronous=OFF while loading) or asyncpg's
  ``copy_records_to_table``; the secondary indexes of those tables are dropped for the load
  and made again after it. Every derived column is filled by the domain's own rule:
  ``name_key``/``title_key`` by :func:`domain.contacts.duplicate.match_key`, a person's
  ``first_name``/``last_name`` by :func:`domain.contacts.person.split_name`, ``email_search`` and
  ``phone_search`` as :func:`domain.contacts.person.clean` makes them, one primary entry per contact
  list, custom values in the stored forms of :mod:`domain.columns.custom_value`, and a lead's
  ``next_activity_id``/``next_activity_date`` by the ordering of
  :func:`domain.next_activity.refresh_next_activity`; the other folded keys (addresses, job
  titles, text custom values) by :func:`keyed_rows` from :data:`domain.fold.KEYS`; a deal's ``title_key`` by
  :func:`domain.fold.fold_key`, its ``won_at``/``lost_at``/``lost_reason`` as
  :func:`domain.deals.deal._status_changes` sets them for its status. tests/commands/test_bench_seed.py reads a seeded
  database back through the GraphQL API to prove it.
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
import functools
import json
import random
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson

# Run from a checkout without installing: the repository root holds the packages.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import close_db, fetch, init_db, is_postgres_url  # noqa: E402
from domain.accounts.account import create_company, create_team, create_token, create_user  # noqa: E402
from domain.columns.custom_field import OptionData, create_custom_field  # noqa: E402
from domain.columns.custom_value import json_number  # noqa: E402
from domain.contacts.duplicate import match_key  # noqa: E402
from domain.contacts.person import digits, split_name  # noqa: E402
from domain.fold import CUSTOM_KEY_TABLES, KEYS, column_key, custom_keys, fold_key  # noqa: E402
from domain.leads.label import create_label  # noqa: E402
from domain.next_activity import pending_order  # noqa: E402
from domain.prospector.credit import ensure_account  # noqa: E402
from domain.prospector.generator import generate_prospects  # noqa: E402
from domain.viewer import viewer_for_user  # noqa: E402
from models import (  # noqa: E402
    AddOnState,
    Company,
    CreditAccount,
    CustomFieldEntity,
    CustomFieldType,
    DealStatus,
    LeadSource,
    Role,
)

DATA_DIR = ROOT / "bench" / ".data"
CHUNK = 20_000
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sofia",
    "Per",
    "Emma",
    "Nils",
    "Lena",
    "Olof",
    "Ida",
    "Jonas",
    "Clara",
    "Hugo",
    "Alice",
    "Oscar",
    "Julia",
    "Felix",
    "Marie",
    "Paul",
    "Lea",
    "Jan",
    "Sara",
    "Tim",
    "Nora",
    "Ben",
    "Zoé",
    "Chloé",
    "Mateo",
    "Lucía",
    "Jürgen",
    "Åsa",
    "Björn",
    "Ingrid",
    "Luca",
    "Giulia",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Dubois",
    "Martin",
    "Bernard",
    "Durand",
    "Rossi",
    "Russo",
    "Ferrari",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "García",
    "López",
    "Novák",
    "Kowalski",
    "Nowak",
    "Jensen",
    "Hansen",
    "Virtanen",
    "Lindström",
    "Ek",
]
ORG_WORDS = [
    "Nordic",
    "Alpine",
    "Blue",
    "River",
    "Granite",
    "Silver",
    "Oak",
    "Pine",
    "Harbor",
    "Summit",
    "Vertex",
    "Delta",
    "Polar",
    "Amber",
    "Cedar",
    "Falcon",
    "Crown",
    "Bright",
    "Iron",
    "Meadow",
    "Coastal",
    "Urban",
    "Prime",
    "Atlas",
    "Orbit",
    "Lumen",
    "Nova",
    "Quantum",
]
ORG_NOUNS = [
    "Systems",
    "Logistics",
    "Foods",
    "Energy",
    "Partners",
    "Labs",
    "Consulting",
    "Media",
    "Robotics",
    "Health",
    "Capital",
    "Works",
    "Retail",
    "Analytics",
    "Studios",
    "Industries",
    "Networks",
    "Solutions",
    "Motors",
    "Textiles",
]
ORG_SUFFIX = ("AB", "GmbH", "Ltd", "SA", "BV", "Oy", "AS", "Inc", "")
CITIES = (
    ("Stockholm", "SE", "11"),
    ("Göteborg", "SE", "41"),
    ("Berlin", "DE", "10"),
    ("München", "DE", "80"),
    ("Paris", "FR", "75"),
    ("Lyon", "FR", "69"),
    ("London", "GB", "EC"),
    ("Madrid", "ES", "28"),
    ("Milano", "IT", "20"),
    ("Amsterdam", "NL", "10"),
    ("Oslo", "NO", "01"),
    ("Helsinki", "FI", "00"),
    ("København", "DK", "12"),
    ("Warszawa", "PL", "00"),
)
STREETS = ("Storgatan", "Hauptstraße", "Rue de la Paix", "High Street", "Calle Mayor", "Via Roma", "Kerkstraat")
JOB_TITLES = (
    "CEO",
    "CTO",
    "Head of Sales",
    "Sales Manager",
    "Marketing Manager",
    "Purchasing Manager",
    "Office Manager",
    "Engineer",
    "Consultant",
    "Founder",
    None,
)
TITLE_WORDS = ("deal", "renewal", "pilot", "upgrade", "licences", "project", "expansion", "trial")
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "USD", "GBP", "SEK")
SOURCES = [s for s in LeadSource if s != LeadSource.DEAL]
ACTIVITY_TYPES = ("CALL", "CALL", "MEETING", "TASK", "TASK", "DEADLINE", "EMAIL", "LUNCH")
SUBJECTS = ("Intro call", "Follow up", "Send proposal", "Demo", "Check budget", "Contract review", "Lunch")
LOST_REASONS = ("Price too high", "Went with a competitor", "No budget", "No decision", None)
NOTES = (
    "Spoke with them about the budget for next quarter.",
    "Interested in the premium plan; wants a demo for the whole team.",
    "Asked for references in their industry.",
    "Decision expected after the board meeting.",
    "Prefers email over phone calls.",
)
EXTRA_LABELS = (
    ("Enterprise", "purple"),
    ("SMB", "green"),
    ("Partner", "#0088cc"),
    ("Event", "orange"),
    ("Inbound", "teal"),
    ("Outbound", "gray"),
    ("Referral", "pink"),
    ("Renewal", "#aa5500"),
    ("Priority", "#cc0000"),
)
TIERS = (("Bronze", "brown"), ("Silver", "gray"), ("Gold", "yellow"), ("Platinum", "blue"))
# The inbox's five custom columns (Q1's `values`), by key.
LEAD_FIELDS = (
    ("deal_size", "Deal size", CustomFieldType.NUMBER),
    ("tier", "Tier", CustomFieldType.SINGLE_OPTION),
    ("decision_date", "Decision date", CustomFieldType.DATE),
    ("budget", "Budget", CustomFieldType.MONETARY),
    ("campaign", "Campaign", CustomFieldType.TEXT),
)
COLUMNS = [f"cf.lead.{key}" for key, _, _ in LEAD_FIELDS]

ORGANIZATION_COLUMNS = (
    "id",
    "company_id",
    "name",
    "name_key",
    "address_street",
    "address_city",
    "address_postal_code",
    "address_country",
    "owner_id",
    "visibility",
    "custom_fields",
    "created_at",
    "updated_at",
)
PERSON_COLUMNS = (
    "id",
    "company_id",
    "name",
    "name_key",
    "first_name",
    "last_name",
    "emails",
    "phones",
    "email_search",
    "phone_search",
    "job_title",
    "organization_id",
    "owner_id",
    "visibility",
    "custom_fields",
    "created_at",
    "updated_at",
)
LEAD_COLUMNS = (
    "id",
    "company_id",
    "title",
    "title_key",
    "person_id",
    "organization_id",
    "owner_user_id",
    "owner_team_id",
    "value_amount",
    "value_currency",
    "expected_close_date",
    "source",
    "visibility",
    "custom_fields",
    "was_seen",
    "is_archived",
    "archived_at",
    "next_activity_id",
    "next_activity_date",
    "created_by_id",
    "created_at",
    "updated_at",
)
DEAL_COLUMNS = (
    "id",
    "company_id",
    "title",
    "title_key",
    "value_amount",
    "value_currency",
    "person_id",
    "organization_id",
    "pipeline_id",
    "stage_id",
    "status",
    "owner_id",
    "visibility",
    "expected_close_date",
    "custom_fields",
    "version",
    "won_at",
    "lost_at",
    "lost_reason",
    "deleted_at",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("id", "lead_id", "label_id")
NOTE_COLUMNS = ("id", "company_id", "lead_id", "author_id", "content", "created_at", "updated_at")
ACTIVITY_COLUMNS = (
    "id",
    "company_id",
    "lead_id",
    "type",
    "subject",
    "due_date",
    "due_time",
    "duration_minutes",
    "note",
    "done",
    "done_at",
    "assignee_id",
    "created_by_id",
    "created_at",
    "updated_at",
)
BIG_TABLES = ("organization", "person", "lead", "lead_label_link", "note", "activity", "deal")
JSON_COLUMNS = {"custom_fields", "custom_keys", "emails", "phones"}


@dataclass
class CompanySetup:
    """The ids the generator draws from, made through the domain functions."""

    company_id: int
    user_ids: list[int]
    team_ids: list[int]
    label_ids: list[int]
    # Lead custom field key -> option ids (empty for fields without options).
    options: dict[str, list[int]] = field(default_factory=dict)
    person_field: str = ""
    organization_field: str = ""
    # The default pipeline (create_company makes it) and its stages in order.
    pipeline_id: int = 0
    stage_ids: list[int] = field(default_factory=list)


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


# --- the company's small things, through the domain ---------------------------------------------


async def make_company(name: str, users: int, teams: int, *, full: bool) -> tuple[CompanySetup, str, str]:
    """A company with its users (the first an admin), teams, labels and custom fields; returns
    it with an admin's and a regular user's token."""
    company = await create_company(name)
    domain_name = name.lower().replace(" ", "")
    user_ids = []
    for i in range(users):
        role = Role.ADMIN if i == 0 else Role.REGULAR
        person = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        user = await create_user(company.id, person, f"user{i + 1}@{domain_name}.example", role)
        user_ids.append(user.id)
    team_ids = []
    for t in range(teams):
        members = user_ids[1 + t :: max(1, teams)][:8]
        team_ids.append((await create_team(company.id, f"Team {ORG_WORDS[t]}", members)).id)
    admin = await viewer_for_user(user_ids[0])
    if full:
        for label, color in EXTRA_LABELS:
            await create_label(admin, label, color)
    label_rows = await fetch("SELECT id FROM lead_label WHERE company_id = ? ORDER BY id", [company.id])
    setup = CompanySetup(company.id, user_ids, team_ids, [r["id"] for r in label_rows])
    for key, title, kind in LEAD_FIELDS:
        options = [OptionData(label=label, color=color) for label, color in TIERS] if key == "tier" else []
        cf = await create_custom_field(admin, CustomFieldEntity.LEAD_DEAL, title, kind, key=key, options=options)
        setup.options[key] = [o["id"] for o in cf.options]
    setup.person_field = (
        await create_custom_field(admin, CustomFieldEntity.PERSON, "Birthday", CustomFieldType.DATE, key="birthday")
    ).key
    setup.organization_field = (
        await create_custom_field(
            admin, CustomFieldEntity.ORGANIZATION, "Employees", CustomFieldType.NUMBER, key="employees"
        )
    ).key
    pipeline = await fetch(
        "SELECT id FROM pipeline WHERE company_id = ? AND is_default ORDER BY position, id LIMIT 1", [company.id]
    )
    setup.pipeline_id = pipeline[0]["id"]
    stages = await fetch("SELECT id FROM stage WHERE pipeline_id = ? ORDER BY position, id", [setup.pipeline_id])
    setup.stage_ids = [r["id"] for r in stages]
    admin_token = await create_token(user_ids[0], "bench", app=True)
    regular_token = await create_token(user_ids[1], "bench", app=True) if users > 1 else admin_token
    return setup, admin_token, regular_token


@functools.lru_cache(maxsize=65536)
def cached_key(text: str) -> str:
    """:func:`domain.contacts.duplicate.match_key`, remembered: names come from small vocabularies."""
    return match_key(text)


# --- the rows ------------------------------------------------------------------------------------


@dataclass
class Chunk:
    organizations: list[tuple[Any, ...]] = field(default_factory=list)
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    leads: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]:
        return [
            ("organization", ORGANIZATION_COLUMNS, self.organizations),
            ("person", PERSON_COLUMNS, self.persons),
            ("lead", LEAD_COLUMNS, self.leads),
            ("lead_label_link", LINK_COLUMNS, self.links),
            ("note", NOTE_COLUMNS, self.notes),
            ("activity", ACTIVITY_COLUMNS, self.activities),
        ]


@dataclass
class Ids:
    """The next free id of each integer-keyed table."""

    organization: int = 1
    person: int = 1
    link: int = 1
    note: int = 1
    activity: int = 1
    deal: int = 1


class Generator:
    """Rows for one company, in backend-neutral Python values (UUIDs, dates, Decimals, dicts)."""

    def __init__(
        self, setup: CompanySetup, leads: int, seed: int, now: dt.datetime, ids: Ids, deals: int | None = None
    ) -> None:
        self.rng = random.Random(f"{seed}:{setup.company_id}")
        # Deals draw from their own generator: with or without them, the other rows are the same.
        self.deal_rng = random.Random(f"{seed}:{setup.company_id}:deals")
        self.deals = leads // 10 if deals is None else deals
        # The organization (or None) of each person made, by person id - first_person.
        self.first_person = ids.person
        self.person_orgs: list[int | None] = []
        self.setup = setup
        self.leads = leads
        self.now = now
        self.today = now.date()
        self.ids = ids
        self.organizations = max(1, leads // 4)
        self.first_organization = ids.organization
        self.span = 730 * 86400

    def _stamp(self, after: dt.datetime | None = None, rng: random.Random | None = None) -> dt.datetime:
        rng = rng or self.rng
        if after is None:
            stamp = self.now - dt.timedelta(seconds=rng.random() * self.span)
        else:
            stamp = after + dt.timedelta(seconds=rng.random() * max(1.0, (self.now - after).total_seconds()))
        # Always with microseconds: tortoise's ISO text would drop ".000000" and sort apart.
        return stamp.replace(microsecond=rng.randrange(1, 1_000_000))

    def organization_rows(self) -> Iterator[list[tuple[Any, ...]]]:
        rng, setup = self.rng, self.setup
        rows: list[tuple[Any, ...]] = []
        for _ in range(self.organizations):
            org_id = self.ids.organization
            self.ids.organization += 1
            suffix = rng.choice(ORG_SUFFIX)
            # Numbered, so that names do not all repeat; the key of the words is remembered.
            words = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_NOUNS)}{' ' + suffix if suffix else ''}"
            name = f"{words} {org_id}"
            city, country, postal = rng.choice(CITIES)
            created = self._stamp()
            custom = {setup.organization_field: rng.randrange(1, 5000)} if rng.random() < 0.6 else {}
            rows.append(
                (
                    org_id,
                    setup.company_id,
                    name,
                    f"{cached_key(words)} {org_id}",
                    f"{rng.choice(STREETS)} {rng.randrange(1, 200)}",
                    city,
                    f"{postal}{rng.randrange(100, 999)}",
                    country,
                    rng.choice(setup.user_ids),
                    "COMPANY",
                    custom,
                    created,
                    self._stamp(created),
                )
            )
            if len(rows) >= CHUNK:
                yield rows
                rows = []
        if rows:
            yield rows

    def _person(self, chunk: Chunk) -> tuple[int, int | None]:
        rng, setup = self.rng, self.setup
        person_id = self.ids.person
        self.ids.person += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        org_id = self.first_organization + rng.randrange(self.organizations) if rng.random() < 0.75 else None
        handle = cached_key(f"{first}.{last}").replace(" ", "")
        emails: list[dict[str, Any]] = [
            {"value": f"{handle}{person_id}@mail{person_id % 97}.example", "label": "work", "primary": True}
        ]
        if rng.random() < 0.3:
            emails.append({"value": f"{handle}.{person_id}@home.example", "label": "home", "primary": False})
        phones: list[dict[str, Any]] = []
        if rng.random() < 0.8:
            phones.append(
                {
                    "value": f"+46 70 {rng.randrange(100, 999)} {rng.randrange(10, 99)} {person_id % 100:02d}",
                    "label": "work",
                    "primary": True,
                }
            )
        created = self._stamp()
        first_name, last_name = split_name(name)
        self.person_orgs.append(org_id)
        custom = (
            {setup.person_field: (self.today - dt.timedelta(days=rng.randrange(7000, 25000))).isoformat()}
            if rng.random() < 0.3
            else {}
        )
        chunk.persons.append(
            (
                person_id,
                setup.company_id,
                name,
                cached_key(name),
                first_name,
                last_name,
                emails,
                phones,
                " ".join(e["value"].lower() for e in emails),
                " ".join(digits(p["value"]) for p in phones),
                rng.choice(JOB_TITLES),
                org_id,
                rng.choice(setup.user_ids),
                "COMPANY",
                custom,
                created,
                self._stamp(created),
            )
        )
        return person_id, org_id

    def _custom(self, rng: random.Random | None = None) -> dict[str, Any]:
        rng = rng or self.rng
        out: dict[str, Any] = {}
        if rng.random() < 0.8:
            # As domain.columns.custom_value stores a number: whole ones as JSON integers.
            number = Decimal(rng.randrange(1, 500)) if rng.random() < 0.7 else Decimal(rng.randrange(100, 50000)) / 100
            out["deal_size"] = json_number(number)
        if rng.random() < 0.7:
            out["tier"] = rng.choice(self.setup.options["tier"])
        if rng.random() < 0.6:
            out["decision_date"] = (self.today + dt.timedelta(days=rng.randrange(-120, 240))).isoformat()
        if rng.random() < 0.6:
            amount = Decimal(rng.randrange(10_000, 5_000_000)) / 100
            out["budget"] = {"amount": str(amount.quantize(Decimal("0.01"))), "currency": rng.choice(CURRENCIES)}
        if rng.random() < 0.5:
            out["campaign"] = f"{rng.choice(('Spring', 'Autumn', 'Winter', 'Summer'))} {rng.randrange(2022, 2027)}"
        return out

    def lead_chunks(self) -> Iterator[Chunk]:
        rng, setup = self.rng, self.setup
        made = 0
        persons: list[tuple[int, int | None]] = []
        while made < self.leads:
            chunk = Chunk()
            for _ in range(min(CHUNK, self.leads - made)):
                made += 1
                # About one person a lead: most leads bring a new one, some share a recent one.
                has_person = rng.random() < 0.92
                if has_person and (not persons or rng.random() < 0.95):
                    persons.append(self._person(chunk))
                    if len(persons) > 2000:
                        del persons[:1000]
                person_id, person_org = rng.choice(persons) if has_person else (None, None)
                if person_org is not None:
                    org_id: int | None = person_org
                elif person_id is None or rng.random() < 0.3:
                    org_id = self.first_organization + rng.randrange(self.organizations)
                else:
                    org_id = None
                lead_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                title = (
                    f"{rng.choice(ORG_WORDS)} {rng.choice(TITLE_WORDS)}"
                    if rng.random() < 0.7
                    else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                )
                team = rng.random() < 0.12
                has_value = rng.random() < 0.75
                created = self._stamp()
                archived = rng.random() < 0.05
                pending = self._activities(chunk, lead_id, created)
                self._notes(chunk, lead_id, created)
                chosen = min(pending, key=pending_order) if pending else None
                label_count = rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
                for label_id in sorted(rng.sample(setup.label_ids, label_count)):
                    chunk.links.append((self.ids.link, lead_id, label_id))
                    self.ids.link += 1
                chunk.leads.append(
                    (
                        lead_id,
                        setup.company_id,
                        title,
                        cached_key(title),
                        person_id,
                        org_id,
                        None if team else rng.choice(setup.user_ids),
                        rng.choice(setup.team_ids) if team else None,
                        (Decimal(rng.randrange(0, 10_000_000)) / 100).quantize(Decimal("0.01")) if has_value else None,
                        rng.choice(CURRENCIES) if has_value else None,
                        self.today + dt.timedelta(days=rng.randrange(-60, 365)) if rng.random() < 0.5 else None,
                        rng.choice(SOURCES).value,
                        "COMPANY",
                        self._custom(),
                        rng.random() < 0.6,
                        archived,
                        self._stamp(created) if archived else None,
                        chosen["id"] if chosen else None,
                        chosen["due_date"] if chosen else None,
                        rng.choice(setup.user_ids),
                        created,
                        self._stamp(created),
                    )
                )
            yield chunk

    def _activities(self, chunk: Chunk, lead_id: uuid.UUID, created: dt.datetime) -> list[dict[str, Any]]:
        rng, setup = self.rng, self.setup
        pending = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            activity_id = self.ids.activity
            self.ids.activity += 1
            due = max(created.date(), self.today - dt.timedelta(days=rng.randrange(0, 200))) + dt.timedelta(
                days=rng.randrange(0, 120)
            )
            due_time = (
                dt.time(rng.randrange(7, 18), rng.choice((0, 15, 30, 45)), tzinfo=dt.UTC)
                if rng.random() < 0.5
                else None
            )
            done = rng.random() < (0.7 if due < self.today else 0.1)
            stamp = self._stamp(created)
            chunk.activities.append(
                (
                    activity_id,
                    setup.company_id,
                    lead_id,
                    rng.choice(ACTIVITY_TYPES),
                    rng.choice(SUBJECTS),
                    due,
                    due_time,
                    rng.choice((None, 15, 30, 60)),
                    "",
                    done,
                    self._stamp(stamp) if done else None,
                    rng.choice(setup.user_ids),
                    rng.choice(setup.user_ids),
                    stamp,
                    stamp,
                )
            )
            if not done:
                pending.append({"id": activity_id, "due_date": due, "due_time": due_time})
        return pending

    def _notes(self, chunk: Chunk, lead_id: uuid.UUID, created: dt.datetime) -> None:
        rng, setup = self.rng, self.setup
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2))):
            stamp = self._stamp(created)
            chunk.notes.append(
                (self.ids.note, setup.company_id, lead_id, rng.choice(setup.user_ids), rng.choice(NOTES), stamp, stamp)
            )
            self.ids.note += 1

    def deal_rows(self) -> Iterator[list[tuple[Any, ...]]]:
        """The company's deals, after its leads (they take its persons and organizations).

        Most are open, spread over the default pipeline's stages; some won or lost (with the
        stamps and reason :func:`domain.deals.deal._status_changes` sets); a few deleted. A deal has
        a person (and then that person's organization) or an organization alone, an owner, and
        a value and custom values most of the time.
        """
        rng, setup = self.deal_rng, self.setup
        persons = len(self.person_orgs)
        rows: list[tuple[Any, ...]] = []
        for _ in range(self.deals):
            deal_id = self.ids.deal
            self.ids.deal += 1
            if persons and rng.random() < 0.85:
                index = rng.randrange(persons)
                person_id: int | None = self.first_person + index
                org_id = self.person_orgs[index]
            else:
                person_id, org_id = None, self.first_organization + rng.randrange(self.organizations)
            title = f"{rng.choice(ORG_WORDS)} {rng.choice(TITLE_WORDS)} {deal_id}"
            has_value = rng.random() < 0.85
            created = self._stamp(rng=rng)
            draw = rng.random()
            status = DealStatus.OPEN if draw < 0.65 else DealStatus.WON if draw < 0.85 else DealStatus.LOST
            closed = self._stamp(created, rng) if status != DealStatus.OPEN else None
            deleted = self._stamp(created, rng) if rng.random() < 0.02 else None
            updated = max(x for x in (self._stamp(created, rng), closed, deleted) if x is not None)
            rows.append(
                (
                    deal_id,
                    setup.company_id,
                    title,
                    fold_key(title),
                    (Decimal(rng.randrange(50_000, 50_000_000)) / 100).quantize(Decimal("0.01")) if has_value else None,
                    rng.choice(CURRENCIES) if has_value else None,
                    person_id,
                    org_id,
                    setup.pipeline_id,
                    rng.choice(setup.stage_ids),
                    status.value,
                    rng.choice(setup.user_ids),
                    "COMPANY",
                    self.today + dt.timedelta(days=rng.randrange(-30, 300)) if rng.random() < 0.6 else None,
                    self._custom(rng),
                    1,
                    closed if status == DealStatus.WON else None,
                    closed if status == DealStatus.LOST else None,
                    rng.choice(LOST_REASONS) if status == DealStatus.LOST else None,
                    deleted,
                    created,
                    updated,
                )
            )
            if len(rows) >= CHUNK:
                yield rows
                rows = []
        if rows:
            yield rows


# --- writing -------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _stamp_text(value: dt.datetime | None) -> str | None:
    # The generator's stamps are UTC already; tortoise stores ISO text with a space.
    return None if value is None else value.isoformat(" ")


def _iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)


# How each column's Python value is stored, by column name (the same meaning in every table).
SQLITE_CONVERTERS: dict[str, Any] = {
    **dict.fromkeys(
        ("created_at", "updated_at", "archived_at", "done_at", "won_at", "lost_at", "deleted_at"), _stamp_text
    ),
    **dict.fromkeys(("expected_close_date", "next_activity_date", "due_date", "due_time"), _iso),
    **dict.fromkeys(("lead_id", "value_amount"), _text),
    **dict.fromkeys(("was_seen", "is_archived", "done"), _int),
    **dict.fromkeys(JSON_COLUMNS, _json),
}


def _converter(table: str, columns: Sequence[str], converters: dict[str, Any]) -> Any:
    """A function turning one row into its stored form, touching only the columns that need it."""
    chosen = [
        (i, _text if (table == "lead" and name == "id") else converters.get(name)) for i, name in enumerate(columns)
    ]
    plan = [(i, f) for i, f in chosen if f is not None]

    def convert(row: tuple[Any, ...]) -> list[Any]:
        out = list(row)
        for i, f in plan:
            out[i] = f(out[i])
        return out

    return convert


class Writer:
    """Writes rows to one backend's tables, with their secondary indexes dropped meanwhile."""

    async def open(self) -> None: ...
    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...
    async def commit(self) -> None: ...
    async def close(self) -> None: ...


class SqliteWriter(Writer):
    def __init__(self, path: str) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        self.indexes: list[str] = []

    async def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA temp_store=MEMORY")
        names = ",".join(f"'{t}'" for t in BIG_TABLES)
        rows = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).fetchall()
        self.indexes = [sql for _, sql in rows]
        for name, _ in rows:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        convert = _converter(table, columns, SQLITE_CONVERTERS)
        self.db.executemany(sql, map(convert, rows))

    async def commit(self) -> None:
        assert self.db is not None
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    async def close(self) -> None:
        assert self.db is not None
        self.db.execute("COMMIT")
        for sql in self.indexes:
            self.db.execute(sql)
        self.db.execute("ANALYZE")
        self.db.execute("PRAGMA optimize")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PostgresWriter(Writer):
    def __init__(self, url: str) -> None:
        self.url = url
        self.db: asyncpg.Connection | None = None
        self.indexes: list[str] = []
        self.tx: Any = None

    async def open(self) -> None:
        self.db = await asyncpg.connect(self.url.replace("postgres://", "postgresql://", 1))
        rows = await self.db.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'"
            " AND i.tablename = ANY($1::text[]) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            list(BIG_TABLES),
        )
        self.indexes = [r["indexdef"] for r in rows]
        for r in rows:
            await self.db.execute(f'DROP INDEX "{r["indexname"]}"')
        await self.db.execute("SET synchronous_commit = off")
        self.tx = self.db.transaction()
        await self.tx.start()

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        convert = _converter(table, columns, dict.fromkeys(JSON_COLUMNS, _json))
        records = [tuple(convert(row)) for row in rows]
        await self.db.copy_records_to_table(table, records=records, columns=list(columns))

    async def commit(self) -> None:
        await self.tx.commit()
        assert self.db is not None
        self.tx = self.db.transaction()
        await self.tx.start()

    async def close(self) -> None:
        assert self.db is not None
        await self.tx.commit()
        await self.db.execute("SET maintenance_work_mem = '256MB'")
        for sql in self.indexes:
            await self.db.execute(sql)
        for table in ("organization", "person", "lead_label_link", "note", "activity", "deal"):
            await self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        await self.db.execute("ANALYZE")
        await self.db.close()


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


@functools.lru_cache(maxsize=65536)
def _cached_column_key(text: str | None, nullable: bool) -> str | None:
    return column_key(text, nullable)


def keyed_rows(
    table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """``rows`` with the folded keys (domain.fold.keyed) their columns leave out: the keys of
    the texts, and ``custom_keys``, appended to each row."""
    places = {name: i for i, name in enumerate(columns)}
    missing = [(places[s], k, n) for s, (k, n) in KEYS.get(table, {}).items() if s in places and k not in places]
    custom = places.get("custom_fields") if table in CUSTOM_KEY_TABLES and "custom_keys" not in places else None
    added = tuple(k for _, k, _ in missing) + (("custom_keys",) if custom is not None else ())
    if not added:
        return tuple(columns), rows
    out = []
    for row in rows:
        extra: list[Any] = [_cached_column_key(row[i], nullable) for i, _, nullable in missing]
        if custom is not None:
            extra.append(custom_keys(row[custom]))
        out.append((*row, *extra))
    return (*columns, *added), out


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
