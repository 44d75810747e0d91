"""Sorting the inbox by any column (SPEC §3.2): custom fields of every sortable kind, person and
organization fields. Every page is walked to the end, both ways, and compared with the order
computed in Python from the stored rows: values drawn from small pools give ties (broken by
id) and empty values (last in both directions)."""

from __future__ import annotations

import base64
import random
import uuid
from decimal import Decimal
from typing import Any

import orjson
import pytest

from domain.contacts.duplicate import DuplicatePolicy
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import ContactValue, PersonData, create_person
from domain.fold import fold, fold_key
from domain.leads.lead import LeadData, create_lead
from models import CustomField, CustomFieldType, Lead, LeadSource, Organization, Person, Role, User
from tests.conftest import Account
from tests.factories import gid
from tests.factories.columns import define_fields
from tests.factories.lead_list import LEADS_PAGE, error_code, walk

SORTED_COLUMNS = [
    "cf.lead.region",
    "cf.lead.fleet",
    "cf.lead.budget",
    "cf.lead.decide_on",
    "cf.lead.call_at",
    "cf.lead.tier",
    "cf.lead.channels",
    "cf.lead.manager",
    "cf.lead.champion",
    "cf.lead.partner",
    "cf.lead.hotline",
    "cf.person.score",
    "cf.person.mentor",
    "cf.organization.industry",
    "person.name",
    "person.email",
    "person.phone",
    "person.organization",
    "organization.address.city",
    "lead.createdBy",
]


async def sort_inbox(account: Account, make_account: Any) -> None:
    """About thirty leads whose every sorted column has ties and empty values."""
    viewer = await account.viewer()
    await define_fields(viewer)
    bob = await make_account(company_id=account.company_id, name="bob Builder", role=Role.REGULAR)
    carl = await make_account(company_id=account.company_id, name="Bob  builder", role=Role.REGULAR)
    users = [gid("User", u) for u in (account.user_id, bob.user_id, carl.user_id)]
    refs_p = [gid("Person", (await create_person_named(viewer, n)).id) for n in ("Zed", "amy", "Amy")]
    refs_o = [gid("Organization", (await create_org_named(viewer, n)).id) for n in ("Zeta", "beta", "Beta")]
    rng = random.Random(20240301)

    def pick(*pool: Any) -> Any:
        return rng.choice(pool)

    for i in range(30):
        values = {
            "region": pick(None, "North", "north", "South", "east"),
            "fleet": pick(None, 0, 7, 7, 40, -3, 2.5),
            "budget": pick(
                None,
                {"amount": "10", "currency": "EUR"},
                {"amount": "10.00", "currency": "SEK"},
                {"amount": "9.5", "currency": "EUR"},
            ),
            "decide_on": pick(None, "2030-01-01", "2030-01-01", "2029-12-31"),
            "call_at": pick(None, "09:30", "09:30:15", "14:00", "09:30"),
            "tier": pick(None, 1, 2, 3, 3),
            "channels": pick([], [3], [1, 3], [2], [2, 3]),
            "manager": pick(None, *users),
            "champion": pick(None, *refs_p),
            "partner": pick(None, *refs_o),
            "hotline": pick(None, "+46 1", "+46 2", "+46 1"),
        }
        person = pick(None, "Pia", "pia", "Quinn")
        # A lead always has a contact: without a person, an organization.
        org = pick(None, "Volvo", "volvo", "Saab") or (None if person else "Saab")
        await create_lead(
            viewer,
            LeadData(
                title=f"Lead {i}",
                person=PersonData(
                    name=person,
                    emails=[ContactValue(pick("a@x.test", "B@x.test", "a@x.test"))] if pick(True, False) else [],
                    phones=[ContactValue(pick("070 1", "070 2"))] if pick(True, False) else [],
                    custom_fields={"score": pick(None, 1, 2, 2), "mentor": pick(None, *users)},
                )
                if person
                else None,
                organization=OrganizationData(
                    name=org,
                    address_city=pick(None, "Gothenburg", "gothenburg", "Malmo"),
                    custom_fields={"industry": pick(None, "Cars", "cars", "Trucks")},
                )
                if org
                else None,
                custom_fields={k: v for k, v in values.items() if v is not None},
                # Namesakes on purpose: ties in every name column.
                duplicates=DuplicatePolicy.create_all(),
            ),
            LeadSource.MANUAL,
        )
    # Creators alternate, so that the creator column has ties too.
    leads = await Lead.filter(company_id=account.company_id).order_by("title")
    for i, lead in enumerate(leads):
        await Lead.filter(id=lead.id).update(created_by_id=[account.user_id, bob.user_id, None][i % 3])


async def create_person_named(viewer: Any, name: str) -> Person:
    return await create_person(viewer, PersonData(name=name))


async def create_org_named(viewer: Any, name: str) -> Organization:
    return await create_organization(viewer, OrganizationData(name=name))


async def expected_keys(company_id: int, column: str) -> dict[uuid.UUID, Any]:
    """What the list sorts each lead on, computed from the stored rows; None when empty."""
    leads = await Lead.filter(company_id=company_id)
    persons = {p.id: p for p in await Person.filter(company_id=company_id)}
    orgs = {o.id: o for o in await Organization.filter(company_id=company_id)}
    users = {u.id: u.name for u in await User.filter(company_id=company_id)}
    fields = {(f.entity.value, f.key): f for f in await CustomField.filter(company_id=company_id)}
    out: dict[uuid.UUID, Any] = {}
    for lead in leads:
        person = persons.get(lead.person_id) if lead.person_id else None
        org = orgs.get(lead.organization_id) if lead.organization_id else None
        out[lead.id] = sort_value(column, lead, person, org, persons, orgs, users, fields)
    return out


def _lower(text: str | None) -> str | None:
    """A text as the list sorts it: its folded key (domain.fold); None for none."""
    return fold_key(text) if text is not None else None


def sort_value(column: str, lead: Lead, person: Any, org: Any, persons: Any, orgs: Any, users: Any, fields: Any) -> Any:
    if column == "person.name":
        return _lower(person.name) if person else None
    if column == "person.email":
        return person.email_search or None if person else None
    if column == "person.phone":
        return person.phone_search or None if person else None
    if column == "person.organization":
        return _lower(orgs[person.organization_id].name) if person and person.organization_id else None
    if column == "organization.address.city":
        return _lower(org.address_city) if org else None
    if column == "lead.createdBy":
        return _lower(users.get(lead.created_by_id)) if lead.created_by_id else None
    _, source, key = column.split(".")
    record = {"lead": lead, "person": person, "organization": org}[source]
    entity = {"lead": "LEAD_DEAL", "person": "PERSON", "organization": "ORGANIZATION"}[source]
    value = record.custom_fields.get(key) if record is not None else None
    if value is None:
        return None
    field = fields[(entity, key)]
    kind = CustomFieldType(field.type)
    if kind in (CustomFieldType.TEXT, CustomFieldType.PHONE):
        return fold(value)
    if kind == CustomFieldType.NUMBER:
        return Decimal(str(value))
    if kind == CustomFieldType.MONETARY:
        return Decimal(value["amount"])
    if kind in (CustomFieldType.DATE, CustomFieldType.TIME):
        return value
    positions = {o["id"]: i for i, o in enumerate(field.options)}
    if kind == CustomFieldType.SINGLE_OPTION:
        return positions[value]
    if kind == CustomFieldType.MULTIPLE_OPTIONS:
        return min(positions[v] for v in value) if value else None
    if kind == CustomFieldType.USER:
        return fold_key(users[value])
    if kind == CustomFieldType.PERSON:
        return fold_key(persons[value].name)
    return fold_key(orgs[value].name)


def expected_order(keys: dict[uuid.UUID, Any], direction: str) -> list[uuid.UUID]:
    descending = direction == "DESC"
    filled = sorted((k for k in keys.items() if k[1] is not None), key=lambda k: (k[1], str(k[0])), reverse=descending)
    empty = sorted((k for k in keys.items() if k[1] is None), key=lambda k: str(k[0]), reverse=descending)
    return [k for k, _ in filled + empty]


async def test_walking_a_column_sort_returns_each_lead_once_in_order(account: Account, make_account: Any) -> None:
    await sort_inbox(account, make_account)
    failures = []
    for column in SORTED_COLUMNS:
        keys = await expected_keys(account.company_id, column)
        filled = [v for v in keys.values() if v is not None]
        # The data set proves ties and the place of empty values for every column.
        assert len(filled) > len(set(filled)), f"no ties in {column}"
        assert len(filled) < len(keys), f"no empty values in {column}"
        for direction in ("ASC", "DESC"):
            got = await walk(account, first=4, sort={"column": column, "direction": direction})
            if got != expected_order(keys, direction):
                failures.append((column, direction))
    assert failures == []


async def test_column_sort_errors(account: Account) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    for i in range(3):
        await create_lead(
            viewer,
            LeadData(
                title=f"L{i}",
                organization=OrganizationData(name=f"O{i}"),
                custom_fields={"decide_on": f"2030-01-0{i + 1}"},
            ),
            LeadSource.MANUAL,
        )
    sort = {"column": "cf.lead.decide_on", "direction": "ASC"}
    page = (await account.client.execute(LEADS_PAGE, {"first": 1, "sort": sort}))["leads"]
    cursor = page["pageInfo"]["endCursor"]
    # The cursor belongs to its sort.
    body = await account.client.raw(
        LEADS_PAGE, {"first": 1, "after": cursor, "sort": {"column": "cf.lead.fleet", "direction": "ASC"}}
    )
    assert error_code(body) == "INVALID_CURSOR"
    body = await account.client.raw(
        LEADS_PAGE, {"first": 1, "after": cursor, "sort": {"field": "TITLE", "direction": "ASC"}}
    )
    assert error_code(body) == "INVALID_CURSOR"
    # A forged key that is not a date of this column is refused, not sent to the database.
    forged = (
        base64.urlsafe_b64encode(
            orjson.dumps({"s": "cf.lead.decide_on:ASC", "k": ["", "soon"], "i": ["", str(uuid.uuid4())]})
        )
        .decode()
        .rstrip("=")
    )
    assert (
        error_code(await account.client.raw(LEADS_PAGE, {"first": 1, "after": forged, "sort": sort}))
        == "INVALID_CURSOR"
    )
    forged = (
        base64.urlsafe_b64encode(
            orjson.dumps({"s": "cf.lead.tier:ASC", "k": ["", "gold"], "i": ["", str(uuid.uuid4())]})
        )
        .decode()
        .rstrip("=")
    )
    tier = {"column": "cf.lead.tier", "direction": "ASC"}
    assert (
        error_code(await account.client.raw(LEADS_PAGE, {"first": 1, "after": forged, "sort": tier}))
        == "INVALID_CURSOR"
    )
    # Columns that do not sort, and columns that do not exist.
    for column, code in (
        ("cf.lead.notes", "INVALID_SORT"),
        ("cf.lead.nope", "UNKNOWN_COLUMN"),
    ):
        body = await account.client.raw(LEADS_PAGE, {"first": 1, "sort": {"column": column, "direction": "ASC"}})
        assert error_code(body) == code, column


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_a_named_sort_and_its_column_give_the_same_order(
    account: Account, make_account: Any, direction: str
) -> None:
    await sort_inbox(account, make_account)
    by_field = await walk(account, first=7, sort={"field": "PERSON_NAME", "direction": direction})
    by_column = await walk(account, first=7, sort={"column": "person.name", "direction": direction})
    assert by_field == by_column
