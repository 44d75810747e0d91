"""The `persons` and `organizations` lists: order, pages, search, visibility, tenancy."""

from __future__ import annotations

from typing import Any

from core.ids import to_global_id
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import ContactValue, PersonData, create_person
from models import Role, Visibility
from tests.conftest import Account

PERSONS = """
query ($first: Int, $after: String, $search: String, $org: ID) {
  persons(first: $first, after: $after, search: $search, organizationId: $org) {
    edges { cursor node { name primaryEmail organization { name } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""
ORGANIZATIONS = """
query ($first: Int, $after: String, $search: String) {
  organizations(first: $first, after: $after, search: $search) {
    nodes { id name address { city } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""


async def walk(account: Account, query: str, field: str, **variables: Any) -> list[str]:
    names: list[str] = []
    after = None
    while True:
        data = (await account.client.execute(query, {**variables, "after": after}))[field]
        nodes = data["nodes"] if "nodes" in data else [edge["node"] for edge in data["edges"]]
        names += [n["name"] for n in nodes]
        if not data["pageInfo"]["hasNextPage"]:
            return names
        after = data["pageInfo"]["endCursor"]


async def test_persons_are_listed_by_name_case_insensitively_across_pages(account: Account) -> None:
    viewer = await account.viewer()
    for name in ["bertil Ek", "Anna Berg", "Cecilia Dahl", "anna Berg", "Åke Ström", "David Lund"]:
        await create_person(viewer, PersonData(name=name))
    names = await walk(account, PERSONS, "persons", first=2)
    # Names sort folded (domain.fold): "Åke" as "ake", before "anna", on both databases.
    assert [n.lower() for n in names] == [
        "åke ström",
        "anna berg",
        "anna berg",
        "bertil ek",
        "cecilia dahl",
        "david lund",
    ]


async def test_person_search_matches_name_and_email_and_filters_by_organization(account: Account) -> None:
    viewer = await account.viewer()
    volvo = await create_organization(viewer, OrganizationData(name="Volvo"))
    await create_person(
        viewer, PersonData(name="Anna Berg", emails=[ContactValue("anna@volvo.se")], organization_id=volvo.id)
    )
    await create_person(viewer, PersonData(name="Bo Ek", emails=[ContactValue("bo@saab.se")]))
    data = await account.client.execute(PERSONS, {"search": "VOLVO.se"})
    assert [e["node"]["name"] for e in data["persons"]["edges"]] == ["Anna Berg"]
    assert data["persons"]["totalCount"] == 1
    assert data["persons"]["edges"][0]["node"]["organization"] == {"name": "Volvo"}

    data = await account.client.execute(PERSONS, {"org": to_global_id("Organization", volvo.id)})
    assert [e["node"]["name"] for e in data["persons"]["edges"]] == ["Anna Berg"]
    data = await account.client.execute(PERSONS, {"search": "50%_"})
    assert data["persons"]["edges"] == []


async def test_organizations_list_search_and_count(account: Account) -> None:
    viewer = await account.viewer()
    for name in ["Volvo Cars", "Saab", "Volvo Trucks", "Scania"]:
        await create_organization(viewer, OrganizationData(name=name, address_city="Göteborg"))
    assert await walk(account, ORGANIZATIONS, "organizations", first=3) == [
        "Saab",
        "Scania",
        "Volvo Cars",
        "Volvo Trucks",
    ]
    data = await account.client.execute(ORGANIZATIONS, {"search": "volvo"})
    assert [n["name"] for n in data["organizations"]["nodes"]] == ["Volvo Cars", "Volvo Trucks"]
    assert data["organizations"]["totalCount"] == 2
    assert data["organizations"]["nodes"][0]["address"] == {"city": "Göteborg"}


async def test_private_contacts_are_hidden_from_other_regular_users(account: Account, make_account: Any) -> None:
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    sven = await make_account(company_id=account.company_id, name="Sven Regular", role=Role.REGULAR)
    await create_person(await rita.viewer(), PersonData(name="Private Person", visibility=Visibility.OWNER))
    await create_organization(await rita.viewer(), OrganizationData(name="Private Org", visibility=Visibility.OWNER))
    assert await walk(rita, PERSONS, "persons") == ["Private Person"]
    assert await walk(sven, PERSONS, "persons") == []
    assert await walk(sven, ORGANIZATIONS, "organizations") == []
    assert await walk(account, ORGANIZATIONS, "organizations") == ["Private Org"]
    assert (await sven.client.execute(PERSONS))["persons"]["totalCount"] == 0


async def test_other_company_contacts_never_show(account: Account, other_account: Account) -> None:
    await create_person(await account.viewer(), PersonData(name="Anna Berg"))
    await create_organization(await account.viewer(), OrganizationData(name="Volvo"))
    assert await walk(other_account, PERSONS, "persons") == []
    assert await walk(other_account, ORGANIZATIONS, "organizations", search="volvo") == []


async def test_bad_cursor_is_a_clear_error(account: Account) -> None:
    body = await account.client.raw(PERSONS, {"after": "bm90LWpzb24"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
