"""Tenancy: nothing crosses companies (SPEC §1), and a foreign id looks like a missing one.

Acme (``account``) owns a lead with a person, an organization, a label, a note and an
activity. Globex (``other_account``) tries to read, find, filter, change and link them; every
attempt must behave exactly as with a random id that exists nowhere, and leave Acme's rows as
they were.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.ids import from_global_id
from domain.accounts.account import create_team
from models import Activity, ChangeLogEntry, Lead, LeadLabel, LeadLabelLink, Note, Organization, Person, Team
from tests.conftest import Account
from tests.factories import USER_ERRORS, gid, lead_gid, make_activity, make_lead, make_note, make_org, make_person

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
LEADS = """
query($filter: LeadFilter) {
  leads(first: 100, filter: $filter) { totalCount nodes { id title } }
}
"""


def mutation(name: str, input_type: str, result: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {result} {USER_ERRORS} }} }}"


UPDATE_LEAD = mutation("updateLead", "UpdateLeadInput", "lead { id }")
DELETE_LEADS = mutation("deleteLeads", "DeleteLeadsInput", "deletedCount")
BULK_UPDATE = mutation("bulkUpdateLeads", "BulkUpdateLeadsInput", "updatedCount")
ARCHIVE_LEADS = mutation("archiveLeads", "LeadIdsInput", "leads { id }")
UNARCHIVE_LEADS = mutation("unarchiveLeads", "LeadIdsInput", "leads { id }")
UPDATE_PERSON = mutation("updatePerson", "UpdatePersonInput", "person { id }")
DELETE_PERSON = mutation("deletePerson", "IdInput", "person { id }")
UPDATE_ORGANIZATION = mutation("updateOrganization", "UpdateOrganizationInput", "organization { id }")
DELETE_ORGANIZATION = mutation("deleteOrganization", "IdInput", "organization { id }")
UPDATE_LABEL = mutation("updateLeadLabel", "UpdateLeadLabelInput", "label { id }")
DELETE_LABEL = mutation("deleteLeadLabel", "IdInput", "label { id }")
CREATE_NOTE = mutation("createNote", "CreateNoteInput", "note { id mentions { id } }")
UPDATE_NOTE = mutation("updateNote", "UpdateNoteInput", "note { id }")
DELETE_NOTE = mutation("deleteNote", "IdInput", "note { id }")
SCHEDULE_ACTIVITY = mutation("scheduleActivity", "ScheduleActivityInput", "activity { id }")
COMPLETE_ACTIVITY = mutation("completeActivity", "CompleteActivityInput", "activity { id }")
DELETE_ACTIVITY = mutation("deleteActivity", "IdInput", "activity { id }")
CREATE_LEAD = mutation("createLead", "CreateLeadInput", "lead { id }")
CREATE_PERSON = mutation("createPerson", "PersonFields", "person { id }")


@dataclass
class Acme:
    """Acme's rows, and the random ids that exist in no company, one per type."""

    lead: Lead
    person: Person
    organization: Organization
    label: LeadLabel
    note: Note
    activity: Activity
    team: Team
    user_id: int

    def ids(self) -> dict[str, str]:
        return {
            "Lead": lead_gid(self.lead),
            "Person": gid("Person", self.person.id),
            "Organization": gid("Organization", self.organization.id),
            "LeadLabel": gid("LeadLabel", self.label.id),
            "Note": gid("Note", self.note.id),
            "Activity": gid("Activity", self.activity.id),
            "Team": gid("Team", self.team.id),
            "User": gid("User", self.user_id),
        }


MISSING = {
    "Lead": lead_gid(uuid.UUID("00000000-0000-4000-8000-000000000000")),
    **{t: gid(t, 2_000_000_000) for t in ("Person", "Organization", "LeadLabel", "Note", "Activity", "Team", "User")},
}


@pytest.fixture
async def acme(account: Account) -> Acme:
    viewer = await account.viewer()
    org = await make_org(viewer, "Acme Rockets")
    person = await make_person(
        viewer, "Wile Coyote", email="wile@acme.test", phone="+1 555 0100", organization_id=org.id
    )
    label = await LeadLabel.get(company_id=account.company_id, name="Hot")
    team = await create_team(account.company_id, "Roadrunner hunters", [account.user_id])
    lead = await make_lead(
        viewer, "Anvil order", person_id=person.id, organization_id=org.id, label_ids=[label.id], owner_team_id=team.id
    )
    note = await make_note(viewer, lead, "Wants 300 anvils")
    activity = await make_activity(viewer, lead, "Call about anvils")
    return Acme(lead, person, org, label, note, activity, team, account.user_id)


async def snapshot(company_id: int) -> dict[str, Any]:
    """Every row of a company that these tests could touch, as plain values."""

    async def rows(model: Any, **where: Any) -> list[dict[str, Any]]:
        return sorted(await model.filter(**where).values(), key=lambda r: str(r["id"]))

    leads = await rows(Lead, company_id=company_id)
    return {
        "leads": leads,
        "persons": await rows(Person, company_id=company_id),
        "organizations": await rows(Organization, company_id=company_id),
        "labels": await rows(LeadLabel, company_id=company_id),
        "links": await rows(LeadLabelLink, lead_id__in=[r["id"] for r in leads]),
        "notes": await rows(Note, company_id=company_id),
        "activities": await rows(Activity, company_id=company_id),
        "log": await ChangeLogEntry.filter(company_id=company_id).count(),
    }


def same_error(foreign: dict[str, Any], missing: dict[str, Any], foreign_id: str, missing_id: str) -> None:
    """A foreign id must fail exactly like a missing one: same code, field and message (a
    message may quote the id it was given, so that id is blanked out)."""
    (a,) = foreign["userErrors"]
    (b,) = missing["userErrors"]
    assert a["code"] == b["code"] == "NOT_FOUND", (a, b)
    assert a["field"] == b["field"]
    assert blank(a["message"], foreign_id) == blank(b["message"], missing_id)


def blank(message: str, global_id: str) -> str:
    message = message.replace(global_id, "<id>")
    key = from_global_id(global_id)[1]
    # Only a lead's UUID is distinctive enough to replace as text; an integer key such as
    # "1" would also hit counts in the message.
    return message.replace(key, "<id>") if len(key) == 36 else message


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "type_name", ["Lead", "Person", "Organization", "LeadLabel", "Note", "Activity", "Team", "User"]
)
async def test_node_hides_other_companies(account: Account, other_account: Account, acme: Acme, type_name: str) -> None:
    own = await account.client.raw(NODE, {"id": acme.ids()[type_name]})
    # The bodies' data and errors; their extensions.cost differ (each request spends points).
    assert (own["data"], own.get("errors")) == ({"node": {"__typename": type_name, "id": acme.ids()[type_name]}}, None)

    foreign = await other_account.client.raw(NODE, {"id": acme.ids()[type_name]})
    missing = await other_account.client.raw(NODE, {"id": MISSING[type_name]})
    assert (
        (foreign["data"], foreign.get("errors")) == (missing["data"], missing.get("errors")) == ({"node": None}, None)
    )


async def test_nodes_hides_other_companies(account: Account, other_account: Account, acme: Acme) -> None:
    globex_lead = await make_lead(await other_account.viewer(), "Globex lead")
    ids = [*acme.ids().values(), lead_gid(globex_lead), *MISSING.values()]
    data = await other_account.client.execute(NODES, {"ids": ids})
    assert data["nodes"] == [None] * len(acme.ids()) + [{"__typename": "Lead", "id": lead_gid(globex_lead)}] + [
        None
    ] * len(MISSING)


async def test_lead_list_and_search_show_only_own_leads(account: Account, other_account: Account, acme: Acme) -> None:
    globex_lead = await make_lead(await other_account.viewer(), "Globex lead")
    data = await other_account.client.execute(LEADS, {})
    assert data["leads"] == {"totalCount": 1, "nodes": [{"id": lead_gid(globex_lead), "title": "Globex lead"}]}

    # Whatever matches Acme's lead: title, person, organization, email, phone.
    for text in ("Anvil", "Coyote", "Acme Rockets", "wile@acme", "5550100"):
        found = await other_account.client.execute(LEADS, {"filter": {"search": text}})
        assert found["leads"] == {"totalCount": 0, "nodes": []}, text
        # The same search finds it for Acme, so the emptiness above means something.
        mine = await account.client.execute(LEADS, {"filter": {"search": text}})
        assert mine["leads"]["totalCount"] == 1, text

    archived = await other_account.client.execute(LEADS, {"filter": {"archived": True}})
    assert archived["leads"]["totalCount"] == 0


async def test_filters_by_foreign_ids_are_not_found(account: Account, other_account: Account, acme: Acme) -> None:
    globex = await other_account.viewer()
    # Globex has its own "Hot" label, team and leads, so that only the ids differ.
    globex_hot = await LeadLabel.get(company_id=other_account.company_id, name="Hot")
    globex_team = await create_team(other_account.company_id, "Sales", [other_account.user_id])
    await make_lead(globex, "Globex lead", label_ids=[globex_hot.id])
    await make_lead(globex, "Globex team lead", owner_team_id=globex_team.id)
    # Acme's lead is owned by a team; this one is owned by Acme's user.
    await make_lead(await account.viewer(), "Acme user lead", label_ids=[acme.label.id])

    for filter in (
        {"labelIds": [gid("LeadLabel", acme.label.id)]},
        {"ownerIds": [gid("User", acme.user_id)]},
        {"teamIds": [gid("Team", acme.team.id)]},
    ):
        body = await other_account.client.raw(LEADS, {"filter": filter})
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND", filter
        # The same filter does find Acme's leads for Acme.
        assert (await account.client.execute(LEADS, {"filter": filter}))["leads"]["totalCount"] >= 1, filter

    # And the reverse: Acme filtering by Globex's ids sees nothing of Globex.
    for filter in (
        {"labelIds": [gid("LeadLabel", globex_hot.id)]},
        {"ownerIds": [gid("User", other_account.user_id)]},
        {"teamIds": [gid("Team", globex_team.id)]},
    ):
        body = await account.client.raw(LEADS, {"filter": filter})
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND", filter


# --- writing --------------------------------------------------------------------------------

# Each case: its name, the operation, the type of the target id and how to build the input.
Case = tuple[str, str, str, Callable[[str], dict[str, Any]]]


def params(cases: list[Any]) -> list[Any]:
    return [pytest.param(*rest, id=name) for name, *rest in cases]


FOREIGN_TARGET_CASES: list[Case] = [
    ("updateLead", UPDATE_LEAD, "Lead", lambda i: {"id": i, "title": "Taken over"}),
    ("deleteLeads", DELETE_LEADS, "Lead", lambda i: {"ids": [i]}),
    ("bulkUpdateLeads", BULK_UPDATE, "Lead", lambda i: {"ids": [i], "visibility": "OWNER"}),
    ("archiveLeads", ARCHIVE_LEADS, "Lead", lambda i: {"ids": [i]}),
    ("unarchiveLeads", UNARCHIVE_LEADS, "Lead", lambda i: {"ids": [i]}),
    ("updatePerson", UPDATE_PERSON, "Person", lambda i: {"id": i, "name": "Taken over"}),
    ("deletePerson", DELETE_PERSON, "Person", lambda i: {"id": i}),
    ("updateOrganization", UPDATE_ORGANIZATION, "Organization", lambda i: {"id": i, "name": "Taken over"}),
    ("deleteOrganization", DELETE_ORGANIZATION, "Organization", lambda i: {"id": i}),
    ("updateLeadLabel", UPDATE_LABEL, "LeadLabel", lambda i: {"id": i, "name": "Taken over"}),
    ("deleteLeadLabel", DELETE_LABEL, "LeadLabel", lambda i: {"id": i}),
    ("createNote on a lead", CREATE_NOTE, "Lead", lambda i: {"targetId": i, "content": "Hello"}),
    ("createNote on a person", CREATE_NOTE, "Person", lambda i: {"targetId": i, "content": "Hello"}),
    ("createNote on an organization", CREATE_NOTE, "Organization", lambda i: {"targetId": i, "content": "Hello"}),
    ("updateNote", UPDATE_NOTE, "Note", lambda i: {"id": i, "content": "Taken over"}),
    ("deleteNote", DELETE_NOTE, "Note", lambda i: {"id": i}),
    (
        "scheduleActivity",
        SCHEDULE_ACTIVITY,
        "Lead",
        lambda i: {"targetId": i, "subject": "Sneak", "dueDate": "2030-01-01"},
    ),
    ("completeActivity", COMPLETE_ACTIVITY, "Activity", lambda i: {"id": i}),
    ("deleteActivity", DELETE_ACTIVITY, "Activity", lambda i: {"id": i}),
]


@pytest.mark.parametrize(("operation", "type_name", "build"), params(FOREIGN_TARGET_CASES))
async def test_mutations_on_foreign_targets_answer_not_found(
    account: Account,
    other_account: Account,
    acme: Acme,
    operation: str,
    type_name: str,
    build: Callable[[str], dict[str, Any]],
) -> None:
    before = await snapshot(account.company_id)
    globex_before = await snapshot(other_account.company_id)
    foreign_id, missing_id = acme.ids()[type_name], MISSING[type_name]

    foreign = await other_account.client.mutate(operation, build(foreign_id))
    missing = await other_account.client.mutate(operation, build(missing_id))

    same_error(foreign, missing, foreign_id, missing_id)
    assert await snapshot(account.company_id) == before
    assert await snapshot(other_account.company_id) == globex_before


async def test_archived_foreign_lead_cannot_be_unarchived(account: Account, other_account: Account, acme: Acme) -> None:
    await Lead.filter(id=acme.lead.id).update(is_archived=True, archived_at=dt.datetime.now(dt.UTC))
    result = await other_account.client.mutate(UNARCHIVE_LEADS, {"ids": [lead_gid(acme.lead)]})
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Lead.get(id=acme.lead.id)).is_archived is True


async def test_mixed_own_and_foreign_ids_change_nothing(account: Account, other_account: Account, acme: Acme) -> None:
    globex_lead = await make_lead(await other_account.viewer(), "Globex lead")
    ids = [lead_gid(globex_lead), lead_gid(acme.lead)]
    before = await snapshot(account.company_id)
    globex_before = await snapshot(other_account.company_id)

    for operation, input in (
        (BULK_UPDATE, {"ids": ids, "visibility": "OWNER"}),
        (DELETE_LEADS, {"ids": ids}),
        (ARCHIVE_LEADS, {"ids": ids}),
    ):
        result = await other_account.client.mutate(operation, input)
        assert result["userErrors"][0]["code"] == "NOT_FOUND"
        # The message names the foreign lead as missing, and nothing about it beyond its id.
        assert "Anvil" not in result["userErrors"][0]["message"]

    assert await snapshot(account.company_id) == before
    assert await snapshot(other_account.company_id) == globex_before


# Foreign references handed in while creating or changing one's own records.
LINK_CASES: list[Case] = [
    ("createLead personId", CREATE_LEAD, "Person", lambda i: {"personId": i}),
    ("createLead organizationId", CREATE_LEAD, "Organization", lambda i: {"organizationId": i}),
    ("createLead labelIds", CREATE_LEAD, "LeadLabel", lambda i: {"person": {"name": "Bugs"}, "labelIds": [i]}),
    ("createLead ownerId", CREATE_LEAD, "User", lambda i: {"person": {"name": "Bugs"}, "ownerId": i}),
    ("createLead ownerTeamId", CREATE_LEAD, "Team", lambda i: {"person": {"name": "Bugs"}, "ownerTeamId": i}),
    (
        "createLead inline person's organization",
        CREATE_LEAD,
        "Organization",
        lambda i: {"person": {"name": "Bugs", "organizationId": i}},
    ),
    (
        "createLead inline person's owner",
        CREATE_LEAD,
        "User",
        lambda i: {"organization": {"name": "Looney"}, "person": {"name": "Bugs", "ownerId": i}},
    ),
    (
        "createLead inline organization's owner",
        CREATE_LEAD,
        "User",
        lambda i: {"organization": {"name": "Looney", "ownerId": i}},
    ),
    ("createPerson organizationId", CREATE_PERSON, "Organization", lambda i: {"name": "Bugs", "organizationId": i}),
]


@pytest.mark.parametrize(("operation", "type_name", "build"), params(LINK_CASES))
async def test_linking_foreign_records_is_refused(
    account: Account,
    other_account: Account,
    acme: Acme,
    operation: str,
    type_name: str,
    build: Callable[[str], dict[str, Any]],
) -> None:
    before = await snapshot(account.company_id)
    globex_before = await snapshot(other_account.company_id)
    foreign_id, missing_id = acme.ids()[type_name], MISSING[type_name]

    foreign = await other_account.client.mutate(operation, build(foreign_id))
    missing = await other_account.client.mutate(operation, build(missing_id))

    same_error(foreign, missing, foreign_id, missing_id)
    assert await snapshot(account.company_id) == before
    # All or nothing: no inline person or organization was left behind in Globex either.
    assert await snapshot(other_account.company_id) == globex_before


UPDATE_LINK_CASES: list[tuple[str, str, str, Callable[[str, str], dict[str, Any]]]] = [
    ("updateLead personId", UPDATE_LEAD, "Person", lambda own, i: {"id": own, "personId": i}),
    ("updateLead organizationId", UPDATE_LEAD, "Organization", lambda own, i: {"id": own, "organizationId": i}),
    ("updateLead labelIds", UPDATE_LEAD, "LeadLabel", lambda own, i: {"id": own, "labelIds": [i]}),
    ("updateLead ownerId", UPDATE_LEAD, "User", lambda own, i: {"id": own, "ownerId": i}),
    ("updateLead ownerTeamId", UPDATE_LEAD, "Team", lambda own, i: {"id": own, "ownerTeamId": i}),
    ("bulkUpdateLeads ownerId", BULK_UPDATE, "User", lambda own, i: {"ids": [own], "ownerId": i}),
    ("bulkUpdateLeads addLabelIds", BULK_UPDATE, "LeadLabel", lambda own, i: {"ids": [own], "addLabelIds": [i]}),
    (
        "bulkUpdateLeads removeLabelIds",
        BULK_UPDATE,
        "LeadLabel",
        lambda own, i: {"ids": [own], "removeLabelIds": [i]},
    ),
]


@pytest.mark.parametrize(("operation", "type_name", "build"), params(UPDATE_LINK_CASES))
async def test_own_leads_cannot_point_at_foreign_records(
    account: Account,
    other_account: Account,
    acme: Acme,
    operation: str,
    type_name: str,
    build: Callable[[str, str], dict[str, Any]],
) -> None:
    globex = await other_account.viewer()
    own = await make_lead(globex, "Globex lead", organization_id=(await make_org(globex, "Globex")).id)
    before = await snapshot(account.company_id)
    globex_before = await snapshot(other_account.company_id)
    foreign_id, missing_id = acme.ids()[type_name], MISSING[type_name]

    foreign = await other_account.client.mutate(operation, build(lead_gid(own), foreign_id))
    missing = await other_account.client.mutate(operation, build(lead_gid(own), missing_id))

    same_error(foreign, missing, foreign_id, missing_id)
    assert await snapshot(account.company_id) == before
    assert await snapshot(other_account.company_id) == globex_before


async def test_activity_cannot_be_assigned_to_a_foreign_user(
    account: Account, other_account: Account, acme: Acme
) -> None:
    own = await make_lead(await other_account.viewer(), "Globex lead")
    result = await other_account.client.mutate(
        SCHEDULE_ACTIVITY,
        {
            "targetId": lead_gid(own),
            "subject": "Call",
            "dueDate": "2030-01-01",
            "assigneeId": gid("User", acme.user_id),
        },
    )
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert await Activity.filter(company_id=other_account.company_id).count() == 0


async def test_mentions_never_reach_another_company(account: Account, other_account: Account, acme: Acme) -> None:
    own = await make_lead(await other_account.viewer(), "Globex lead")
    # "Anna Admin" is Acme's admin; Globex has no such user.
    result = await other_account.client.mutate(
        CREATE_NOTE, {"targetId": lead_gid(own), "content": "Ask @Anna Admin and @Gary Globex"}
    )
    assert result["userErrors"] == []
    assert result["note"]["mentions"] == [{"id": gid("User", other_account.user_id)}]
