"""scheduleActivity, updateActivity, completeActivity, deleteActivity and the lead's next activity."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from core.ids import decode_id, to_global_id
from domain.accounts.account import revoke_token
from models import Activity, ActivityType, ChangeLogEntry, Lead, Role
from tests.conftest import Account, Client

ACTIVITY_FIELDS = "id type subject dueDate dueTime durationMinutes note done doneAt assignee { id name }"
SCHEDULE = f"""
mutation ($input: ScheduleActivityInput!) {{
  scheduleActivity(input: $input) {{ activity {{ {ACTIVITY_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation ($input: UpdateActivityInput!) {{
  updateActivity(input: $input) {{ activity {{ {ACTIVITY_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
COMPLETE = f"""
mutation ($input: CompleteActivityInput!) {{
  completeActivity(input: $input) {{ activity {{ {ACTIVITY_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
DELETE = """
mutation ($input: IdInput!) {
  deleteActivity(input: $input) { activity { id } userErrors { field code message } }
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
LEAD_ACTIVITIES = """
query ($id: ID!) {
  node(id: $id) {
    ... on Lead {
      nextActivity { id subject dueDate }
      activityStatus
      activities { id done }
      changeLog { action field oldValue newValue actor { name } }
    }
  }
}
"""
LEAD_TIMES = """
query ($id: ID!) { node(id: $id) { ... on Lead { activities { dueTime } } } }
"""


# --- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


async def make_lead(client: Client, title: str = "Cyberdyne") -> dict[str, Any]:
    payload = await client.mutate(CREATE_LEAD, {"title": title, "organization": {"name": f"{title} Systems"}})
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


async def schedule(client: Client, target_id: str, subject: str, due: str, **fields: Any) -> dict[str, Any]:
    payload = await client.mutate(SCHEDULE, {"targetId": target_id, "subject": subject, "dueDate": due, **fields})
    assert payload["userErrors"] == []
    activity: dict[str, Any] = payload["activity"]
    return activity


async def complete(client: Client, activity: dict[str, Any], done: bool = True) -> dict[str, Any]:
    payload = await client.mutate(COMPLETE, {"id": activity["id"], "done": done})
    assert payload["userErrors"] == []
    result: dict[str, Any] = payload["activity"]
    return result


def key(global_id: str) -> int:
    value = decode_id(global_id, "Activity")
    assert isinstance(value, int)
    return value


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return sorted((e["field"], e["code"]) for e in payload["userErrors"])


async def lead_view(client: Client, lead: dict[str, Any]) -> dict[str, Any]:
    data = await client.execute(LEAD_ACTIVITIES, {"id": lead["id"]})
    node: dict[str, Any] = data["node"]
    return node


async def assert_next(client: Client, lead: dict[str, Any], expected: dict[str, Any] | None, status: str) -> None:
    """The lead's next activity as the API shows it and as stored on the lead row agree."""
    view = await lead_view(client, lead)
    row = await Lead.get(id=uuid.UUID(lead["uuid"]))
    assert view["activityStatus"] == status
    if expected is None:
        assert view["nextActivity"] is None
        assert (row.next_activity_id, row.next_activity_date) == (None, None)
    else:
        assert view["nextActivity"] == {k: expected[k] for k in ("id", "subject", "dueDate")}
        assert (row.next_activity_id, row.next_activity_date) == (
            key(expected["id"]),
            dt.date.fromisoformat(expected["dueDate"]),
        )


async def lead_actions(client: Client, lead: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The activity entries of the lead's change log, oldest first."""
    log = (await lead_view(client, lead))["changeLog"]
    return [(e["action"], e["oldValue"], e["newValue"]) for e in reversed(log) if e["action"].startswith("ACTIVITY")]


# --- scheduleActivity ------------------------------------------------------------------------


async def test_schedule_with_defaults(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "  Call back  ", day(3))

    assert activity["subject"] == "Call back"
    assert (activity["type"], activity["dueDate"], activity["dueTime"]) == ("TASK", day(3), None)
    assert (activity["durationMinutes"], activity["note"], activity["done"], activity["doneAt"]) == (
        None,
        "",
        False,
        None,
    )
    assert activity["assignee"] == {"id": to_global_id("User", account.user_id), "name": "Anna Admin"}

    row = await Activity.get(id=key(activity["id"]))
    assert str(row.lead_id) == lead["uuid"]
    assert (row.company_id, row.assignee_id, row.created_by_id) == (
        account.company_id,
        account.user_id,
        account.user_id,
    )
    assert (row.subject, row.due_date, row.due_time, row.done) == (
        "Call back",
        today() + dt.timedelta(days=3),
        None,
        False,
    )

    await assert_next(account.client, lead, activity, "PLANNED")
    log = (await lead_view(account.client, lead))["changeLog"]
    assert log[0] == {
        "action": "ACTIVITY_SCHEDULED",
        "field": "activity",
        "oldValue": None,
        "newValue": "Call back",
        "actor": {"name": "Anna Admin"},
    }


async def test_schedule_with_every_field(account: Account, make_account: Any) -> None:
    colleague = await make_account(company_id=account.company_id, name="Carl Colleague", role=Role.REGULAR)
    lead = await make_lead(account.client)
    activity = await schedule(
        account.client,
        lead["id"],
        "Demo",
        day(7),
        type="MEETING",
        dueTime="14:30:00",
        durationMinutes=90,
        note="  Bring the slides. ",
        assigneeId=to_global_id("User", colleague.user_id),
    )
    # Times are UTC, and the answer says so.
    assert (activity["type"], activity["dueTime"], activity["durationMinutes"]) == ("MEETING", "14:30:00+00:00", 90)
    assert activity["note"] == "Bring the slides."
    assert activity["assignee"]["name"] == "Carl Colleague"

    row = await Activity.get(id=key(activity["id"]))
    assert (row.type, row.due_time, row.duration_minutes) == (ActivityType.MEETING, dt.time(14, 30, tzinfo=dt.UTC), 90)
    assert (row.assignee_id, row.created_by_id) == (colleague.user_id, account.user_id)
    # Read back from the database, the time is the same on every backend.
    data = await account.client.execute(LEAD_TIMES, {"id": lead["id"]})
    assert data["node"]["activities"] == [{"dueTime": "14:30:00+00:00"}]


async def test_due_time_can_be_moved_and_cleared(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(1), dueTime="08:00:00+00:00")
    payload = await account.client.mutate(UPDATE, {"id": activity["id"], "dueTime": "17:45:00"})
    assert payload["activity"]["dueTime"] == "17:45:00+00:00"
    assert (await Activity.get(id=key(activity["id"]))).due_time == dt.time(17, 45, tzinfo=dt.UTC)
    (entry,) = await ChangeLogEntry.filter(entity_type="activity", entity_id=str(key(activity["id"])))
    assert (entry.field, entry.old_value, entry.new_value) == ("due_time", '"08:00:00+00:00"', '"17:45:00+00:00"')

    # No time: the activity lasts the whole day.
    payload = await account.client.mutate(UPDATE, {"id": activity["id"], "dueTime": None})
    assert payload["activity"]["dueTime"] is None
    assert (await Activity.get(id=key(activity["id"]))).due_time is None


async def test_schedule_refuses_bad_values_and_writes_nothing(account: Account, other_account: Account) -> None:
    lead = await make_lead(account.client)
    for fields, expected in (
        ({"subject": "   "}, [(["input", "subject"], "REQUIRED")]),
        ({"durationMinutes": 0}, [(["input", "durationMinutes"], "INVALID")]),
        ({"durationMinutes": -30}, [(["input", "durationMinutes"], "INVALID")]),
        ({"durationMinutes": 44641}, [(["input", "durationMinutes"], "INVALID")]),
        (
            {"subject": "", "durationMinutes": 0},
            [(["input", "durationMinutes"], "INVALID"), (["input", "subject"], "REQUIRED")],
        ),
        ({"assigneeId": to_global_id("User", other_account.user_id)}, [(["input", "assigneeId"], "NOT_FOUND")]),
        ({"assigneeId": lead["id"]}, [(["input", "assigneeId"], "INVALID_ID")]),
    ):
        payload = await account.client.mutate(
            SCHEDULE, {"targetId": lead["id"], "subject": "Call", "dueDate": day(1)} | fields
        )
        assert payload["activity"] is None
        assert errors(payload) == expected, fields

    # Subject and due date are required by the schema itself.
    for missing in ("subject", "dueDate"):
        input = {"targetId": lead["id"], "subject": "Call", "dueDate": day(1)}
        del input[missing]
        body = await account.client.raw(SCHEDULE, {"input": input})
        assert body["data"] is None and missing in body["errors"][0]["message"]

    assert await Activity.all().count() == 0
    await assert_next(account.client, lead, None, "NONE")
    assert await lead_actions(account.client, lead) == []


async def test_duration_bounds_are_inclusive(account: Account) -> None:
    lead = await make_lead(account.client)
    shortest = await schedule(account.client, lead["id"], "Quick call", day(1), durationMinutes=1)
    longest = await schedule(account.client, lead["id"], "Trade fair", day(2), durationMinutes=44640)
    assert (shortest["durationMinutes"], longest["durationMinutes"]) == (1, 44640)
    assert await Activity.all().count() == 2


async def test_schedule_on_a_person(account: Account) -> None:
    payload = await account.client.mutate(CREATE_PERSON, {"name": "Sarah Connor"})
    person = payload["person"]
    activity = await schedule(account.client, person["id"], "Warn her", day(1))
    row = await Activity.get(id=key(activity["id"]))
    assert (row.person_id, row.lead_id) == (decode_id(person["id"], "Person"), None)
    (entry,) = await ChangeLogEntry.filter(action="ACTIVITY_SCHEDULED")
    assert (entry.entity_type, entry.entity_id) == ("person", str(row.person_id))


async def test_target_must_be_yours_and_of_the_right_type(account: Account, other_account: Account) -> None:
    foreign = await make_lead(other_account.client)
    payload = await account.client.mutate(SCHEDULE, {"targetId": foreign["id"], "subject": "Call", "dueDate": day(1)})
    assert errors(payload) == [(["input", "targetId"], "NOT_FOUND")]
    labels = await account.client.execute("query { leadLabels { id } }")
    label_id = labels["leadLabels"][0]["id"]
    payload = await account.client.mutate(SCHEDULE, {"targetId": label_id, "subject": "Call", "dueDate": day(1)})
    assert errors(payload) == [(["input", "targetId"], "INVALID_ID")]
    assert await Activity.all().count() == 0


# --- the lead's next activity ----------------------------------------------------------------


async def test_next_activity_follows_the_earliest_not_done(account: Account) -> None:
    client = account.client
    lead = await make_lead(client)
    await assert_next(client, lead, None, "NONE")

    later = await schedule(client, lead["id"], "Later", day(10))
    await assert_next(client, lead, later, "PLANNED")

    sooner = await schedule(client, lead["id"], "Sooner", day(5))
    await assert_next(client, lead, sooner, "PLANNED")

    # Scheduling something after the current next one changes nothing.
    await schedule(client, lead["id"], "Much later", day(30))
    await assert_next(client, lead, sooner, "PLANNED")

    late = await schedule(client, lead["id"], "Forgotten", day(-2))
    await assert_next(client, lead, late, "OVERDUE")

    # Moving its due date past the others hands the place back to the sooner one.
    payload = await client.mutate(UPDATE, {"id": late["id"], "dueDate": day(20)})
    assert payload["userErrors"] == []
    await assert_next(client, lead, sooner, "PLANNED")

    due_today = await schedule(client, lead["id"], "Today", day(0))
    await assert_next(client, lead, due_today, "TODAY")

    await complete(client, due_today)
    await assert_next(client, lead, sooner, "PLANNED")

    await complete(client, sooner)
    await assert_next(client, lead, later, "PLANNED")

    # Reopened, it is the next one again.
    sooner = await complete(client, sooner, done=False)
    await assert_next(client, lead, sooner, "PLANNED")

    payload = await client.mutate(DELETE, {"id": sooner["id"]})
    assert payload == {"activity": None, "userErrors": []}
    await assert_next(client, lead, later, "PLANNED")

    for activity in await Activity.filter(done=False):
        await complete(client, {"id": to_global_id("Activity", activity.id)})
    await assert_next(client, lead, None, "NONE")


async def test_on_the_same_day_the_earlier_time_comes_first(account: Account) -> None:
    lead = await make_lead(account.client)
    afternoon = await schedule(account.client, lead["id"], "Afternoon", day(4), dueTime="15:00:00")
    morning = await schedule(account.client, lead["id"], "Morning", day(4), dueTime="09:15:00")
    await assert_next(account.client, lead, morning, "PLANNED")

    payload = await account.client.mutate(UPDATE, {"id": morning["id"], "dueTime": "16:00:00"})
    assert payload["userErrors"] == []
    await assert_next(account.client, lead, afternoon, "PLANNED")


async def test_next_activity_of_one_lead_leaves_the_others_alone(account: Account) -> None:
    first = await make_lead(account.client, "First")
    second = await make_lead(account.client, "Second")
    mine = await schedule(account.client, first["id"], "Call first", day(1))
    theirs = await schedule(account.client, second["id"], "Call second", day(2))

    await complete(account.client, mine)
    await assert_next(account.client, first, None, "NONE")
    await assert_next(account.client, second, theirs, "PLANNED")


# --- updateActivity --------------------------------------------------------------------------


async def test_update_changes_only_the_fields_given_and_logs_them(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(2), type="CALL", durationMinutes=15)

    payload = await account.client.mutate(UPDATE, {"id": activity["id"], "subject": "Call the CTO", "type": "MEETING"})
    assert payload["userErrors"] == []
    updated = payload["activity"]
    assert (updated["subject"], updated["type"], updated["dueDate"], updated["durationMinutes"]) == (
        "Call the CTO",
        "MEETING",
        day(2),
        15,
    )
    row = await Activity.get(id=key(activity["id"]))
    assert (row.subject, row.type, row.duration_minutes) == ("Call the CTO", ActivityType.MEETING, 15)
    entries = await ChangeLogEntry.filter(entity_type="activity", entity_id=str(row.id)).order_by("id")
    assert sorted((e.field, e.old_value, e.new_value) for e in entries) == [
        ("subject", '"Call"', '"Call the CTO"'),
        ("type", '"CALL"', '"MEETING"'),
    ]


async def test_update_refuses_bad_values_and_changes_nothing(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(2))
    for fields, expected in (
        ({"dueDate": None}, [(["input", "dueDate"], "REQUIRED")]),
        ({"subject": ""}, [(["input", "subject"], "REQUIRED")]),
        ({"subject": None}, [(["input", "subject"], "REQUIRED")]),
        ({"durationMinutes": 50000, "subject": "New"}, [(["input", "durationMinutes"], "INVALID")]),
    ):
        payload = await account.client.mutate(UPDATE, {"id": activity["id"]} | fields)
        assert payload["activity"] is None
        assert errors(payload) == expected, fields

    row = await Activity.get(id=key(activity["id"]))
    assert (row.subject, row.due_date, row.duration_minutes) == ("Call", today() + dt.timedelta(days=2), None)
    assert not await ChangeLogEntry.filter(entity_type="activity").exists()


async def test_another_companys_activity_is_not_found(account: Account, other_account: Account) -> None:
    lead = await make_lead(other_account.client)
    activity = await schedule(other_account.client, lead["id"], "Secret call", day(1))
    for query, input in (
        (UPDATE, {"id": activity["id"], "subject": "Hijacked"}),
        (COMPLETE, {"id": activity["id"]}),
        (DELETE, {"id": activity["id"]}),
    ):
        payload = await account.client.mutate(query, input)
        assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    row = await Activity.get(id=key(activity["id"]))
    assert (row.subject, row.done) == ("Secret call", False)


# --- completeActivity, deleteActivity and the change log -------------------------------------


async def test_completing_sets_and_clears_done_at(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(1))
    before = dt.datetime.now(dt.UTC)

    done = await complete(account.client, activity)
    assert done["done"] is True
    row = await Activity.get(id=key(activity["id"]))
    assert row.done is True
    assert row.done_at is not None and row.done_at >= before - dt.timedelta(seconds=1)
    assert dt.datetime.fromisoformat(done["doneAt"]) == row.done_at

    reopened = await complete(account.client, activity, done=False)
    assert (reopened["done"], reopened["doneAt"]) == (False, None)
    row = await Activity.get(id=key(activity["id"]))
    assert (row.done, row.done_at) == (False, None)


async def test_the_lead_change_log_tells_the_activity_story(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(1))
    await complete(account.client, activity)
    # Completing what is already done is no new event.
    await complete(account.client, activity)
    await complete(account.client, activity, done=False)
    await complete(account.client, activity, done=False)
    payload = await account.client.mutate(DELETE, {"id": activity["id"]})
    assert payload["userErrors"] == []
    assert not await Activity.exists(id=key(activity["id"]))

    assert await lead_actions(account.client, lead) == [
        ("ACTIVITY_SCHEDULED", None, "Call"),
        ("ACTIVITY_DONE", None, "Call"),
        ("ACTIVITY_REOPENED", None, "Call"),
        ("ACTIVITY_DELETED", "Call", None),
    ]
    actors = {
        e.actor_id
        for e in await ChangeLogEntry.filter(entity_type="lead", entity_id=lead["uuid"], action__startswith="ACTIVITY")
    }
    assert actors == {account.user_id}

    # Deleting it again finds nothing.
    payload = await account.client.mutate(DELETE, {"id": activity["id"]})
    assert errors(payload) == [(["input", "id"], "NOT_FOUND")]


# --- authentication --------------------------------------------------------------------------


async def test_unauthenticated_calls_write_nothing(account: Account) -> None:
    lead = await make_lead(account.client)
    activity = await schedule(account.client, lead["id"], "Call", day(1))
    revoked = Client(account.client.http, account.token)
    await revoke_token(account.token)
    before = await ChangeLogEntry.all().count()

    for client in (Client(account.client.http, None), revoked):
        for query, input in (
            (SCHEDULE, {"targetId": lead["id"], "subject": "Intruder", "dueDate": day(0)}),
            (UPDATE, {"id": activity["id"], "subject": "Intruder"}),
            (COMPLETE, {"id": activity["id"]}),
            (DELETE, {"id": activity["id"]}),
        ):
            body = await client.raw(query, {"input": input})
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

    rows = await Activity.all()
    assert [(a.subject, a.done) for a in rows] == [("Call", False)]
    assert (await Lead.get(id=uuid.UUID(lead["uuid"]))).next_activity_id == rows[0].id
    assert await ChangeLogEntry.all().count() == before
