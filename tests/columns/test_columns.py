"""Inbox columns (SPEC §3.2): the catalogue, each user's saved columns, typed values per lead,
and a page of any column set in a fixed number of statements whatever its size (SPEC §10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from app import create_app
from core.config import Settings
from domain.accounts.account import create_team
from domain.columns.custom_field import create_custom_field, delete_custom_field
from domain.leads.label import create_label
from models import CustomField, CustomFieldEntity, CustomFieldType, LeadColumnPreference, Role, Visibility
from tests.conftest import Account, Client, StatementCounter
from tests.factories import gid, lead_gid, make_activity, make_lead, make_org, make_person
from tests.factories.columns import CF_KEYS, define_fields, lead_values, seed_column_inbox

CATALOGUE = "query { leadColumns { key label type source sortable filterable options { id label color } } }"
VIEWER_COLUMNS = "query { viewer { leadColumns { key label } } }"
SET_COLUMNS = """
mutation ($input: SetLeadColumnsInput!) {
  setLeadColumns(input: $input) { columns { key } userErrors { field message code } }
}
"""
VALUE_FIELDS = """
fragment V on ColumnValue {
  __typename column display
  ... on TextValue { text }
  ... on NumberValue { number }
  ... on MoneyValue { amount currency }
  ... on DateValue { date }
  ... on DateTimeValue { dateTime }
  ... on TimeValue { time }
  ... on BooleanValue { boolean }
  ... on OptionValue { id label color }
  ... on OptionsValue { options { id label color } }
  ... on UserValue { user { name } }
  ... on TeamValue { team { name } }
  ... on PersonValue { person { name } }
  ... on OrganizationValue { organization { name } }
  ... on LabelsValue { labels { name } }
}
"""
PAGE = (
    """
query ($first: Int!, $columns: [String!], $sort: LeadSort = {field: TITLE, direction: ASC}, $filter: LeadFilter) {
  leads(first: $first, sort: $sort, filter: $filter) {
    edges { cursor node { title values(columns: $columns) { ...V } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + VALUE_FIELDS
)
NODE_VALUES = (
    "query ($id: ID!, $columns: [String!]) { node(id: $id) { ... on Lead { values(columns: $columns) { ...V } } } }"
    + VALUE_FIELDS
)


async def keys_of(account: Account) -> list[str]:
    return [c["key"] for c in (await account.client.execute(CATALOGUE))["leadColumns"]]


async def test_catalogue_lists_lead_person_organization_and_custom_columns(
    account: Account, other_account: Account
) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    await create_custom_field(
        viewer, CustomFieldEntity.LEAD_DEAL, "Twice", CustomFieldType.FORMULA, formula="{value} * 2"
    )
    gone = await create_custom_field(viewer, CustomFieldEntity.PERSON, "Gone", CustomFieldType.TEXT)
    await delete_custom_field(viewer, gone.id)

    columns = {c["key"]: c for c in (await account.client.execute(CATALOGUE))["leadColumns"]}
    for key in (
        "lead.title",
        "lead.value",
        "lead.owner",
        "lead.labels",
        "person.name",
        "person.email",
        "organization.address.city",
    ):
        assert key in columns
    assert [k for k in columns if k.startswith("cf.")] == CF_KEYS  # leads', then persons', then organizations'
    # Formula fields are deals only; deleted fields are gone.
    assert "cf.lead.twice" not in columns and "cf.person.gone" not in columns
    assert columns["lead.value"] == {
        "key": "lead.value",
        "label": "Value",
        "type": "MONEY",
        "source": "LEAD",
        "sortable": True,
        "filterable": True,
        "options": [],
    }
    assert columns["cf.lead.tier"]["options"] == [
        {"id": "1", "label": "Gold", "color": None},
        {"id": "2", "label": "Silver", "color": None},
        {"id": "3", "label": "Bronze", "color": None},
    ]
    assert (columns["cf.person.score"]["type"], columns["cf.person.score"]["source"]) == ("NUMBER", "PERSON")
    assert columns["cf.person.score"]["label"] == "Score (person)"
    assert columns["cf.organization.industry"]["source"] == "ORGANIZATION"
    assert columns["cf.lead.notes"]["sortable"] is False
    assert columns["lead.activityStatus"]["filterable"] is False
    assert columns["lead.activityStatus"]["sortable"] is True
    assert {o["id"] for o in columns["lead.source"]["options"]} >= {"MANUAL", "API", "PROSPECTOR"}
    # Another company has none of these custom fields.
    assert not [k for k in await keys_of(other_account) if k.startswith("cf.")]


async def test_each_user_saves_their_own_columns(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    bob = await make_account(company_id=account.company_id, name="Bob Seller", role=Role.REGULAR)
    defaults = ["lead.title", "lead.activityStatus", "lead.labels", "lead.source", "lead.createdAt", "lead.owner"]
    assert [c["key"] for c in (await account.client.execute(VIEWER_COLUMNS))["viewer"]["leadColumns"]] == defaults

    chosen = ["cf.lead.fleet", "lead.title", "person.name", "cf.person.score", "organization.address.city"]
    payload = await account.client.mutate(SET_COLUMNS, {"keys": chosen})
    assert payload == {"columns": [{"key": k} for k in chosen], "userErrors": []}
    assert [c["key"] for c in (await account.client.execute(VIEWER_COLUMNS))["viewer"]["leadColumns"]] == chosen
    assert (await LeadColumnPreference.get(user_id=account.user_id)).columns == chosen
    # Bob still has the defaults; Anna's choice is hers.
    assert [c["key"] for c in (await bob.client.execute(VIEWER_COLUMNS))["viewer"]["leadColumns"]] == defaults

    # Another user's columns are not readable through `node`.
    other = await account.client.execute(
        "query ($id: ID!) { node(id: $id) { ... on User { leadColumns { key } } } }", {"id": gid("User", bob.user_id)}
    )
    assert other["node"] == {"leadColumns": None}

    refused = await account.client.mutate(SET_COLUMNS, {"keys": ["lead.title", "cf.lead.nope", "lead.title"]})
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "keys", "1"], "UNKNOWN_COLUMN"),
        (["input", "keys", "2"], "DUPLICATE"),
    ]
    assert (await LeadColumnPreference.get(user_id=account.user_id)).columns == chosen

    # A deleted custom field drops out of the saved columns; an empty list goes back to the defaults.
    fleet = await CustomField.get(company_id=account.company_id, key="fleet")
    await delete_custom_field(viewer, fleet.id)
    assert [c["key"] for c in (await account.client.execute(VIEWER_COLUMNS))["viewer"]["leadColumns"]] == chosen[1:]
    assert (await account.client.mutate(SET_COLUMNS, {"keys": []}))["columns"] == [{"key": k} for k in defaults]
    assert not await LeadColumnPreference.exists(user_id=account.user_id)


async def test_values_are_typed_for_every_kind_of_column(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    bob = await make_account(company_id=account.company_id, name="Bob Seller", role=Role.REGULAR)
    champion = await make_person(viewer, "Cecilia Champion")
    partner = await make_org(viewer, "Partner AB")
    employer = await make_org(viewer, "Employer AB")
    org = await make_org(
        viewer,
        "Volvo",
        address_city="Gothenburg",
        custom_fields={"industry": "Trucks", "key_contact": gid("Person", champion.id)},
    )
    person = await make_person(
        viewer, "Pia Buyer", email="pia@volvo.test", phone="+46 31 123", organization_id=org.id,
        custom_fields={"score": 7, "mentor": gid("User", bob.user_id), "employer": gid("Organization", employer.id)},
    )  # fmt: skip
    hot = await create_label(viewer, "Hotter", "red")
    # As a client writes them: references by global id.
    values = lead_values(0, [bob.user_id], champion.id, partner.id) | {
        "manager": gid("User", bob.user_id),
        "champion": gid("Person", champion.id),
        "partner": gid("Organization", partner.id),
    }
    lead = await make_lead(
        viewer, "Fleet renewal", person_id=person.id, organization_id=org.id, value_amount=Decimal("1200"),
        value_currency="EUR", label_ids=[hot.id], custom_fields=values,
    )  # fmt: skip
    await make_activity(viewer, lead, "Intro call")
    keys = await keys_of(account)
    got = (await account.client.execute(NODE_VALUES, {"id": lead_gid(lead), "columns": keys}))["node"]["values"]
    by_key = {k: v for k, v in zip(keys, got, strict=True)}
    assert all(v is None or v["column"] == k for k, v in by_key.items())

    def shown(key: str) -> tuple[str, str]:
        return by_key[key]["__typename"], by_key[key]["display"]

    assert shown("lead.title") == ("TextValue", "Fleet renewal")
    assert by_key["lead.value"] == {
        "__typename": "MoneyValue",
        "column": "lead.value",
        "display": "1200.00 EUR",
        "amount": "1200.00",
        "currency": "EUR",
    }
    assert by_key["lead.owner"]["user"] == {"name": "Anna Admin"}
    assert by_key["lead.labels"]["labels"] == [{"name": "Hotter"}]
    assert (by_key["lead.source"]["id"], by_key["lead.source"]["label"]) == ("MANUAL", "Created manually")
    assert (by_key["lead.activityStatus"]["id"], by_key["lead.activityStatus"]["color"]) == ("PLANNED", "grey")
    assert by_key["lead.nextActivityDate"]["__typename"] == "DateValue"
    assert by_key["lead.expectedCloseDate"] is None
    assert shown("lead.wasSeen") == ("BooleanValue", "No")
    assert by_key["lead.createdAt"]["__typename"] == "DateTimeValue"
    assert by_key["lead.archivedAt"] is None
    assert by_key["lead.createdBy"]["user"] == {"name": "Anna Admin"}
    assert by_key["person.name"]["text"] == "Pia Buyer"
    assert by_key["person.email"]["text"] == "pia@volvo.test"
    assert by_key["person.phone"]["text"] == "+46 31 123"
    assert by_key["person.organization"]["organization"] == {"name": "Volvo"}
    assert by_key["organization.address.city"]["text"] == "Gothenburg"
    assert by_key["organization.owner"]["user"] == {"name": "Anna Admin"}
    assert by_key["cf.lead.region"]["text"] == "Region 0"
    assert (by_key["cf.lead.fleet"]["__typename"], by_key["cf.lead.fleet"]["number"]) == ("NumberValue", "0")
    assert (by_key["cf.lead.budget"]["amount"], by_key["cf.lead.budget"]["display"]) == ("0.50", "0.50 SEK")
    assert by_key["cf.lead.decide_on"]["date"] == "2030-01-01"
    assert (by_key["cf.lead.call_at"]["time"], by_key["cf.lead.call_at"]["display"]) == ("00:30:00", "00:30")
    assert (by_key["cf.lead.tier"]["__typename"], by_key["cf.lead.tier"]["label"]) == ("OptionValue", "Gold")
    assert by_key["cf.lead.channels"]["options"] == [{"id": "2", "label": "Phone", "color": None}]
    assert by_key["cf.lead.manager"]["user"] == {"name": "Bob Seller"}
    assert by_key["cf.lead.champion"]["person"] == {"name": "Cecilia Champion"}
    assert by_key["cf.lead.partner"]["organization"] == {"name": "Partner AB"}
    assert by_key["cf.lead.hotline"]["text"] == "+46 8 0000"
    assert by_key["cf.lead.site"]["text"] == "Street 0"
    assert by_key["cf.person.score"]["number"] == "7"
    assert by_key["cf.person.mentor"]["user"] == {"name": "Bob Seller"}
    assert by_key["cf.person.employer"]["organization"] == {"name": "Employer AB"}
    assert by_key["cf.organization.industry"]["text"] == "Trucks"
    assert by_key["cf.organization.key_contact"]["person"] == {"name": "Cecilia Champion"}
    every_type = {v["__typename"] for v in got if v is not None}
    assert every_type == {
        "TextValue", "NumberValue", "MoneyValue", "DateValue", "DateTimeValue", "TimeValue", "BooleanValue",
        "OptionValue", "OptionsValue", "UserValue", "PersonValue", "OrganizationValue", "LabelsValue",
    }  # fmt: skip


async def test_values_without_columns_follow_the_viewers_choice(account: Account) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    lead = await make_lead(viewer, "Chosen", custom_fields={"fleet": 3})
    data = await account.client.execute(NODE_VALUES, {"id": lead_gid(lead), "columns": None})
    assert [v["column"] for v in data["node"]["values"] if v] == [
        "lead.title",
        "lead.activityStatus",
        "lead.source",
        "lead.createdAt",
        "lead.owner",
    ]
    await account.client.mutate(SET_COLUMNS, {"keys": ["cf.lead.fleet", "lead.title"]})
    query = "query ($id: ID!) { node(id: $id) { ... on Lead { values { column display } } } }"
    assert (await account.client.execute(query, {"id": lead_gid(lead)}))["node"]["values"] == [
        {"column": "cf.lead.fleet", "display": "3"},
        {"column": "lead.title", "display": "Chosen"},
    ]


async def test_hidden_contacts_show_no_values(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    hidden = await make_person(viewer, "Secret Person", custom_fields={"score": 9}, visibility=Visibility.OWNER)
    lead = await make_lead(
        viewer, "Open lead", person_id=hidden.id, custom_fields={"champion": gid("Person", hidden.id)}
    )
    columns = ["lead.title", "person.name", "cf.person.score", "cf.lead.champion"]
    mine = (await account.client.execute(NODE_VALUES, {"id": lead_gid(lead), "columns": columns}))["node"]["values"]
    assert [v["display"] if v else None for v in mine] == ["Open lead", "Secret Person", "9", "Secret Person"]
    theirs = (await rita.client.execute(NODE_VALUES, {"id": lead_gid(lead), "columns": columns}))["node"]["values"]
    assert [v["display"] if v else None for v in theirs] == ["Open lead", None, None, None]


async def test_an_unknown_column_is_a_clear_error(account: Account) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "One")
    await make_lead(viewer, "Two")
    body = await account.client.raw(NODE_VALUES, {"id": lead_gid(lead), "columns": ["lead.title", "cf.lead.nope"]})
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_COLUMN"
    assert "cf.lead.nope" in body["errors"][0]["message"]
    # In a page: one error for the page, not one per lead.
    body = await account.client.raw(PAGE, {"first": 10, "columns": ["lead.title", "cf.lead.nope"]})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNKNOWN_COLUMN"]
    assert body["data"] is None


# --- The pinned statement count ----------------------------------------------------------

# A page asking every column of the catalogue, whatever its size: authenticate the token, the
# page, the custom field definitions, then (all at once) the leads' persons, organizations,
# labels, next activities and owner teams, then (all at once) the users, the persons and the
# organizations only known from those (persons' organizations, references in the persons' and
# organizations' custom fields).
EVERY_COLUMN_STATEMENTS = 11
# The same page answered by the read engine (fastpath/): the token, the custom field definitions,
# the page with its persons, organizations, owners, next activities and labels, then the users,
# persons and organizations the values refer to. The definitions are read once per process while
# the company's stamp holds (domain.columns.custom_field.viewer_definitions): the next page reads 3.
ENGINE_STATEMENTS = 4


async def column_company(account: Account, make_account: Any) -> Account:
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    users = [account.user_id, regular.user_id]
    for i in range(6):
        users.append((await make_account(company_id=account.company_id, name=f"Seller {i}", role=Role.REGULAR)).user_id)
    teams = [(await create_team(account.company_id, f"Team {i}", [users[i]])).id for i in range(1, 5)]
    await define_fields(await account.viewer())
    await seed_column_inbox(account.company_id, 200, users, teams)
    return regular


def check_page(page: dict[str, Any], size: int, keys: list[str]) -> None:
    """The page really holds what the count claims to load: every column filled on every row."""
    nodes = [e["node"] for e in page["edges"]]
    assert len(nodes) == size
    empty = {"lead.archivedAt"}
    for node in nodes:
        for key, value in zip(keys, node["values"], strict=True):
            assert (value is None) is (key in empty), (key, node["title"])
    assert {n["values"][keys.index("lead.owner")]["__typename"] for n in nodes} == {"UserValue", "TeamValue"}
    # Nothing shared between rows: the references differ from row to row.
    assert len({n["values"][keys.index("cf.lead.champion")]["display"] for n in nodes}) == size


# The same page sorted and filtered on custom fields of the lead and of its person: the
# definitions the sort and filter need are those the values read, through the same loader.
CUSTOM_SORT_AND_FILTER = {
    "sort": {"column": "cf.person.score", "direction": "DESC"},
    "filter": {
        "conditions": {
            "op": "OR",
            "conditions": [
                {"column": "cf.lead.fleet", "operator": "GREATER_THAN", "value": -1},
                {"column": "cf.organization.industry", "operator": "IS_EMPTY"},
            ],
        }
    },
}


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "ordinary"])
@pytest.mark.parametrize("shape", ["by title", "custom sort and filter"])
@pytest.mark.parametrize("who", ["admin", "regular"])
async def test_a_page_of_every_column_costs_the_same_statements_for_5_and_200_rows(
    account: Account,
    make_account: Any,
    count_statements: StatementCounter,
    database: str,
    who: str,
    shape: str,
    engine: bool,
) -> None:
    regular = await column_company(account, make_account)
    token = (account if who == "admin" else regular).token
    keys = await keys_of(account)
    assert set(CF_KEYS) <= set(keys)
    # A regular user's teams, for the visibility rules, come with the token: the same count.
    pinned = ENGINE_STATEMENTS if engine else EVERY_COLUMN_STATEMENTS
    extra = CUSTOM_SORT_AND_FILTER if shape != "by title" else {}
    app = create_app(Settings(database_url=database, compiled_operations=engine), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as http:
        client = Client(http, token)
        for size in (5, 200):
            count_statements.statements.clear()
            page = (await client.execute(PAGE, {"first": size, "columns": keys, **extra}))["leads"]
            check_page(page, size, keys)
            assert count_statements.count == pinned, (size, count_statements.statements)
            if engine:
                pinned -= 1  # the definitions, kept
