"""createPerson, updatePerson and deletePerson through the API, checked against the stored rows."""

from __future__ import annotations

from typing import Any

import orjson

from core.ids import decode_id, to_global_id
from domain.accounts.account import revoke_token
from models import ChangeLogEntry, Lead, Organization, Person, Role
from tests.conftest import Account, Client

PERSON_FIELDS = """
    id name firstName lastName jobTitle visibility primaryEmail primaryPhone
    emails { value label primary }
    phones { value label primary }
    organization { id name }
    owner { id name }
"""
CREATE_PERSON = f"""
mutation ($input: PersonFields!) {{
  createPerson(input: $input) {{
    person {{ {PERSON_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
UPDATE_PERSON = f"""
mutation ($input: UpdatePersonInput!) {{
  updatePerson(input: $input) {{
    person {{ {PERSON_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
DELETE_PERSON = """
mutation ($input: IdInput!) {
  deletePerson(input: $input) { person { id } userErrors { field code message } }
}
"""
CREATE_ORGANIZATION = """
mutation ($input: OrganizationFields!) {
  createOrganization(input: $input) { organization { id name } userErrors { field code } }
}
"""
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id uuid } userErrors { field code } }
}
"""


# --- helpers ---------------------------------------------------------------------------------


async def make_person(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_PERSON, {"name": "Ada Lovelace", **fields})
    assert payload["userErrors"] == []
    person: dict[str, Any] = payload["person"]
    return person


async def make_organization(client: Client, name: str = "Analytical Engines Ltd") -> dict[str, Any]:
    payload = await client.mutate(CREATE_ORGANIZATION, {"name": name})
    assert payload["userErrors"] == []
    organization: dict[str, Any] = payload["organization"]
    return organization


async def make_lead(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_LEAD, fields)
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


def key(global_id: str, type_name: str = "Person") -> Any:
    return decode_id(global_id, type_name)


async def stored(person: dict[str, Any]) -> Person:
    return await Person.get(id=key(person["id"]))


async def person_log(person_id: int) -> list[ChangeLogEntry]:
    return await ChangeLogEntry.filter(entity_type="person", entity_id=str(person_id)).order_by("id")


# --- createPerson ----------------------------------------------------------------------------


async def test_create_person_splits_name_and_defaults_owner_to_caller(account: Account) -> None:
    person = await make_person(account.client, name="  Ada   Lovelace ", jobTitle="Analyst")

    assert person["name"] == "Ada   Lovelace"
    assert (person["firstName"], person["lastName"]) == ("Ada", "Lovelace")
    assert person["jobTitle"] == "Analyst"
    assert person["visibility"] == "COMPANY"
    assert person["owner"] == {"id": to_global_id("User", account.user_id), "name": "Anna Admin"}
    assert person["emails"] == [] and person["primaryEmail"] is None and person["primaryPhone"] is None

    row = await stored(person)
    assert row.company_id == account.company_id
    assert (row.first_name, row.last_name, row.owner_id) == ("Ada", "Lovelace", account.user_id)
    assert (row.email_search, row.phone_search) == ("", "")
    (entry,) = await person_log(row.id)
    assert (entry.action, entry.actor_id) == ("CREATED", account.user_id)


async def test_single_word_and_three_word_names(account: Account) -> None:
    single = await make_person(account.client, name="Plato")
    assert (single["firstName"], single["lastName"]) == ("Plato", None)

    three = await make_person(account.client, name="Jean Luc Picard")
    # Everything after the first word is the last name.
    assert (three["firstName"], three["lastName"]) == ("Jean", "Luc Picard")


async def test_first_and_last_name_make_the_name(account: Account) -> None:
    person = await make_person(account.client, name=None, firstName="Grace", lastName="Hopper")
    assert (person["name"], person["firstName"], person["lastName"]) == ("Grace Hopper", "Grace", "Hopper")

    only_last = await make_person(account.client, name=None, lastName="Hopper")
    assert (only_last["name"], only_last["firstName"], only_last["lastName"]) == ("Hopper", None, "Hopper")


async def test_name_is_required(account: Account) -> None:
    for name in (None, "   "):
        payload = await account.client.mutate(CREATE_PERSON, {"name": name, "jobTitle": "Nobody"})
        assert payload["person"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "name"], "REQUIRED")]
    assert await Person.all().count() == 0


async def test_emails_and_phones_keep_exactly_one_primary(account: Account) -> None:
    person = await make_person(
        account.client,
        emails=[
            {"value": " Ada@Example.COM ", "label": "work"},
            {"value": "ada@home.example", "label": "home", "primary": True},
            {"value": "ada@old.example", "label": "other", "primary": True},
        ],
        phones=[{"value": "+44 (20) 7946-0000", "label": "mobile"}, {"value": "020 7946 0001"}],
    )

    # The first entry marked primary wins; the later one loses the mark.
    assert [e["primary"] for e in person["emails"]] == [False, True, False]
    assert person["emails"][0] == {"value": "Ada@Example.COM", "label": "work", "primary": False}
    assert person["primaryEmail"] == "ada@home.example"
    # No phone marked primary: the first one becomes it.
    assert [p["primary"] for p in person["phones"]] == [True, False]
    assert person["phones"][1]["label"] == "work"
    assert person["primaryPhone"] == "+44 (20) 7946-0000"

    row = await stored(person)
    assert [e["primary"] for e in row.emails] == [False, True, False]
    assert row.email_search == "ada@example.com ada@home.example ada@old.example"
    assert row.phone_search == "442079460000 02079460001"


async def test_invalid_email_and_phone_name_their_entries(account: Account) -> None:
    payload = await account.client.mutate(
        CREATE_PERSON,
        {
            "name": "Ada Lovelace",
            "emails": [{"value": "ada@example.com"}, {"value": "not-an-address"}],
            "phones": [{"value": "call me"}],
        },
    )
    assert payload["person"] is None
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        (["input", "emails", "1", "value"], "INVALID"),
        (["input", "phones", "0", "value"], "INVALID"),
    ]
    assert await Person.all().count() == 0
    assert await ChangeLogEntry.all().count() == 0


async def test_create_person_in_an_organization(account: Account, other_account: Account) -> None:
    organization = await make_organization(account.client)
    person = await make_person(account.client, organizationId=organization["id"])
    assert person["organization"] == organization
    assert (await stored(person)).organization_id == key(organization["id"], "Organization")

    # Another company's organization does not exist for this caller.
    foreign = await make_organization(other_account.client, "Globex Corp")
    payload = await account.client.mutate(CREATE_PERSON, {"name": "Bob", "organizationId": foreign["id"]})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "organizationId"], "NOT_FOUND")]

    # An id of another type is refused before anything is looked up.
    payload = await account.client.mutate(CREATE_PERSON, {"name": "Bob", "organizationId": person["id"]})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "organizationId"], "INVALID_ID")]
    assert await Person.filter(name="Bob").count() == 0


async def test_owner_can_be_another_user_of_the_company(
    account: Account, other_account: Account, make_account: Any
) -> None:
    colleague = await make_account(company_id=account.company_id, name="Carl Colleague", role=Role.REGULAR)
    person = await make_person(account.client, ownerId=to_global_id("User", colleague.user_id))
    assert person["owner"]["name"] == "Carl Colleague"
    assert (await stored(person)).owner_id == colleague.user_id

    payload = await account.client.mutate(
        CREATE_PERSON, {"name": "Bob", "ownerId": to_global_id("User", other_account.user_id)}
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "ownerId"], "NOT_FOUND")]


# --- updatePerson ----------------------------------------------------------------------------


async def test_update_changes_only_the_fields_given_and_logs_them(account: Account) -> None:
    person = await make_person(account.client, jobTitle="Analyst", emails=[{"value": "ada@example.com"}])
    row = await stored(person)

    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "jobTitle": "Chief Analyst"})
    assert payload["userErrors"] == []
    updated = payload["person"]
    assert updated["jobTitle"] == "Chief Analyst"
    # Untouched fields keep their values.
    assert (updated["name"], updated["primaryEmail"]) == ("Ada Lovelace", "ada@example.com")

    after = await stored(person)
    assert (after.job_title, after.name, after.email_search) == ("Chief Analyst", "Ada Lovelace", "ada@example.com")
    entries = [e for e in await person_log(row.id) if e.action == "UPDATED"]
    assert [(e.field, e.old_value, e.new_value, e.actor_id) for e in entries] == [
        ("job_title", '"Analyst"', '"Chief Analyst"', account.user_id)
    ]


async def test_renaming_resplits_the_name_and_logs_every_changed_part(account: Account) -> None:
    person = await make_person(account.client)
    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "name": "Augusta King"})
    assert (payload["person"]["firstName"], payload["person"]["lastName"]) == ("Augusta", "King")

    row = await stored(person)
    changes = {e.field: (e.old_value, e.new_value) for e in await person_log(row.id) if e.action == "UPDATED"}
    assert changes == {
        "name": ('"Ada Lovelace"', '"Augusta King"'),
        "first_name": ('"Ada"', '"Augusta"'),
        "last_name": ('"Lovelace"', '"King"'),
    }


async def test_updating_emails_rewrites_the_search_column(account: Account) -> None:
    person = await make_person(account.client, emails=[{"value": "ada@example.com"}], phones=[{"value": "123 456"}])
    new_emails = [{"value": "A.King@Example.org", "label": "home"}]
    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "emails": new_emails})
    assert payload["userErrors"] == []
    assert payload["person"]["primaryEmail"] == "A.King@Example.org"

    row = await stored(person)
    assert row.email_search == "a.king@example.org"
    assert row.phone_search == "123456"  # phones were not given, so not touched
    (entry,) = [e for e in await person_log(row.id) if e.action == "UPDATED"]
    assert entry.field == "emails"
    assert orjson.loads(entry.old_value or "null") == [{"value": "ada@example.com", "label": "work", "primary": True}]
    assert orjson.loads(entry.new_value or "null") == [
        {"value": "A.King@Example.org", "label": "home", "primary": True}
    ]

    # An empty list clears them, search column included.
    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "emails": []})
    assert payload["person"]["emails"] == [] and payload["person"]["primaryEmail"] is None
    assert (await stored(person)).email_search == ""


async def test_update_refuses_bad_values_and_changes_nothing(account: Account) -> None:
    person = await make_person(account.client, jobTitle="Analyst")
    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "name": None, "jobTitle": "Boss"})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "name"], "REQUIRED")]

    payload = await account.client.mutate(
        UPDATE_PERSON, {"id": person["id"], "jobTitle": "Boss", "phones": [{"value": "12"}]}
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "phones", "0", "value"], "INVALID")]

    row = await stored(person)
    assert (row.name, row.job_title, row.phones) == ("Ada Lovelace", "Analyst", [])
    assert [e.action for e in await person_log(row.id)] == ["CREATED"]


async def test_update_links_and_unlinks_an_organization(account: Account) -> None:
    person = await make_person(account.client)
    organization = await make_organization(account.client)

    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "organizationId": organization["id"]})
    assert payload["person"]["organization"] == organization
    org_id = key(organization["id"], "Organization")
    assert (await stored(person)).organization_id == org_id

    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "organizationId": None})
    assert payload["person"]["organization"] is None
    row = await stored(person)
    assert row.organization_id is None
    (entry,) = [e for e in await person_log(row.id) if e.action == "UPDATED" and e.new_value is None]
    assert (entry.field, entry.old_value) == ("organization_id", str(org_id))


async def test_another_companys_person_is_not_found(account: Account, other_account: Account) -> None:
    person = await make_person(other_account.client, name="Gina Globex")
    payload = await account.client.mutate(UPDATE_PERSON, {"id": person["id"], "name": "Hijacked"})
    assert payload["person"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"], "NOT_FOUND")]
    payload = await account.client.mutate(DELETE_PERSON, {"id": person["id"]})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"], "NOT_FOUND")]
    assert (await stored(person)).name == "Gina Globex"


# --- deletePerson ----------------------------------------------------------------------------


async def test_delete_is_refused_while_a_lead_has_only_this_person(account: Account) -> None:
    person = await make_person(account.client)
    lead = await make_lead(account.client, personId=person["id"])

    payload = await account.client.mutate(DELETE_PERSON, {"id": person["id"]})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"], "IN_USE")]
    assert await Person.exists(id=key(person["id"]))
    assert (await Lead.get(id=lead["uuid"])).person_id == key(person["id"])


async def test_delete_is_allowed_when_the_lead_keeps_its_organization(account: Account) -> None:
    organization = await make_organization(account.client)
    person = await make_person(account.client, organizationId=organization["id"])
    lead = await make_lead(account.client, personId=person["id"], organizationId=organization["id"])
    person_id = key(person["id"])

    payload = await account.client.mutate(DELETE_PERSON, {"id": person["id"]})
    assert payload["userErrors"] == []
    assert not await Person.exists(id=person_id)
    row = await Lead.get(id=lead["uuid"])
    assert (row.person_id, row.organization_id) == (None, key(organization["id"], "Organization"))
    assert await Organization.exists(id=row.organization_id)
    entry = (await person_log(person_id))[-1]
    assert (entry.action, entry.field, entry.old_value) == ("DELETED", "name", '"Ada Lovelace"')


async def test_delete_a_person_without_leads(account: Account) -> None:
    person = await make_person(account.client)
    payload = await account.client.mutate(DELETE_PERSON, {"id": person["id"]})
    assert payload == {"person": None, "userErrors": []}
    assert await Person.all().count() == 0


# --- authentication --------------------------------------------------------------------------


async def test_unauthenticated_calls_write_nothing(account: Account) -> None:
    person = await make_person(account.client)
    revoked = Client(account.client.http, account.token)
    await revoke_token(account.token)
    before = await ChangeLogEntry.all().count()

    for client in (Client(account.client.http, None), revoked):
        for query, input in (
            (CREATE_PERSON, {"name": "Intruder"}),
            (UPDATE_PERSON, {"id": person["id"], "name": "Intruder"}),
            (DELETE_PERSON, {"id": person["id"]}),
        ):
            body = await client.raw(query, {"input": input})
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    assert [p.name for p in await Person.all()] == ["Ada Lovelace"]
    assert await ChangeLogEntry.all().count() == before
