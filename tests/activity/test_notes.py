"""createNote, updateNote and deleteNote on leads and contacts, with @mentions."""

from __future__ import annotations

from typing import Any

from core.ids import decode_id, to_global_id
from domain.accounts.account import revoke_token
from models import ChangeLogEntry, Note, NoteMention, Role, User
from tests.conftest import Account, Client

NOTE_FIELDS = "id content author { id name } mentions { id name }"
CREATE_NOTE = f"""
mutation ($input: CreateNoteInput!) {{
  createNote(input: $input) {{ note {{ {NOTE_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
UPDATE_NOTE = f"""
mutation ($input: UpdateNoteInput!) {{
  updateNote(input: $input) {{ note {{ {NOTE_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
DELETE_NOTE = """
mutation ($input: IdInput!) {
  deleteNote(input: $input) { note { id } userErrors { field code message } }
}
"""
CREATE_LEAD = """
mutation ($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id uuid } userErrors { field code } }
}
"""
CREATE_PERSON = """
mutation ($input: PersonFields!) {
  createPerson(input: $input) { person { id } userErrors { field code } }
}
"""
CREATE_ORGANIZATION = """
mutation ($input: OrganizationFields!) {
  createOrganization(input: $input) { organization { id } userErrors { field code } }
}
"""
LEAD_NOTES = """
query ($id: ID!) {
  node(id: $id) {
    ... on Lead {
      notes { id content }
      changeLog { action field oldValue newValue actor { name } }
    }
  }
}
"""


# --- helpers ---------------------------------------------------------------------------------


async def make_lead(client: Client, title: str = "Big deal") -> dict[str, Any]:
    payload = await client.mutate(CREATE_LEAD, {"title": title, "organization": {"name": "Umbrella"}})
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


async def make_person(client: Client, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(CREATE_PERSON, {"name": "Jill Valentine", **fields})
    assert payload["userErrors"] == []
    person: dict[str, Any] = payload["person"]
    return person


async def make_organization(client: Client) -> dict[str, Any]:
    payload = await client.mutate(CREATE_ORGANIZATION, {"name": "Raccoon City Police"})
    assert payload["userErrors"] == []
    organization: dict[str, Any] = payload["organization"]
    return organization


async def make_note(client: Client, target_id: str, content: str = "Called, no answer.") -> dict[str, Any]:
    payload = await client.mutate(CREATE_NOTE, {"targetId": target_id, "content": content})
    assert payload["userErrors"] == []
    note: dict[str, Any] = payload["note"]
    return note


def key(global_id: str) -> int:
    value = decode_id(global_id, "Note")
    assert isinstance(value, int)
    return value


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def colleague(account: Account, make_account: Any, name: str, role: Role = Role.REGULAR) -> Account:
    result: Account = await make_account(company_id=account.company_id, name=name, role=role)
    return result


async def mentioned_names(note: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The mentions as the API shows them and as stored, each sorted by name."""
    stored = await NoteMention.filter(note_id=key(note["id"])).values_list("user_id", flat=True)
    names = await User.filter(id__in=list(stored)).values_list("name", flat=True)
    return sorted(u["name"] for u in note["mentions"]), sorted(str(n) for n in names)


async def mentions_in(client: Client, target_id: str, content: str) -> list[str]:
    note = await make_note(client, target_id, content)
    shown, stored = await mentioned_names(note)
    assert shown == stored
    return shown


# --- createNote ------------------------------------------------------------------------------


async def test_note_on_a_lead_is_listed_and_logged(account: Account) -> None:
    lead = await make_lead(account.client)
    note = await make_note(account.client, lead["id"], "  First call went well.  ")

    assert note["content"] == "First call went well."
    assert note["author"] == {"id": to_global_id("User", account.user_id), "name": "Anna Admin"}
    assert note["mentions"] == []
    row = await Note.get(id=key(note["id"]))
    assert (str(row.lead_id), row.person_id, row.organization_id) == (lead["uuid"], None, None)
    assert (row.company_id, row.author_id, row.content) == (
        account.company_id,
        account.user_id,
        "First call went well.",
    )

    data = await account.client.execute(LEAD_NOTES, {"id": lead["id"]})
    assert data["node"]["notes"] == [{"id": note["id"], "content": "First call went well."}]
    assert data["node"]["changeLog"][0] == {
        "action": "NOTE_ADDED",
        "field": "note",
        "oldValue": None,
        "newValue": row.id,
        "actor": {"name": "Anna Admin"},
    }


async def test_notes_on_a_person_and_an_organization(account: Account) -> None:
    person = await make_person(account.client)
    organization = await make_organization(account.client)

    on_person = await make_note(account.client, person["id"], "Prefers email.")
    on_organization = await make_note(account.client, organization["id"], "Closed on Fridays.")

    person_row = await Note.get(id=key(on_person["id"]))
    assert (person_row.person_id, person_row.lead_id) == (decode_id(person["id"], "Person"), None)
    org_row = await Note.get(id=key(on_organization["id"]))
    assert (org_row.organization_id, org_row.lead_id) == (decode_id(organization["id"], "Organization"), None)

    logged = await ChangeLogEntry.filter(action="NOTE_ADDED").order_by("id").values_list("entity_type", "entity_id")
    assert [tuple(x) for x in logged] == [
        ("person", str(person_row.person_id)),
        ("organization", str(org_row.organization_id)),
    ]


async def test_target_must_be_a_lead_person_or_organization(account: Account) -> None:
    labels = await account.client.execute("query { leadLabels { id } }")
    for target_id in (labels["leadLabels"][0]["id"], to_global_id("User", account.user_id), "not an id!"):
        payload = await account.client.mutate(CREATE_NOTE, {"targetId": target_id, "content": "Hello"})
        assert payload["note"] is None
        assert errors(payload) == [(["input", "targetId"], "INVALID_ID")], target_id
    # A lead id whose key is no UUID is malformed too.
    payload = await account.client.mutate(CREATE_NOTE, {"targetId": to_global_id("Lead", "42"), "content": "Hello"})
    assert errors(payload) == [(["input", "targetId"], "INVALID_ID")]
    assert await Note.all().count() == 0


async def test_target_of_another_company_or_hidden_is_not_found(
    account: Account, other_account: Account, make_account: Any
) -> None:
    foreign = await make_lead(other_account.client)
    payload = await account.client.mutate(CREATE_NOTE, {"targetId": foreign["id"], "content": "Hello"})
    assert errors(payload) == [(["input", "targetId"], "NOT_FOUND")]

    # A person only its owner (and admins) may see is as good as absent for a regular user.
    private = await make_person(account.client, visibility="OWNER")
    regular = await colleague(account, make_account, "Rita Regular")
    payload = await regular.client.mutate(CREATE_NOTE, {"targetId": private["id"], "content": "Hello"})
    assert errors(payload) == [(["input", "targetId"], "NOT_FOUND")]
    assert await Note.all().count() == 0


async def test_empty_content_is_required(account: Account) -> None:
    lead = await make_lead(account.client)
    for content in ("", " \n\t "):
        payload = await account.client.mutate(CREATE_NOTE, {"targetId": lead["id"], "content": content})
        assert errors(payload) == [(["input", "content"], "REQUIRED")]
    assert await Note.all().count() == 0
    assert not await ChangeLogEntry.filter(action="NOTE_ADDED").exists()


# --- mentions --------------------------------------------------------------------------------


async def test_mention_by_full_name_ignoring_case(account: Account, make_account: Any) -> None:
    await colleague(account, make_account, "Anna Berg")
    await colleague(account, make_account, "Bo Ek")
    lead = await make_lead(account.client)

    assert await mentions_in(account.client, lead["id"], "Thanks @Anna Berg, and @bo ek too.") == ["Anna Berg", "Bo Ek"]
    assert await mentions_in(account.client, lead["id"], "@ANNA BERG: call back") == ["Anna Berg"]
    # The same person twice is one mention.
    assert await mentions_in(account.client, lead["id"], "@Anna Berg and again @anna berg") == ["Anna Berg"]
    # A name must end where the mention ends: "Anna Bergs" is somebody else.
    assert await mentions_in(account.client, lead["id"], "@Anna Bergs called") == []
    # Mentioning nobody in particular is fine.
    assert await mentions_in(account.client, lead["id"], "@ somebody should call") == []


async def test_the_longest_matching_name_wins(account: Account, make_account: Any) -> None:
    await colleague(account, make_account, "Anna Berg")
    await colleague(account, make_account, "Anna Bergström")
    await colleague(account, make_account, "Anna Berg Larsen")
    lead = await make_lead(account.client)

    assert await mentions_in(account.client, lead["id"], "Ask @Anna Bergström today") == ["Anna Bergström"]
    assert await mentions_in(account.client, lead["id"], "Ask @anna bergström today") == ["Anna Bergström"]
    assert await mentions_in(account.client, lead["id"], "Ask @Anna Berg today") == ["Anna Berg"]
    # Both "Anna Berg" and "Anna Berg Larsen" fit at a word boundary: the longer one is meant.
    assert await mentions_in(account.client, lead["id"], "Ask @Anna Berg Larsen today") == ["Anna Berg Larsen"]
    assert await mentions_in(account.client, lead["id"], "@Anna Berg.") == ["Anna Berg"]


async def test_only_the_longest_name_when_the_shorter_one_is_not_a_user(account: Account, make_account: Any) -> None:
    await colleague(account, make_account, "Anna Berg")
    lead = await make_lead(account.client)
    # With no user called Anna Bergström, the prefix "Anna Berg" must not be taken for one.
    assert await mentions_in(account.client, lead["id"], "Ask @Anna Bergström today") == []


async def test_an_email_address_is_no_mention(account: Account, make_account: Any) -> None:
    await colleague(account, make_account, "Support")
    await colleague(account, make_account, "Y")
    lead = await make_lead(account.client)

    assert await mentions_in(account.client, lead["id"], "Write to x@y.com or help@support.com.") == []
    assert await mentions_in(account.client, lead["id"], "Write to first.last+tag@support.com") == []
    # The same names as real mentions.
    assert await mentions_in(account.client, lead["id"], "(@Support) and @y please") == ["Support", "Y"]


async def test_inactive_and_foreign_users_are_not_mentioned(
    account: Account, other_account: Account, make_account: Any
) -> None:
    gone = await colleague(account, make_account, "Olga Old")
    await User.filter(id=gone.user_id).update(is_active=False)
    lead = await make_lead(account.client)
    # Gary Globex is a user of another company.
    assert await mentions_in(account.client, lead["id"], "@Olga Old and @Gary Globex") == []


# --- updateNote and deleteNote ---------------------------------------------------------------


async def test_author_updates_the_note_and_its_mentions(account: Account, make_account: Any) -> None:
    author = await colleague(account, make_account, "Rita Regular")
    await colleague(account, make_account, "Bo Ek")
    lead = await make_lead(account.client)
    note = await make_note(author.client, lead["id"], "Ask @Anna Admin about pricing")

    payload = await author.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": " Ask @Bo Ek instead "})
    assert payload["userErrors"] == []
    assert payload["note"]["content"] == "Ask @Bo Ek instead"
    assert await mentioned_names(payload["note"]) == (["Bo Ek"], ["Bo Ek"])
    assert (await Note.get(id=key(note["id"]))).content == "Ask @Bo Ek instead"

    data = await account.client.execute(LEAD_NOTES, {"id": lead["id"]})
    assert data["node"]["changeLog"][0] == {
        "action": "NOTE_UPDATED",
        "field": "note",
        "oldValue": None,
        "newValue": key(note["id"]),
        "actor": {"name": "Rita Regular"},
    }


async def test_an_admin_may_change_and_delete_anyones_note(account: Account, make_account: Any) -> None:
    author = await colleague(account, make_account, "Rita Regular")
    lead = await make_lead(account.client)
    note = await make_note(author.client, lead["id"], "Draft")

    payload = await account.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": "Edited by admin"})
    assert payload["userErrors"] == []
    row = await Note.get(id=key(note["id"]))
    # The author stays the author.
    assert (row.content, row.author_id) == ("Edited by admin", author.user_id)

    payload = await account.client.mutate(DELETE_NOTE, {"id": note["id"]})
    assert payload == {"note": None, "userErrors": []}
    assert not await Note.exists(id=row.id)


async def test_another_regular_user_may_not_change_or_delete_a_note(account: Account, make_account: Any) -> None:
    author = await colleague(account, make_account, "Rita Regular")
    other = await colleague(account, make_account, "Olaf Other")
    lead = await make_lead(account.client)
    note = await make_note(author.client, lead["id"], "Mine, @Anna Admin")

    payload = await other.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": "Yours now"})
    assert payload["note"] is None
    assert errors(payload) == [(["input", "id"], "PERMISSION_DENIED")]
    payload = await other.client.mutate(DELETE_NOTE, {"id": note["id"]})
    assert errors(payload) == [(["input", "id"], "PERMISSION_DENIED")]

    row = await Note.get(id=key(note["id"]))
    assert row.content == "Mine, @Anna Admin"
    assert await NoteMention.filter(note_id=row.id).values_list("user_id", flat=True) == [account.user_id]
    assert [e.action for e in await ChangeLogEntry.filter(entity_type="lead").order_by("id")] == [
        "CREATED",
        "NOTE_ADDED",
    ]


async def test_update_refuses_empty_content(account: Account) -> None:
    lead = await make_lead(account.client)
    note = await make_note(account.client, lead["id"], "Keep me")
    payload = await account.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": "   "})
    assert errors(payload) == [(["input", "content"], "REQUIRED")]
    assert (await Note.get(id=key(note["id"]))).content == "Keep me"


async def test_delete_removes_the_note_and_its_mentions(account: Account, make_account: Any) -> None:
    await colleague(account, make_account, "Bo Ek")
    lead = await make_lead(account.client)
    note = await make_note(account.client, lead["id"], "Loop in @Bo Ek")
    kept = await make_note(account.client, lead["id"], "Another one")
    note_id = key(note["id"])

    payload = await account.client.mutate(DELETE_NOTE, {"id": note["id"]})
    assert payload == {"note": None, "userErrors": []}
    assert not await Note.exists(id=note_id)
    assert not await NoteMention.filter(note_id=note_id).exists()

    data = await account.client.execute(LEAD_NOTES, {"id": lead["id"]})
    assert [n["id"] for n in data["node"]["notes"]] == [kept["id"]]
    deleted = data["node"]["changeLog"][0]
    assert (deleted["action"], deleted["oldValue"], deleted["newValue"]) == ("NOTE_DELETED", note_id, None)

    # Deleting it again finds nothing.
    payload = await account.client.mutate(DELETE_NOTE, {"id": note["id"]})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]


async def test_another_companys_note_is_not_found(account: Account, other_account: Account) -> None:
    lead = await make_lead(other_account.client)
    note = await make_note(other_account.client, lead["id"], "Secret")
    payload = await account.client.mutate(UPDATE_NOTE, {"id": note["id"], "content": "Leaked"})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    payload = await account.client.mutate(DELETE_NOTE, {"id": note["id"]})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    assert (await Note.get(id=key(note["id"]))).content == "Secret"


# --- authentication --------------------------------------------------------------------------


async def test_unauthenticated_calls_write_nothing(account: Account) -> None:
    lead = await make_lead(account.client)
    note = await make_note(account.client, lead["id"], "Original")
    revoked = Client(account.client.http, account.token)
    await revoke_token(account.token)
    before = await ChangeLogEntry.all().count()

    for client in (Client(account.client.http, None), revoked):
        for query, input in (
            (CREATE_NOTE, {"targetId": lead["id"], "content": "Intruder @Anna Admin"}),
            (UPDATE_NOTE, {"id": note["id"], "content": "Intruder"}),
            (DELETE_NOTE, {"id": note["id"]}),
        ):
            body = await client.raw(query, {"input": input})
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    assert [n.content for n in await Note.all()] == ["Original"]
    assert await NoteMention.all().count() == 0
    assert await ChangeLogEntry.all().count() == before
