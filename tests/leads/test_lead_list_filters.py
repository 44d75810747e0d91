"""The Leads Inbox list's filters (SPEC §3.2): quick, predefined and free-text filters, checked
against hand-made inboxes, with the counts and the visibility they keep.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from domain.accounts.account import create_team
from domain.activity.activity import set_done
from domain.leads.lead import set_archived
from models import Lead, LeadSource, Role, Visibility
from tests.conftest import Account
from tests.factories.lead_list import (
    LEADS_PAGE,
    LEADS_PAGE_WITH_COUNT,
    error_code,
    gid,
    labels_by_name,
    make_lead,
    schedule,
    set_timestamps,
    walk,
)

# --- Filters -----------------------------------------------------------------------------


async def filter_dataset(account: Account, make_account: Any, other_account: Account) -> dict[str, Any]:
    """A small inbox where each filter picks a known set of leads; returns leads and ids by name."""
    viewer = await account.viewer()
    company_id = account.company_id
    bob = await make_account(company_id=company_id, name="Bob Seller", role=Role.REGULAR)
    carl = await make_account(company_id=company_id, name="Carl Support", role=Role.REGULAR)
    sales = await create_team(company_id, "Sales Team", [bob.user_id])
    support = await create_team(company_id, "Support Team", [carl.user_id])
    labels = await labels_by_name(company_id)
    leads = {
        "acme": await make_lead(
            viewer,
            title="ACME deal",
            person="Jane Roe",
            emails=["Jane@Roe.test"],
            phones=["+1 (555) 010-2030"],
            value="100",
            label_ids=[labels["Hot"].id],
        ),
        "beta": await make_lead(
            viewer,
            title="Beta",
            organization="Initech",
            owner_user_id=bob.user_id,
            label_ids=[labels["Warm"].id, labels["Cold"].id],
            source=LeadSource.API,
        ),
        "gamma": await make_lead(
            viewer,
            title="Gamma",
            person="John Smith",
            phones=["555-0199"],
            organization="Globex Corp",
            owner_team_id=sales.id,
            source=LeadSource.WEB_FORM,
        ),
        "delta": await make_lead(
            viewer,
            title="Delta",
            person="Mary Major",
            emails=["mary@major.test"],
            owner_user_id=carl.user_id,
            value="5",
            label_ids=[labels["Cold"].id],
            source=LeadSource.PROSPECTOR,
        ),
        "archived": await make_lead(viewer, title="Epsilon", person="Arch Ived", label_ids=[labels["Hot"].id]),
        "percent": await make_lead(
            viewer, title="100% sure_thing", organization="Percent Co", owner_team_id=support.id
        ),
        "words": await make_lead(viewer, title="100 percent surexthing", organization="Words Ltd"),
        "private": await make_lead(viewer, title="Private", organization="Hidden Co", visibility=Visibility.OWNER),
    }
    await set_archived(viewer, [leads["archived"].id], True)
    await set_done(viewer, (await schedule(viewer, leads["acme"], "Intro call", -3)).id, True)
    await schedule(viewer, leads["beta"], "Demo", 2)
    # Another company's lead that would match most filters: it must never show up.
    await make_lead(await other_account.viewer(), title="ACME deal", person="Jane Roe", emails=["jane@roe.test"])
    return {"leads": leads, "bob": bob, "carl": carl, "sales": sales, "support": support, "labels": labels}


def ids(data: dict[str, Any], *names: str) -> set[uuid.UUID]:
    return {data["leads"][n].id for n in names}


ACTIVE = ("acme", "beta", "gamma", "delta", "percent", "words", "private")


async def test_active_and_archived_lists(account: Account, make_account: Any, other_account: Account) -> None:
    data = await filter_dataset(account, make_account, other_account)
    assert set(await walk(account)) == ids(data, *ACTIVE)
    assert set(await walk(account, filter={"archived": True})) == ids(data, "archived")
    assert set(await walk(account, filter={"archived": False})) == ids(data, *ACTIVE)
    # The archive keeps the lead as it was: stored row says so too.
    stored = await Lead.get(id=data["leads"]["archived"].id)
    assert stored.is_archived and stored.archived_at is not None


async def test_quick_filters(account: Account, make_account: Any, other_account: Account) -> None:
    data = await filter_dataset(account, make_account, other_account)
    labels = data["labels"]
    cases: list[tuple[dict[str, Any], set[uuid.UUID]]] = [
        ({"sources": ["API", "WEB_FORM"]}, ids(data, "beta", "gamma")),
        ({"sources": ["MANUAL"]}, ids(data, "acme", "percent", "words", "private")),
        ({"sources": ["CHATBOT"]}, set()),
        # Any of the labels; the archived lead carrying Hot stays out of the active list.
        (
            {"labelIds": [gid("LeadLabel", labels["Warm"].id), gid("LeadLabel", labels["Cold"].id)]},
            ids(data, "beta", "delta"),
        ),
        ({"labelIds": [gid("LeadLabel", labels["Hot"].id)]}, ids(data, "acme")),
        ({"labelIds": [gid("LeadLabel", labels["Hot"].id)], "archived": True}, ids(data, "archived")),
        ({"ownerIds": [gid("User", data["bob"].user_id)]}, ids(data, "beta")),
        (
            {"ownerIds": [gid("User", data["bob"].user_id), gid("User", data["carl"].user_id)]},
            ids(data, "beta", "delta"),
        ),
        # A team stands for the leads it owns and those of its members.
        ({"teamIds": [gid("Team", data["sales"].id)]}, ids(data, "gamma", "beta")),
        ({"teamIds": [gid("Team", data["support"].id)]}, ids(data, "percent", "delta")),
        (
            {"teamIds": [gid("Team", data["sales"].id), gid("Team", data["support"].id)]},
            ids(data, "gamma", "beta", "percent", "delta"),
        ),
        # Quick filters combine with AND.
        ({"sources": ["API"], "labelIds": [gid("LeadLabel", labels["Cold"].id)]}, ids(data, "beta")),
        ({"sources": ["PROSPECTOR"], "teamIds": [gid("Team", data["sales"].id)]}, set()),
    ]
    for filter, expected in cases:
        assert set(await walk(account, first=2, filter=filter)) == expected, filter


async def test_another_companys_label_team_or_owner_is_not_found(
    account: Account, make_account: Any, other_account: Account
) -> None:
    """Another company's id answers exactly as an id that exists nowhere: NOT_FOUND naming the
    filter field (it used to find nothing, silently)."""
    data = await filter_dataset(account, make_account, other_account)
    theirs = await labels_by_name(other_account.company_id)
    their_team = await create_team(other_account.company_id, "Their Team", [other_account.user_id])
    mine = data["labels"]["Hot"].id
    for field, foreign, unknown in (
        ("labelIds", gid("LeadLabel", theirs["Hot"].id), gid("LeadLabel", 987654)),
        ("teamIds", gid("Team", their_team.id), gid("Team", 987654)),
        ("ownerIds", gid("User", other_account.user_id), gid("User", 987654)),
    ):
        answers = []
        for ids in ([foreign], [unknown]):
            body = await account.client.raw(LEADS_PAGE, {"first": 3, "filter": {field: ids}})
            assert error_code(body) == "NOT_FOUND"
            answers.append(body["errors"][0]["message"])
        assert answers[0] == answers[1] == f"{field}: 1 {field[:-3].replace('owner', 'user')} id(s) not found."
    # One of the company's own ids beside a foreign one does not let the foreign one through.
    body = await account.client.raw(
        LEADS_PAGE, {"first": 3, "filter": {"labelIds": [gid("LeadLabel", mine), gid("LeadLabel", theirs["Hot"].id)]}}
    )
    assert error_code(body) == "NOT_FOUND"
    assert await walk(account, filter={"labelIds": [gid("LeadLabel", mine)]}) == [data["leads"]["acme"].id]


PREDEFINED_CASES: dict[str, tuple[str, ...]] = {
    "ADDED_MORE_THAN_THREE_MONTHS_AGO": ("acme",),
    "WITH_LINKED_PERSON": ("acme", "gamma", "delta"),
    "WITH_EMAIL": ("acme", "delta"),
    "WITHOUT_ACTIVITY": ("gamma", "delta", "percent", "words", "private"),
    "WITH_PHONE": ("acme", "gamma"),
    "WITH_SCHEDULED_ACTIVITY": ("beta",),
    "WITH_VALUE": ("acme", "delta"),
}


async def age_leads(data: dict[str, Any]) -> None:
    now = dt.datetime.now(dt.UTC)
    # 100 days is more than any three calendar months; 80 days is less than any.
    await set_timestamps([data["leads"]["acme"].id], created_at=now - dt.timedelta(days=100))
    await set_timestamps([data["leads"]["beta"].id], created_at=now - dt.timedelta(days=80))


@pytest.mark.parametrize("predefined", list(PREDEFINED_CASES))
async def test_each_predefined_filter(
    account: Account, make_account: Any, other_account: Account, predefined: str
) -> None:
    data = await filter_dataset(account, make_account, other_account)
    await age_leads(data)
    got = await walk(account, first=2, filter={"predefined": [predefined]})
    assert set(got) == ids(data, *PREDEFINED_CASES[predefined])
    assert len(got) == len(set(got))


async def test_predefined_filters_combine_with_and(account: Account, make_account: Any, other_account: Account) -> None:
    data = await filter_dataset(account, make_account, other_account)
    await age_leads(data)
    cases: list[tuple[dict[str, Any], set[uuid.UUID]]] = [
        ({"predefined": ["WITH_EMAIL", "WITH_VALUE"]}, ids(data, "acme", "delta")),
        ({"predefined": ["WITH_LINKED_PERSON", "WITHOUT_ACTIVITY"]}, ids(data, "gamma", "delta")),
        ({"predefined": ["WITH_PHONE", "WITHOUT_ACTIVITY"]}, ids(data, "gamma")),
        ({"predefined": ["WITH_SCHEDULED_ACTIVITY", "WITH_VALUE"]}, set()),
        ({"predefined": ["ADDED_MORE_THAN_THREE_MONTHS_AGO", "WITH_EMAIL", "WITH_PHONE"]}, ids(data, "acme")),
        ({"predefined": ["WITH_EMAIL", "WITH_EMAIL"]}, ids(data, "acme", "delta")),
        ({"predefined": ["WITH_EMAIL"], "sources": ["PROSPECTOR"]}, ids(data, "delta")),
        ({"predefined": ["WITH_VALUE"], "search": "roe"}, ids(data, "acme")),
        (
            {"predefined": ["WITHOUT_ACTIVITY"], "teamIds": [gid("Team", data["support"].id)]},
            ids(data, "percent", "delta"),
        ),
    ]
    for filter, expected in cases:
        assert set(await walk(account, first=2, filter=filter)) == expected, filter


SEARCH_CASES: dict[str, tuple[str, ...]] = {
    "acme": ("acme",),  # title, whatever the case
    "JANE r": ("acme",),  # person name
    "initech": ("beta",),  # organization name
    "GLOBEX": ("gamma",),  # organization name; the other company's lead stays out
    "roe.test": ("acme",),  # email, stored in mixed case
    "MARY@MAJOR": ("delta",),
    "555 010": ("acme",),  # phone digits, whatever the punctuation
    "(555) 0199": ("gamma",),
    "+1 555-010": ("acme",),
    # Digits inside a word are not a phone number: no lead matches by phone.
    "gamma-0199": (),
    "x555y010": (),
    # Too few digits to be a phone number, though they are in one.
    "0199": (),
    "100%": ("percent",),  # % is a character, not a wildcard
    "%": ("percent",),
    "e_t": ("percent",),  # _ is a character: "surexthing" does not match
    "_": ("percent",),
    "100": ("percent", "words"),
    "  beta  ": ("beta",),
    "   ": ACTIVE,
    "nothing like it": (),
}


@pytest.mark.parametrize("search", list(SEARCH_CASES))
async def test_free_text_search(account: Account, make_account: Any, other_account: Account, search: str) -> None:
    data = await filter_dataset(account, make_account, other_account)
    assert set(await walk(account, first=2, filter={"search": search})) == ids(data, *SEARCH_CASES[search])


async def test_search_in_the_archive(account: Account, make_account: Any, other_account: Account) -> None:
    data = await filter_dataset(account, make_account, other_account)
    assert set(await walk(account, filter={"search": "ived", "archived": True})) == ids(data, "archived")
    assert await walk(account, filter={"search": "ived"}) == []


COUNTED_FILTERS: dict[str, Any] = {
    "active": lambda data: {},
    "archived": lambda data: {"archived": True},
    "search": lambda data: {"search": "100"},
    "predefined": lambda data: {"predefined": ["WITHOUT_ACTIVITY"]},
    "sources": lambda data: {"sources": ["MANUAL", "API"]},
    "team": lambda data: {"teamIds": [gid("Team", data["sales"].id)]},
    "label and source": lambda data: {"labelIds": [gid("LeadLabel", data["labels"]["Cold"].id)], "sources": ["API"]},
}


@pytest.mark.parametrize("name", list(COUNTED_FILTERS))
async def test_total_count_matches_the_rows_walked(
    account: Account, make_account: Any, other_account: Account, name: str
) -> None:
    data = await filter_dataset(account, make_account, other_account)
    filter = COUNTED_FILTERS[name](data)
    walked = await walk(account, first=2, filter=filter)
    assert walked
    # Whatever the page size, the count is of the whole filtered list.
    for first in (0, 1, 50):
        page = (await account.client.execute(LEADS_PAGE_WITH_COUNT, {"first": first, "filter": filter}))["leads"]
        assert page["totalCount"] == len(walked)


async def test_regular_user_sees_only_what_visibility_allows(
    account: Account, make_account: Any, other_account: Account
) -> None:
    data = await filter_dataset(account, make_account, other_account)
    carl: Account = data["carl"]
    everything = ids(data, *ACTIVE)
    assert set(await walk(account)) == everything
    visible = everything - ids(data, "private")
    assert set(await walk(carl, first=2)) == visible
    page = (await carl.client.execute(LEADS_PAGE_WITH_COUNT, {"first": 1}))["leads"]
    assert page["totalCount"] == len(visible)
