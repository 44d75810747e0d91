"""Folding (domain.fold): search and text sorts treat case, accents and national letters the
same on SQLite (whose lower() and LIKE fold ASCII only) and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.fold import fold, fold_key, key_pattern
from tests.conftest import Account
from tests.factories import make_lead, make_org, make_person
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
