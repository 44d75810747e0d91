"""Folding (domain.fold): search and text sorts treat case, accents and national letters the
same on SQLite (whose lower() and LIKE fold ASCII only) and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from domain.accounts.account import create_team, create_user
from domain.fold import fold, fold_key, key_pattern
from domain.leads.label import create_label
from domain.viewer import viewer_for_user
from tests.conftest import Account
from tests.factories import make_lead, make_org, make_person
from tests.factories.columns import define_fields
from tests.factories.deals import make_deal

LEADS = """
query ($filter: LeadFilter, $sort: LeadSort) {
  leads(first: 50, filter: $filter, sort: $sort) { nodes { title } }
}
"""
PERSONS = "query ($search: String) { persons(first: 50, search: $search) { nodes { name } } }"
ORGANIZATIONS = "query ($search: String) { organizations(first: 50, search: $search) { nodes { name } } }"
DEALS = """
query ($filter: DealFilter, $sort: DealSort) { deals(first: 50, filter: $filter, sort: $sort) { nodes { title } } }
"""


def test_fold() -> None:
    assert fold("  Örebro  Élodie ") == "orebro elodie"
    assert fold("Żółć") == fold("ZOLC") == "zolc"
    assert fold("Bjørn Ødegård") == fold("bjorn odegard")
    assert fold(None) == ""
    assert len(fold_key("ø" * 400)) == 255
    # LIKE's own characters stay characters.
    assert key_pattern("100%_É") == "%100\\%\\_e%"


@pytest.fixture
async def inbox(account: Account) -> None:
    viewer = await account.viewer()
    org = await make_org(viewer, "Örebro Verkstad AB")
    await make_lead(viewer, "Fleet for the workshop", organization_id=org.id)
    elodie = await make_person(viewer, "Élodie Dupont")
    await make_lead(viewer, "Printer deal", person_id=elodie.id)
    await make_lead(viewer, "Żółć i miód")
    await make_lead(viewer, "Nothing special")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("örebro", ["Fleet for the workshop"]),
        ("OREBRO", ["Fleet for the workshop"]),
        ("elodie", ["Printer deal"]),
        ("ÉLODIE", ["Printer deal"]),
        ("zolc", ["Żółć i miód"]),
        ("ŻÓŁĆ", ["Żółć i miód"]),
        ("miod", ["Żółć i miód"]),
    ],
)
async def test_inbox_search_folds_national_letters(
    account: Account, inbox: None, search: str, expected: list[str]
) -> None:
    data = await account.client.execute(LEADS, {"filter": {"search": search}})
    assert [n["title"] for n in data["leads"]["nodes"]] == expected


async def test_contact_lists_search_folded_names(account: Account, inbox: None) -> None:
    data = await account.client.execute(PERSONS, {"search": "elodie dup"})
    assert [n["name"] for n in data["persons"]["nodes"]] == ["Élodie Dupont"]
    data = await account.client.execute(ORGANIZATIONS, {"search": "orebro"})
    assert [n["name"] for n in data["organizations"]["nodes"]] == ["Örebro Verkstad AB"]


TITLES = ["Zeta", "Ångström", "alpha", "Émile", "Bjørn", "beta", "Ørsted", "Łódź"]
FOLDED_ORDER = ["alpha", "Ångström", "beta", "Bjørn", "Émile", "Łódź", "Ørsted", "Zeta"]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_text_sorts_fold_the_same_on_both_databases(account: Account, direction: str) -> None:
    """Titles, person names, organization names and deal titles sort by their folded form:
    "Ångström" beside "alpha", not after "Zeta" as by code point."""
    viewer = await account.viewer()
    for title in TITLES:
        person = await make_person(viewer, title)
        org = await make_org(viewer, f"{title} AB")
        await make_lead(viewer, title, person_id=person.id, organization_id=org.id)
        await make_deal(viewer, title, person_id=person.id)
    expected = FOLDED_ORDER if direction == "ASC" else FOLDED_ORDER[::-1]
    for field in ("TITLE", "PERSON_NAME"):
        data = await account.client.execute(LEADS, {"sort": {"field": field, "direction": direction}})
        assert [n["title"] for n in data["leads"]["nodes"]] == expected, field
    data = await account.client.execute(LEADS, {"sort": {"column": "organization.name", "direction": direction}})
    assert [n["title"] for n in data["leads"]["nodes"]] == expected
    data = await account.client.execute(DEALS, {"sort": {"field": "TITLE", "direction": direction}})
    assert [n["title"] for n in data["deals"]["nodes"]] == expected
    data = await account.client.execute(PERSONS, {})
    assert [n["name"] for n in data["persons"]["nodes"]] == FOLDED_ORDER


async def test_deal_search_folds_titles_and_names(account: Account) -> None:
    viewer = await account.viewer()
    person = await make_person(viewer, "Bjørn Ødegård")
    await make_deal(viewer, "Żółć supply", person_id=person.id)
    await make_deal(viewer, "Other")
    for text in ("zolc", "bjorn odegard", "ODEGARD"):
        data = await account.client.execute(DEALS, {"filter": {"search": text}})
        assert [n["title"] for n in data["deals"]["nodes"]] == ["Żółć supply"], text


# --- Text filters and sorts of every column, and selections (issue 13) ----------------------

FILTERED = """
query ($filter: LeadFilter, $sort: LeadSort) {
  leads(first: 50, filter: $filter, sort: $sort) { nodes { title } }
}
"""


def cond(column: str, operator: str, value: Any = None, values: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"column": column, "operator": operator}
    if value is not None:
        out["value"] = value
    if values is not None:
        out["values"] = values
    return out


async def titles(account: Account, *conditions: dict[str, Any]) -> set[str]:
    data = await account.client.execute(FILTERED, {"filter": {"conditions": {"conditions": list(conditions)}}})
    return {n["title"] for n in data["leads"]["nodes"]}


@pytest.fixture
async def national(account: Account) -> None:
    """Leads whose texts carry national letters, and one plain look-alike that must not match."""
    viewer = await account.viewer()
    await define_fields(viewer)
    await make_lead(
        viewer,
        "Nordic",
        person_id=(await make_person(viewer, "Bjørn Ødegård", job_title="Innkjøpssjef")).id,
        organization_id=(await make_org(viewer, "Örebro Verkstad", address_city="Örebro")).id,
        custom_fields={"region": "Żółć Północ"},
        utm={"utm_campaign": "Été"},
    )
    await make_lead(
        viewer,
        "Plain",
        person_id=(await make_person(viewer, "Bjorn Other", job_title="Buyer")).id,
        organization_id=(await make_org(viewer, "Uppsala AB", address_city="Uppsala")).id,
        custom_fields={"region": "South"},
        utm={"utm_campaign": "Winter"},
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("organization.address.city", "EQUALS", "orebro"), {"Nordic"}),
        (cond("organization.address.city", "EQUALS", "ÖREBRO"), {"Nordic"}),
        (cond("organization.address.city", "CONTAINS", "REB"), {"Nordic"}),
        (cond("organization.address.city", "STARTS_WITH", "ore"), {"Nordic"}),
        (cond("organization.address.city", "NOT_EQUALS", "Orebro"), {"Plain"}),
        (cond("organization.address.city", "IS_ONE_OF", values=["orebro", "Lund"]), {"Nordic"}),
        (cond("organization.address.city", "IS_NOT_ONE_OF", values=["OREBRO"]), {"Plain"}),
        (cond("person.name", "EQUALS", "bjorn odegard"), {"Nordic"}),
        (cond("person.name", "IS_ONE_OF", values=["BJORN  ODEGARD"]), {"Nordic"}),
        (cond("person.name", "CONTAINS", "ødeg"), {"Nordic"}),
        (cond("person.lastName", "EQUALS", "odegard"), {"Nordic"}),
        (cond("person.jobTitle", "CONTAINS", "innkjops"), {"Nordic"}),
        (cond("organization.name", "STARTS_WITH", "orebro v"), {"Nordic"}),
        (cond("lead.utmCampaign", "EQUALS", "ete"), {"Nordic"}),
        (cond("cf.lead.region", "EQUALS", "zolc polnoc"), {"Nordic"}),
        (cond("cf.lead.region", "CONTAINS", "POLNOC"), {"Nordic"}),
        (cond("cf.lead.region", "IS_ONE_OF", values=["Zolc Polnoc", "north"]), {"Nordic"}),
    ],
)
async def test_text_filters_fold_national_letters(
    account: Account, national: None, condition: dict[str, Any], expected: set[str]
) -> None:
    """Every text filter compares folded keys: "orebro" finds "Örebro", "bjorn odegard" finds
    "Bjørn Ødegård", on SQLite (whose lower() folds ASCII only) as on PostgreSQL."""
    assert await titles(account, condition) == expected


EATON, ELODIE, EMMA = "Eaton", "Élodie", "Emma"


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_every_text_sort_puts_elodie_between_eaton_and_emma(account: Account, direction: str) -> None:
    """City, country, job title, first name, UTM values, custom text, owner (user and team),
    creator and labels sort by their folded keys: É beside E, not after Z as by code point."""
    viewer = await account.viewer()
    await define_fields(viewer)
    countries = {EATON: "Afghanistan", ELODIE: "Åland Islands", EMMA: "Albania"}
    for name in (EMMA, ELODIE, EATON):
        user = await create_user(account.company_id, name, f"{fold(name)}@fold.test")
        team = await create_team(account.company_id, f"{name} team", [])
        label = await create_label(viewer, name, "red")
        team_owned = name != EATON  # owners of both kinds sort together, by name
        await make_lead(
            await viewer_for_user(user.id),
            name,
            person_id=(await make_person(viewer, f"{name} Person", job_title=name)).id,
            organization_id=(
                await make_org(viewer, f"{name} AB", address_city=name, address_country=countries[name])
            ).id,
            custom_fields={"region": name},
            utm={"utm_source": name},
            label_ids=[label.id],
            owner_user_id=None if team_owned else user.id,
            owner_team_id=team.id if team_owned else None,
        )
    expected = [EATON, ELODIE, EMMA] if direction == "ASC" else [EMMA, ELODIE, EATON]
    for column in (
        "organization.address.city",
        "organization.address.country",
        "person.jobTitle",
        "person.firstName",
        "lead.utmSource",
        "cf.lead.region",
        "lead.owner",
        "lead.createdBy",
        "lead.labels",
    ):
        data = await account.client.execute(FILTERED, {"sort": {"column": column, "direction": direction}})
        assert [n["title"] for n in data["leads"]["nodes"]] == expected, column


SELECTION_MEMBERS = """
mutation($input: CreateSelectionInput!) {
  createSelection(input: $input) {
    selection { members(first: 50) { edges { node { ... on Person { name } ... on Organization { name } } } } }
    userErrors { field code }
  }
}
"""


async def members(account: Account, entity: str, *conditions: dict[str, Any]) -> list[str]:
    payload = await account.client.mutate(
        SELECTION_MEMBERS, {"name": "Fold", "entity": entity, "kind": "DYNAMIC", "conditions": list(conditions)}
    )
    assert payload["userErrors"] == []
    return [e["node"]["name"] for e in payload["selection"]["members"]["edges"]]


async def test_selections_fold_conditions_and_sort_members(account: Account) -> None:
    viewer = await account.viewer()
    orebro = await make_org(viewer, "Örebro Verkstad", address_city="Örebro", address_country="Côte d'Ivoire")
    uppsala = await make_org(viewer, "Uppsala AB", address_city="Uppsala", address_country="Sweden")
    for name, org in ((EMMA, uppsala), ("Bjørn Ødegård", orebro), (EATON, uppsala), (ELODIE, orebro)):
        await make_person(viewer, name, job_title="Innkjøpssjef" if org is orebro else "Buyer", organization_id=org.id)

    def c(field: str, operator: str, value: str) -> dict[str, Any]:
        return {"field": field, "operator": operator, "value": value}

    # Members sort by folded name: Élodie between Eaton and Emma.
    everyone = await members(account, "PERSON")
    assert everyone == ["Bjørn Ødegård", EATON, ELODIE, EMMA]
    assert await members(account, "PERSON", c("NAME", "EQUALS", "bjorn odegard")) == ["Bjørn Ødegård"]
    assert await members(account, "PERSON", c("NAME", "STARTS_WITH", "ELO")) == [ELODIE]
    assert await members(account, "PERSON", c("CITY", "EQUALS", "orebro")) == ["Bjørn Ødegård", ELODIE]
    assert await members(account, "PERSON", c("CITY", "NOT_EQUALS", "OREBRO")) == [EATON, EMMA]
    assert await members(account, "PERSON", c("JOB_TITLE", "CONTAINS", "innkjops")) == ["Bjørn Ødegård", ELODIE]
    assert await members(account, "PERSON", c("ORGANIZATION_NAME", "CONTAINS", "orebro")) == ["Bjørn Ødegård", ELODIE]
    assert await members(account, "ORGANIZATION", c("COUNTRY", "EQUALS", "cote d'ivoire")) == ["Örebro Verkstad"]
    assert await members(account, "ORGANIZATION", c("NAME", "CONTAINS", "ÖREBRO")) == ["Örebro Verkstad"]
