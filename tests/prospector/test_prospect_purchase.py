"""purchaseProspect: permissions, what a purchase creates, charging once, concurrency,
duplicates, all-or-nothing, and My prospects."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import domain.prospector.contact
from core.errors import DomainError
from core.ids import to_global_id
from domain.activity.note import create_note
from domain.prospector.contact import PurchaseChoice
from domain.prospector.credit import balance
from domain.prospector.erasure import erase_person
from domain.prospector.purchase import ProspectRef, PurchaseRequest, purchase_prospects
from models import (
    ChangeLogEntry,
    CreditEntryKind,
    CreditLedgerEntry,
    Lead,
    LeadSource,
    Note,
    Organization,
    Person,
    ProspectKind,
    ProspectPerson,
    ProspectPurchase,
    Role,
)
from tests.conftest import Account
from tests.factories import make_org, make_person
from tests.factories.prospector import (
    ELIN,
    KARI,
    NORDIC,
    OSKAR,
    enable,
    load_profiles,
    many_persons,
    organization_gid,
    person_gid,
)

PURCHASE = """
mutation ($input: PurchaseProspectInput!) {
  purchaseProspect(input: $input) {
    results {
      prospectId charged
      purchase {
        id kind credits buyer { name } reportState
        lead { title source owner { ... on User { name } } notes { content } }
        person { name jobTitle emails { value label primary } phones { value label } organization { name } }
        organization { name address { street city postalCode country } }
        prospect { owned ... on ProspectPerson { details { workEmail secondaryPhones } } }
      }
    }
    creditsSpent balance replayed
    userErrors { field message code candidateIds }
  }
}
"""
MY_PROSPECTS = """
query ($kind: ProspectKind, $first: Int, $after: String) {
  myProspects(kind: $kind, first: $first, after: $after) {
    nodes { kind purchasedAt buyer { name } reportState prospect { name } lead { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def counts(company_id: int) -> dict[str, int]:
    return {
        "leads": await Lead.filter(company_id=company_id).count(),
        "persons": await Person.filter(company_id=company_id).count(),
        "organizations": await Organization.filter(company_id=company_id).count(),
        "purchases": await ProspectPurchase.filter(company_id=company_id).count(),
        "spends": await CreditLedgerEntry.filter(company_id=company_id, kind=CreditEntryKind.SPEND).count(),
        "balance": await balance(company_id),
    }


@pytest.fixture
async def shop(account: Account) -> Account:
    await enable(account.company_id)
    await load_profiles(NORDIC, ELIN, OSKAR, KARI)
    return account


# --- permissions and the add-on ---------------------------------------------------------------------


async def test_regular_users_need_the_permission_admins_do_not(shop: Account, make_account: Any) -> None:
    elin = await person_gid("p-elin")
    plain = await make_account(name="Rick Regular", role=Role.REGULAR, company_id=shop.company_id)
    before = await counts(shop.company_id)
    refused = await plain.client.mutate(PURCHASE, {"prospectIds": [elin]})
    assert [e["code"] for e in refused["userErrors"]] == ["PERMISSION_DENIED"] and refused["results"] == []
    assert await counts(shop.company_id) == before

    allowed = await make_account(
        name="Pia Prospector", role=Role.REGULAR, company_id=shop.company_id, can_add_prospector_leads=True
    )
    bought = await allowed.client.mutate(PURCHASE, {"prospectIds": [elin]})
    assert bought["userErrors"] == [] and bought["results"][0]["purchase"]["buyer"] == {"name": "Pia Prospector"}
    admin = await shop.client.mutate(PURCHASE, {"prospectIds": [await person_gid("p-kari")]})
    assert admin["userErrors"] == [] and admin["creditsSpent"] == 1


async def test_without_the_add_on_nothing_is_bought(account: Account) -> None:
    await load_profiles(KARI)
    payload = await account.client.mutate(PURCHASE, {"prospectIds": [await person_gid("p-kari")]})
    assert [e["code"] for e in payload["userErrors"]] == ["PROSPECTOR_NOT_ENABLED"]
    assert (await counts(account.company_id))["leads"] == 0


# --- what a purchase makes --------------------------------------------------------------------------


async def test_a_purchase_makes_organization_person_and_prospector_lead_with_the_details(shop: Account) -> None:
    elin = await person_gid("p-elin")
    payload = await shop.client.mutate(PURCHASE, {"prospectIds": [elin], "idempotencyKey": "k1"})
    assert payload["userErrors"] == []
    assert (payload["creditsSpent"], payload["balance"], payload["replayed"]) == (1, 9, False)
    (result,) = payload["results"]
    assert result["prospectId"] == elin and result["charged"] is True
    purchase = result["purchase"]
    assert (purchase["kind"], purchase["credits"], purchase["reportState"]) == ("PERSON", 1, "NONE")
    lead = purchase["lead"]
    assert (lead["title"], lead["source"], lead["owner"]) == ("Elin Berg", "PROSPECTOR", {"name": "Anna Admin"})
    assert purchase["person"] == {
        "name": "Elin Berg",
        "jobTitle": "Head of Sales",
        "emails": [
            {"value": "elin.berg@nordic.example", "label": "work", "primary": True},
            {"value": "elin@mail.example", "label": "other", "primary": False},
        ],
        "phones": [{"value": "+46 31 100 00 01", "label": "work"}, {"value": "+46 70 100 00 01", "label": "mobile"}],
        "organization": {"name": "Nordic Robotics AB"},
    }
    assert purchase["organization"] == {
        "name": "Nordic Robotics AB",
        "address": {"street": "Hamngatan 1", "city": "Gothenburg", "postalCode": "411 06", "country": "SE"},
    }
    (note,) = lead["notes"]
    for piece in (
        "LinkedIn: https://linkedin.example/in/elin-berg",
        "Secondary phones: +46 8 555 00 01",
        "- Key Account Manager, Volvo Cars (2016-2021)",
        "- Sales Representative, Ericsson (2012-2016)",
        # What a salesperson reads, not the program's names of the values.
        "Seniority: Director; department: Sales",
        "Employer: Manufacturing, 51-200 employees",
    ):
        assert piece in note["content"]
    assert "EmployeeRange" not in note["content"] and "EMPLOYEES_" not in note["content"]
    assert purchase["prospect"] == {
        "owned": True,
        "details": {"workEmail": "elin.berg@nordic.example", "secondaryPhones": ["+46 8 555 00 01"]},
    }

    row = await ProspectPurchase.get(company_id=shop.company_id)
    stored = await Lead.get(id=row.lead_id)
    assert (stored.source, stored.owner_user_id, stored.created_by_id) == (
        LeadSource.PROSPECTOR,
        shop.user_id,
        shop.user_id,
    )
    spend = await CreditLedgerEntry.get(company_id=shop.company_id, kind=CreditEntryKind.SPEND)
    assert (spend.amount, spend.purchase_id, spend.user_id) == (-1, row.id, shop.user_id)
    assert await ChangeLogEntry.exists(entity_type="lead", entity_id=str(row.lead_id), action="CREATED")


async def test_an_organization_prospect_makes_an_organization_lead(shop: Account) -> None:
    payload = await shop.client.mutate(PURCHASE, {"prospectIds": [await organization_gid("o-nordic")]})
    purchase = payload["results"][0]["purchase"]
    assert purchase["kind"] == "ORGANIZATION" and purchase["person"] is None
    assert purchase["lead"]["title"] == "Nordic Robotics AB"
    assert "Phones: +46 31 100 00 00" in purchase["lead"]["notes"][0]["content"]
    assert "Size: 51-200 employees; revenue 10M-50M USD" in purchase["lead"]["notes"][0]["content"]
    assert payload["balance"] == 9


async def test_buying_what_the_company_holds_charges_nothing(shop: Account, make_account: Any) -> None:
    elin, oskar, kari = [await person_gid(x) for x in ("p-elin", "p-oskar", "p-kari")]
    first = await shop.client.mutate(PURCHASE, {"prospectIds": [elin]})
    before = await counts(shop.company_id)
    # Another user of the company buys it again, with two new ones.
    colleague = await make_account(name="Cole League", role=Role.ADMIN, company_id=shop.company_id)
    again = await colleague.client.mutate(
        PURCHASE, {"prospectIds": [elin, oskar, kari, elin], "organizationDuplicate": "LINK"}
    )
    assert again["userErrors"] == []
    assert [r["charged"] for r in again["results"]] == [False, True, True]
    assert again["results"][0]["purchase"]["id"] == first["results"][0]["purchase"]["id"]
    assert again["creditsSpent"] == 2 and again["balance"] == before["balance"] - 2
    assert (await counts(shop.company_id))["purchases"] == before["purchases"] + 2


# --- charging once, never overdrawing -----------------------------------------------------------------


async def test_a_retry_with_the_same_key_returns_the_first_result_and_charges_once(shop: Account) -> None:
    elin, kari = await person_gid("p-elin"), await person_gid("p-kari")
    first = await shop.client.mutate(PURCHASE, {"prospectIds": [elin, kari], "idempotencyKey": "order-7"})
    retry = await shop.client.mutate(PURCHASE, {"prospectIds": [elin, kari], "idempotencyKey": "order-7"})
    assert retry["replayed"] is True
    assert retry["results"] == first["results"] and retry["creditsSpent"] == 2
    assert (await counts(shop.company_id))["spends"] == 2 and await balance(shop.company_id) == 8
    other = await shop.client.mutate(PURCHASE, {"prospectIds": [kari], "idempotencyKey": "order-7"})
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]

    oskar = await person_gid("p-oskar")
    results = await asyncio.gather(
        *(
            shop.client.mutate(
                PURCHASE, {"prospectIds": [oskar], "idempotencyKey": "order-8", "organizationDuplicate": "LINK"}
            )
            for _ in range(6)
        )
    )
    assert [r["userErrors"] for r in results] == [[]] * 6
    assert sum(not r["replayed"] for r in results) == 1
    assert await balance(shop.company_id) == 7


async def test_insufficient_credits_change_nothing(shop: Account) -> None:
    await CreditLedgerEntry.create(company_id=shop.company_id, kind=CreditEntryKind.SPEND, amount=-9)
    before = await counts(shop.company_id)
    payload = await shop.client.mutate(
        PURCHASE, {"prospectIds": [await person_gid("p-elin"), await person_gid("p-kari")]}
    )
    assert payload["userErrors"] == [
        {
            "field": ["input", "prospectIds"],
            "message": "Buying 2 prospect(s) takes 2 credit(s); the balance is 1.",
            "code": "INSUFFICIENT_CREDITS",
            "candidateIds": None,
        }
    ]
    assert await counts(shop.company_id) == before


async def test_fifty_concurrent_purchases_against_ten_credits_spend_exactly_ten(shop: Account) -> None:
    ids = await many_persons(50)
    results = await asyncio.gather(*(shop.client.mutate(PURCHASE, {"prospectIds": [gid]}) for gid in ids))
    bought = [r for r in results if not r["userErrors"]]
    refused = [r for r in results if r["userErrors"]]
    assert len(bought) == 10 and all(r["creditsSpent"] == 1 for r in bought)
    assert {e["code"] for r in refused for e in r["userErrors"]} == {"INSUFFICIENT_CREDITS"}
    after = await counts(shop.company_id)
    assert (after["purchases"], after["spends"], after["leads"], after["balance"]) == (10, 10, 10, 0)
    assert sorted(r["balance"] for r in bought) == list(range(10))


# --- duplicates ------------------------------------------------------------------------------------------


async def test_an_undecided_duplicate_lists_the_candidates_and_changes_nothing(shop: Account) -> None:
    viewer = await shop.viewer()
    org = await make_org(viewer, "nordic  robotics ab")
    person = await make_person(viewer, "Élin Berg")
    before = await counts(shop.company_id)
    payload = await shop.client.mutate(
        PURCHASE, {"prospectIds": [await person_gid("p-kari"), await person_gid("p-elin")]}
    )
    assert [(e["field"], e["code"], e["candidateIds"]) for e in payload["userErrors"]] == [
        (["input", "prospectIds", "1", "person"], "DUPLICATE", [to_global_id("Person", person.id)]),
        (["input", "prospectIds", "1", "organization"], "DUPLICATE", [to_global_id("Organization", org.id)]),
    ]
    assert payload["results"] == [] and await counts(shop.company_id) == before


async def test_link_the_organization_and_create_the_person(shop: Account) -> None:
    viewer = await shop.viewer()
    org = await make_org(viewer, "Nordic Robotics AB", address_city="Göteborg")
    await make_person(viewer, "Elin Berg")
    payload = await shop.client.mutate(
        PURCHASE,
        {"prospectIds": [await person_gid("p-elin")], "organizationDuplicate": "LINK", "personDuplicate": "CREATE"},
    )
    assert payload["userErrors"] == []
    purchase = payload["results"][0]["purchase"]
    # Linked: the existing organization, given the address parts it lacked (its city stays).
    assert purchase["organization"]["address"] == {
        "street": "Hamngatan 1",
        "city": "Göteborg",
        "postalCode": "411 06",
        "country": "SE",
    }
    assert await Organization.filter(company_id=shop.company_id).count() == 1
    assert await Person.filter(company_id=shop.company_id, name="Elin Berg").count() == 2
    row = await ProspectPurchase.get(company_id=shop.company_id)
    assert row.organization_id == org.id
    assert (await Person.get(id=row.person_id)).organization_id == org.id


async def test_keep_the_organization_separate_and_link_the_person(shop: Account) -> None:
    viewer = await shop.viewer()
    org = await make_org(viewer, "Nordic Robotics AB")
    person = await make_person(viewer, "Elin Berg", email="elin@old.example", job_title=None)
    payload = await shop.client.mutate(
        PURCHASE,
        {"prospectIds": [await person_gid("p-elin")], "organizationDuplicate": "CREATE", "personDuplicate": "LINK"},
    )
    assert payload["userErrors"] == []
    row = await ProspectPurchase.get(company_id=shop.company_id)
    assert row.person_id == person.id and row.organization_id != org.id
    assert await Organization.filter(company_id=shop.company_id, name="Nordic Robotics AB").count() == 2
    linked = await Person.get(id=person.id)
    # The existing person keeps what it had and gains the purchased details it lacked.
    assert [e["value"] for e in linked.emails] == ["elin@old.example", "elin.berg@nordic.example", "elin@mail.example"]
    assert linked.emails[0]["primary"] is True and linked.job_title == "Head of Sales"
    assert await ChangeLogEntry.exists(entity_type="person", entity_id=str(person.id), field="emails")


async def test_per_prospect_resolutions_name_the_record_to_link(shop: Account) -> None:
    viewer = await shop.viewer()
    await make_person(viewer, "Elin Berg")
    second = await make_person(viewer, "Elin Berg")
    await make_org(viewer, "Nordic Robotics AB")
    elin = await person_gid("p-elin")
    ambiguous = await shop.client.mutate(
        PURCHASE, {"prospectIds": [elin], "personDuplicate": "LINK", "organizationDuplicate": "LINK"}
    )
    assert [(e["field"], e["code"]) for e in ambiguous["userErrors"]] == [
        (["input", "prospectIds", "0", "linkPersonId"], "REQUIRED")
    ]
    payload = await shop.client.mutate(
        PURCHASE,
        {
            "prospectIds": [elin],
            "organizationDuplicate": "LINK",
            "resolutions": [{"prospectId": elin, "linkPersonId": to_global_id("Person", second.id)}],
        },
    )
    assert payload["userErrors"] == []
    assert (await ProspectPurchase.get(company_id=shop.company_id)).person_id == second.id


# --- all or nothing, bad ids, tenancy -----------------------------------------------------------------------


async def test_a_failure_half_way_leaves_nothing_behind(shop: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    real = create_note
    calls = 0

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real(*args, **kwargs)

    monkeypatch.setattr(domain.prospector.contact, "create_note", flaky)
    before = await counts(shop.company_id)
    refs = [
        ProspectRef(ProspectKind.PERSON, (await ProspectPerson.get(external_id=x)).id) for x in ("p-kari", "p-elin")
    ]
    with pytest.raises(RuntimeError):
        await purchase_prospects(await shop.viewer(), PurchaseRequest(refs=refs, idempotency_key="half"))
    assert calls == 2 and await counts(shop.company_id) == before
    assert await Note.filter(company_id=shop.company_id).count() == 0
    # The key was not spent either: the retry buys.
    monkeypatch.setattr(domain.prospector.contact, "create_note", real)
    result = await purchase_prospects(await shop.viewer(), PurchaseRequest(refs=refs, idempotency_key="half"))
    assert result.credits_spent == 2 and not result.replayed


async def test_unknown_erased_and_foreign_ids_are_refused(shop: Account) -> None:
    kari = await ProspectPerson.get(external_id="p-kari")
    await erase_person(kari)
    elin = await person_gid("p-elin")
    payload = await shop.client.mutate(PURCHASE, {"prospectIds": [elin, elin, to_global_id("ProspectPerson", kari.id)]})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "prospectIds", "2"], "NOT_FOUND")]
    wrong = await shop.client.mutate(PURCHASE, {"prospectIds": [to_global_id("Lead", "x")]})
    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [(["input", "prospectIds", "0"], "INVALID_ID")]
    none = await shop.client.mutate(PURCHASE, {"prospectIds": []})
    assert [e["code"] for e in none["userErrors"]] == ["REQUIRED"]
    assert (await counts(shop.company_id))["purchases"] == 0
    with pytest.raises(DomainError):
        await purchase_prospects(await shop.viewer(), PurchaseRequest(refs=[ProspectRef(ProspectKind.PERSON, 10**6)]))


async def test_each_company_buys_and_sees_its_own(shop: Account, other_account: Account) -> None:
    await enable(other_account.company_id)
    elin = await person_gid("p-elin")
    await shop.client.mutate(PURCHASE, {"prospectIds": [elin]})
    theirs = await other_account.client.mutate(PURCHASE, {"prospectIds": [elin]})
    assert theirs["results"][0]["charged"] is True and theirs["balance"] == 9
    assert (await counts(shop.company_id))["purchases"] == 1
    mine = (await shop.client.execute(MY_PROSPECTS))["myProspects"]["nodes"]
    assert [(n["prospect"]["name"], n["buyer"]["name"]) for n in mine] == [("Elin Berg", "Anna Admin")]
    others = (await other_account.client.execute(MY_PROSPECTS))["myProspects"]["nodes"]
    assert [n["buyer"]["name"] for n in others] == ["Gary Globex"]


async def test_my_prospects_lists_purchases_newest_first_by_kind(shop: Account) -> None:
    await shop.client.mutate(PURCHASE, {"prospectIds": [await person_gid("p-kari")]})
    await shop.client.mutate(PURCHASE, {"prospectIds": [await organization_gid("o-nordic")]})
    await shop.client.mutate(PURCHASE, {"prospectIds": [await person_gid("p-elin")], "organizationDuplicate": "LINK"})
    page = (await shop.client.execute(MY_PROSPECTS, {"first": 2}))["myProspects"]
    assert [n["prospect"]["name"] for n in page["nodes"]] == ["Elin Berg", "Nordic Robotics AB"]
    rest = await shop.client.execute(MY_PROSPECTS, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [n["prospect"]["name"] for n in rest["myProspects"]["nodes"]] == ["Kari Nord"]
    persons = (await shop.client.execute(MY_PROSPECTS, {"kind": "PERSON"}))["myProspects"]["nodes"]
    assert [n["kind"] for n in persons] == ["PERSON", "PERSON"]
    assert all(n["reportState"] == "NONE" and n["purchasedAt"] for n in persons)


def test_choices_default_to_asking() -> None:
    assert PurchaseChoice().policy().person is None and PurchaseChoice().policy().organization is None
