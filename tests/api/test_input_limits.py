"""Every input has a limit and a clear answer past it (schema/input_guard.py), and contact details
are checked by the libraries that know them (email-validator, phonenumbers, pycountry).

Mutations answer ``userErrors`` and change nothing; queries answer a top-level error with the
code. Both on SQLite and PostgreSQL, where a NUL in text used to be an "Internal error.".
"""

from __future__ import annotations

from typing import Any

from core.ids import to_global_id
from models import Lead, Organization, Person
from schema.input_guard import MAX_ITEMS, MAX_SEARCH, MAX_TEXT
from tests.conftest import Account

ERRORS = "userErrors { field code message }"
CREATE_LEAD = f"mutation ($input: CreateLeadInput!) {{ createLead(input: $input) {{ lead {{ id title }} {ERRORS} }} }}"
CREATE_PERSON = f"mutation ($input: PersonFields!) {{ createPerson(input: $input) {{ person {{ id }} {ERRORS} }} }}"
CREATE_ORGANIZATION = (
    "mutation ($input: OrganizationFields!) { createOrganization(input: $input) { organization { id } "
    + ERRORS
    + " } }"
)
DELETE_LEADS = f"mutation ($input: DeleteLeadsInput!) {{ deleteLeads(input: $input) {{ deletedCount {ERRORS} }} }}"
LEADS = "query ($filter: LeadFilter) { leads(first: 10, filter: $filter) { edges { node { title } } } }"


def codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_nul_in_any_text_of_a_mutation_is_a_user_error(make_account: Any) -> None:
    account: Account = await make_account()
    payload = await account.client.mutate(CREATE_LEAD, {"title": "Fleet\x00deal", "organization": {"name": "Volvo"}})
    assert payload["lead"] is None
    assert codes(payload) == [(["input", "title"], "INVALID_INPUT")]
    assert "U+0000" in payload["userErrors"][0]["message"]
    # Nested input fields and list entries too.
    payload = await account.client.mutate(
        CREATE_LEAD, {"title": "Fleet", "person": {"name": "Ann", "emails": [{"value": "a@volvo.se\x00"}]}}
    )
    assert codes(payload) == [(["input", "person", "emails", "0", "value"], "INVALID_INPUT")]
    # Literal arguments as well as variables.
    data = await account.client.execute(
        'mutation { createOrganization(input: {name: "Vol\\u0000vo"}) { organization { id } ' + ERRORS + " } }"
    )
    assert codes(data["createOrganization"]) == [(["input", "name"], "INVALID_INPUT")]
    assert await Lead.all().count() == 0
    assert await Person.all().count() == 0
    assert await Organization.all().count() == 0


async def test_nul_in_a_query_argument_is_a_clear_error(make_account: Any) -> None:
    account: Account = await make_account()
    body = await account.client.raw(LEADS, {"filter": {"search": "vol\x00vo"}})
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["field"] == ["filter", "search"]
    assert error["message"] != "Internal error."


async def test_a_50000_character_search_is_too_long(make_account: Any) -> None:
    account: Account = await make_account()
    body = await account.client.raw(LEADS, {"filter": {"search": "x" * 50_000}})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "TOO_LONG"
    assert f"{MAX_SEARCH}" in body["errors"][0]["message"]
    # A search at the limit is answered.
    body = await account.client.raw(LEADS, {"filter": {"search": "x" * MAX_SEARCH}})
    assert body["data"] == {"leads": {"edges": []}}
    assert "errors" not in body
    # The same rule on a mutation's filter: nothing is deleted, a userError says why.
    payload = await account.client.mutate(DELETE_LEADS, {"filter": {"search": "x" * 50_000}})
    assert codes(payload) == [(["input", "filter", "search"], "TOO_LONG")]


async def test_40000_ids_in_a_filter_are_too_many(make_account: Any) -> None:
    account: Account = await make_account()
    ids = [to_global_id("LeadLabel", n) for n in range(40_000)]
    body = await account.client.raw(LEADS, {"filter": {"labelIds": ids}})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ITEMS"
    assert body["errors"][0]["extensions"]["field"] == ["filter", "labelIds"]
    assert str(MAX_ITEMS) in body["errors"][0]["message"]
    payload = await account.client.mutate(DELETE_LEADS, {"ids": ids[: MAX_ITEMS + 1]})
    assert codes(payload) == [(["input", "ids"], "TOO_MANY_ITEMS")]


async def test_text_past_the_largest_field_is_too_long(make_account: Any) -> None:
    account: Account = await make_account()
    payload = await account.client.mutate(CREATE_LEAD, {"title": "t" * (MAX_TEXT + 1), "organization": {"name": "V"}})
    assert codes(payload) == [(["input", "title"], "TOO_LONG")]
    assert await Lead.all().count() == 0


async def test_email_phone_and_country_are_checked(make_account: Any) -> None:
    account: Account = await make_account()
    payload = await account.client.mutate(
        CREATE_PERSON,
        {
            "name": "Ann Lind",
            "emails": [{"value": "x" * 5000 + "@volvo.se"}, {"value": "ann@@volvo.se"}, {"value": "ann@volvo.se"}],
            "phones": [{"value": "+46 " + "7" * 20_000}, {"value": "+999 1234567"}, {"value": "+46 70 123 45 67"}],
        },
    )
    assert codes(payload) == [
        (["input", "emails", "0", "value"], "INVALID"),
        (["input", "emails", "1", "value"], "INVALID"),
        (["input", "phones", "0", "value"], "INVALID"),
        (["input", "phones", "1", "value"], "INVALID"),
    ]
    # The message shows the start of a long value, not all of it.
    assert len(payload["userErrors"][0]["message"]) < 300
    assert await Person.all().count() == 0

    payload = await account.client.mutate(
        CREATE_PERSON,
        {
            "name": "Ann Lind",
            "emails": [{"value": "ann@volvo.se"}],
            "phones": [{"value": "+46 70 123 45 67"}, {"value": "020 7946 0001"}],
        },
    )
    assert codes(payload) == []
    person = await Person.get()
    assert [e["value"] for e in person.emails] == ["ann@volvo.se"]
    assert [p["value"] for p in person.phones] == ["+46 70 123 45 67", "020 7946 0001"]

    payload = await account.client.mutate(CREATE_ORGANIZATION, {"name": "Volvo", "address": {"country": "Narnia"}})
    assert codes(payload) == [(["input", "address", "country"], "INVALID")]
    for country in ("Sweden", "se", "SWE", "Russia"):
        payload = await account.client.mutate(CREATE_ORGANIZATION, {"name": "Volvo", "address": {"country": country}})
        assert codes(payload) == [], country
    assert await Organization.all().count() == 4


async def test_limits_hold_for_another_company_without_leaking(make_account: Any) -> None:
    """The guard answers before any data is read: the same answer whoever asks."""
    first: Account = await make_account("Acme")
    second: Account = await make_account("Globex", name="Bob Boss")
    await first.client.mutate(CREATE_LEAD, {"title": "Acme deal", "organization": {"name": "Volvo"}})
    body = await second.client.raw(LEADS, {"filter": {"search": "Acme\x00"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    body = await second.client.raw(LEADS, {"filter": {"search": "Acme"}})
    assert body["data"] == {"leads": {"edges": []}}
    assert "errors" not in body
