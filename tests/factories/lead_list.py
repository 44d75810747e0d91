"""Factories, documents and reference computations for the inbox list's tests (tests/leads/test_lead_list*.py
and the tests that walk the same pages); no tests here.

The factories go through the domain functions, as the app does, except where a test needs
many rows quickly or needs to set what no client can set (timestamps): there they write the
models directly and say so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.ids import to_global_id
from domain.activity.activity import ActivityData, create_activity
from domain.activity.target import Target
from domain.contacts.duplicate import DuplicatePolicy
from domain.contacts.organization import OrganizationData
from domain.contacts.person import ContactValue, PersonData
from domain.fold import fill_keys, fold_key
from domain.leads.lead import LeadData, create_lead
from domain.next_activity import refresh_next_activity
from domain.viewer import Viewer
from models import (
    Activity,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
    Team,
    User,
    Visibility,
)
from tests.conftest import Account

TODAY = dt.datetime.now(dt.UTC).date()


async def make_lead(
    viewer: Viewer,
    *,
    title: str | None = None,
    person: str | None = None,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    organization: str | None = None,
    owner_user_id: int | None = None,
    owner_team_id: int | None = None,
    value: str | None = None,
    currency: str = "EUR",
    expected_close_date: dt.date | None = None,
    label_ids: list[int] | None = None,
    source: LeadSource = LeadSource.MANUAL,
    visibility: Visibility | None = None,
) -> Lead:
    """A lead with an inline person and/or organization, as `createLead` makes one."""
    if person is None and organization is None:
        organization = f"Org of {title}"
    data = LeadData(
        title=title,
        person=PersonData(
            name=person,
            emails=[ContactValue(e) for e in emails or []],
            phones=[ContactValue(p) for p in phones or []],
        )
        if person is not None
        else None,
        organization=OrganizationData(name=organization) if organization is not None else None,
        owner_user_id=owner_user_id,
        owner_team_id=owner_team_id,
        value_amount=Decimal(value) if value is not None else None,
        value_currency=currency if value is not None else None,
        expected_close_date=expected_close_date,
        label_ids=label_ids or [],
        visibility=visibility,
        # The data set has namesakes on purpose (ties for every sort).
        duplicates=DuplicatePolicy.create_all(),
    )
    return await create_lead(viewer, data, source)


async def schedule(viewer: Viewer, lead: Lead, subject: str, due_in_days: int, **extra: Any) -> Activity:
    """An activity on a lead, due ``due_in_days`` from today (negative: in the past)."""
    return await create_activity(
        viewer,
        Target("lead", lead.id),
        ActivityData(subject=subject, due_date=TODAY + dt.timedelta(days=due_in_days), **extra),
    )


async def labels_by_name(company_id: int) -> dict[str, LeadLabel]:
    return {label.name: label for label in await LeadLabel.filter(company_id=company_id)}


async def set_timestamps(lead_ids: list[uuid.UUID], **stamps: dt.datetime) -> None:
    """Set created_at / updated_at directly: no API lets a client choose them."""
    await Lead.filter(id__in=lead_ids).update(**stamps)


# --- The order a sorted list must have, computed in Python from the stored rows ----------


@dataclass
class StoredLead:
    lead: Lead
    person: str | None
    organization: str | None
    owner: str | None
    labels: list[str] = field(default_factory=list)


async def stored_leads(company_id: int, *, archived: bool = False) -> list[StoredLead]:
    leads = await Lead.filter(company_id=company_id, is_archived=archived)
    persons = {p.id: p.name for p in await Person.filter(company_id=company_id)}
    orgs = {o.id: o.name for o in await Organization.filter(company_id=company_id)}
    users = {u.id: u.name for u in await User.filter(company_id=company_id)}
    teams = {t.id: t.name for t in await Team.filter(company_id=company_id)}
    labels: dict[uuid.UUID, list[str]] = defaultdict(list)
    for lead_id, name in await LeadLabelLink.filter(label__company_id=company_id).values_list("lead_id", "label__name"):
        labels[uuid.UUID(str(lead_id))].append(name)
    out = []
    for lead in leads:
        owner = None
        if lead.owner_user_id is not None:
            owner = users[lead.owner_user_id]
        elif lead.owner_team_id is not None:
            owner = teams[lead.owner_team_id]
        out.append(
            StoredLead(
                lead=lead,
                person=persons.get(lead.person_id) if lead.person_id else None,
                organization=orgs.get(lead.organization_id) if lead.organization_id else None,
                owner=owner,
                labels=labels[lead.id],
            )
        )
    return out


def _lower(value: str | None) -> str | None:
    """A text as the list sorts it: its folded key (domain.fold); None for none."""
    return fold_key(value) if value is not None else None


def sort_key(row: StoredLead, sort_field: str) -> Any:
    """What the list sorts on for one field; None for an empty value."""
    lead = row.lead
    return {
        "TITLE": lambda: fold_key(lead.title),
        "CREATED_AT": lambda: lead.created_at,
        "UPDATED_AT": lambda: lead.updated_at,
        "VALUE": lambda: Decimal(lead.value_amount) if lead.value_amount is not None else None,
        "EXPECTED_CLOSE_DATE": lambda: lead.expected_close_date,
        "NEXT_ACTIVITY": lambda: lead.next_activity_date,
        "SOURCE": lambda: lead.source.value,
        "OWNER": lambda: _lower(row.owner),
        "PERSON_NAME": lambda: _lower(row.person),
        "ORGANIZATION_NAME": lambda: _lower(row.organization),
        "LABEL": lambda: min(fold_key(name) for name in row.labels) if row.labels else None,
    }[sort_field]()


def expected_order(rows: list[StoredLead], sort_field: str, direction: str) -> list[uuid.UUID]:
    """Values in the direction asked, ties by id in the same direction, empty values last.

    Lead ids compare as their canonical text, which is how both backends order UUIDs.
    """
    descending = direction == "DESC"
    keyed = [(sort_key(r, sort_field), str(r.lead.id), r.lead.id) for r in rows]
    filled = sorted((k for k in keyed if k[0] is not None), key=lambda k: (k[0], k[1]), reverse=descending)
    empty = sorted((k for k in keyed if k[0] is None), key=lambda k: k[1], reverse=descending)
    return [k[2] for k in filled + empty]


# --- Many leads at once, for the statement-count benchmark -------------------------------


async def seed_inbox(company_id: int, count: int, user_ids: list[int], team_ids: list[int]) -> list[uuid.UUID]:
    """``count`` leads, each with its own person (with an email and an organization), its own
    organization, its own label and its own planned activity; owners alternate between the
    given users and teams so that every window of rows holds both kinds.

    Written with bulk_create: going through create_lead 200 times would make the test slow
    without testing anything more.
    """
    tag = uuid.uuid4().hex[:6]
    await Organization.bulk_create(
        [fill_keys(Organization(company_id=company_id, name=f"{tag} Org {i:03}")) for i in range(count * 2)]
    )
    org_ids = dict(await Organization.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))
    await Person.bulk_create(
        [
            fill_keys(
                Person(
                    company_id=company_id,
                    name=f"{tag} Person {i:03}",
                    emails=[{"value": f"p{i}@{tag}.test", "label": "work", "primary": True}],
                    email_search=f"p{i}@{tag}.test",
                    organization_id=org_ids[f"{tag} Org {count + i:03}"],
                )
            )
            for i in range(count)
        ]
    )
    person_ids = dict(await Person.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))
    await LeadLabel.bulk_create(
        [fill_keys(LeadLabel(company_id=company_id, name=f"{tag} Label {i:03}", color="red")) for i in range(count)]
    )
    label_ids = dict(await LeadLabel.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))
    lead_ids = [uuid.uuid4() for _ in range(count)]
    await Lead.bulk_create(
        [
            fill_keys(
                Lead(
                    id=lead_id,
                    company_id=company_id,
                    title=f"{tag} Lead {i:03}",
                    person_id=person_ids[f"{tag} Person {i:03}"],
                    organization_id=org_ids[f"{tag} Org {i:03}"],
                    owner_user_id=user_ids[i // 2 % len(user_ids)] if i % 2 == 0 else None,
                    owner_team_id=team_ids[i // 2 % len(team_ids)] if i % 2 == 1 else None,
                    source=LeadSource.MANUAL,
                )
            )
            for i, lead_id in enumerate(lead_ids)
        ]
    )
    await LeadLabelLink.bulk_create(
        [
            LeadLabelLink(lead_id=lead_id, label_id=label_ids[f"{tag} Label {i:03}"])
            for i, lead_id in enumerate(lead_ids)
        ]
    )
    await Activity.bulk_create(
        [
            Activity(
                company_id=company_id,
                lead_id=lead_id,
                subject=f"Call {i:03}",
                due_date=TODAY + dt.timedelta(days=i % 3 - 1),
            )
            for i, lead_id in enumerate(lead_ids)
        ]
    )
    await refresh_next_activity(lead_ids)
    return lead_ids


SORT_FIELDS = [
    "TITLE",
    "CREATED_AT",
    "UPDATED_AT",
    "VALUE",
    "EXPECTED_CLOSE_DATE",
    "NEXT_ACTIVITY",
    "SOURCE",
    "OWNER",
    "PERSON_NAME",
    "ORGANIZATION_NAME",
    "LABEL",
]
# ACTIVITY_STATUS depends on the clock: test_the_inbox_sorts_by_activity_status covers it.

LEADS_PAGE = """
query Leads($first: Int, $after: String, $filter: LeadFilter, $sort: LeadSort) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { uuid title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

LEADS_PAGE_WITH_COUNT = """
query Leads($first: Int, $after: String, $filter: LeadFilter, $sort: LeadSort) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount
    edges { cursor node { uuid title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

LEAD_DETAILS = """
query Details($filter: LeadFilter) {
  leads(first: 50, filter: $filter, sort: {field: TITLE, direction: ASC}) {
    nodes {
      uuid
      title
      value { amount currency }
      person { name primaryEmail primaryPhone organization { name } }
      organization { name }
      owner { __typename ... on User { name } ... on Team { name } }
      labels { name color }
      nextActivity { subject dueDate done }
      activityStatus
      notes { content author { name } mentions { name } }
      activities { subject dueDate done }
      doneOnly: activities(done: true) { subject }
      emails { subject fromAddress toAddresses direction sentAt }
      changeLog { action field oldValue newValue actor { name } }
    }
  }
}
"""

# What an inbox screen asks for: the benchmark of the pinned statement count.
INBOX_SCREEN = """
query Inbox($first: Int!) {
  leads(first: $first) {
    edges {
      cursor
      node {
        title
        person { name primaryEmail organization { name } }
        organization { name }
        owner { __typename ... on User { name } ... on Team { name } }
        labels { name }
        nextActivity { subject }
        activityStatus
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

INBOX_SCREEN_WITH_COUNT = INBOX_SCREEN.replace("leads(first: $first) {", "leads(first: $first) {\n    totalCount")

# The statements a page of INBOX_SCREEN costs, whatever its size: authenticate the token,
# the page, then one batched query each for persons, the leads' organizations, owner users,
# owner teams, labels and next activities (activityStatus reuses nextActivity's), and one
# more for the persons' organizations, which are only known once the persons are loaded.
ADMIN_STATEMENTS = 9
# A regular user's teams, for the visibility rules, come with the token (domain.viewer.authenticate).
REGULAR_STATEMENTS = ADMIN_STATEMENTS


def gid(type_name: str, key: object) -> str:
    return to_global_id(type_name, key)


async def walk(
    account: Account,
    *,
    first: int = 3,
    sort: dict[str, str] | None = None,
    filter: dict[str, Any] | None = None,
) -> list[uuid.UUID]:
    """Every lead of a list, page by page, checking each page's pageInfo on the way."""
    seen: list[uuid.UUID] = []
    after: str | None = None
    for _ in range(1000):
        variables = {"first": first, "after": after, "sort": sort, "filter": filter}
        page = (await account.client.execute(LEADS_PAGE, variables))["leads"]
        edges, info = page["edges"], page["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        if edges:
            assert info["startCursor"] == edges[0]["cursor"]
            assert info["endCursor"] == edges[-1]["cursor"]
        else:
            assert info["startCursor"] is None and info["endCursor"] is None
        seen += [uuid.UUID(e["node"]["uuid"]) for e in edges]
        if not info["hasNextPage"]:
            assert len(edges) <= first
            return seen
        assert len(edges) == first
        after = info["endCursor"]
    raise AssertionError("the list never ended")


def error_code(body: dict[str, Any]) -> str:
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["message"] != "Internal error.", error
    code: str = error["extensions"]["code"]
    return code
