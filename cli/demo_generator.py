"""The demo's rows, made in memory from a seeded :class:`random.Random`: organizations, persons,
leads with labels, notes, activities, emails and their change log (:mod:`cli.demo` writes them).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cli import demo_data as words
from cli.demo_draws import OrganizationNames
from domain import changelog
from domain.contacts.duplicate import match_key
from domain.contacts.person import digits
from models import (
    ActivityType,
    ChangeLogEntry,
    Email,
    EmailDirection,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
    Role,
    Team,
    User,
    Visibility,
)


def pattern(rng: random.Random, pattern: str) -> str:
    """Fill a pattern: "9" becomes a digit, "A" a capital letter."""
    return "".join(
        str(rng.randrange(10)) if ch == "9" else chr(65 + rng.randrange(26)) if ch == "A" else ch for ch in pattern
    )


def stamp(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment between start and end, never on a whole second.

    SQLite stores datetimes as ISO text, and Python drops ".000000" from a whole second, which
    would make such a row sort out of place among the others.
    """
    span = max(int((end - start).total_seconds()), 1)
    moment = start + dt.timedelta(seconds=rng.randrange(span))
    return moment.replace(microsecond=rng.randrange(1, 1_000_000))


@dataclass
class _Org:
    row: Organization
    country: words.Country
    domain: str
    persons: list[Person] = field(default_factory=list)


@dataclass
class Plan:
    """Everything the demo writes after the company, its users, teams and labels."""

    organizations: list[Organization] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    links: list[LeadLabelLink] = field(default_factory=list)
    # Notes and activities as keyword arguments: they become rows once their ids are reserved
    # (tortoise inserts an id only when the instance was constructed with one).
    activities: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    log: list[ChangeLogEntry] = field(default_factory=list)
    # Mentions wait for their note's id, given only once every note is known.
    mentions_of: list[tuple[dict[str, Any], int, Lead]] = field(default_factory=list)
    # Each lead's activities not done, to find its next one once activities have ids.
    pending: dict[uuid.UUID, list[dict[str, Any]]] = field(default_factory=dict)
    # The moment each lead was last changed: bulk_create stamps "now" on auto_now fields.
    lead_updated: list[tuple[dt.datetime, uuid.UUID]] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        rng: random.Random,
        now: dt.datetime,
        company_id: int,
        users: list[User],
        teams: list[Team],
        labels: list[LeadLabel],
    ) -> None:
        self.rng = rng
        self.now = now
        self.year_ago = now - dt.timedelta(days=365)
        self.company_id = company_id
        self.users = users
        self.regulars = [u for u in users if u.role == Role.REGULAR]
        self.teams = teams
        self.labels = labels
        self.plan = Plan()
        self.names = OrganizationNames(rng)
        # The country of each person, for the currency of their leads.
        self.countries: dict[int, words.Country] = {}

    def log(self, entity: str, key: object, action: str, actor: int | None, at: dt.datetime, **what: Any) -> None:
        entry = changelog.entry(None, self.company_id, entity, key, action, what.get("field"), None, what.get("new"))
        entry.actor_id = actor
        entry.created_at = at
        self.plan.log.append(entry)

    def organizations(self, ids: list[int]) -> list[_Org]:
        rng, out = self.rng, []
        for org_id in ids:
            country = rng.choices(words.COUNTRIES, words.COUNTRY_WEIGHTS)[0]
            name = self.names.draw(country)
            city, lat, lon = rng.choice(country.cities)
            mapped = rng.random() < 0.7
            created = stamp(rng, self.year_ago - dt.timedelta(days=180), self.now - dt.timedelta(days=1))
            row = Organization(
                id=org_id,
                company_id=self.company_id,
                name=name,
                name_key=match_key(name),
                address_street=f"{rng.choice(country.streets)} {rng.randrange(1, 140)}",
                address_city=city,
                address_postal_code=pattern(rng, country.postal),
                address_country=country.name,
                # Somewhere in the city: a few kilometres around its centre.
                latitude=Decimal(f"{lat + rng.uniform(-0.05, 0.05):.6f}") if mapped else None,
                longitude=Decimal(f"{lon + rng.uniform(-0.08, 0.08):.6f}") if mapped else None,
                owner_id=rng.choice(self.users).id,
                created_at=created,
            )
            slug = words.ascii_slug(name.rsplit(" ", 1)[0])
            out.append(_Org(row, country, f"{slug}.example"))
            self.plan.organizations.append(row)
            self.log("organization", org_id, "CREATED", row.owner_id, created)
        return out

    def persons(self, ids: list[int], orgs: list[_Org]) -> list[Person]:
        rng = self.rng
        for person_id in ids:
            # Most people work somewhere the company knows; a few come on their own.
            org = rng.choice(orgs) if rng.random() < 0.85 else None
            country = org.country if org else rng.choices(words.COUNTRIES, words.COUNTRY_WEIGHTS)[0]
            first, last = rng.choice(country.first_names), rng.choice(country.last_names)
            local = f"{words.ascii_slug(first)}.{words.ascii_slug(last)}"
            emails: list[dict[str, Any]] = []
            if rng.random() < 0.9:
                work = f"{local}@{org.domain}" if org else f"{local}{rng.randrange(10, 99)}@mail.example"
                emails.append({"value": work, "label": "work", "primary": True})
                if rng.random() < 0.15:
                    emails.append({"value": f"{local}@home.example", "label": "home", "primary": False})
            phones: list[dict[str, Any]] = []
            if rng.random() < 0.75:
                phones.append({"value": pattern(rng, country.phones[-1]), "label": "mobile", "primary": True})
                if rng.random() < 0.3:
                    phones.append({"value": pattern(rng, country.phones[0]), "label": "work", "primary": False})
            created = stamp(rng, org.row.created_at if org else self.year_ago, self.now - dt.timedelta(hours=1))
            person = Person(
                id=person_id,
                company_id=self.company_id,
                name=f"{first} {last}",
                name_key=match_key(f"{first} {last}"),
                first_name=first,
                last_name=last,
                emails=emails,
                phones=phones,
                # The same derivation as domain.contacts.person.clean, which the search filters rely on.
                email_search=" ".join(e["value"].lower() for e in emails),
                phone_search=" ".join(digits(p["value"]) for p in phones),
                job_title=rng.choice(words.JOB_TITLES) if rng.random() < 0.8 else None,
                organization_id=org.row.id if org else None,
                owner_id=rng.choice(self.users).id,
                created_at=created,
            )
            if org:
                org.persons.append(person)
            self.countries[person_id] = country
            self.plan.persons.append(person)
            self.log("person", person_id, "CREATED", person.owner_id, created)
        return self.plan.persons

    def owner(self) -> tuple[User | None, Team | None, Visibility]:
        rng = self.rng
        if rng.random() < 0.12:
            return None, rng.choice(self.teams), rng.choice((Visibility.COMPANY, Visibility.TEAM))
        user = rng.choice(self.regulars) if rng.random() < 0.85 else rng.choice(self.users)
        visibility = rng.choices((Visibility.COMPANY, Visibility.TEAM, Visibility.OWNER), (80, 12, 8))[0]
        return user, None, visibility

    def value(self, country: words.Country) -> tuple[Decimal | None, str | None]:
        rng = self.rng
        if rng.random() < 0.3:
            return None, None
        currency = "USD" if rng.random() < 0.15 else country.currency
        # Round figures, as sales people enter them; SEK amounts are about ten times larger.
        hundreds = rng.randrange(10, 1500) * (10 if currency == "SEK" else 1)
        return Decimal(hundreds * 100).quantize(Decimal("0.01")), currency

    def lead(self, lead_id: uuid.UUID, orgs: list[_Org], loners: list[Person]) -> None:
        rng = self.rng
        # Most leads are a person at an organization, some an organization alone, a few a
        # person on their own.
        roll = rng.random()
        person: Person | None = None
        organization: Organization | None = None
        if roll > 0.92 and loners:
            person = rng.choice(loners)
            country = self.countries[person.id]
        else:
            org = rng.choice(orgs)
            organization, country = org.row, org.country
            if roll < 0.7 and org.persons:
                person = rng.choice(org.persons)
        topic = rng.choice(words.LEAD_TOPICS)
        if organization is not None:
            title = f"{organization.name.rsplit(' ', 1)[0]}: {topic}"
        else:
            assert person is not None
            title = f"{person.name}: {topic}"
        source = LeadSource(rng.choices([s for s, _ in words.SOURCES], [w for _, w in words.SOURCES])[0])
        user, team, visibility = self.owner()
        amount, currency = self.value(country)
        created = stamp(rng, self.year_ago, self.now - dt.timedelta(minutes=5))
        creator = (user or rng.choice(self.users)).id
        age_days = (self.now - created).days
        archived = age_days > 30 and rng.random() < 0.1
        archived_at = stamp(rng, created, self.now) if archived else None
        web = source in (LeadSource.WEB_FORM, LeadSource.WEB_VISITORS)
        lead = Lead(
            id=lead_id,
            company_id=self.company_id,
            title=title,
            title_key=match_key(title),
            person_id=person.id if person else None,
            organization_id=organization.id if organization else None,
            owner_user_id=user.id if user else None,
            owner_team_id=team.id if team else None,
            value_amount=amount,
            value_currency=currency,
            expected_close_date=(created + dt.timedelta(days=rng.randrange(14, 200))).date()
            if rng.random() < 0.6
            else None,
            source=source,
            visibility=visibility,
            was_seen=age_days > 3 or rng.random() < 0.3,
            is_archived=archived,
            archived_at=archived_at,
            utm_source=rng.choice(words.UTM_SOURCES) if web else None,
            utm_medium=rng.choice(words.UTM_MEDIUMS) if web else None,
            utm_campaign=rng.choice(words.UTM_CAMPAIGNS) if web else None,
            created_by_id=creator,
            created_at=created,
        )
        self.plan.leads.append(lead)
        self.log("lead", lead_id, "CREATED", creator, created, field="source", new=source)
        for label in rng.sample(self.labels, rng.choices((0, 1, 2), (35, 50, 15))[0]):
            self.plan.links.append(LeadLabelLink(lead_id=lead_id, label_id=label.id))
        updated = max([created, *([archived_at] if archived_at else [])])
        updated = max(updated, self.notes(lead, person, country, topic))
        updated = max(updated, self.activities(lead, person))
        if person is not None and person.emails and rng.random() < 0.15:
            sent = stamp(rng, created, self.now)
            self.plan.emails.append(
                Email(
                    company_id=self.company_id,
                    lead_id=lead_id,
                    person_id=person.id,
                    direction=EmailDirection.SENT,
                    from_address=f"sales@{words.USER_DOMAIN}",
                    to_addresses=[person.emails[0]["value"]],
                    subject=f"About the {topic.lower()}",
                    body=f"Hi {person.first_name},\n\nThank you for your time today; more details attached.",
                    sent_at=sent,
                    created_at=sent,
                )
            )
        if archived_at is not None:
            self.log("lead", lead_id, "ARCHIVED", creator, archived_at)
        self.plan.lead_updated.append((updated, lead_id))

    def notes(self, lead: Lead, person: Person | None, country: words.Country, topic: str) -> dt.datetime:
        rng, latest = self.rng, lead.created_at
        for _ in range(rng.choices((0, 1, 2, 3), (30, 40, 20, 10))[0]):
            author = rng.choice(self.users)
            values = {
                "first": person.first_name if person else "they",
                "month": rng.choice(words.MONTHS),
                "topic": topic.lower(),
                "country": country.name,
            }
            mentioned: User | None = None
            if rng.random() < 0.2:
                mentioned = rng.choice([u for u in self.users if u.id != author.id])
                content = rng.choice(words.MENTION_NOTES).format(user=mentioned.name, **values)
            else:
                content = rng.choice(words.NOTES).format(**values)
            at = stamp(rng, lead.created_at, self.now)
            note = {
                "company_id": self.company_id,
                "lead_id": lead.id,
                "author_id": author.id,
                "content": content,
                "created_at": at,
            }
            self.plan.notes.append(note)
            if mentioned is not None:
                self.plan.mentions_of.append((note, mentioned.id, lead))
            latest = max(latest, at)
        return latest

    def activities(self, lead: Lead, person: Person | None) -> dt.datetime:
        rng, latest = self.rng, lead.created_at
        pending: list[dict[str, Any]] = []
        for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]):
            subject, kind = rng.choice(words.ACTIVITIES)
            created = stamp(rng, lead.created_at, self.now)
            # Past ones mostly done, some forgotten (overdue); a few today; the rest planned.
            roll = rng.random()
            if roll < 0.45:
                due = (created + dt.timedelta(days=rng.randrange(0, 20))).date()
                due = min(due, self.now.date() - dt.timedelta(days=1))
                done = rng.random() < 0.8
            elif roll < 0.55:
                due, done = self.now.date(), False
            else:
                due, done = self.now.date() + dt.timedelta(days=rng.randrange(1, 60)), False
            timed = rng.random() < 0.6
            activity: dict[str, Any] = {
                "company_id": self.company_id,
                "lead_id": lead.id,
                "person_id": person.id if person else None,
                "type": ActivityType(kind),
                "subject": subject,
                "due_date": due,
                "due_time": dt.time(rng.randrange(8, 17), rng.choice((0, 15, 30, 45)), tzinfo=dt.UTC)
                if timed
                else None,
                "duration_minutes": rng.choice((15, 30, 60)) if timed else None,
                "done": done,
                "assignee_id": lead.owner_user_id or rng.choice(self.users).id,
                "created_by_id": lead.created_by_id,
                "created_at": created,
            }
            self.plan.activities.append(activity)
            self.log("lead", lead.id, "ACTIVITY_SCHEDULED", lead.created_by_id, created, field="activity", new=subject)
            latest = max(latest, created)
            if done:
                done_at = stamp(rng, created, self.now)
                activity["done_at"] = done_at
                self.log(
                    "lead", lead.id, "ACTIVITY_DONE", activity["assignee_id"], done_at, field="activity", new=subject
                )
                latest = max(latest, done_at)
            else:
                pending.append(activity)
        self.plan.pending[lead.id] = pending
        return latest
