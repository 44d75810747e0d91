"""The Leads Inbox list: `leads(first, after, filter, sort)` (SPEC §3.2, §3.3, §10.2): pages and
cursors, a lead's fields, the pinned statement count (the filters are in
tests/leads/test_lead_list_filters.py).

Pages are walked to the end and compared with the order computed in Python from the stored
rows; the detail fields of a lead are read through the list; and the number of SQL statements
of a page is pinned, whatever its size.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from typing import Any

import orjson
import pytest

from domain.accounts.account import create_team
from domain.activity.activity import set_done
from domain.activity.note import create_note
from domain.activity.target import Target
from domain.leads.bulk import delete_leads
from models import Email, EmailDirection, Lead, LeadSource, Role, User
from tests.conftest import Account, StatementCounter
from tests.factories.lead_list import (
    ADMIN_STATEMENTS,
    INBOX_SCREEN,
    INBOX_SCREEN_WITH_COUNT,
    LEAD_DETAILS,
    LEADS_PAGE,
    LEADS_PAGE_WITH_COUNT,
    REGULAR_STATEMENTS,
    SORT_FIELDS,
    TODAY,
    error_code,
    expected_order,
    labels_by_name,
    make_lead,
    schedule,
    seed_inbox,
    set_timestamps,
    sort_key,
    stored_leads,
    walk,
)

# --- Pagination --------------------------------------------------------------------------


async def test_default_page_size_is_50_and_first_bounds(account: Account, make_account: Any) -> None:
    team = await create_team(account.company_id, "Sales", [])
    ids = await seed_inbox(account.company_id, 55, [account.user_id], [team.id])

    page = (await account.client.execute(LEADS_PAGE))["leads"]
    assert len(page["edges"]) == 50
    assert page["pageInfo"]["hasNextPage"] is True

    page = (await account.client.execute(LEADS_PAGE, {"first": 500}))["leads"]
    assert sorted(uuid.UUID(e["node"]["uuid"]) for e in page["edges"]) == sorted(ids)
    assert page["pageInfo"]["hasNextPage"] is False

    page = (await account.client.execute(LEADS_PAGE, {"first": 0}))["leads"]
    assert page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize("first", [501, -1, 100_000])
async def test_page_size_out_of_range_is_refused(account: Account, first: int) -> None:
    await make_lead(await account.viewer(), title="Only one")
    body = await account.client.raw(LEADS_PAGE, {"first": first})
    assert error_code(body) == "INVALID_PAGE_SIZE"
    assert "500" in body["errors"][0]["message"]


async def test_empty_inbox(account: Account) -> None:
    page = (await account.client.execute(LEADS_PAGE_WITH_COUNT, {"first": 10}))["leads"]
    assert page == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


async def sort_dataset(account: Account, make_account: Any) -> None:
    """About thirty leads drawn from small pools, so that every sort column has ties and
    empty values: titles equal but for case, equal amounts written differently, shared
    timestamps, a user and a team whose names differ only in case, leads whose owner left."""
    viewer = await account.viewer()
    company_id = account.company_id
    bob = await make_account(company_id=company_id, name="bob builder", role=Role.REGULAR)
    gone = await make_account(company_id=company_id, name="Gone Soon", role=Role.REGULAR)
    team_a = await create_team(company_id, "Alpha Team", [bob.user_id])
    team_b = await create_team(company_id, "Bob Builder", [])
    labels = await labels_by_name(company_id)
    rng = random.Random(20240229)
    owners = [
        {"owner_user_id": account.user_id},
        {"owner_user_id": bob.user_id},
        {"owner_user_id": gone.user_id},
        {"owner_team_id": team_a.id},
        {"owner_team_id": team_b.id},
    ]
    label_sets = [[], ["Hot"], ["Warm"], ["Hot", "Cold"], ["Cold"], ["Warm", "Hot"]]
    created = dt.datetime(2024, 1, 5, 9, 30, tzinfo=dt.UTC)
    # Whole seconds among them: the text form of a timestamp without a fraction must still
    # sort in time order.
    created_pool = [created, created, created + dt.timedelta(microseconds=250_000), created + dt.timedelta(seconds=1)]
    updated_pool = [created + dt.timedelta(days=d, microseconds=m) for d, m in ((1, 0), (1, 0), (1, 1), (2, 999_999))]
    for i in range(30):
        person = rng.choice(["Xavier", "xavier", "Yvonne", "Ann", None, None])
        organization = rng.choice(["Org A", "org a", "Zeta", None])
        lead = await make_lead(
            viewer,
            title=rng.choice(["Alpha", "alpha", "Bravo", "charlie", "Charlie deal"]),
            person=person,
            organization=organization if organization or person else "Zeta",
            value=rng.choice([None, None, "5", "99.50", "100", "100.00", "1000"]),
            expected_close_date=rng.choice([None, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=30)]),
            label_ids=[labels[name].id for name in rng.choice(label_sets)],
            source=rng.choice([LeadSource.MANUAL, LeadSource.API, LeadSource.WEB_FORM, LeadSource.PROSPECTOR]),
            **rng.choice(owners),
        )
        plan = rng.choice([None, None, -2, 1, "done"])
        if plan == "done":
            await set_done(viewer, (await schedule(viewer, lead, f"Done {i}", -5)).id, True)
        elif plan is not None:
            await schedule(viewer, lead, f"Call {i}", int(plan))
        await set_timestamps([lead.id], created_at=rng.choice(created_pool), updated_at=rng.choice(updated_pool))
    # The owner leaves the company: their leads keep no owner and sort with the empty values.
    await User.filter(id=gone.user_id).delete()


async def check_stamps_kept() -> None:
    # The expected order relies on the timestamps set above; make sure nothing overwrote them.
    stamps = {lead.created_at for lead in await Lead.all()}
    assert dt.datetime(2024, 1, 5, 9, 30, tzinfo=dt.UTC) in stamps


@pytest.mark.parametrize("sort_field", SORT_FIELDS)
async def test_walking_every_page_returns_each_lead_once_in_order(
    account: Account, make_account: Any, sort_field: str
) -> None:
    await sort_dataset(account, make_account)
    await check_stamps_kept()
    rows = await stored_leads(account.company_id)
    assert len(rows) == 30
    for direction in ("ASC", "DESC"):
        expected = expected_order(rows, sort_field, direction)
        got = await walk(account, first=4, sort={"field": sort_field, "direction": direction})
        assert len(got) == len(set(got)) == 30
        assert got == expected, (sort_field, direction)


async def test_dataset_has_ties_and_empty_values_in_every_column(account: Account, make_account: Any) -> None:
    # Guards the test above: a column without ties or without empty values would not prove
    # the tie-breaking or the "empty last" rule.
    await sort_dataset(account, make_account)
    rows = await stored_leads(account.company_id)
    nullable = {"VALUE", "EXPECTED_CLOSE_DATE", "NEXT_ACTIVITY", "OWNER", "PERSON_NAME", "ORGANIZATION_NAME", "LABEL"}
    for sort_field in SORT_FIELDS:
        values = [sort_key(r, sort_field) for r in rows]
        filled = [v for v in values if v is not None]
        assert len(filled) > len(set(filled)), f"no ties in {sort_field}"
        assert (len(filled) < len(values)) is (sort_field in nullable), sort_field


async def test_default_sort_is_newest_first(account: Account) -> None:
    viewer = await account.viewer()
    old = await make_lead(viewer, title="Old")
    new = await make_lead(viewer, title="New")
    await set_timestamps([old.id], created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    await set_timestamps([new.id], created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert await walk(account) == [new.id, old.id]


@pytest.mark.parametrize("sort_field", ["TITLE", "PERSON_NAME"])
async def test_cursor_after_a_deleted_row_continues(account: Account, sort_field: str) -> None:
    viewer = await account.viewer()
    leads = []
    for title, person in [("A", "Pa"), ("B", None), ("C", "Pc"), ("D", None), ("E", "Pe"), ("F", None), ("G", None)]:
        leads.append(await make_lead(viewer, title=title, person=person, organization="Org"))
    sort = {"field": sort_field, "direction": "ASC"}
    expected = expected_order(await stored_leads(account.company_id), sort_field, "ASC")
    first = (await account.client.execute(LEADS_PAGE, {"first": 4, "sort": sort}))["leads"]
    assert [uuid.UUID(e["node"]["uuid"]) for e in first["edges"]] == expected[:4]
    # The row the cursor points at, and the next one, are deleted before the next request.
    await delete_leads(viewer, [expected[3], expected[4]])
    rest = (
        await account.client.execute(LEADS_PAGE, {"first": 4, "sort": sort, "after": first["pageInfo"]["endCursor"]})
    )["leads"]
    assert [uuid.UUID(e["node"]["uuid"]) for e in rest["edges"]] == expected[5:]
    assert rest["pageInfo"]["hasNextPage"] is False


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged(sort: str, key: list[Any], lead_id: list[Any]) -> str:
    return b64(orjson.dumps({"s": sort, "k": key, "i": lead_id}))


SOME_ID = str(uuid.uuid4())
GARBAGE_CURSORS = {
    "text": ("CREATED_AT", "DESC", "not a cursor"),
    "symbols": ("CREATED_AT", "DESC", "!!!***"),
    "binary": ("CREATED_AT", "DESC", b64(b"\xff\xfe\x00\x01")),
    "json list": ("CREATED_AT", "DESC", b64(b"[1, 2, 3]")),
    "missing id": ("CREATED_AT", "DESC", b64(orjson.dumps({"s": "CREATED_AT:DESC", "k": ["", 1]}))),
    "unknown tag": ("CREATED_AT", "DESC", forged("CREATED_AT:DESC", ["zz", "1"], ["u", SOME_ID])),
    "id not a uuid": ("TITLE", "ASC", forged("TITLE:ASC", ["", "a"], ["", "not-a-uuid"])),
    "id a number": ("TITLE", "ASC", forged("TITLE:ASC", ["", "a"], ["", 7])),
    "key a list": ("TITLE", "ASC", forged("TITLE:ASC", ["", [1, 2]], ["", SOME_ID])),
    "key an object": ("TITLE", "ASC", forged("TITLE:ASC", ["", {"a": 1}], ["", SOME_ID])),
    "text for a number": ("VALUE", "ASC", forged("VALUE:ASC", ["", "lots"], ["", SOME_ID])),
    "text for a date": ("EXPECTED_CLOSE_DATE", "ASC", forged("EXPECTED_CLOSE_DATE:ASC", ["", "soon"], ["", SOME_ID])),
    "number for a time": ("CREATED_AT", "DESC", forged("CREATED_AT:DESC", ["", 12], ["", SOME_ID])),
    "number for a text": ("TITLE", "DESC", forged("TITLE:DESC", ["", 12], ["", SOME_ID])),
    "bad date": ("EXPECTED_CLOSE_DATE", "ASC", forged("EXPECTED_CLOSE_DATE:ASC", ["d", "2024-13-45"], ["", SOME_ID])),
    "time without zone": ("CREATED_AT", "ASC", forged("CREATED_AT:ASC", ["dt", "2024-01-05T09:30:00"], ["", SOME_ID])),
    "infinite number": ("VALUE", "DESC", forged("VALUE:DESC", ["dec", "Infinity"], ["", SOME_ID])),
    "empty key, column never empty": ("TITLE", "ASC", forged("TITLE:ASC", ["", None], ["", SOME_ID])),
}


@pytest.mark.parametrize("case", list(GARBAGE_CURSORS))
async def test_garbage_cursor_is_a_clear_error(account: Account, case: str) -> None:
    sort_field, direction, cursor = GARBAGE_CURSORS[case]
    await make_lead(await account.viewer(), title="One", person="Pat")
    body = await account.client.raw(
        LEADS_PAGE, {"first": 5, "after": cursor, "sort": {"field": sort_field, "direction": direction}}
    )
    assert error_code(body) == "INVALID_CURSOR"


@pytest.mark.parametrize("other_sort", [("TITLE", "ASC"), ("CREATED_AT", "ASC"), ("VALUE", "DESC")])
async def test_cursor_for_another_sort_is_refused(account: Account, other_sort: tuple[str, str]) -> None:
    viewer = await account.viewer()
    for title in ("A", "B", "C"):
        await make_lead(viewer, title=title)
    page = (await account.client.execute(LEADS_PAGE, {"first": 1}))["leads"]
    cursor = page["pageInfo"]["endCursor"]
    body = await account.client.raw(
        LEADS_PAGE, {"first": 1, "after": cursor, "sort": {"field": other_sort[0], "direction": other_sort[1]}}
    )
    assert error_code(body) == "INVALID_CURSOR"
    assert "sort" in body["errors"][0]["message"]


# --- What a lead shows ------------------------------------------------------------------


async def test_lead_detail_fields(account: Account, make_account: Any) -> None:
    viewer = await account.viewer()
    bob = await make_account(company_id=account.company_id, name="Bob Builder", role=Role.REGULAR)
    team = await create_team(account.company_id, "Closers", [bob.user_id])
    labels = await labels_by_name(account.company_id)
    full = await make_lead(
        viewer,
        title="Full",
        person="Jane Roe",
        emails=["jane@roe.test"],
        phones=["+44 20 7946 0000"],
        organization="Roe Industries",
        owner_team_id=team.id,
        value="1234.50",
        currency="GBP",
        label_ids=[labels["Warm"].id, labels["Hot"].id],
    )
    bare = await make_lead(viewer, title="Org only", organization="Lonely Ltd", owner_user_id=bob.user_id)
    # A second person-linked lead of another organization must not leak its data into Full.
    await make_lead(viewer, title="Other", person="Someone Else", organization="Elsewhere")

    call = await schedule(viewer, full, "First call", -1)
    await schedule(viewer, full, "Demo", 2)
    await schedule(viewer, full, "Proposal", 5)
    await set_done(viewer, call.id, True)
    await create_note(viewer, Target("lead", full.id), "Met at the fair.")
    await create_note(viewer, Target("lead", full.id), "Ask @Bob Builder to follow up.")
    sent = dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)
    await Email.create(
        company_id=account.company_id,
        lead_id=full.id,
        from_address="anna@acme.test",
        to_addresses=["jane@roe.test"],
        subject="Hello",
        sent_at=sent,
    )
    await Email.create(
        company_id=account.company_id,
        lead_id=full.id,
        from_address="jane@roe.test",
        to_addresses=["anna@acme.test"],
        subject="Re: Hello",
        direction=EmailDirection.RECEIVED,
        sent_at=sent + dt.timedelta(hours=2),
    )

    nodes = (await account.client.execute(LEAD_DETAILS))["leads"]["nodes"]
    by_title = {n["title"]: n for n in nodes}
    got = by_title["Full"]
    assert got["uuid"] == str(full.id)
    assert got["value"] == {"amount": "1234.50", "currency": "GBP"}
    assert got["person"] == {
        "name": "Jane Roe",
        "primaryEmail": "jane@roe.test",
        "primaryPhone": "+44 20 7946 0000",
        # An inline person is placed in the lead's inline organization.
        "organization": {"name": "Roe Industries"},
    }
    assert got["organization"] == {"name": "Roe Industries"}
    assert got["owner"] == {"__typename": "Team", "name": "Closers"}
    assert [label["name"] for label in got["labels"]] == ["Hot", "Warm"]
    assert got["nextActivity"] == {"subject": "Demo", "dueDate": str(TODAY + dt.timedelta(days=2)), "done": False}
    assert got["activityStatus"] == "PLANNED"
    assert [n["content"] for n in got["notes"]] == ["Ask @Bob Builder to follow up.", "Met at the fair."]
    assert got["notes"][0]["mentions"] == [{"name": "Bob Builder"}]
    assert got["notes"][1]["mentions"] == []
    assert {n["author"]["name"] for n in got["notes"]} == {"Anna Admin"}
    assert [(a["subject"], a["done"]) for a in got["activities"]] == [
        ("Demo", False),
        ("Proposal", False),
        ("First call", True),
    ]
    assert got["doneOnly"] == [{"subject": "First call"}]
    assert [e["subject"] for e in got["emails"]] == ["Re: Hello", "Hello"]
    assert got["emails"][0]["direction"] == "RECEIVED"
    assert got["emails"][1]["toAddresses"] == ["jane@roe.test"]
    actions = [e["action"] for e in got["changeLog"]]
    assert actions == [
        "NOTE_ADDED",
        "NOTE_ADDED",
        "ACTIVITY_DONE",
        "ACTIVITY_SCHEDULED",
        "ACTIVITY_SCHEDULED",
        "ACTIVITY_SCHEDULED",
        "CREATED",
    ]
    done = got["changeLog"][2]
    assert done["newValue"] == "First call"
    assert done["actor"] == {"name": "Anna Admin"}
    assert got["changeLog"][-1]["newValue"] == "MANUAL"

    plain = by_title["Org only"]
    assert plain["person"] is None
    assert plain["organization"] == {"name": "Lonely Ltd"}
    assert plain["owner"] == {"__typename": "User", "name": "Bob Builder"}
    assert plain["labels"] == []
    assert plain["nextActivity"] is None
    assert plain["activityStatus"] == "NONE"
    assert plain["notes"] == plain["activities"] == plain["emails"] == []
    assert [e["action"] for e in plain["changeLog"]] == ["CREATED"]
    assert (await Lead.get(id=bare.id)).owner_user_id == bob.user_id


async def test_activity_status(account: Account) -> None:
    viewer = await account.viewer()
    none = await make_lead(viewer, title="None")
    planned = await make_lead(viewer, title="Planned")
    today = await make_lead(viewer, title="Today")
    overdue = await make_lead(viewer, title="Overdue")
    done = await make_lead(viewer, title="Done")
    await schedule(viewer, planned, "Tomorrow", 1)
    await schedule(viewer, today, "All day today", 0)
    await schedule(viewer, today, "Tomorrow too", 1)
    await schedule(viewer, overdue, "Tomorrow", 1)
    await schedule(viewer, overdue, "Yesterday", -1)
    await set_done(viewer, (await schedule(viewer, done, "Yesterday, done", -1)).id, True)

    nodes = (await account.client.execute(LEAD_DETAILS))["leads"]["nodes"]
    got = {n["title"]: (n["activityStatus"], (n["nextActivity"] or {}).get("subject")) for n in nodes}
    assert got == {
        "None": ("NONE", None),
        "Planned": ("PLANNED", "Tomorrow"),
        "Today": ("TODAY", "All day today"),
        "Overdue": ("OVERDUE", "Yesterday"),
        "Done": ("NONE", None),
    }
    stored = await Lead.get(id=overdue.id)
    assert stored.next_activity_date == TODAY - dt.timedelta(days=1)
    assert (await Lead.get(id=none.id)).next_activity_id is None


async def test_the_inbox_sorts_by_activity_status(account: Account) -> None:
    """Planned, due today, overdue (DESC: the other way round); no activity last either way.
    An activity due earlier today is overdue in the sort as in the column."""
    viewer = await account.viewer()
    leads = {title: await make_lead(viewer, title=title) for title in ("None", "Planned", "Today", "Late", "Overdue")}
    await schedule(viewer, leads["Planned"], "Tomorrow", 1)
    await schedule(viewer, leads["Today"], "All day today", 0)
    await schedule(viewer, leads["Late"], "At midnight", 0, due_time=dt.time(0, 0))
    await schedule(viewer, leads["Overdue"], "Yesterday", -1)
    statuses = {n["title"]: n["activityStatus"] for n in (await account.client.execute(LEAD_DETAILS))["leads"]["nodes"]}
    assert statuses == {"None": "NONE", "Planned": "PLANNED", "Today": "TODAY", "Late": "OVERDUE", "Overdue": "OVERDUE"}
    by_id = {lead.id: title for title, lead in leads.items()}
    overdue = sorted(["Late", "Overdue"], key=lambda t: str(leads[t].id))
    for direction, expected in (
        ("ASC", ["Planned", "Today", *overdue, "None"]),
        ("DESC", [*overdue[::-1], "Today", "Planned", "None"]),
    ):
        for sort in (
            {"field": "ACTIVITY_STATUS", "direction": direction},
            {"column": "lead.activityStatus", "direction": direction},
        ):
            walked = await walk(account, first=2, sort=sort)
            assert [by_id[i] for i in walked] == expected, sort


# --- The pinned statement count ----------------------------------------------------------


async def inbox_company(account: Account, make_account: Any) -> Account:
    """200 leads of distinct persons, organizations, labels, activities and owners (users and
    teams); returns a regular user of the same company, member of one of the teams."""
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    users = [account.user_id, regular.user_id]
    for i in range(8):
        users.append((await make_account(company_id=account.company_id, name=f"Seller {i}", role=Role.REGULAR)).user_id)
    teams = [(await create_team(account.company_id, f"Team {i}", [users[i]])).id for i in range(1, 6)]
    await seed_inbox(account.company_id, 200, users, teams)
    return regular


def check_inbox_page(page: dict[str, Any], size: int) -> None:
    """The page really holds what the benchmark claims to load."""
    nodes = [e["node"] for e in page["edges"]]
    assert len(nodes) == size
    assert all(n["person"]["organization"]["name"] and n["person"]["primaryEmail"] for n in nodes)
    assert all(n["organization"]["name"] and len(n["labels"]) == 1 and n["nextActivity"] for n in nodes)
    assert {n["owner"]["__typename"] for n in nodes} == {"User", "Team"}
    assert {n["activityStatus"] for n in nodes} <= {"OVERDUE", "TODAY", "PLANNED"}
    assert len({n["person"]["name"] for n in nodes}) == size


@pytest.mark.parametrize("who", ["admin", "regular"])
async def test_inbox_page_costs_the_same_statements_for_5_and_200_rows(
    account: Account, make_account: Any, count_statements: StatementCounter, who: str
) -> None:
    regular = await inbox_company(account, make_account)
    client = (account if who == "admin" else regular).client
    pinned = ADMIN_STATEMENTS if who == "admin" else REGULAR_STATEMENTS
    for size in (5, 200):
        count_statements.statements.clear()
        page = (await client.execute(INBOX_SCREEN, {"first": size}))["leads"]
        check_inbox_page(page, size)
        assert count_statements.count == pinned, (size, count_statements.statements)
        # The count is computed only when asked for.
        assert not any("count(" in s.lower() for s in count_statements.statements)


@pytest.mark.parametrize("who", ["admin", "regular"])
async def test_total_count_costs_exactly_one_statement(
    account: Account, make_account: Any, count_statements: StatementCounter, who: str
) -> None:
    regular = await inbox_company(account, make_account)
    client = (account if who == "admin" else regular).client
    pinned = ADMIN_STATEMENTS if who == "admin" else REGULAR_STATEMENTS
    for size in (5, 200):
        count_statements.statements.clear()
        page = (await client.execute(INBOX_SCREEN_WITH_COUNT, {"first": size}))["leads"]
        check_inbox_page(page, size)
        assert page["totalCount"] == 200
        assert count_statements.count == pinned + 1, (size, count_statements.statements)
        assert sum("count(" in s.lower() for s in count_statements.statements) == 1
