"""Visibility inside one company (SPEC §1): OWNER = the owner and admins, TEAM = the owner's
teams, COMPANY = everyone. A lead owned by a team is owned by each of its members.

The cast: Anna (admin), Alice and Bob (regular, team "Sales"), Carol (regular, no team).
Every lead of the matrix below is checked in the list, its count, ``node`` and the mutations.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from domain.accounts.account import create_team
from domain.columns.custom_field import create_custom_field
from domain.viewer import authenticate, viewer_for_user
from models import CustomFieldEntity, CustomFieldType, Lead, Organization, Person, Role, Team, User, Visibility
from tests.conftest import Account
from tests.factories import USER_ERRORS, gid, lead_gid, make_activity, make_lead, make_note, make_org, make_person

LEADS = """
query($filter: LeadFilter) {
  leads(first: 100, filter: $filter) { totalCount nodes { title } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
LEAD_CONTACTS = """
query($id: ID!) {
  node(id: $id) { ... on Lead { person { name organization { name } } organization { name } } }
}
"""
UPDATE_LEAD = "mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { id } " + USER_ERRORS + " } }"
BULK_UPDATE = (
    "mutation($input: BulkUpdateLeadsInput!) { bulkUpdateLeads(input: $input) { updatedCount " + USER_ERRORS + " } }"
)
DELETE_LEADS = "mutation($input: DeleteLeadsInput!) { deleteLeads(input: $input) { deletedCount " + USER_ERRORS + " } }"
ARCHIVE_LEADS = "mutation($input: LeadIdsInput!) { archiveLeads(input: $input) { leads { id } " + USER_ERRORS + " } }"
CREATE_NOTE = "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } " + USER_ERRORS + " } }"
COMPLETE_ACTIVITY = (
    "mutation($input: CompleteActivityInput!) { completeActivity(input: $input) { activity { id } "
    + USER_ERRORS
    + " } }"
)
CREATE_LEAD = "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } " + USER_ERRORS + " } }"
UPDATE_PERSON = (
    "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } " + USER_ERRORS + " } }"
)
UPDATE_ORGANIZATION = (
    "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } "
    + USER_ERRORS
    + " } }"
)


@dataclass
class Cast:
    admin: Account
    alice: Account
    bob: Account
    carol: Account
    sales: Team

    def by_name(self, name: str) -> Account:
        account: Account = getattr(self, name)
        return account


@pytest.fixture
async def cast(account: Account, make_account: Any) -> Cast:
    company = account.company_id
    alice = await make_account(company_id=company, name="Alice Regular", role=Role.REGULAR)
    bob = await make_account(company_id=company, name="Bob Regular", role=Role.REGULAR)
    carol = await make_account(company_id=company, name="Carol Loner", role=Role.REGULAR)
    sales = await create_team(company, "Sales", [alice.user_id, bob.user_id])
    return Cast(account, alice, bob, carol, sales)


# Title: (visibility, owner) → who sees it. Owners: a user's name or "team" for Sales.
MATRIX: dict[str, tuple[Visibility, str, set[str]]] = {
    "alice-owner": (Visibility.OWNER, "alice", {"admin", "alice"}),
    "alice-team": (Visibility.TEAM, "alice", {"admin", "alice", "bob"}),
    "alice-company": (Visibility.COMPANY, "alice", {"admin", "alice", "bob", "carol"}),
    "sales-owner": (Visibility.OWNER, "team", {"admin", "alice", "bob"}),
    "sales-team": (Visibility.TEAM, "team", {"admin", "alice", "bob"}),
    "sales-company": (Visibility.COMPANY, "team", {"admin", "alice", "bob", "carol"}),
    "carol-owner": (Visibility.OWNER, "carol", {"admin", "carol"}),
    # Carol is in no team: her TEAM leads are hers alone (and the admins').
    "carol-team": (Visibility.TEAM, "carol", {"admin", "carol"}),
    "admin-owner": (Visibility.OWNER, "admin", {"admin"}),
}
PEOPLE = ("admin", "alice", "bob", "carol")


@pytest.fixture
async def leads(cast: Cast) -> dict[str, Lead]:
    viewer = await cast.admin.viewer()
    made: dict[str, Lead] = {}
    for title, (visibility, owner, _) in MATRIX.items():
        owner_fields: dict[str, Any] = (
            {"owner_team_id": cast.sales.id} if owner == "team" else {"owner_user_id": cast.by_name(owner).user_id}
        )
        made[title] = await make_lead(viewer, title, visibility=visibility, **owner_fields)
    return made


def visible_to(name: str) -> list[str]:
    return sorted(title for title, (_, _, seen_by) in MATRIX.items() if name in seen_by)


@pytest.mark.parametrize("name", PEOPLE)
async def test_lead_list_and_count(cast: Cast, leads: dict[str, Lead], name: str) -> None:
    data = await cast.by_name(name).client.execute(LEADS, {})
    titles = sorted(n["title"] for n in data["leads"]["nodes"])
    assert titles == visible_to(name)
    assert data["leads"]["totalCount"] == len(titles)


@pytest.mark.parametrize("name", PEOPLE)
async def test_node(cast: Cast, leads: dict[str, Lead], name: str) -> None:
    client = cast.by_name(name).client
    for title, lead in leads.items():
        data = await client.execute(NODE, {"id": lead_gid(lead)})
        expected = {"id": lead_gid(lead)} if name in MATRIX[title][2] else None
        assert data["node"] == expected, title


@pytest.mark.parametrize("name", ["bob", "carol"])
async def test_mutations_on_invisible_leads_answer_not_found(cast: Cast, leads: dict[str, Lead], name: str) -> None:
    client = cast.by_name(name).client
    hidden = [lead for title, lead in leads.items() if name not in MATRIX[title][2]]
    assert hidden
    missing_key = uuid.uuid4()
    missing = lead_gid(missing_key)
    for lead in hidden:
        for operation, build in (
            (UPDATE_LEAD, lambda i: {"id": i, "title": "Mine now"}),
            (BULK_UPDATE, lambda i: {"ids": [i], "visibility": "COMPANY"}),
            (ARCHIVE_LEADS, lambda i: {"ids": [i]}),
            (DELETE_LEADS, lambda i: {"ids": [i]}),
            (CREATE_NOTE, lambda i: {"targetId": i, "content": "Peek"}),
        ):
            result = await client.mutate(operation, build(lead_gid(lead)))
            (error,) = result["userErrors"]
            (like_missing,) = (await client.mutate(operation, build(missing)))["userErrors"]
            assert error["code"] == like_missing["code"] == "NOT_FOUND"
            assert error["field"] == like_missing["field"]
            # Bulk messages quote the ids they did not find; otherwise they must be the same.
            assert error["message"].replace(str(lead.id), "?") == like_missing["message"].replace(str(missing_key), "?")
        row = await Lead.get(id=lead.id)
        assert (row.title, row.visibility, row.is_archived) == (lead.title, lead.visibility, False)


async def test_visible_leads_can_be_changed_by_regular_users(cast: Cast, leads: dict[str, Lead]) -> None:
    # Bob sees Alice's TEAM lead and the team's leads: he may work on them.
    ids = [lead_gid(leads[t]) for t in ("alice-team", "sales-owner", "sales-company")]
    result = await cast.bob.client.mutate(BULK_UPDATE, {"ids": ids, "visibility": "TEAM"})
    assert result == {"updatedCount": 2, "userErrors": []}
    for title in ("sales-owner", "sales-company"):
        assert (await Lead.get(id=leads[title].id)).visibility == Visibility.TEAM


async def test_hidden_activity_and_note_of_an_invisible_lead(cast: Cast, leads: dict[str, Lead]) -> None:
    viewer = await cast.admin.viewer()
    lead = leads["alice-owner"]
    note = await make_note(viewer, lead, "Secret")
    activity = await make_activity(viewer, lead, "Secret call")
    for name, sees in (("alice", True), ("bob", False), ("carol", False)):
        client = cast.by_name(name).client
        for node_id in (gid("Note", note.id), gid("Activity", activity.id)):
            data = await client.execute(NODE, {"id": node_id})
            assert (data["node"] is not None) is sees, (name, node_id)
    result = await cast.carol.client.mutate(COMPLETE_ACTIVITY, {"id": gid("Activity", activity.id)})
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    await activity.refresh_from_db()
    assert activity.done is False


async def test_visibility_follows_changes_of_owner_and_team(cast: Cast, leads: dict[str, Lead]) -> None:
    lead = leads["alice-team"]
    # Alice narrows her lead to OWNER: Bob loses it at once.
    result = await cast.alice.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "visibility": "OWNER"})
    assert result["userErrors"] == []
    assert (await cast.bob.client.execute(NODE, {"id": lead_gid(lead)}))["node"] is None

    # The team lead reaches Carol as soon as she joins the team.
    team_lead = leads["sales-owner"]
    assert (await cast.carol.client.execute(NODE, {"id": lead_gid(team_lead)}))["node"] is None
    await create_team(cast.admin.company_id, "Night shift", [cast.carol.user_id, cast.alice.user_id])
    # Alice's TEAM lead is now visible to her new teammate Carol, but the Sales team's is not.
    await cast.alice.client.mutate(UPDATE_LEAD, {"id": lead_gid(lead), "visibility": "TEAM"})
    assert (await cast.carol.client.execute(NODE, {"id": lead_gid(lead)}))["node"] == {"id": lead_gid(lead)}
    assert (await cast.carol.client.execute(NODE, {"id": lead_gid(team_lead)}))["node"] is None


async def test_team_filter_respects_visibility(cast: Cast, leads: dict[str, Lead]) -> None:
    data = await cast.carol.client.execute(LEADS, {"filter": {"teamIds": [gid("Team", cast.sales.id)]}})
    # The team's leads and its members' leads, as far as Carol may see them.
    assert sorted(n["title"] for n in data["leads"]["nodes"]) == ["alice-company", "sales-company"]
    assert data["leads"]["totalCount"] == 2


# --- persons and organizations ----------------------------------------------------------------


@dataclass
class Contacts:
    lead: Lead
    person: Person
    organization: Organization


@pytest.fixture
async def private_contacts(cast: Cast) -> Contacts:
    """A COMPANY lead whose person and organization are Alice's own (OWNER)."""
    alice = await cast.alice.viewer()
    org = await make_org(alice, "Hidden Holdings", visibility=Visibility.OWNER)
    person = await make_person(
        alice, "Hidden Harriet", email="harriet@hidden.test", organization_id=org.id, visibility=Visibility.OWNER
    )
    lead = await make_lead(alice, "Open deal", person_id=person.id, organization_id=org.id)
    return Contacts(lead, person, org)


async def test_lead_contacts_hidden_from_others(cast: Cast, private_contacts: Contacts) -> None:
    lead_id = lead_gid(private_contacts.lead)
    for name in ("admin", "alice"):
        data = await cast.by_name(name).client.execute(LEAD_CONTACTS, {"id": lead_id})
        assert data["node"] == {
            "person": {"name": "Hidden Harriet", "organization": {"name": "Hidden Holdings"}},
            "organization": {"name": "Hidden Holdings"},
        }
    for name in ("bob", "carol"):
        # The lead is COMPANY-wide; its contacts are not.
        data = await cast.by_name(name).client.execute(LEAD_CONTACTS, {"id": lead_id})
        assert data["node"] == {"person": None, "organization": None}, name


async def test_private_contacts_by_node_and_mutation(cast: Cast, private_contacts: Contacts) -> None:
    person_id = gid("Person", private_contacts.person.id)
    org_id = gid("Organization", private_contacts.organization.id)
    bob = cast.bob.client
    assert (await bob.execute(NODE, {"id": person_id}))["node"] is None
    assert (await bob.execute(NODE, {"id": org_id}))["node"] is None
    assert (await cast.admin.client.execute(NODE, {"id": person_id}))["node"] == {"id": person_id}

    for operation, input, field in (
        (UPDATE_PERSON, {"id": person_id, "name": "Renamed"}, ["input", "id"]),
        (UPDATE_ORGANIZATION, {"id": org_id, "name": "Renamed"}, ["input", "id"]),
        (CREATE_LEAD, {"personId": person_id}, ["input", "personId"]),
        (CREATE_LEAD, {"organizationId": org_id}, ["input", "organizationId"]),
        (CREATE_LEAD, {"person": {"name": "New", "organizationId": org_id}}, ["input", "person", "organizationId"]),
        (CREATE_NOTE, {"targetId": person_id, "content": "Peek"}, ["input", "targetId"]),
    ):
        result = await bob.mutate(operation, input)
        (error,) = result["userErrors"]
        assert (error["code"], error["field"]) == ("NOT_FOUND", field), operation
    assert (await Person.get(id=private_contacts.person.id)).name == "Hidden Harriet"
    assert (await Organization.get(id=private_contacts.organization.id)).name == "Hidden Holdings"
    assert await Lead.filter(company_id=cast.admin.company_id).count() == 1
    assert await Person.filter(company_id=cast.admin.company_id).count() == 1


async def test_team_visible_person(cast: Cast) -> None:
    alice = await cast.alice.viewer()
    person = await make_person(alice, "Team Tina", visibility=Visibility.TEAM)
    node_id = gid("Person", person.id)
    assert (await cast.bob.client.execute(NODE, {"id": node_id}))["node"] == {"id": node_id}
    assert (await cast.carol.client.execute(NODE, {"id": node_id}))["node"] is None


async def test_search_does_not_reveal_hidden_contacts(cast: Cast, private_contacts: Contacts) -> None:
    """The lead is visible to Carol, but a search on its hidden person's name or email must not
    confirm to her what the person is called."""
    for text in ("Harriet", "harriet@hidden", "Hidden Holdings"):
        data = await cast.carol.client.execute(LEADS, {"filter": {"search": text}})
        assert data["leads"]["totalCount"] == 0, text
        data = await cast.alice.client.execute(LEADS, {"filter": {"search": text}})
        assert data["leads"]["totalCount"] == 1, text


LEAD_TITLES = """
query($filter: LeadFilter, $sort: LeadSort) {
  leads(first: 100, filter: $filter, sort: $sort) { totalCount nodes { title } }
}
"""


@pytest.fixture
async def hidden_details(cast: Cast) -> dict[str, Lead]:
    """Two COMPANY leads: one whose person is Alice's own (with an email and a phone), one
    whose person everyone sees (with neither)."""
    alice = await cast.alice.viewer()
    hidden = await make_person(
        alice, "Aaron Hidden", email="aaron@hidden.test", phone="+46 70 123 45 67", visibility=Visibility.OWNER
    )
    shown = await make_person(alice, "Zed Shown", visibility=Visibility.COMPANY)
    return {
        "hidden": await make_lead(alice, "with hidden person", person_id=hidden.id),
        "shown": await make_lead(alice, "with shown person", person_id=shown.id),
    }


@pytest.mark.parametrize("predefined", ["WITH_EMAIL", "WITH_PHONE", "WITH_LINKED_PERSON"])
async def test_predefined_filters_do_not_reveal_hidden_persons(
    cast: Cast, hidden_details: dict[str, Lead], predefined: str
) -> None:
    """Carol sees both leads but not Aaron: whether he has an email or a phone, or exists at
    all, must not be told by a predefined filter."""
    expected_for_alice = (
        ["with hidden person", "with shown person"] if predefined == "WITH_LINKED_PERSON" else ["with hidden person"]
    )
    data = await cast.alice.client.execute(LEAD_TITLES, {"filter": {"predefined": [predefined]}})
    assert sorted(n["title"] for n in data["leads"]["nodes"]) == expected_for_alice
    data = await cast.carol.client.execute(LEAD_TITLES, {"filter": {"predefined": [predefined]}})
    expected_for_carol = ["with shown person"] if predefined == "WITH_LINKED_PERSON" else []
    assert [n["title"] for n in data["leads"]["nodes"]] == expected_for_carol
    assert data["leads"]["totalCount"] == len(expected_for_carol)


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_person_name_sort_does_not_reveal_hidden_persons(
    cast: Cast, hidden_details: dict[str, Lead], direction: str
) -> None:
    """For Carol the hidden person has no name: its lead sorts with the empty ones (last), not
    where "Aaron" would put it."""
    sort = {"field": "PERSON_NAME", "direction": direction}
    data = await cast.carol.client.execute(LEAD_TITLES, {"sort": sort})
    assert [n["title"] for n in data["leads"]["nodes"]] == ["with shown person", "with hidden person"]
    data = await cast.alice.client.execute(LEAD_TITLES, {"sort": sort})
    named = ["with hidden person", "with shown person"]
    assert [n["title"] for n in data["leads"]["nodes"]] == (named if direction == "ASC" else named[::-1])


@pytest.mark.parametrize(
    "column", ["person.jobTitle", "person.lastName", "organization.address.city", "cf.organization.industry"]
)
async def test_text_sorts_and_filters_of_hidden_contacts_read_as_empty(cast: Cast, column: str) -> None:
    """Every text column of a hidden contact (by its folded key) reads as empty for the viewer
    who may not see it: its lead sorts last with the empty ones and no text filter matches it,
    so neither tells Carol that Aaron's job title or his organization's city begins with "Aa"."""
    alice = await cast.alice.viewer()
    admin = await cast.admin.viewer()
    await create_custom_field(admin, CustomFieldEntity.ORGANIZATION, "Industry", CustomFieldType.TEXT, key="industry")
    hidden_org = await make_org(
        alice, "Aabenraa AS", address_city="Aabenraa", custom_fields={"industry": "Aal"}, visibility=Visibility.OWNER
    )
    shown_org = await make_org(alice, "Zurich AG", address_city="Zürich", custom_fields={"industry": "Zinc"})
    hidden = await make_person(
        alice, "Aaron Aalto", job_title="Aardvark keeper", organization_id=hidden_org.id, visibility=Visibility.OWNER
    )
    shown = await make_person(alice, "Zed Zorn", job_title="Zookeeper", organization_id=shown_org.id)
    await make_lead(alice, "with hidden contacts", person_id=hidden.id, organization_id=hidden_org.id)
    await make_lead(alice, "with shown contacts", person_id=shown.id, organization_id=shown_org.id)
    hidden_first = ["with hidden contacts", "with shown contacts"]
    for direction in ("ASC", "DESC"):
        sort = {"column": column, "direction": direction}
        data = await cast.carol.client.execute(LEAD_TITLES, {"sort": sort})
        assert [n["title"] for n in data["leads"]["nodes"]] == hidden_first[::-1], (column, direction)
        data = await cast.alice.client.execute(LEAD_TITLES, {"sort": sort})
        assert [n["title"] for n in data["leads"]["nodes"]] == (
            hidden_first if direction == "ASC" else hidden_first[::-1]
        ), (column, direction)
    condition = {"column": column, "operator": "STARTS_WITH", "value": "AA"}
    query = {"filter": {"conditions": {"conditions": [condition]}}}
    assert [n["title"] for n in (await cast.alice.client.execute(LEAD_TITLES, query))["leads"]["nodes"]] == [
        "with hidden contacts"
    ]
    assert (await cast.carol.client.execute(LEAD_TITLES, query))["leads"]["nodes"] == []


async def test_a_regular_users_teams_come_with_the_token(cast: Cast, count_statements: Any) -> None:
    """domain.viewer.authenticate reads a regular user's teams and teammates in the token's own
    statement: a request of a team member costs no statement of its own for them, and the viewer
    holds the same teams and teammates as the separate read (viewer_for_user) gives."""
    for name, teammates in (("alice", {"bob"}), ("carol", set())):
        account = cast.by_name(name)
        await account.client.execute("{ viewer { id } }")
        before = len(count_statements.statements)
        await account.client.execute("{ viewer { id } }")
        issued = count_statements.statements[before:]
        assert len([s for s in issued if "team_member" in s]) == 1, issued  # inside the token's
        assert all("api_token" in s for s in issued if "team_member" in s), issued
        viewer = await authenticate(account.token)
        separate = await viewer_for_user(account.user_id)
        assert viewer is not None and (viewer.team_ids, viewer.teammate_ids) == (
            separate.team_ids,
            separate.teammate_ids,
        )
        names = {(await User.get(id=u)).name.split()[0].lower() for u in viewer.teammate_ids}
        assert names == teammates
        assert viewer.team_ids == ({cast.sales.id} if teammates else set())
