"""createOrganization, updateOrganization and deleteOrganization, checked against the stored rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.ids import decode_id, to_global_id
from domain.accounts.account import revoke_token
from models import ChangeLogEntry, Lead, Organization, Person, Role
from tests.conftest import Account, Client

ORGANIZATION_FIELDS = """
    id name visibility
    address { street city postalCode country latitude longitude }
    owner { id name }
"""
CREATE_ORGANIZATION = f"""
mutation ($input: OrganizationFields!) {{
  createOrganization(input: $input) {{
    organization {{ {ORGANIZATION_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
UPDATE_ORGANIZATION = f"""
mutation ($input: UpdateOrganizationInput!) {{
  updateOrganization(input: $input) {{
    organization {{ {ORGANIZATION_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
DELETE_ORGANIZATION = """
mutation ($input: IdInput!) {
  deleteOrganization(input: $input) { organization { id } userErrors { field code message } }
}
"""
CREATE_PERSON = """
mutation ($input: PersonFields!) {
  createPerson(input: $input) { person { id } userErrors { field code } }
}
"""
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id uuid } userErrors { field code } }
}
"""

BERLIN = {
    "street": "Unter den Linden 1",
    "city": "Berlin",
    "postalCode": "10117",
    "country": "Germany",
    "latitude": "52.517037",
    "longitude": "13.388860",
}


# --- helpers ---------------------------------------------------------------------------------


async def make_organization(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_ORGANIZATION, {"name": "Initech", **fields})
    assert payload["userErrors"] == []
    organization: dict[str, Any] = payload["organization"]
    return organization


async def make_person(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_PERSON, {"name": "Peter Gibbons", **fields})
    assert payload["userErrors"] == []
    person: dict[str, Any] = payload["person"]
    return person


async def make_lead(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_LEAD, fields)
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


def key(global_id: str, type_name: str = "Organization") -> Any:
    return decode_id(global_id, type_name)


async def stored(organization: dict[str, Any]) -> Organization:
    return await Organization.get(id=key(organization["id"]))


async def organization_log(organization_id: int) -> list[ChangeLogEntry]:
    return await ChangeLogEntry.filter(entity_type="organization", entity_id=str(organization_id)).order_by("id")


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return sorted((e["field"], e["code"]) for e in payload["userErrors"])


# --- createOrganization ----------------------------------------------------------------------


async def test_create_with_an_address(account: Account) -> None:
    organization = await make_organization(account.client, name="  Initech  ", address=BERLIN)

    assert organization["name"] == "Initech"
    assert organization["address"] == BERLIN
    assert organization["visibility"] == "COMPANY"
    assert organization["owner"] == {"id": to_global_id("User", account.user_id), "name": "Anna Admin"}

    row = await stored(organization)
    assert row.company_id == account.company_id
    assert (row.address_street, row.address_city, row.address_postal_code, row.address_country) == (
        "Unter den Linden 1",
        "Berlin",
        "10117",
        "Germany",
    )
    assert (row.latitude, row.longitude) == (Decimal("52.517037"), Decimal("13.388860"))
    (entry,) = await organization_log(row.id)
    assert (entry.action, entry.actor_id) == ("CREATED", account.user_id)


async def test_create_without_an_address(account: Account) -> None:
    organization = await make_organization(account.client, visibility="OWNER")
    assert organization["address"] == dict.fromkeys(BERLIN)
    assert organization["visibility"] == "OWNER"
    row = await stored(organization)
    assert (row.address_city, row.latitude, row.visibility) == (None, None, "OWNER")


async def test_name_is_required(account: Account) -> None:
    for name in (None, "  "):
        payload = await account.client.mutate(CREATE_ORGANIZATION, {"name": name, "address": {"city": "Austin"}})
        assert payload["organization"] is None
        assert errors(payload) == [(["input", "name"], "REQUIRED")]
    assert await Organization.all().count() == 0


async def test_coordinates_out_of_bounds_are_invalid(account: Account) -> None:
    for latitude, longitude, bad in (
        ("90.000001", "0", [["input", "address", "latitude"]]),
        ("-91", "0", [["input", "address", "latitude"]]),
        ("0", "180.5", [["input", "address", "longitude"]]),
        ("0", "-181", [["input", "address", "longitude"]]),
        ("95", "200", [["input", "address", "latitude"], ["input", "address", "longitude"]]),
        ("NaN", "0", [["input", "address", "latitude"]]),
    ):
        payload = await account.client.mutate(
            CREATE_ORGANIZATION, {"name": "Lost", "address": {"latitude": latitude, "longitude": longitude}}
        )
        assert payload["organization"] is None
        assert errors(payload) == [(field, "INVALID") for field in bad], (latitude, longitude)
    assert await Organization.all().count() == 0

    # The bounds themselves are valid.
    edge = await make_organization(account.client, address={"latitude": "-90", "longitude": "180"})
    assert (edge["address"]["latitude"], edge["address"]["longitude"]) == ("-90.000000", "180.000000")
    row = await stored(edge)
    assert (row.latitude, row.longitude) == (Decimal(-90), Decimal(180))


async def test_coordinates_are_kept_to_six_decimal_places(account: Account) -> None:
    organization = await make_organization(
        account.client, address={"latitude": "52.5170365123", "longitude": "-0.1275"}
    )
    assert (organization["address"]["latitude"], organization["address"]["longitude"]) == ("52.517037", "-0.127500")
    row = await stored(organization)
    assert (row.latitude, row.longitude) == (Decimal("52.517037"), Decimal("-0.1275"))


async def test_too_long_address_part_names_its_field(account: Account) -> None:
    payload = await account.client.mutate(CREATE_ORGANIZATION, {"name": "Initech", "address": {"postalCode": "9" * 33}})
    assert errors(payload) == [(["input", "address", "postalCode"], "TOO_LONG")]
    assert await Organization.all().count() == 0


async def test_owner_must_be_a_user_of_the_company(account: Account, other_account: Account) -> None:
    payload = await account.client.mutate(
        CREATE_ORGANIZATION, {"name": "Initech", "ownerId": to_global_id("User", other_account.user_id)}
    )
    assert errors(payload) == [(["input", "ownerId"], "NOT_FOUND")]
    assert await Organization.all().count() == 0


# --- updateOrganization ----------------------------------------------------------------------


async def test_update_changes_only_the_address_parts_given(account: Account) -> None:
    organization = await make_organization(account.client, address=BERLIN)
    payload = await account.client.mutate(
        UPDATE_ORGANIZATION, {"id": organization["id"], "address": {"city": "Potsdam", "postalCode": "14467"}}
    )
    assert payload["userErrors"] == []
    assert payload["organization"]["address"] == BERLIN | {"city": "Potsdam", "postalCode": "14467"}
    assert payload["organization"]["name"] == "Initech"

    row = await stored(organization)
    assert (row.address_city, row.address_postal_code, row.address_street) == (
        "Potsdam",
        "14467",
        "Unter den Linden 1",
    )
    changes = {
        e.field: (e.old_value, e.new_value, e.actor_id) for e in await organization_log(row.id) if e.action == "UPDATED"
    }
    assert changes == {
        "address_city": ('"Berlin"', '"Potsdam"', account.user_id),
        "address_postal_code": ('"10117"', '"14467"', account.user_id),
    }


async def test_update_name_coordinates_and_visibility_are_logged(account: Account, make_account: Any) -> None:
    organization = await make_organization(account.client, address=BERLIN)
    colleague = await make_account(company_id=account.company_id, name="Carl Colleague", role=Role.REGULAR)
    payload = await account.client.mutate(
        UPDATE_ORGANIZATION,
        {
            "id": organization["id"],
            "name": "Initrode",
            "visibility": "TEAM",
            "ownerId": to_global_id("User", colleague.user_id),
            "address": {"latitude": "48.137154", "longitude": "11.576124"},
        },
    )
    assert payload["userErrors"] == []
    assert payload["organization"]["owner"]["name"] == "Carl Colleague"

    row = await stored(organization)
    assert (row.name, row.visibility, row.owner_id) == ("Initrode", "TEAM", colleague.user_id)
    assert (row.latitude, row.longitude) == (Decimal("48.137154"), Decimal("11.576124"))
    changes = {e.field: (e.old_value, e.new_value) for e in await organization_log(row.id) if e.action == "UPDATED"}
    assert changes == {
        "name": ('"Initech"', '"Initrode"'),
        "visibility": ('"COMPANY"', '"TEAM"'),
        "owner_id": (str(account.user_id), str(colleague.user_id)),
        "latitude": ('"52.517037"', '"48.137154"'),
        "longitude": ('"13.388860"', '"11.576124"'),
    }


async def test_update_with_a_null_address_clears_it(account: Account) -> None:
    organization = await make_organization(account.client, address=BERLIN)
    payload = await account.client.mutate(UPDATE_ORGANIZATION, {"id": organization["id"], "address": None})
    assert payload["organization"]["address"] == dict.fromkeys(BERLIN)
    row = await stored(organization)
    assert (row.address_street, row.address_city, row.latitude, row.longitude) == (None, None, None, None)


async def test_update_refuses_bad_values_and_changes_nothing(account: Account) -> None:
    organization = await make_organization(account.client, address=BERLIN)
    payload = await account.client.mutate(
        UPDATE_ORGANIZATION, {"id": organization["id"], "name": "Initrode", "address": {"latitude": "-90.5"}}
    )
    assert payload["organization"] is None
    assert errors(payload) == [(["input", "address", "latitude"], "INVALID")]
    payload = await account.client.mutate(UPDATE_ORGANIZATION, {"id": organization["id"], "name": None})
    assert errors(payload) == [(["input", "name"], "REQUIRED")]

    row = await stored(organization)
    assert (row.name, row.latitude) == ("Initech", Decimal("52.517037"))
    assert [e.action for e in await organization_log(row.id)] == ["CREATED"]


async def test_another_companys_organization_is_not_found(account: Account, other_account: Account) -> None:
    foreign = await make_organization(other_account.client, name="Globex")
    payload = await account.client.mutate(UPDATE_ORGANIZATION, {"id": foreign["id"], "name": "Hijacked"})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    payload = await account.client.mutate(DELETE_ORGANIZATION, {"id": foreign["id"]})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    assert (await stored(foreign)).name == "Globex"


# --- deleteOrganization ----------------------------------------------------------------------


async def test_delete_is_refused_while_a_lead_has_only_this_organization(account: Account) -> None:
    organization = await make_organization(account.client)
    lead = await make_lead(account.client, organizationId=organization["id"])

    payload = await account.client.mutate(DELETE_ORGANIZATION, {"id": organization["id"]})
    assert errors(payload) == [(["input", "id"], "IN_USE")]
    assert await Organization.exists(id=key(organization["id"]))
    assert (await Lead.get(id=lead["uuid"])).organization_id == key(organization["id"])


async def test_delete_keeps_leads_and_persons_unlinked(account: Account) -> None:
    organization = await make_organization(account.client)
    person = await make_person(account.client, organizationId=organization["id"])
    lead = await make_lead(account.client, personId=person["id"], organizationId=organization["id"])
    org_id = key(organization["id"])

    payload = await account.client.mutate(DELETE_ORGANIZATION, {"id": organization["id"]})
    assert payload == {"organization": None, "userErrors": []}
    assert not await Organization.exists(id=org_id)
    row = await Lead.get(id=lead["uuid"])
    assert (row.person_id, row.organization_id) == (key(person["id"], "Person"), None)
    assert (await Person.get(id=key(person["id"], "Person"))).organization_id is None
    entry = (await organization_log(org_id))[-1]
    assert (entry.action, entry.field, entry.old_value, entry.actor_id) == (
        "DELETED",
        "name",
        '"Initech"',
        account.user_id,
    )


# --- authentication --------------------------------------------------------------------------


async def test_unauthenticated_calls_write_nothing(account: Account) -> None:
    organization = await make_organization(account.client)
    revoked = Client(account.client.http, account.token)
    await revoke_token(account.token)
    before = await ChangeLogEntry.all().count()

    for client in (Client(account.client.http, None), revoked):
        for query, input in (
            (CREATE_ORGANIZATION, {"name": "Intruder"}),
            (UPDATE_ORGANIZATION, {"id": organization["id"], "name": "Intruder"}),
            (DELETE_ORGANIZATION, {"id": organization["id"]}),
        ):
            body = await client.raw(query, {"input": input})
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    assert [o.name for o in await Organization.all()] == ["Initech"]
    assert await ChangeLogEntry.all().count() == before
