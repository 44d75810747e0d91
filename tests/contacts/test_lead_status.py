"""Lead status per person (SPEC §8): inherited categories, the visibility rule, the reset to
Open, setLeadStatus and its log, tenancy and all-or-nothing, through the API and the rows."""

from __future__ import annotations

from typing import Any

import pytest

import domain.contacts.lead_state
from domain import changelog as real_changelog
from models import CategoryGroup, ChangeLogEntry, Organization, Person, Role, Visibility
from tests.conftest import Account
from tests.factories.lead_status import (
    CREATE_ORGANIZATION,
    PERSON_LOG,
    SET_LEAD_STATUS,
    category,
    gid,
    move_org,
    org_in,
    person_in,
    person_state,
    set_status,
    status_id,
    status_log,
    stored_status,
)

CREATE_PERSON = """
mutation($input: PersonFields!) {
  createPerson(input: $input) { person { id } userErrors { field message code } }
}
"""
UPDATE_PERSON = """
mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { id } userErrors { field message code } }
}
"""
UPDATE_GROUP = """
mutation($input: UpdateCategoryGroupInput!) {
  updateCategoryGroup(input: $input) { categoryGroup { leadStatusEnabled } userErrors { field code } }
}
"""
UPDATE_CATEGORY = """
mutation($input: UpdateCategoryInput!) {
  updateCategory(input: $input) { category { name group { name } } userErrors { field code } }
}
"""


# --- categories are the organization's ---------------------------------------------------------


async def test_a_person_inherits_its_organizations_category(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    person = await person_in(viewer, org)

    state = await person_state(account.client, person)
    assert state["category"] == {"name": "Lead", "group": {"name": "Potential customer", "leadStatusEnabled": True}}
    assert (await Organization.get(id=org.id)).category_id == (await category(account.company_id, "Lead")).id


async def test_a_person_cannot_be_given_a_category_of_its_own(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    customer = gid("Category", (await category(account.company_id, "Customer")).id)

    created = await account.client.mutate(CREATE_PERSON, {"name": "Ada", "categoryId": customer})
    assert created["person"] is None
    (error,) = created["userErrors"]
    assert (error["field"], error["code"]) == (["input", "categoryId"], "CATEGORY_INHERITED")
    assert "organization" in error["message"]
    assert await Person.filter(company_id=account.company_id).count() == 0

    person = await person_in(viewer, org)
    updated = await account.client.mutate(UPDATE_PERSON, {"id": gid("Person", person.id), "categoryId": customer})
    assert [(e["field"], e["code"]) for e in updated["userErrors"]] == [(["input", "categoryId"], "CATEGORY_INHERITED")]
    assert (await person_state(account.client, person))["category"]["name"] == "Lead"


# --- visible, editable, logged ---------------------------------------------------------------


async def test_a_person_of_a_potential_customer_starts_open_and_can_move_on(account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Lead"))
    state = await person_state(account.client, person)
    assert state["leadStatus"]["name"] == "Open"
    assert state["leadStatus"]["description"]  # the tooltip
    assert (state["leadStatusHiddenReason"], state["leadStatusEditable"]) == (None, True)

    payload = await set_status(account.client, person, "Contacting", account.company_id)
    assert payload["userErrors"] == []
    assert payload["person"]["leadStatus"]["name"] == "Contacting"
    assert await stored_status(person) == "Contacting"

    log = (await account.client.execute(PERSON_LOG, {"id": gid("Person", person.id)}))["node"]["changeLog"]
    assert log[0] == {
        "action": "UPDATED",
        "field": "lead_status",
        "oldValue": "Open",
        "newValue": "Contacting",
        "actor": {"name": "Anna Admin"},
    }
    assert await status_log(person) == [("Open", "Contacting")]
    entry = await ChangeLogEntry.get(entity_type="person", entity_id=str(person.id), field="lead_status")
    assert entry.actor_id == account.user_id


async def test_choosing_the_held_status_changes_nothing(account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Lead"))
    before = await Person.get(id=person.id)
    payload = await set_status(account.client, person, "Open", account.company_id)
    assert payload["userErrors"] == []
    assert await status_log(person) == []
    assert (await Person.get(id=person.id)).updated_at == before.updated_at


async def test_two_persons_of_one_organization_hold_their_own_statuses(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    ada, bob = await person_in(viewer, org, "Ada"), await person_in(viewer, org, "Bob")
    await set_status(account.client, ada, "Qualified", account.company_id)
    await set_status(account.client, bob, "Disqualified", account.company_id)

    assert (await person_state(account.client, ada))["leadStatus"]["name"] == "Qualified"
    assert (await person_state(account.client, bob))["leadStatus"]["name"] == "Disqualified"
    assert (await stored_status(ada), await stored_status(bob)) == ("Qualified", "Disqualified")


# --- moving the organization out and back ------------------------------------------------------


async def test_moving_the_organization_out_hides_the_status_and_keeps_it(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    person = await person_in(viewer, org)
    await set_status(account.client, person, "Qualified", account.company_id)

    await move_org(account.client, org, "Customer")

    state = await person_state(account.client, person)
    assert state["leadStatus"] is None
    assert state["leadStatusHiddenReason"] == "LEAD_STATUS_NOT_ENABLED"
    assert state["storedLeadStatus"] == {"name": "Qualified"}
    assert state["leadStatusEditable"] is False
    assert await stored_status(person) == "Qualified"

    refused = await set_status(account.client, person, "Contacting", account.company_id)
    assert refused["person"] is None
    (error,) = refused["userErrors"]
    assert (error["code"], error["field"]) == ("LEAD_STATUS_NOT_EDITABLE", ["input", "personId"])
    assert "category" in error["message"]
    assert await stored_status(person) == "Qualified"
    assert await status_log(person) == [("Open", "Qualified")]


async def test_moving_the_organization_back_gives_every_person_open(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    ada, bob = await person_in(viewer, org, "Ada"), await person_in(viewer, org, "Bob")
    await set_status(account.client, ada, "Qualified", account.company_id)
    await move_org(account.client, org, "Customer")

    await move_org(account.client, org, "Marketing qualified lead")

    for person in (ada, bob):
        state = await person_state(account.client, person)
        assert (state["leadStatus"]["name"], state["leadStatusEditable"]) == ("Open", True)
        assert await stored_status(person) == "Open"
    assert await status_log(ada) == [("Open", "Qualified"), ("Qualified", "Open")]
    assert await status_log(bob) == []  # held Open already: nothing changed


async def test_any_move_into_a_category_with_lead_status_resets_to_open(account: Account) -> None:
    """Even from one potential-customer category to another: a new category starts at Open."""
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    person = await person_in(viewer, org)
    await set_status(account.client, person, "Contacting", account.company_id)

    await move_org(account.client, org, "Marketing qualified lead")
    assert await stored_status(person) == "Open"


async def test_the_same_category_again_changes_nothing(account: Account) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Lead")
    person = await person_in(viewer, org)
    await set_status(account.client, person, "Contacting", account.company_id)
    await move_org(account.client, org, "Lead")
    assert await stored_status(person) == "Contacting"


async def test_a_new_organization_in_a_lead_category_and_its_first_person(account: Account) -> None:
    lead = gid("Category", (await category(account.company_id, "Lead")).id)
    payload = await account.client.mutate(CREATE_ORGANIZATION, {"name": "Hooli", "categoryId": lead})
    assert payload["organization"]["category"] == {"name": "Lead"}
    created = await account.client.mutate(
        CREATE_PERSON, {"name": "Gavin", "organizationId": payload["organization"]["id"]}
    )
    assert created["userErrors"] == []
    row = await Person.get(company_id=account.company_id, name="Gavin")
    assert await stored_status(row) == "Open"
    # Starting at Open is part of the creation, not a change of status.
    assert await status_log(row) == []


@pytest.mark.parametrize(("organization", "reason"), [(None, "NO_ORGANIZATION"), ("no category", "NO_CATEGORY")])
async def test_without_a_category_there_is_no_status(account: Account, organization: str | None, reason: str) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, None) if organization else None
    person = await person_in(viewer, org)
    state = await person_state(account.client, person)
    assert (state["leadStatus"], state["storedLeadStatus"], state["category"]) == (None, None, None)
    assert (state["leadStatusHiddenReason"], state["leadStatusEditable"]) == (reason, False)
    refused = await set_status(account.client, person, "Qualified", account.company_id)
    assert [e["code"] for e in refused["userErrors"]] == ["LEAD_STATUS_NOT_EDITABLE"]
    assert await stored_status(person) is None


async def test_a_person_moving_into_a_lead_organization_starts_open(account: Account) -> None:
    viewer = await account.viewer()
    lead_a, lead_b = await org_in(viewer, "Lead", "A"), await org_in(viewer, "Lead", "B")
    customer = await org_in(viewer, "Customer", "C")
    person = await person_in(viewer, lead_a)
    await set_status(account.client, person, "Qualified", account.company_id)

    # Between two organizations of the same category the person keeps its status ...
    await account.client.mutate(
        UPDATE_PERSON, {"id": gid("Person", person.id), "organizationId": gid("Organization", lead_b.id)}
    )
    assert await stored_status(person) == "Qualified"
    # ... out of lead status it keeps it hidden, and back in it starts at Open.
    await account.client.mutate(
        UPDATE_PERSON, {"id": gid("Person", person.id), "organizationId": gid("Organization", customer.id)}
    )
    assert (await person_state(account.client, person))["storedLeadStatus"] == {"name": "Qualified"}
    await account.client.mutate(
        UPDATE_PERSON, {"id": gid("Person", person.id), "organizationId": gid("Organization", lead_a.id)}
    )
    assert await stored_status(person) == "Open"


async def test_switching_a_groups_flag_hides_then_restarts_at_open(account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Lead"))
    await set_status(account.client, person, "Qualified", account.company_id)
    group = await CategoryGroup.get(company_id=account.company_id, name="Potential customer")

    off = await account.client.mutate(UPDATE_GROUP, {"id": gid("CategoryGroup", group.id), "leadStatusEnabled": False})
    assert off["userErrors"] == []
    state = await person_state(account.client, person)
    assert (state["leadStatus"], state["storedLeadStatus"]) == (None, {"name": "Qualified"})

    await account.client.mutate(UPDATE_GROUP, {"id": gid("CategoryGroup", group.id), "leadStatusEnabled": True})
    assert (await person_state(account.client, person))["leadStatus"]["name"] == "Open"


async def test_moving_a_category_into_a_group_with_lead_status(account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Customer"))
    assert await stored_status(person) is None
    group = await CategoryGroup.get(company_id=account.company_id, name="Potential customer")
    customer = await category(account.company_id, "Customer")

    payload = await account.client.mutate(
        UPDATE_CATEGORY, {"id": gid("Category", customer.id), "groupId": gid("CategoryGroup", group.id)}
    )
    assert payload["category"] == {"name": "Customer", "group": {"name": "Potential customer"}}
    assert await stored_status(person) == "Open"


# --- all or nothing ----------------------------------------------------------------------------


async def test_a_failure_half_way_through_the_reset_changes_nothing(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    org = await org_in(viewer, "Customer")
    persons = [await person_in(viewer, org, f"P{i}") for i in range(3)]
    before = [await Person.get(id=p.id) for p in persons]
    log_before = await ChangeLogEntry.all().count()

    class Exploding:
        entry = staticmethod(real_changelog.entry)

        @staticmethod
        async def write(entries: list[Any]) -> None:
            raise RuntimeError("disk full")  # after the persons were updated

    monkeypatch.setattr(domain.contacts.lead_state, "changelog", Exploding)
    lead = gid("Category", (await category(account.company_id, "Lead")).id)
    body = await account.client.raw(
        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
        {"input": {"id": gid("Organization", org.id), "categoryId": lead}},
    )
    assert body["errors"][0]["message"] == "Internal error."

    assert (await Organization.get(id=org.id)).category_id == (await category(account.company_id, "Customer")).id
    assert [await Person.get(id=p.id) for p in persons] == before
    assert [(await Person.get(id=p.id)).lead_status_id for p in persons] == [None, None, None]
    assert await ChangeLogEntry.all().count() == log_before


# --- tenancy and visibility --------------------------------------------------------------------


async def test_another_company_can_neither_read_nor_set_the_status(account: Account, other_account: Account) -> None:
    viewer = await account.viewer()
    person = await person_in(viewer, await org_in(viewer, "Lead"))
    await set_status(account.client, person, "Qualified", account.company_id)

    foreign = await other_account.client.mutate(
        SET_LEAD_STATUS,
        {
            "personId": gid("Person", person.id),
            "leadStatusId": gid("LeadStatus", await status_id(other_account.company_id, "Open")),
        },
    )
    missing = await other_account.client.mutate(
        SET_LEAD_STATUS,
        {
            "personId": gid("Person", 2_000_000_000),
            "leadStatusId": gid("LeadStatus", await status_id(other_account.company_id, "Open")),
        },
    )
    assert foreign["userErrors"] == missing["userErrors"]
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]

    # Acme's status on Globex's own person is as missing as a status that does not exist.
    globex = await other_account.viewer()
    theirs = await person_in(globex, await org_in(globex, "Lead"))
    borrowed = await other_account.client.mutate(
        SET_LEAD_STATUS,
        {
            "personId": gid("Person", theirs.id),
            "leadStatusId": gid("LeadStatus", await status_id(account.company_id, "Qualified")),
        },
    )
    assert [(e["field"], e["code"]) for e in borrowed["userErrors"]] == [(["input", "leadStatusId"], "NOT_FOUND")]
    assert (await stored_status(person), await stored_status(theirs)) == ("Qualified", "Open")

    # Nor can Globex put its organization in Acme's category.
    acme_lead = gid("Category", (await category(account.company_id, "Lead")).id)
    payload = await other_account.client.mutate(
        "mutation($input: UpdateOrganizationInput!) {"
        " updateOrganization(input: $input) { userErrors { field code } } }",
        {"id": gid("Organization", theirs.organization_id), "categoryId": acme_lead},
    )
    assert payload["userErrors"] == [{"field": ["input", "categoryId"], "code": "NOT_FOUND"}]
    assert (await person_state(other_account.client, theirs))["category"]["name"] == "Lead"


async def test_a_person_the_user_may_not_see_cannot_be_set(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    hidden = await person_in(viewer, await org_in(viewer, "Lead"), visibility=Visibility.OWNER)
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    payload = await set_status(regular.client, hidden, "Qualified", account.company_id)
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert await stored_status(hidden) == "Open"
