"""Duplicates (SPEC §6): matching, the `duplicates` query, and createLead's resolutions."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from core.db import conn, fetch, is_postgres
from core.ids import to_global_id
from domain.contacts.duplicate import DuplicatePolicy, Resolution, find_duplicates, match_key
from domain.contacts.organization import OrganizationData, create_organization, update_organization
from domain.contacts.person import PersonData, create_person, update_person
from domain.leads.lead import LeadData, create_lead, update_lead
from models import ChangeLogEntry, Deal, Lead, LeadSource, Organization, Person, Role, Visibility
from tests.conftest import Account
from tests.factories.deals import make_deal

DUPLICATES = """
query ($org: String, $person: String, $title: String) {
  duplicates(organizationName: $org, personName: $person, leadTitle: $title) {
    organizations { id name }
    persons { id name }
    leads { id title person { name } }
  }
}
"""
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) {
    lead { id title person { id name } organization { id name } }
    userErrors { field message code candidateIds }
  }
}
"""


def gid(type_name: str, key: object) -> str:
    return to_global_id(type_name, key)


async def counts() -> dict[str, int]:
    return {
        "lead": await Lead.all().count(),
        "person": await Person.all().count(),
        "organization": await Organization.all().count(),
        "log": await ChangeLogEntry.all().count(),
    }


async def seed(account: Account) -> tuple[Person, Organization, Lead]:
    """Anna Berg of Volvo with a lead called "Fleet renewal"."""
    viewer = await account.viewer()
    org = await create_organization(viewer, OrganizationData(name="Volvo"))
    person = await create_person(viewer, PersonData(name="Anna Berg", organization_id=org.id))
    lead = await create_lead(
        viewer, LeadData(title="Fleet renewal", person_id=person.id, organization_id=org.id), LeadSource.MANUAL
    )
    return person, org, lead


def test_match_key_ignores_case_spacing_and_accents() -> None:
    assert match_key("  Ångström   AB ") == match_key("angstrom ab") == "angstrom ab"
    assert match_key("ZOË\tBERG") == match_key("zoe berg")
    assert match_key("Straße") == match_key("STRASSE")
    assert match_key("\uff21\uff43\uff4d\uff45") == match_key("acme")  # "Acme" in full-width letters
    assert match_key("Anna Berg") != match_key("Anna Bergh")
    assert match_key(None) == match_key("   ") == ""


def test_match_key_transliterates_national_letters() -> None:
    """Letters that Unicode does not decompose (ø, æ, ł, ß, đ) fold to their ASCII readings."""
    assert match_key("Bjørn Ødegård") == match_key("Bjorn Odegard") == "bjorn odegard"
    assert match_key("Æblegården") == "aeblegarden"
    assert match_key("Łódź") == match_key("LODZ") == "lodz"
    assert match_key("Żółć") == "zolc"
    assert match_key("Đorđević") == "dordevic"


async def test_duplicates_are_found_across_national_letters(account: Account) -> None:
    viewer = await account.viewer()
    person = await create_person(viewer, PersonData(name="Bjørn Ødegård"))
    org = await create_organization(viewer, OrganizationData(name="Smørrebrød ApS"))
    data = await account.client.execute(
        DUPLICATES, {"org": "SMORREBROD aps", "person": "Bjorn Odegard", "title": "nothing"}
    )
    assert data["duplicates"]["persons"] == [{"id": gid("Person", person.id), "name": "Bjørn Ødegård"}]
    assert data["duplicates"]["organizations"] == [{"id": gid("Organization", org.id), "name": "Smørrebrød ApS"}]
    payload = await account.client.mutate(CREATE_LEAD, {"person": {"name": "bjorn  odegard"}})
    (error,) = payload["userErrors"]
    assert (error["code"], error["candidateIds"]) == ("DUPLICATE", [gid("Person", person.id)])
    assert await Person.all().count() == 1


async def test_the_fold_migration_rekeys_existing_rows(account: Account) -> None:
    """Rows keyed by the old rule (ø kept) get the new keys; deals get their first title keys."""
    (path,) = (Path(__file__).resolve().parent.parent.parent / "migrations").glob("*_fold_keys.py")
    migration = importlib.import_module(f"migrations.{path.stem}")
    viewer = await account.viewer()
    person = await create_person(viewer, PersonData(name="Bjørn Ødegård"))
    org = await create_organization(viewer, OrganizationData(name="Łódź Ltd"))
    lead = await create_lead(viewer, LeadData(title="Smørrebrød", person_id=person.id), LeadSource.MANUAL)
    await Person.filter(id=person.id).update(name_key="bjørn ødegard")
    await Organization.filter(id=org.id).update(name_key="łodz ltd")
    await Lead.filter(id=lead.id).update(title_key="smørrebrød")
    deal = await make_deal(viewer, "Øresund fleet", person_id=person.id)
    await Deal.filter(id=deal.id).update(title_key="")

    class Editor:
        client = conn()

    await migration.refold_keys(None, Editor())
    assert (await Person.get(id=person.id)).name_key == "bjorn odegard"
    assert (await Organization.get(id=org.id)).name_key == "lodz ltd"
    assert (await Lead.get(id=lead.id)).title_key == "smorrebrod"
    assert (await Deal.get(id=deal.id)).title_key == "oresund fleet"
    assert migration.fold_key("  Bjørn  Ødegård ") == match_key("  Bjørn  Ødegård ")


async def test_duplicates_are_found_across_case_spacing_and_accents(account: Account) -> None:
    viewer = await account.viewer()
    org = await create_organization(viewer, OrganizationData(name="Ångström  AB"))
    person = await create_person(viewer, PersonData(name="Zoë Berg"))
    lead = await create_lead(viewer, LeadData(title="Fleet  Renewal", person_id=person.id), LeadSource.MANUAL)
    await create_organization(viewer, OrganizationData(name="Angstrom ABC"))  # not the same name

    data = await account.client.execute(
        DUPLICATES, {"org": "angstrom ab", "person": "  ZOE   berg", "title": "fleet renewal"}
    )
    found = data["duplicates"]
    assert found["organizations"] == [{"id": gid("Organization", org.id), "name": "Ångström  AB"}]
    assert found["persons"] == [{"id": gid("Person", person.id), "name": "Zoë Berg"}]
    assert found["leads"] == [{"id": gid("Lead", lead.id), "title": "Fleet  Renewal", "person": {"name": "Zoë Berg"}}]
    rows = await fetch("SELECT name_key FROM organization ORDER BY id")
    assert [r["name_key"] for r in rows] == ["angstrom ab", "angstrom abc"]
    assert (await Lead.get(id=lead.id)).title_key == "fleet renewal"


async def test_a_lead_matches_only_with_its_person_name(account: Account) -> None:
    _, org, _ = await seed(account)
    viewer = await account.viewer()
    await create_lead(viewer, LeadData(title="Fleet renewal", organization_id=org.id), LeadSource.MANUAL)
    data = await account.client.execute(DUPLICATES, {"person": "Bo Ek", "title": "Fleet renewal"})
    assert data["duplicates"]["leads"] == []
    data = await account.client.execute(DUPLICATES, {"person": "anna berg", "title": "FLEET RENEWAL"})
    assert [lead["title"] for lead in data["duplicates"]["leads"]] == ["Fleet renewal"]
    body = await account.client.raw(DUPLICATES, {"title": "Fleet renewal"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_duplicates_never_cross_companies(account: Account, other_account: Account) -> None:
    await seed(account)
    before = await counts()
    data = await other_account.client.execute(
        DUPLICATES, {"org": "Volvo", "person": "Anna Berg", "title": "Fleet renewal"}
    )
    assert data["duplicates"] == {"organizations": [], "persons": [], "leads": []}
    payload = await other_account.client.mutate(
        CREATE_LEAD, {"title": "Fleet renewal", "person": {"name": "Anna Berg"}, "organization": {"name": "Volvo"}}
    )
    assert payload["userErrors"] == []
    assert (await counts())["lead"] == before["lead"] + 1


async def test_duplicates_hidden_from_the_viewer_are_not_offered(account: Account, make_account: Any) -> None:
    rita = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    sven = await make_account(company_id=account.company_id, name="Sven Regular", role=Role.REGULAR)
    await create_person(await rita.viewer(), PersonData(name="Private Person", visibility=Visibility.OWNER))
    data = await sven.client.execute(DUPLICATES, {"person": "private person"})
    assert data["duplicates"]["persons"] == []
    data = await rita.client.execute(DUPLICATES, {"person": "private person"})
    assert [p["name"] for p in data["duplicates"]["persons"]] == ["Private Person"]


async def test_keys_follow_renames_and_stay_out_of_the_change_log(account: Account) -> None:
    person, org, lead = await seed(account)
    viewer = await account.viewer()
    await update_person(viewer, person.id, {"name": "Åsa  Lind"})
    await update_organization(viewer, org.id, {"name": "SAAB"})
    await update_lead(viewer, lead.id, {"title": "Trucks"})
    assert (await Person.get(id=person.id)).name_key == "asa lind"
    assert (await Organization.get(id=org.id)).name_key == "saab"
    assert (await Lead.get(id=lead.id)).title_key == "trucks"
    logged = set(await ChangeLogEntry.all().values_list("field", flat=True))
    assert {"name", "title"} <= logged
    assert not logged & {"name_key", "title_key"}


async def test_create_lead_reports_every_duplicate_and_changes_nothing(account: Account) -> None:
    person, org, lead = await seed(account)
    before = await counts()
    payload = await account.client.mutate(
        CREATE_LEAD, {"title": "fleet  RENEWAL", "person": {"name": "anna berg"}, "organization": {"name": "VOLVO "}}
    )
    assert payload["lead"] is None
    errors = {tuple(e["field"]): e for e in payload["userErrors"]}
    assert set(errors) == {("input", "person"), ("input", "organization"), ("input", "title")}
    assert {e["code"] for e in errors.values()} == {"DUPLICATE"}
    assert errors[("input", "person")]["candidateIds"] == [gid("Person", person.id)]
    assert errors[("input", "organization")]["candidateIds"] == [gid("Organization", org.id)]
    assert errors[("input", "title")]["candidateIds"] == [gid("Lead", lead.id)]
    assert "personDuplicate" in errors[("input", "person")]["message"]
    assert "leadDuplicate" in errors[("input", "title")]["message"]
    assert await counts() == before


async def test_create_lead_link_resolution_uses_the_existing_contacts(account: Account) -> None:
    person, org, _ = await seed(account)
    before = await counts()
    payload = await account.client.mutate(
        CREATE_LEAD,
        {
            "person": {"name": "ANNA BERG", "emails": [{"value": "anna@volvo.se"}]},
            "organization": {"name": "volvo"},
            "personDuplicate": "LINK",
            "organizationDuplicate": "LINK",
        },
    )
    assert payload["userErrors"] == []
    created = payload["lead"]
    assert created["person"] == {"id": gid("Person", person.id), "name": "Anna Berg"}
    assert created["organization"] == {"id": gid("Organization", org.id), "name": "Volvo"}
    assert created["title"] == "Anna Berg"  # the linked person's own spelling
    after = await counts()
    assert (after["lead"], after["person"], after["organization"]) == (before["lead"] + 1, before["person"], 1)
    stored = await Person.get(id=person.id)
    assert stored.emails == []  # linking does not rewrite the existing person


async def test_create_lead_create_resolution_adds_new_contacts(account: Account) -> None:
    person, org, lead = await seed(account)
    payload = await account.client.mutate(
        CREATE_LEAD,
        {
            "title": "Fleet renewal",
            "person": {"name": "Anna Berg"},
            "organization": {"name": "Volvo"},
            "personDuplicate": "CREATE",
            "organizationDuplicate": "CREATE",
            "leadDuplicate": "CREATE",
        },
    )
    assert payload["userErrors"] == []
    new_person_id = payload["lead"]["person"]["id"]
    assert new_person_id != gid("Person", person.id)
    assert payload["lead"]["organization"]["id"] != gid("Organization", org.id)
    assert await Person.filter(name_key="anna berg").count() == 2
    assert await Organization.filter(name_key="volvo").count() == 2
    assert await Lead.filter(title_key="fleet renewal").count() == 2
    new_lead = await Lead.exclude(id=lead.id).get()
    new_person = await Person.get(id=new_lead.person_id)
    assert new_person.organization_id == new_lead.organization_id != org.id  # the new person joins the new org


async def test_link_among_several_candidates_needs_an_id(account: Account, other_account: Account) -> None:
    viewer = await account.viewer()
    first = await create_person(viewer, PersonData(name="Anna Berg"))
    second = await create_person(viewer, PersonData(name="anna  berg"))
    unrelated = await create_person(viewer, PersonData(name="Bo Ek"))
    foreign = await create_person(await other_account.viewer(), PersonData(name="Anna Berg"))
    before = await counts()

    payload = await account.client.mutate(CREATE_LEAD, {"person": {"name": "Anna Berg"}, "personDuplicate": "LINK"})
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "linkPersonId"], "REQUIRED")
    assert error["candidateIds"] == [gid("Person", first.id), gid("Person", second.id)]

    for wrong in (unrelated.id, foreign.id):
        payload = await account.client.mutate(
            CREATE_LEAD, {"person": {"name": "Anna Berg"}, "linkPersonId": gid("Person", wrong)}
        )
        (error,) = payload["userErrors"]
        assert (error["field"], error["code"]) == (["input", "linkPersonId"], "NOT_FOUND")
    assert await counts() == before

    payload = await account.client.mutate(
        CREATE_LEAD,
        {"person": {"name": "Anna Berg"}, "personDuplicate": "LINK", "linkPersonId": gid("Person", second.id)},
    )
    assert payload["userErrors"] == []
    assert payload["lead"]["person"]["id"] == gid("Person", second.id)
    assert await Person.all().count() == before["person"]


async def test_link_without_candidates_creates_the_contact(account: Account) -> None:
    payload = await account.client.mutate(
        CREATE_LEAD, {"person": {"name": "New Person"}, "personDuplicate": "LINK", "organization": {"name": "New Org"}}
    )
    assert payload["userErrors"] == []
    assert await Person.filter(name="New Person").count() == 1


async def test_lead_duplicate_with_an_existing_person_and_its_resolutions(account: Account) -> None:
    person, _, lead = await seed(account)
    payload = await account.client.mutate(CREATE_LEAD, {"personId": gid("Person", person.id), "title": "Fleet Renewal"})
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"], error["candidateIds"]) == (
        ["input", "title"],
        "DUPLICATE",
        [gid("Lead", lead.id)],
    )
    payload = await account.client.mutate(
        CREATE_LEAD, {"personId": gid("Person", person.id), "title": "Fleet Renewal", "leadDuplicate": "LINK"}
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "leadDuplicate"], "INVALID")]
    payload = await account.client.mutate(
        CREATE_LEAD, {"personId": gid("Person", person.id), "title": "Fleet Renewal", "leadDuplicate": "CREATE"}
    )
    assert payload["userErrors"] == []
    assert await Lead.filter(person_id=person.id).count() == 2


async def test_domain_policy_for_imports_links_contacts(account: Account) -> None:
    person, org, _ = await seed(account)
    viewer = await account.viewer()
    lead = await create_lead(
        viewer,
        LeadData(
            title="Fleet renewal",
            person=PersonData(name="Anna Berg"),
            organization=OrganizationData(name="Volvo"),
            duplicates=DuplicatePolicy(person=Resolution.LINK, organization=Resolution.LINK, lead=Resolution.CREATE),
        ),
        LeadSource.IMPORT,
    )
    assert (lead.person_id, lead.organization_id) == (person.id, org.id)


async def test_the_key_migration_fills_existing_rows(account: Account) -> None:
    """Rows written before the key columns existed get their keys from the migration."""
    (path,) = (Path(__file__).resolve().parent.parent.parent / "migrations").glob("*_duplicate_keys.py")
    migration = importlib.import_module(f"migrations.{path.stem}")
    person, org, lead = await seed(account)
    await conn().execute_script("UPDATE person SET name_key = ''; UPDATE organization SET name_key = '';")
    await Lead.filter(id=lead.id).update(title_key="")

    class Editor:
        client = conn()

    await migration.fill_keys(None, Editor())
    assert (await Person.get(id=person.id)).name_key == "anna berg"
    assert (await Organization.get(id=org.id)).name_key == "volvo"
    assert (await Lead.get(id=lead.id)).title_key == "fleet renewal"
    assert migration.match_key("  Ångström AB") == match_key("  Ångström AB")


@pytest.mark.parametrize("name", ["Ångström  AB", "angstrom ab"])
async def test_organization_duplicate_on_create_lead_by_accent_and_case(account: Account, name: str) -> None:
    viewer = await account.viewer()
    existing = await create_organization(viewer, OrganizationData(name="ÅNGSTRÖM AB"))
    payload = await account.client.mutate(CREATE_LEAD, {"organization": {"name": name}})
    (error,) = payload["userErrors"]
    assert error["candidateIds"] == [gid("Organization", existing.id)]
    assert await Organization.all().count() == 1


async def test_a_duplicate_check_is_one_indexed_statement_per_kind(account: Account, count_statements: Any) -> None:
    viewer = await account.viewer()
    await seed(account)
    for i in range(30):
        await create_person(viewer, PersonData(name="Anna  Berg" if i % 2 else f"Person {i}"))
    before = count_statements.count
    found = await find_duplicates(
        viewer, organization_name="volvo", person_name="ANNA BERG", lead_title="fleet renewal"
    )
    assert count_statements.count - before == 3
    assert (len(found.organizations), len(found.persons), len(found.leads)) == (1, 16, 1)
    if not is_postgres():  # PostgreSQL's planner is cost-based: on a tiny table it may well scan
        plan = await fetch(
            "EXPLAIN QUERY PLAN SELECT id FROM person WHERE company_id = ? AND name_key = ?",
            [account.company_id, "anna berg"],
        )
        assert "(company_id=? AND name_key=?)" in str(plan)
