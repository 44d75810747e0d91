"""Custom field values: every type takes the values it should and refuses the others, on every
write path (leads, deals, persons, organizations), with a userError naming the field by key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from core.ids import from_global_id
from domain.columns.custom_field import OptionData, create_custom_field
from models import (
    ChangeLogEntry,
    CustomFieldEntity,
    CustomFieldType,
    Deal,
    Lead,
    Organization,
    Person,
    Role,
    Visibility,
)
from tests.conftest import Account
from tests.factories import gid, lead_gid, make_lead, make_org, make_person
from tests.factories.deals import make_deal

ERRORS = "userErrors { field code message }"
CREATE_LEAD = (
    "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { uuid customFields { key value } } "
    + ERRORS
    + " } }"
)
UPDATE_LEAD = (
    "mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { customFields { key value } } "
    + ERRORS
    + " } }"
)
BULK_UPDATE = (
    "mutation($input: BulkUpdateLeadsInput!) { bulkUpdateLeads(input: $input) { updatedCount " + ERRORS + " } }"
)
CREATE_DEAL = "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id } " + ERRORS + " } }"
UPDATE_DEAL = "mutation($input: UpdateDealInput!) { updateDeal(input: $input) { deal { id } " + ERRORS + " } }"
CREATE_PERSON = (
    "mutation($input: PersonFields!) { createPerson(input: $input) { person { id customFields { key value } } "
    + ERRORS
    + " } }"
)
UPDATE_PERSON = (
    "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id customFields { key value } } "
    + ERRORS
    + " } }"
)
CREATE_ORG = (
    "mutation($input: OrganizationFields!) { createOrganization(input: $input) {"
    " organization { id customFields { key value } } " + ERRORS + " } }"
)
UPDATE_ORG = (
    "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {"
    " organization { id customFields { key value } } " + ERRORS + " } }"
)


@dataclass
class World:
    """What reference values point at: rows of the caller's company and of another one."""

    user: str
    person: str
    organization: str
    hidden_person: str
    other_user: str
    other_person: str
    other_organization: str


async def world(account: Account, other_account: Account, make_account: Any) -> World:
    viewer = await account.viewer()
    other = await other_account.viewer()
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    hidden = await make_person(await rita.viewer(), "Hidden Person", visibility=Visibility.OWNER)
    return World(
        user=gid("User", account.user_id),
        person=gid("Person", (await make_person(viewer, "Pia Person")).id),
        organization=gid("Organization", (await make_org(viewer, "Olle Org")).id),
        hidden_person=gid("Person", hidden.id),
        other_user=gid("User", other_account.user_id),
        other_person=gid("Person", (await make_person(other, "Their Person")).id),
        other_organization=gid("Organization", (await make_org(other, "Their Org")).id),
    )


def db_id(global_id: str) -> int:
    """The database id behind a global id, as a reference value is stored."""
    return int(from_global_id(global_id)[1])


# (type, good values as (given, stored, shown), bad values); a callable is given the World.
Case = tuple[CustomFieldType, list[tuple[Any, Any, Any]], list[Any]]
CASES: dict[str, Callable[[World], Case]] = {
    "text": lambda w: (
        CustomFieldType.TEXT,
        [("  Nordic  ", "Nordic", "Nordic"), ("", None, None)],
        [12, ["a"], "x" * 256],
    ),
    "large text": lambda w: (CustomFieldType.LARGE_TEXT, [("a" * 5000, "a" * 5000, "a" * 5000)], [{"a": 1}, 5]),
    "number": lambda w: (
        CustomFieldType.NUMBER,
        [(12.5, 12.5, 12.5), ("7", 7, 7), (-3, -3, -3)],
        ["many", True, "NaN", "Infinity", 1e300, [1]],
    ),
    "money": lambda w: (
        CustomFieldType.MONETARY,
        [({"amount": "12.5", "currency": "eur"}, {"amount": "12.50", "currency": "EUR"}, None)],
        [
            {"amount": "1.234", "currency": "EUR"},
            {"amount": 5, "currency": "XXX"},
            {"amount": -1, "currency": "EUR"},
            {"amount": 5, "currency": "EUR", "extra": 1},
            5,
        ],
    ),
    "date": lambda w: (
        CustomFieldType.DATE,
        [("2030-12-31", "2030-12-31", "2030-12-31")],
        ["31/12/2030", "2030-02-30", "20301231", 5],
    ),
    "time": lambda w: (
        CustomFieldType.TIME,
        [("09:30", "09:30", "09:30"), ("09:30:15", "09:30:15", "09:30:15"), ("18:00:00", "18:00", "18:00")],
        ["9:30", "25:00", "09:30 pm", 930],
    ),
    "single option": lambda w: (CustomFieldType.SINGLE_OPTION, [(2, 2, 2), ("1", 1, 1)], [3, "Hot", True, [1]]),
    "multiple options": lambda w: (
        CustomFieldType.MULTIPLE_OPTIONS,
        [([2, 1, 2], [1, 2], [1, 2]), ([], None, None)],
        [[1, 9], 1, ["Hot"]],
    ),
    "user": lambda w: (CustomFieldType.USER, [(w.user, None, w.user)], [w.other_user, "garbage", w.person, 7]),
    "person": lambda w: (
        CustomFieldType.PERSON,
        [(w.person, None, w.person)],
        [w.other_person, w.hidden_person, w.user],
    ),
    "organization": lambda w: (
        CustomFieldType.ORGANIZATION,
        [(w.organization, None, w.organization)],
        [w.other_organization, w.person],
    ),
    "phone": lambda w: (
        CustomFieldType.PHONE,
        [("+46 8 123 45", "+46 8 123 45", "+46 8 123 45")],
        ["call me", 4681234],
    ),
    "address": lambda w: (
        CustomFieldType.ADDRESS,
        [("Kungsgatan 1, Stockholm", "Kungsgatan 1, Stockholm", "Kungsgatan 1, Stockholm")],
        [5, "x" * 501],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_each_type_takes_its_values_and_refuses_the_others(
    account: Account, other_account: Account, make_account: Any, case: str
) -> None:
    # A regular user writes (admins only define fields): a person hidden from them is "not found".
    w = await world(account, other_account, make_account)
    field_type, good, bad = CASES[case](w)
    await create_custom_field(
        await account.viewer(),
        CustomFieldEntity.LEAD_DEAL,
        "The field",
        field_type,
        key="the_field",
        options=[OptionData("Hot", "red"), OptionData("Cold", "#00f")] if "option" in case else [],
    )
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    org = gid("Organization", (await make_org(await seller.viewer(), "Lead Org")).id)
    for value in bad:
        payload = await seller.client.mutate(
            CREATE_LEAD, {"organizationId": org, "customFields": [{"key": "the_field", "value": value}]}
        )
        assert payload["lead"] is None, value
        (error,) = payload["userErrors"]
        assert error["field"] == ["input", "customFields", "the_field"], value
        assert error["code"] == "INVALID_CUSTOM_FIELD_VALUE", value
        assert error["message"].startswith("The field: "), error
    assert await Lead.filter(company_id=account.company_id).count() == 0
    for given, stored, shown in good:
        payload = await seller.client.mutate(
            CREATE_LEAD, {"organizationId": org, "customFields": [{"key": "the_field", "value": given}]}
        )
        assert payload["userErrors"] == [], given
        lead = await Lead.get(id=payload["lead"]["uuid"])
        if stored is None and shown is None:
            assert lead.custom_fields == {}, given
            continue
        expected_stored = stored if stored is not None else db_id(given)
        assert lead.custom_fields == {"the_field": expected_stored}, given
        shown_value = payload["lead"]["customFields"][0]["value"]
        assert shown_value == (shown if shown is not None else expected_stored), given


def test_case_table_covers_every_storable_type() -> None:
    w = World(*["x"] * 7)
    covered = {CASES[name](w)[0] for name in CASES}
    assert covered == set(CustomFieldType) - {CustomFieldType.FORMULA}


async def test_a_formula_field_cannot_be_set_on_a_lead(account: Account) -> None:
    viewer = await account.viewer()
    await create_custom_field(
        viewer, CustomFieldEntity.LEAD_DEAL, "Twice", CustomFieldType.FORMULA, formula="{value} * 2"
    )
    org = gid("Organization", (await make_org(viewer)).id)
    payload = await account.client.mutate(
        CREATE_LEAD, {"organizationId": org, "customFields": [{"key": "twice", "value": 2}]}
    )
    assert payload["userErrors"][0]["field"] == ["input", "customFields", "twice"]
    assert payload["userErrors"][0]["code"] == "INVALID_CUSTOM_FIELD_VALUE"
    # Formulas are deals only: a lead does not list the field among its values.
    lead = await make_lead(viewer)
    data = await account.client.execute(
        "query($id: ID!) { node(id: $id) { ... on Lead { customFields { key } } } }", {"id": lead_gid(lead)}
    )
    assert data["node"]["customFields"] == []


async def _fields(account: Account) -> None:
    viewer = await account.viewer()
    for entity in CustomFieldEntity:
        await create_custom_field(viewer, entity, "Size", CustomFieldType.NUMBER)


Write = Callable[[Account, list[dict[str, Any]]], Awaitable[dict[str, Any]]]


async def _create_lead(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    org = gid("Organization", (await make_org(await account.viewer(), "Write Org")).id)
    return await account.client.mutate(CREATE_LEAD, {"organizationId": org, "customFields": values})


async def _inline_person(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    return await account.client.mutate(CREATE_LEAD, {"person": {"name": "Inline Ida", "customFields": values}})


async def _update_lead(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    lead = await Lead.get_or_none(title="Existing lead") or await make_lead(await account.viewer(), "Existing lead")
    return await account.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "customFields": values})


async def _bulk(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    lead = await Lead.get_or_none(title="Existing lead") or await make_lead(await account.viewer(), "Existing lead")
    return await account.client.mutate(BULK_UPDATE, {"ids": [lead_gid(lead)], "customFields": values})


async def _create_deal(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    org = gid("Organization", (await make_org(await account.viewer(), "Deal Org")).id)
    return await account.client.mutate(CREATE_DEAL, {"organizationId": org, "customFields": values})


async def _update_deal(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    deal = await Deal.get_or_none(title="Existing deal") or await make_deal(await account.viewer(), "Existing deal")
    return await account.client.mutate(UPDATE_DEAL, {"id": gid("Deal", deal.id), "customFields": values})


async def _create_person(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    return await account.client.mutate(CREATE_PERSON, {"name": "New Nils", "customFields": values})


async def _update_person(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    person = await Person.get_or_none(name="Existing Erik") or await make_person(
        await account.viewer(), "Existing Erik"
    )
    return await account.client.mutate(UPDATE_PERSON, {"id": gid("Person", person.id), "customFields": values})


async def _create_org(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    return await account.client.mutate(CREATE_ORG, {"name": "New Org", "customFields": values})


async def _update_org(account: Account, values: list[dict[str, Any]]) -> dict[str, Any]:
    org = await Organization.get_or_none(name="Existing Org") or await make_org(await account.viewer(), "Existing Org")
    return await account.client.mutate(UPDATE_ORG, {"id": gid("Organization", org.id), "customFields": values})


async def _stored(model: Any, **where: Any) -> list[dict[str, Any]]:
    return [row.custom_fields for row in await model.filter(**where)]


# name: (write, error path before the key, where the value lands)
PATHS: dict[str, tuple[Write, tuple[str, ...], Callable[[], Awaitable[list[dict[str, Any]]]]]] = {
    "createLead": (_create_lead, ("input",), lambda: _stored(Lead)),
    "createLead person": (_inline_person, ("input", "person"), lambda: _stored(Person, name="Inline Ida")),
    "updateLead": (_update_lead, ("input",), lambda: _stored(Lead, title="Existing lead")),
    "bulkUpdateLeads": (_bulk, ("input",), lambda: _stored(Lead, title="Existing lead")),
    "createDeal": (_create_deal, ("input",), lambda: _stored(Deal)),
    "updateDeal": (_update_deal, ("input",), lambda: _stored(Deal, title="Existing deal")),
    "createPerson": (_create_person, ("input",), lambda: _stored(Person, name="New Nils")),
    "updatePerson": (_update_person, ("input",), lambda: _stored(Person, name="Existing Erik")),
    "createOrganization": (_create_org, ("input",), lambda: _stored(Organization, name="New Org")),
    "updateOrganization": (_update_org, ("input",), lambda: _stored(Organization, name="Existing Org")),
}


@pytest.mark.parametrize("path", list(PATHS))
async def test_every_write_path_checks_values(account: Account, path: str) -> None:
    await _fields(account)
    write, prefix, stored = PATHS[path]
    payload = await write(account, [{"key": "size", "value": "lots"}, {"key": "colour", "value": "red"}])
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ([*prefix, "customFields", "size"], "INVALID_CUSTOM_FIELD_VALUE"),
        ([*prefix, "customFields", "colour"], "UNKNOWN_CUSTOM_FIELD"),
    ]
    assert all(values == {} for values in await stored())
    payload = await write(account, [{"key": "size", "value": 40}])
    assert payload["userErrors"] == []
    assert {"size": 40} in await stored()


async def test_update_keeps_other_values_logs_each_change_and_null_clears(account: Account) -> None:
    viewer = await account.viewer()
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Size", CustomFieldType.NUMBER)
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Region", CustomFieldType.TEXT)
    lead = await make_lead(viewer, custom_fields={"size": 1, "region": "North"})
    payload = await account.client.mutate(
        UPDATE_LEAD, {"id": lead_gid(lead), "customFields": [{"key": "size", "value": 2}]}
    )
    assert payload["lead"]["customFields"] == [{"key": "size", "value": 2}, {"key": "region", "value": "North"}]
    payload = await account.client.mutate(
        UPDATE_LEAD, {"id": lead_gid(lead), "customFields": [{"key": "region", "value": None}]}
    )
    assert (await Lead.get(id=lead.id)).custom_fields == {"size": 2}
    log = await ChangeLogEntry.filter(entity_id=str(lead.id), action="UPDATED").order_by("id")
    assert [(e.field, e.old_value, e.new_value) for e in log] == [
        ("custom_fields.size", "1", "2"),
        ("custom_fields.region", orjson.dumps("North").decode(), None),
    ]
    # The same key twice in one input is refused rather than one silently winning.
    payload = await account.client.mutate(
        UPDATE_LEAD, {"id": lead_gid(lead), "customFields": [{"key": "size", "value": 3}, {"key": "size", "value": 4}]}
    )
    assert payload["userErrors"][0]["field"] == ["input", "customFields", "size"]
    assert payload["userErrors"][0]["code"] == "DUPLICATE"
    assert (await Lead.get(id=lead.id)).custom_fields == {"size": 2}
