"""Every writer of a folded text keeps its key (domain.fold.keyed): after each write the key
follows the new text, so a filter on the folded form finds it and one on the old text does
not. (tests/key_check.py also checks every key after every test of the suite.)"""

from __future__ import annotations

from typing import Any

from core.db import fetch
from domain.accounts.account import create_team, create_user
from domain.columns.custom_field import delete_custom_field, purge_custom_field
from domain.contacts.organization import update_organization
from domain.contacts.person import update_person
from domain.deals.conversion import convert_deal_to_lead
from domain.fold import fold
from domain.leads.bulk import bulk_update_leads
from domain.leads.label import create_label, update_label
from domain.leads.lead import update_lead
from domain.leads.merge import FieldChoice, MergeField, MergeSide, merge_leads
from models import Lead, LeadLabel, Organization, Person, Team, User
from tests.conftest import Account
from tests.factories import make_lead, make_org, make_person
from tests.factories.columns import define_fields
from tests.factories.deals import make_deal
from tests.integration.test_import import http, run_import  # noqa: F401  (http: the import's app)
from tests.key_check import stale_keys

LEADS = "query ($filter: LeadFilter) { leads(first: 50, filter: $filter) { nodes { title } } }"


async def found(account: Account, column: str, value: str) -> list[str]:
    condition = {"column": column, "operator": "EQUALS", "value": value}
    data = await account.client.execute(LEADS, {"filter": {"conditions": {"conditions": [condition]}}})
    return sorted(n["title"] for n in data["leads"]["nodes"])


async def test_updates_keep_the_keys_of_lead_person_and_organization_texts(account: Account) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    person = await make_person(viewer, "Anna", job_title="Buyer")
    org = await make_org(viewer, "Acme", address_city="Lund", address_country="Sweden")
    lead = await make_lead(viewer, "Fleet", person_id=person.id, organization_id=org.id, utm={"utm_term": "vans"})
    await update_lead(viewer, lead.id, {"utm_term": "Łódź vans", "custom_fields": {"region": "Österlen"}})
    await update_person(viewer, person.id, {"job_title": "Innkjøpssjef", "last_name": "Ødegård"})
    await update_organization(viewer, org.id, {"address_city": "Örebro", "address_country": "Åland Islands"})
    for column, value in (
        ("lead.utmTerm", "lodz vans"),
        ("cf.lead.region", "osterlen"),
        ("person.jobTitle", "innkjopssjef"),
        ("person.lastName", "ODEGARD"),
        ("organization.address.city", "orebro"),
        ("organization.address.country", "aland islands"),
    ):
        assert await found(account, column, value) == ["Fleet"], column
    assert await found(account, "lead.utmTerm", "vans") == []
    assert await found(account, "organization.address.city", "lund") == []
    stored = await Organization.get(id=org.id)
    assert (stored.address_city_key, stored.address_country_key) == ("orebro", "aland islands")
    # Emptied texts have no key: they sort last, as empty values do.
    await update_lead(viewer, lead.id, {"utm_term": None, "custom_fields": {"region": None}})
    stored_lead = await Lead.get(id=lead.id)
    assert (stored_lead.utm_term_key, stored_lead.custom_keys) == (None, {})
    assert await stale_keys() == []


async def test_bulk_update_merge_and_conversion_keep_the_keys(account: Account) -> None:
    viewer = await account.viewer()
    await define_fields(viewer)
    first = await make_lead(viewer, "First", custom_fields={"region": "North"})
    second = await make_lead(viewer, "Second", utm={"utm_source": "Ñandú"})
    # Bulk: the same custom text on many leads, patched in SQL with its folded form.
    assert await bulk_update_leads(viewer, [first.id, second.id], {"custom_fields": {"region": "Żółć"}}) == 2
    assert await found(account, "cf.lead.region", "zolc") == ["First", "Second"]
    # Merge: the survivor takes the other's UTM source and its key.
    await merge_leads(viewer, first.id, second.id, [FieldChoice(MergeField.UTM_SOURCE, MergeSide.OTHER)])
    assert await found(account, "lead.utmSource", "nandu") == ["First"]
    assert (await Lead.get(id=first.id)).utm_source_key == "nandu"
    # A deal converted to a lead brings its custom text, keyed.
    deal = await make_deal(viewer, "Deal", custom_fields={"region": "Île-de-France"})
    await convert_deal_to_lead(viewer, deal.id)
    assert await found(account, "cf.lead.region", "ile-de-france") == ["Deal"]
    assert await stale_keys() == []


async def test_purging_a_custom_field_removes_its_folded_values(account: Account) -> None:
    viewer = await account.viewer()
    fields = await define_fields(viewer)
    lead = await make_lead(viewer, "Fleet", custom_fields={"region": "Österlen", "fleet": 3})
    org = await make_org(viewer, "Acme", custom_fields={"industry": "Ölbryggeri"})
    assert (await Organization.get(id=org.id)).custom_keys == {"industry": "olbryggeri"}
    for key in ("region", "industry"):
        await delete_custom_field(viewer, fields[key].id)
        await purge_custom_field(viewer, fields[key].id)
    assert (await Lead.get(id=lead.id)).custom_keys == {}
    assert (await Organization.get(id=org.id)).custom_keys == {}
    assert await stale_keys() == []


async def test_names_of_users_teams_and_labels_are_keyed(account: Account) -> None:
    viewer = await account.viewer()
    user = await create_user(account.company_id, "Élodie Ærø", "elodie@fold.test")
    team = await create_team(account.company_id, "Ångström", [user.id])
    label = await create_label(viewer, "Très chaud", "red")
    assert (await User.get(id=user.id)).name_key == "elodie aero"
    assert (await Team.get(id=team.id)).name_key == "angstrom"
    await update_label(viewer, label.id, "Ökologisch", None)
    assert (await LeadLabel.get(id=label.id)).name_key == "okologisch"
    # Names clash when they fold alike, on both databases.
    labels = "mutation($input: CreateLeadLabelInput!) { createLeadLabel(input: $input) { userErrors { code } } }"
    payload = await account.client.mutate(labels, {"name": "OKOLOGISCH", "color": "red"})
    assert payload["userErrors"] == [{"code": "DUPLICATE"}]
    assert await stale_keys() == []


async def test_import_keys_its_texts(account: Account) -> None:
    mapping: list[dict[str, Any]] = [
        {"column": "Title", "target": "lead.title"},
        {"column": "Person", "target": "person.name"},
        {"column": "Job", "target": "person.jobTitle"},
        {"column": "Organization", "target": "organization.name"},
        {"column": "City", "target": "organization.address.city"},
    ]
    content = "Title,Person,Job,Organization,City\nImported,Bjørn Ødegård,Innkjøper,Verkstad,Örebro\n".encode()
    await run_import(account, content, mapping=mapping)
    assert await found(account, "organization.address.city", "orebro") == ["Imported"]
    assert await found(account, "person.jobTitle", "innkjoper") == ["Imported"]
    assert await found(account, "person.name", "bjorn odegard") == ["Imported"]
    person = await Person.get(name="Bjørn Ødegård")
    assert (person.first_name_key, person.last_name_key) == ("bjorn", "odegard")
    rows = await fetch("SELECT address_city, address_city_key FROM organization WHERE name = ?", ["Verkstad"])
    assert [(r["address_city"], r["address_city_key"]) for r in rows] == [("Örebro", fold("Örebro"))]
    assert await stale_keys() == []
