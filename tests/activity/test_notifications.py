"""Notifications: @mentions in notes, reading them, marking them read, and whose they are."""

from __future__ import annotations

from typing import Any

import pytest

from core.ids import to_global_id
from domain.activity import note as note_rules
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import PersonData, create_person
from domain.leads.lead import LeadData, create_lead
from domain.notification import notify
from models import Lead, LeadSource, Note, NoteMention, Notification, Role, Visibility
from tests.conftest import Account

CREATE_NOTE = """
mutation ($input: CreateNoteInput!) {
  createNote(input: $input) { note { id mentions { name } } userErrors { field code } }
}
"""
UPDATE_NOTE = """
mutation ($input: UpdateNoteInput!) {
  updateNote(input: $input) { note { id mentions { name } } userErrors { field code } }
}
"""
NOTIFICATIONS = """
query ($unread: Boolean! = false, $first: Int) {
  notifications(unreadOnly: $unread, first: $first) {
    unreadCount
    edges { node { id kind message subjectId read } }
    pageInfo { hasNextPage }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Notification { kind read } } }"
MARK_READ = """
mutation ($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { markedCount userErrors { code } }
}
"""


async def colleague(make_account: Any, account: Account, name: str, role: Role = Role.REGULAR) -> Account:
    result: Account = await make_account(company_id=account.company_id, name=name, role=role)
    return result


async def make_lead(account: Account, title: str, visibility: Visibility | None = None) -> Lead:
    viewer = await account.viewer()
    return await create_lead(
        viewer, LeadData(title=title, person=PersonData(name="Ada Lovelace"), visibility=visibility), LeadSource.MANUAL
    )


async def write_note(account: Account, target_id: str, content: str) -> dict[str, Any]:
    payload = await account.client.mutate(CREATE_NOTE, {"targetId": target_id, "content": content})
    assert payload["userErrors"] == []
    note: dict[str, Any] = payload["note"]
    return note


async def notifications_of(account: Account, unread: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = (await account.client.execute(NOTIFICATIONS, {"unread": unread}))["notifications"]
    return data


async def test_a_user_mentioned_in_a_note_is_notified_about_its_lead(account: Account, make_account: Any) -> None:
    bob = await colleague(make_account, account, "Bob Berg")
    lead = await make_lead(account, "Big order")
    lead_id = to_global_id("Lead", lead.id)
    note = await write_note(account, lead_id, "@Bob Berg please call them; cc @Anna Admin")
    assert sorted(m["name"] for m in note["mentions"]) == ["Anna Admin", "Bob Berg"]

    data = await notifications_of(bob)
    assert data["unreadCount"] == 1
    (edge,) = data["edges"]
    assert edge["node"]["kind"] == "MENTIONED"
    assert edge["node"]["subjectId"] == lead_id
    assert edge["node"]["message"] == 'Anna Admin mentioned you in a note on the lead "Big order".'
    assert edge["node"]["read"] is False
    # The author mentioned herself: that tells nobody anything.
    assert (await notifications_of(account))["edges"] == []
    (row,) = await Notification.filter(user_id=bob.user_id)
    assert (row.company_id, row.kind, row.subject_id) == (account.company_id, "MENTIONED", f"Lead:{lead.id}")
    assert row.data["note_id"] == (await Note.get()).id


async def test_mentions_in_notes_on_persons_and_organizations_point_at_them(
    account: Account, make_account: Any
) -> None:
    bob = await colleague(make_account, account, "Bob Berg")
    viewer = await account.viewer()
    person = await create_person(viewer, PersonData(name="Grace Hopper"))
    organization = await create_organization(viewer, OrganizationData(name="Navy"))
    await write_note(account, to_global_id("Person", person.id), "@bob berg met her")
    await write_note(account, to_global_id("Organization", organization.id), "Ask @Bob Berg.")
    edges = (await notifications_of(bob))["edges"]
    assert [(e["node"]["subjectId"], e["node"]["message"]) for e in edges] == [
        (
            to_global_id("Organization", organization.id),
            'Anna Admin mentioned you in a note on the organization "Navy".',
        ),
        (to_global_id("Person", person.id), 'Anna Admin mentioned you in a note on the person "Grace Hopper".'),
    ]


async def test_an_edit_notifies_only_the_newly_mentioned_and_never_the_author(
    account: Account, make_account: Any
) -> None:
    bob = await colleague(make_account, account, "Bob Berg")
    cleo = await colleague(make_account, account, "Cleo Dahl")
    author = await colleague(make_account, account, "Rita Regular")
    lead_id = to_global_id("Lead", (await make_lead(account, "Big order")).id)
    note = await write_note(author, lead_id, "Hi @Bob Berg")
    payload = await author.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": "Hi @Bob Berg and @Cleo Dahl"})
    assert payload["userErrors"] == []
    assert len((await notifications_of(bob))["edges"]) == 1  # not a second time
    assert len((await notifications_of(cleo))["edges"]) == 1

    # An admin edits Rita's note and mentions her: she wrote the note, she is not notified.
    payload = await account.client.mutate(
        UPDATE_NOTE, {"id": note["id"], "content": "Hi @Bob Berg and @Cleo Dahl, see @Rita Regular"}
    )
    assert sorted(m["name"] for m in payload["note"]["mentions"]) == ["Bob Berg", "Cleo Dahl", "Rita Regular"]
    assert (await notifications_of(author))["edges"] == []
    assert await Notification.filter(kind="MENTIONED").count() == 2


async def test_a_user_who_cannot_see_the_lead_is_not_told_about_it(account: Account, make_account: Any) -> None:
    bob = await colleague(make_account, account, "Bob Berg")
    private = await make_lead(account, "Secret takeover", visibility=Visibility.OWNER)
    note = await write_note(account, to_global_id("Lead", private.id), "@Bob Berg must not know")
    # The mention is part of the note, but a notification would show Bob the lead's title.
    assert [m["name"] for m in note["mentions"]] == ["Bob Berg"]
    assert (await notifications_of(bob))["edges"] == []
    assert await Notification.all().count() == 0


async def test_a_note_whose_notification_fails_is_not_written(
    account: Account, make_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await colleague(make_account, account, "Bob Berg")
    await colleague(make_account, account, "Cleo Dahl")
    lead_id = to_global_id("Lead", (await make_lead(account, "Big order")).id)
    calls = 0

    async def failing_second(*args: Any, **kwargs: Any) -> Notification:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("database went away")
        return await notify(*args, **kwargs)

    monkeypatch.setattr(note_rules, "notify", failing_second)
    body = await account.client.raw(CREATE_NOTE, {"input": {"targetId": lead_id, "content": "@Bob Berg @Cleo Dahl"}})
    assert body["errors"][0]["message"] == "Internal error."
    assert calls == 2
    assert await Note.all().count() == 0
    assert await NoteMention.all().count() == 0
    assert await Notification.all().count() == 0


async def test_read_flag_unread_count_and_marking_read(account: Account) -> None:
    for i in range(3):
        await notify(account.company_id, account.user_id, "JOB_FINISHED", f"job {i}", subject_id=f"Job:{i + 1}")
    data = await notifications_of(account)
    assert data["unreadCount"] == 3
    assert [e["node"]["message"] for e in data["edges"]] == ["job 2", "job 1", "job 0"]  # newest first
    newest, middle, _ = (e["node"]["id"] for e in data["edges"])

    marked = await account.client.mutate(MARK_READ, {"ids": [newest, middle]})
    assert marked == {"markedCount": 2, "userErrors": []}
    data = await notifications_of(account)
    assert data["unreadCount"] == 1
    assert [e["node"]["read"] for e in data["edges"]] == [True, True, False]
    assert [e["node"]["message"] for e in (await notifications_of(account, unread=True))["edges"]] == ["job 0"]
    assert (await account.client.execute(NODE, {"id": newest}))["node"] == {
        "id": newest,
        "kind": "JOB_FINISHED",
        "read": True,
    }
    # Marking again counts nothing; leaving out the ids marks all the rest.
    assert (await account.client.mutate(MARK_READ, {"ids": [newest]}))["markedCount"] == 0
    assert (await account.client.mutate(MARK_READ, {}))["markedCount"] == 1
    assert (await notifications_of(account))["unreadCount"] == 0
    assert await Notification.filter(user_id=account.user_id, read_at=None).count() == 0


async def test_pages_of_notifications(account: Account) -> None:
    for i in range(3):
        await notify(account.company_id, account.user_id, "JOB_FINISHED", f"job {i}")
    data = (await account.client.execute(NOTIFICATIONS, {"first": 2}))["notifications"]
    assert len(data["edges"]) == 2 and data["pageInfo"]["hasNextPage"] is True
    assert data["unreadCount"] == 3  # of all, not of the page


async def test_another_users_notifications_are_neither_visible_nor_markable(
    account: Account, other_account: Account, make_account: Any
) -> None:
    bob = await colleague(make_account, account, "Bob Berg", role=Role.ADMIN)
    mine = await notify(account.company_id, account.user_id, "JOB_FINISHED", "for Anna")
    theirs = await notify(other_account.company_id, other_account.user_id, "JOB_FINISHED", "for Gary")
    mine_id = to_global_id("Notification", mine.id)
    theirs_id = to_global_id("Notification", theirs.id)

    # A colleague, even an admin of the same company, and another company: not in the list,
    # not by id, and marking by id changes nothing.
    for stranger, foreign_id in ((bob, mine_id), (other_account, mine_id), (account, theirs_id)):
        assert (await stranger.client.execute(NODE, {"id": foreign_id}))["node"] is None
        assert foreign_id not in [e["node"]["id"] for e in (await notifications_of(stranger))["edges"]]
        assert (await stranger.client.mutate(MARK_READ, {"ids": [foreign_id]}))["markedCount"] == 0
    assert (await notifications_of(bob))["unreadCount"] == 0
    assert (await notifications_of(other_account))["unreadCount"] == 1

    # Marking all of one's own never reaches another user's.
    assert (await bob.client.mutate(MARK_READ, {}))["markedCount"] == 0
    assert (await other_account.client.mutate(MARK_READ, {"ids": [theirs_id, mine_id]}))["markedCount"] == 1
    assert await Notification.filter(id=mine.id, read_at=None).exists()
    assert not await Notification.filter(id=theirs.id, read_at=None).exists()


async def test_the_unread_count_is_of_the_viewers_company_only(account: Account, other_account: Account) -> None:
    """A row of another company under the viewer's user id (written by a faulty rule, or left by a
    move between companies) is neither listed nor counted."""
    await notify(account.company_id, account.user_id, "JOB_FINISHED", "mine")
    await notify(other_account.company_id, account.user_id, "JOB_FINISHED", "another company's")
    await notify(other_account.company_id, other_account.user_id, "JOB_FINISHED", "theirs")
    data = await notifications_of(account)
    assert [e["node"]["message"] for e in data["edges"]] == ["mine"]
    assert data["unreadCount"] == 1
    assert (await notifications_of(other_account))["unreadCount"] == 1
