"""The generator of bench/seed.py's large tables: rows for one company, drawn from a seeded
``random.Random``, every derived column filled by the domain's own rule."""

from __future__ import annotations

import datetime as dt
import functools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.seed_company import CompanySetup
from bench.seed_words import (
    ACTIVITY_TYPES,
    CITIES,
    CURRENCIES,
    FIRST,
    JOB_TITLES,
    LAST,
    LOST_REASONS,
    NOTES,
    ORG_NOUNS,
    ORG_SUFFIX,
    ORG_WORDS,
    SOURCES,
    STREETS,
    SUBJECTS,
    TITLE_WORDS,
)
from bench.seed_writers import Chunk
from domain.columns.custom_value import json_number
from domain.contacts.duplicate import match_key
from domain.contacts.person import digits, split_name
from domain.fold import fold_key
from domain.next_activity import pending_order
from models import DealStatus

CHUNK = 20_000


@functools.lru_cache(maxsize=65536)
def cached_key(text: str) -> str:
    """:func:`domain.contacts.duplicate.match_key`, remembered: names come from small vocabularies."""
    return match_key(text)


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
