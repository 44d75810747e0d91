"""Custom filters of the inbox (SPEC §3.2): every operator on the column types it fits, AND/OR
trees, custom fields of leads, persons and organizations, and clear errors for what does not fit.

The inbox is small and hand-made so that each case names exactly the leads it must return; a
second company holds look-alike leads that must never appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from domain.accounts.account import create_team
from domain.contacts.organization import OrganizationData
from domain.contacts.person import ContactValue, PersonData
from domain.leads.filter import FilterOperator
from domain.leads.lead import LeadData, create_lead
from domain.viewer import Viewer
from models import Lead, LeadLabel, LeadSource, Person, Role, Visibility
from tests.conftest import Account
from tests.factories import gid
from tests.factories.columns import define_fields
from tests.factories.lead_list import set_timestamps

LEADS = """
query ($filter: LeadFilter) {
  leads(first: 100, filter: $filter, sort: {field: TITLE, direction: ASC}) { totalCount nodes { title } }
}
"""
TODAY = dt.datetime.now(dt.UTC).date()


async def add_lead(
    viewer: Viewer,
    title: str,
    *,
    person: PersonData | None = None,
    organization: OrganizationData | None = None,
    source: LeadSource = LeadSource.MANUAL,
    **fields: Any,
) -> Lead:
    if person is None and organization is None:
        organization = OrganizationData(name=f"Org of {title}")
    return await create_lead(viewer, LeadData(title=title, person=person, organization=organization, **fields), source)


@dataclass
class Inbox:
    anna: Account
    bob: Account
    ids: dict[str, str]


async def inbox(account: Account, other_account: Account, make_account: Any) -> Inbox:
    viewer = await account.viewer()
    await define_fields(viewer)
    bob = await make_account(company_id=account.company_id, name="Bob Seller", role=Role.REGULAR)
    sales = await create_team(account.company_id, "Sales", [bob.user_id])
    labels = {label.name: label.id for label in await LeadLabel.filter(company_id=account.company_id)}
    alpha = await add_lead(
        viewer,
        "Alpha Trucks",
        person=PersonData(
            name="Anna Berg",
            emails=[ContactValue("anna@berg.test")],
            phones=[ContactValue("+46 8 555 12")],
            custom_fields={"score": 5},
        ),
        organization=OrganizationData(name="Volvo", address_city="Gothenburg", custom_fields={"industry": "Trucks"}),
        value_amount=Decimal("1000"),
        value_currency="EUR",
        expected_close_date=TODAY + dt.timedelta(days=3),
        label_ids=[labels["Hot"]],
        was_seen=True,
        custom_fields={
            "region": "North",
            "fleet": 40,
            "budget": {"amount": "5000", "currency": "SEK"},
            "decide_on": "2030-03-01",
            "call_at": "09:30",
            "tier": 1,
            "channels": [1, 2],
            "manager": gid("User", bob.user_id),
            "hotline": "+46 31 1",
            "site": "Kungsgatan 1",
        },
    )
    scania = await add_lead(
        viewer,
        "Beta Buses",
        organization=OrganizationData(name="Scania", address_city="Sodertalje"),
        value_amount=Decimal("250.50"),
        value_currency="EUR",
        expected_close_date=TODAY - dt.timedelta(days=2),
        label_ids=[labels["Warm"], labels["Cold"]],
        owner_team_id=sales.id,
        source=LeadSource.API,
        custom_fields={
            "region": "south",
            "fleet": 7,
            "decide_on": "2030-06-15",
            "call_at": "14:00",
            "tier": 2,
            "channels": [3],
        },
    )
    gamma = await add_lead(
        viewer,
        "Gamma 100% sure_thing",
        person=PersonData(name="Carl Lind", phones=[ContactValue("070-123 45 67")]),
        source=LeadSource.WEB_FORM,
        custom_fields={"fleet": 0},
    )
    anna_berg = await Person.get(company_id=account.company_id, name="Anna Berg")
    delta = await add_lead(
        viewer,
        "delta",
        person=PersonData(name="Dora North", emails=[ContactValue("dora@north.test")]),
        organization=OrganizationData(name="Volvo Cars", address_city="Gothenburg"),
        custom_fields={
            "region": "North-East",
            "fleet": 100,
            "budget": {"amount": "100", "currency": "EUR"},
            "tier": 3,
            "manager": gid("User", account.user_id),
            "champion": gid("Person", anna_berg.id),
            "partner": gid("Organization", scania.organization_id),
        },
    )
    epsilon = await add_lead(viewer, "Epsilon")
    await set_timestamps([gamma.id], created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    await set_timestamps([delta.id], created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=100))
    # Another company with the same fields and a look-alike of every lead.
    other = await other_account.viewer()
    await define_fields(other)
    await add_lead(other, "Alpha Trucks", custom_fields={"region": "North", "fleet": 40, "tier": 1, "channels": [1, 2]})
    await add_lead(other, "Gamma 100% sure_thing", custom_fields={"fleet": 0})
    ids = {
        "anna": gid("User", account.user_id),
        "bob": gid("User", bob.user_id),
        "sales": gid("Team", sales.id),
        "hot": gid("LeadLabel", labels["Hot"]),
        "warm": gid("LeadLabel", labels["Warm"]),
        "cold": gid("LeadLabel", labels["Cold"]),
        "anna_berg": gid("Person", anna_berg.id),
        "scania": gid("Organization", scania.organization_id),
        "volvo": gid("Organization", alpha.organization_id),
    }
    assert epsilon.id
    return Inbox(account, bob, ids)


A, B, G, D, E = "Alpha Trucks", "Beta Buses", "Gamma 100% sure_thing", "delta", "Epsilon"
EVERYONE = {A, B, G, D, E}


def c(column: str, operator: str, value: Any = None, values: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"column": column, "operator": operator}
    if value is not None:
        out["value"] = value
    if values is not None:
        out["values"] = values
    return out


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


# (condition, expected titles); "$name" values are replaced by the inbox's global ids.
CASES: dict[str, tuple[dict[str, Any], set[str]]] = {
    # Text, case-insensitive; LIKE wildcards in the value are plain characters.
    "text equals": (c("lead.title", "EQUALS", "alpha TRUCKS"), {A}),
    "text not equals": (c("lead.title", "NOT_EQUALS", "alpha trucks"), EVERYONE - {A}),
    "text contains %": (c("lead.title", "CONTAINS", "100%"), {G}),
    "text contains _": (c("lead.title", "CONTAINS", "e_t"), {G}),
    "text starts with": (c("lead.title", "STARTS_WITH", "DEL"), {D}),
    "text is one of": (c("lead.title", "IS_ONE_OF", values=["beta buses", "DELTA"]), {B, D}),
    "text is not one of": (c("lead.title", "IS_NOT_ONE_OF", values=["beta buses"]), EVERYONE - {B}),
    "custom text starts with": (c("cf.lead.region", "STARTS_WITH", "north"), {A, D}),
    "custom text not equals keeps empties": (c("cf.lead.region", "NOT_EQUALS", "NORTH"), {B, G, D, E}),
    "custom text is empty": (c("cf.lead.region", "IS_EMPTY"), {G, E}),
    "custom text is not empty": (c("cf.lead.region", "IS_NOT_EMPTY"), {A, B, D}),
    "custom phone contains": (c("cf.lead.hotline", "CONTAINS", "31 1"), {A}),
    "custom address equals": (c("cf.lead.site", "EQUALS", "kungsgatan 1"), {A}),
    "person name contains": (c("person.name", "CONTAINS", "BERG"), {A}),
    "person email equals": (c("person.email", "EQUALS", "ANNA@berg.test"), {A}),
    "person email contains": (c("person.email", "CONTAINS", "north"), {D}),
    "person email starts with": (c("person.email", "STARTS_WITH", "dora@"), {D}),
    "person email is empty": (c("person.email", "IS_EMPTY"), {B, G, E}),
    "person phone equals": (c("person.phone", "EQUALS", "+46 8 555 12"), {A}),
    "person phone contains digits": (c("person.phone", "CONTAINS", "555-12"), {A}),
    "person phone starts with": (c("person.phone", "STARTS_WITH", "070"), {G}),
    "person organization": (c("person.organization", "EQUALS", "$volvo"), {A}),
    "organization city": (c("organization.address.city", "EQUALS", "gothenburg"), {A, D}),
    "organization name is empty": (c("organization.name", "IS_EMPTY"), {G}),
    # Numbers and money.
    "number greater than": (c("cf.lead.fleet", "GREATER_THAN", 7), {A, D}),
    "number less than": (c("cf.lead.fleet", "LESS_THAN", 7), {G}),
    "number between": (c("cf.lead.fleet", "BETWEEN", values=[7, "40"]), {A, B}),
    "number equals zero": (c("cf.lead.fleet", "EQUALS", 0), {G}),
    "number not equals keeps empties": (c("cf.lead.fleet", "NOT_EQUALS", 40), {B, G, D, E}),
    "number is empty": (c("cf.lead.fleet", "IS_EMPTY"), {E}),
    "money greater than": (c("lead.value", "GREATER_THAN", "250.5"), {A}),
    "money equals": (c("lead.value", "EQUALS", 250.5), {B}),
    "money is empty": (c("lead.value", "IS_EMPTY"), {G, D, E}),
    "custom money less than": (c("cf.lead.budget", "LESS_THAN", 1000), {D}),
    "custom money is not empty": (c("cf.lead.budget", "IS_NOT_EMPTY"), {A, D}),
    # Dates, time stamps and times.
    "date before": (c("cf.lead.decide_on", "BEFORE", "2030-06-15"), {A}),
    "date after": (c("cf.lead.decide_on", "AFTER", "2030-03-01"), {B}),
    "date between": (c("cf.lead.decide_on", "BETWEEN", values=["2030-03-01", "2030-06-15"]), {A, B}),
    "date equals": (c("cf.lead.decide_on", "EQUALS", "2030-06-15"), {B}),
    "date is empty": (c("cf.lead.decide_on", "IS_EMPTY"), {G, D, E}),
    "lead date in last days": (c("lead.expectedCloseDate", "IN_LAST_DAYS", 7), {B}),
    "lead date after": (c("lead.expectedCloseDate", "AFTER", days_ago(0)), {A}),
    "lead date not equals": (c("lead.expectedCloseDate", "NOT_EQUALS", days_ago(-3)), EVERYONE - {A}),
    "created in last days": (c("lead.createdAt", "IN_LAST_DAYS", 30), {A, B, G, E}),
    "created before a day": (c("lead.createdAt", "BEFORE", days_ago(50)), {D}),
    "created on a day": (c("lead.createdAt", "EQUALS", days_ago(10)), {G}),
    "created between days": (c("lead.createdAt", "BETWEEN", values=[days_ago(11), days_ago(9)]), {G}),
    "created after a moment": (
        c("lead.createdAt", "AFTER", (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()),
        {A, B, E},
    ),
    "archived is empty": (c("lead.archivedAt", "IS_EMPTY"), EVERYONE),
    "time before": (c("cf.lead.call_at", "BEFORE", "12:00"), {A}),
    "time after": (c("cf.lead.call_at", "AFTER", "09:30"), {B}),
    "time equals with seconds": (c("cf.lead.call_at", "EQUALS", "09:30:00"), {A}),
    "time between": (c("cf.lead.call_at", "BETWEEN", values=["09:00", "14:00"]), {A, B}),
    # Choices: options, labels, owners, users, persons, organizations, sources, flags.
    "option equals": (c("cf.lead.tier", "EQUALS", 1), {A}),
    "option is one of": (c("cf.lead.tier", "IS_ONE_OF", values=["2", 3]), {B, D}),
    "option not equals keeps empties": (c("cf.lead.tier", "NOT_EQUALS", 1), {B, G, D, E}),
    "option is empty": (c("cf.lead.tier", "IS_EMPTY"), {G, E}),
    "options has any of": (c("cf.lead.channels", "IS_ONE_OF", values=[2, 3]), {A, B}),
    "options has none of": (c("cf.lead.channels", "IS_NOT_ONE_OF", values=[1]), {B, G, D, E}),
    "options has": (c("cf.lead.channels", "EQUALS", 1), {A}),
    "options is empty": (c("cf.lead.channels", "IS_EMPTY"), {G, D, E}),
    "options is not empty": (c("cf.lead.channels", "IS_NOT_EMPTY"), {A, B}),
    "source is one of": (c("lead.source", "IS_ONE_OF", values=["API", "WEB_FORM"]), {B, G}),
    "source not equals": (c("lead.source", "NOT_EQUALS", "MANUAL"), {B, G}),
    "labels has any of": (c("lead.labels", "IS_ONE_OF", values=["$warm"]), {B}),
    "labels has none of": (c("lead.labels", "IS_NOT_ONE_OF", values=["$hot"]), EVERYONE - {A}),
    "labels has": (c("lead.labels", "EQUALS", "$cold"), {B}),
    "labels is empty": (c("lead.labels", "IS_EMPTY"), {G, D, E}),
    "owner is a team": (c("lead.owner", "EQUALS", "$sales"), {B}),
    "owner is one of": (c("lead.owner", "IS_ONE_OF", values=["$anna", "$sales"]), EVERYONE),
    "owner is not": (c("lead.owner", "NOT_EQUALS", "$sales"), EVERYONE - {B}),
    "owner is empty": (c("lead.owner", "IS_EMPTY"), set()),
    "user field equals": (c("cf.lead.manager", "EQUALS", "$bob"), {A}),
    "user field is one of": (c("cf.lead.manager", "IS_ONE_OF", values=["$anna", "$bob"]), {A, D}),
    "user field is not one of": (c("cf.lead.manager", "IS_NOT_ONE_OF", values=["$bob"]), EVERYONE - {A}),
    "user field is empty": (c("cf.lead.manager", "IS_EMPTY"), {B, G, E}),
    "person field equals": (c("cf.lead.champion", "EQUALS", "$anna_berg"), {D}),
    "organization field is one of": (c("cf.lead.partner", "IS_ONE_OF", values=["$scania"]), {D}),
    "creator": (c("lead.createdBy", "EQUALS", "$anna"), EVERYONE),
    "seen": (c("lead.wasSeen", "EQUALS", True), {A}),
    "person custom number": (c("cf.person.score", "GREATER_THAN", 1), {A}),
    "organization custom text": (c("cf.organization.industry", "EQUALS", "trucks"), {A}),
    "organization custom text is empty": (c("cf.organization.industry", "IS_EMPTY"), EVERYONE - {A}),
}


def with_ids(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [with_ids(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: with_ids(v, ids) for k, v in value.items()}
    return value


async def titles(account: Account, filter: dict[str, Any]) -> set[str]:
    page = (await account.client.execute(LEADS, {"filter": filter}))["leads"]
    found = {n["title"] for n in page["nodes"]}
    assert page["totalCount"] == len(page["nodes"])
    return found


def test_every_operator_is_exercised() -> None:
    assert {condition["operator"] for condition, _ in CASES.values()} == {o.value for o in FilterOperator}


@pytest.fixture
async def the_inbox(account: Account, other_account: Account, make_account: Any) -> Inbox:
    return await inbox(account, other_account, make_account)


async def test_each_condition_picks_its_leads(the_inbox: Inbox) -> None:
    # One inbox for every case: building it is the slow part.
    failures = []
    for name, (condition, expected) in CASES.items():
        got = await titles(the_inbox.anna, {"conditions": {"conditions": [with_ids(condition, the_inbox.ids)]}})
        if got != expected:
            failures.append((name, sorted(got), sorted(expected)))
    assert failures == []


async def test_groups_combine_with_and_or(the_inbox: Inbox) -> None:
    ids = the_inbox.ids
    tree = {
        "op": "OR",
        "conditions": [c("lead.title", "EQUALS", "epsilon")],
        "groups": [
            {
                "op": "AND",
                "conditions": [c("cf.lead.region", "STARTS_WITH", "north"), c("cf.lead.fleet", "GREATER_THAN", 50)],
            },
            {
                "conditions": [c("lead.labels", "IS_ONE_OF", values=[ids["warm"]])],
                "groups": [
                    {"op": "OR", "conditions": [c("cf.lead.tier", "EQUALS", 2), c("cf.lead.tier", "EQUALS", 3)]}
                ],
            },
            {"conditions": []},
        ],
    }
    assert await titles(the_inbox.anna, {"conditions": tree}) == {E, D, B}
    # The custom filter adds to the quick and predefined filters (AND).
    assert await titles(the_inbox.anna, {"conditions": tree, "predefined": ["WITH_VALUE"]}) == {B}
    assert await titles(the_inbox.anna, {"conditions": tree, "sources": ["MANUAL"], "search": "del"}) == {D}
    assert await titles(the_inbox.anna, {"conditions": {"op": "OR"}}) == EVERYONE


async def test_contacts_hidden_from_the_viewer_never_match(the_inbox: Inbox, make_account: Any) -> None:
    viewer = await the_inbox.anna.viewer()
    await add_lead(
        viewer,
        "Open lead, secret contact",
        person=PersonData(name="Secret Berg", visibility=Visibility.OWNER, custom_fields={"score": 50}),
    )
    rita = await make_account(company_id=the_inbox.anna.company_id, name="Rita Regular", role=Role.REGULAR)
    conditions = [c("person.name", "CONTAINS", "secret")]
    assert await titles(the_inbox.anna, {"conditions": {"conditions": conditions}}) == {"Open lead, secret contact"}
    assert await titles(rita, {"conditions": {"conditions": conditions}}) == set()
    assert await titles(rita, {"conditions": {"conditions": [c("cf.person.score", "GREATER_THAN", 10)]}}) == set()
    # Hidden reads as empty, so "is empty" holds for the hidden person's lead.
    assert "Open lead, secret contact" in await titles(
        rita, {"conditions": {"conditions": [c("person.name", "IS_EMPTY")]}}
    )


ERRORS: dict[str, tuple[dict[str, Any], str, str]] = {
    "operator not for numbers": (c("cf.lead.fleet", "CONTAINS", "4"), "INVALID_FILTER", "GREATER_THAN"),
    "operator not for text": (c("lead.title", "GREATER_THAN", "a"), "INVALID_FILTER", "CONTAINS"),
    "operator not for labels": (c("lead.labels", "STARTS_WITH", "H"), "INVALID_FILTER", "IS_ONE_OF"),
    "in last days on a time": (c("cf.lead.call_at", "IN_LAST_DAYS", 3), "INVALID_FILTER", "BEFORE"),
    "unknown column": (c("cf.lead.nope", "EQUALS", 1), "UNKNOWN_COLUMN", "cf.lead.nope"),
    "not a number": (c("cf.lead.fleet", "GREATER_THAN", "lots"), "INVALID_FILTER", "not a number"),
    "between needs two": (c("cf.lead.fleet", "BETWEEN", values=[1]), "INVALID_FILTER", "two"),
    "one of needs values": (c("cf.lead.tier", "IS_ONE_OF", values=[]), "INVALID_FILTER", "non-empty"),
    "bad date": (c("cf.lead.decide_on", "BEFORE", "31/12/2030"), "INVALID_FILTER", "not a date"),
    "time stamp without offset": (c("lead.createdAt", "AFTER", "2024-01-01T10:00:00"), "INVALID_FILTER", "offset"),
    "unknown option": (c("cf.lead.tier", "EQUALS", 9), "INVALID_FILTER", "not an option"),
    "unknown source": (c("lead.source", "EQUALS", "FAX"), "INVALID_FILTER", "MANUAL"),
    "bad id": (c("cf.lead.manager", "EQUALS", "not-an-id"), "INVALID_FILTER", "User id"),
    "negative days": (c("lead.createdAt", "IN_LAST_DAYS", -1), "INVALID_FILTER", "days"),
    "not filterable": (c("lead.activityStatus", "EQUALS", "NONE"), "INVALID_FILTER", "cannot be filtered"),
}


@pytest.mark.parametrize("case", list(ERRORS))
async def test_what_does_not_fit_is_a_clear_error(account: Account, case: str) -> None:
    await define_fields(await account.viewer())
    condition, code, mentioned = ERRORS[case]
    body = await account.client.raw(LEADS, {"filter": {"conditions": {"conditions": [condition]}}})
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert mentioned in error["message"], error["message"]


async def test_a_tree_too_deep_or_too_large_is_refused(account: Account) -> None:
    group: dict[str, Any] = {"conditions": [c("lead.title", "EQUALS", "x")]}
    for _ in range(6):
        group = {"groups": [group]}
    body = await account.client.raw(LEADS, {"filter": {"conditions": group}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_FILTER"
    many = {"conditions": [c("lead.title", "EQUALS", str(i)) for i in range(51)]}
    body = await account.client.raw(LEADS, {"filter": {"conditions": many}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_FILTER"
    assert "50" in body["errors"][0]["message"]
