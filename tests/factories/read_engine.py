"""The read engine tests' data (no tests here): the column inbox with its users, teams and
labels (``make_inbox``); with notes, activities, deals, archived and hidden rows and another
company's inbox (``rich_data``); and rows of every root the resolvers answer whole (``roots_data``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from domain.accounts.account import create_team, create_user
from domain.contacts.selection import SelectionData, create_selection
from domain.contacts.selection_criteria import Condition, SelectionField, SelectionOperator
from domain.fold import keyed
from domain.integration.webhook import create_webhook
from domain.leads import saved_filter as saved_filters
from domain.leads.query import LeadQuery
from domain.notification import notify
from models import (
    Activity,
    Deal,
    Job,
    JobItem,
    JobReportEntry,
    JobStatus,
    Lead,
    LeadLabel,
    LeadSource,
    Note,
    Person,
    Role,
    SelectionEntity,
    SelectionKind,
    Visibility,
)
from tests.conftest import Account
from tests.factories import make_org, make_person
from tests.factories.columns import define_fields, seed_column_inbox
from tests.factories.deals import make_deal, make_organization
from tests.factories.deals import make_person as make_deal_person


@dataclass
class Inbox:
    users: list[int]
    teams: list[int]
    leads: list[uuid.UUID]
    labels: list[int]


async def bare_lead(company_id: int, title: str, **fields: Any) -> uuid.UUID:
    """A lead with nothing linked: no person, organization, owner, labels, activity or values."""
    lead = await Lead.create(
        id=uuid.uuid4(), company_id=company_id, source=LeadSource.IMPORT, **keyed(Lead, {"title": title, **fields})
    )
    return lead.id


async def make_inbox(account: Account, count: int = 6) -> Inbox:
    viewer = await account.viewer()
    await define_fields(viewer)
    users = [account.user_id] + [
        (await create_user(account.company_id, f"Seller {i}", f"s{i}@{account.company_id}.test", Role.REGULAR)).id
        for i in range(3)
    ]
    teams = [(await create_team(account.company_id, f"Team {i}", users[i::2])).id for i in range(2)]
    # Two batches: the same custom values twice, so sorts meet ties.
    leads = await seed_column_inbox(account.company_id, count, users, teams)
    leads += await seed_column_inbox(account.company_id, count, users, teams)
    leads.append(await bare_lead(account.company_id, "Bare lead"))
    leads.append(await bare_lead(account.company_id, "Bare lead, seen", was_seen=True))
    labels = cast(list[int], await LeadLabel.filter(company_id=account.company_id).values_list("id", flat=True))
    return Inbox(users, teams, leads, labels)


async def make_deals(account: Account, other_account: Account, users: list[int]) -> None:
    """Deals with a person only, an organization only, both, a value or none, other owners and
    visibilities, a deleted one; and another company's."""
    viewer = await account.viewer()
    people = [await make_deal_person(viewer, f"Deal person {i}") for i in range(3)]
    orgs = [await make_organization(viewer, f"Deal org {i}") for i in range(2)]
    for i in range(6):
        deal = await make_deal(
            viewer,
            f"Deal {i}",
            person_id=people[i % 3] if i % 3 else None,
            organization_id=orgs[i % 2] if i != 4 else None,
            owner_id=users[i % len(users)],
            value_amount=Decimal(1000 + i * 250) if i % 2 else None,
            value_currency="EUR" if i % 2 else None,
            expected_close_date=dt.date(2027, 1, 1 + i) if i != 2 else None,
            visibility=Visibility.OWNER if i == 5 else None,
        )
        if i == 3:
            await Deal.filter(id=deal.id).update(deleted_at=dt.datetime.now(dt.UTC))
    await make_deal(await other_account.viewer(), "Their deal")


async def rich_data(account: Account, other_account: Account, make_account: Any) -> Account:
    """The inbox of tests.read_engine.test_fastpath plus notes, activities, archived leads, hidden rows,
    another company's inbox; the regular user it returns sees part of it."""
    inbox = await make_inbox(account, count=4)
    await make_inbox(other_account, count=2)
    today = dt.datetime.now(dt.UTC).date()
    for i, lead_id in enumerate(inbox.leads[:5]):
        for n in range(i % 3):
            await Note.create(company_id=account.company_id, lead_id=lead_id, author_id=inbox.users[n], content=f"N{n}")
        await Activity.create(
            company_id=account.company_id,
            lead_id=lead_id,
            subject="Call",
            type="CALL",
            due_date=today + dt.timedelta(days=i - 2),
            due_time=None if i % 2 else dt.time(9, 30),
            done=i % 2 == 0,
            assignee_id=inbox.users[i % len(inbox.users)] if i != 3 else None,
        )
    await Lead.filter(id__in=inbox.leads[-3:-1]).update(is_archived=True, archived_at=dt.datetime.now(dt.UTC))
    await make_deals(account, other_account, inbox.users)
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    await create_team(account.company_id, "Sellers", [seller.user_id, inbox.users[1]])
    await Lead.filter(id__in=inbox.leads[0:2]).update(visibility=Visibility.OWNER)
    await Lead.filter(id=inbox.leads[2]).update(
        visibility=Visibility.TEAM, owner_user_id=inbox.users[1], owner_team_id=None
    )
    hidden = await Lead.filter(id__in=inbox.leads[3:5]).values_list("person_id", flat=True)
    await Person.filter(id__in=[p for p in hidden if p is not None]).update(visibility=Visibility.OWNER)
    return seller


async def roots_data(account: Account, other_account: Account, make_account: Any) -> dict[str, Any]:
    """Rows of every root for both companies; a regular user of the first; their ids."""
    await make_inbox(account, count=2)
    await make_inbox(other_account, count=1)
    seller = await make_account(company_id=account.company_id, name="Sam Seller", role=Role.REGULAR)
    admin, regular, other = await account.viewer(), await seller.viewer(), await other_account.viewer()
    ids: dict[str, Any] = {}
    for viewer, name, shared in (
        (admin, "Admin private", False),
        (admin, "Admin shared", True),
        (regular, "Mine", False),
    ):
        saved = await saved_filters.create_saved_filter(
            viewer, name, LeadQuery(), shared=shared, favorite=name == "Mine"
        )
        ids.setdefault("saved", []).append(saved.id)
    await saved_filters.create_saved_filter(other, "Theirs", LeadQuery(), shared=True)
    for viewer in (admin, regular):
        await make_person(viewer, f"Member of {viewer.user_id}")
    await make_org(admin, "Member org")
    selections = []
    for viewer, name, kind, shared in (
        (admin, "Static shared", SelectionKind.STATIC, True),
        (admin, "Dynamic private", SelectionKind.DYNAMIC, False),
        (regular, "Seller's", SelectionKind.DYNAMIC, False),
        (other, "Theirs", SelectionKind.STATIC, True),
    ):
        conditions = [Condition(SelectionField.NAME, SelectionOperator.CONTAINS, value="e")]
        selection = await create_selection(
            viewer, SelectionData(name, SelectionEntity.PERSON, kind, conditions, shared)
        )
        selections.append(selection.id)
    ids["selections"] = selections
    for viewer in (admin, regular, other):
        await notify(viewer.company_id, viewer.user_id, "mention", "You were mentioned", subject_id="x")
        read = await notify(viewer.company_id, viewer.user_id, "job", "Done", data={"n": 1})
        read.read_at = dt.datetime.now(dt.UTC)
        await read.save()
    jobs = []
    for viewer, status in ((admin, JobStatus.FAILED), (regular, JobStatus.COMPLETED), (other, JobStatus.CREATED)):
        job = await Job.create(
            company_id=viewer.company_id,
            kind="import_leads",
            status=status,
            total=3,
            done=1,
            failed=1,
            created_by_id=viewer.user_id,
            error="Broken" if status == JobStatus.FAILED else None,
            result={"made": 1},
        )
        await JobItem.create(job_id=job.id, position=0, key="0", status="FAILED", error="Bad row", code="INVALID")
        await JobItem.create(job_id=job.id, position=1, key="1", status="DONE")
        for row in range(3):
            await JobReportEntry.create(
                job_id=job.id, row=row, code="INVALID", field="title" if row else None, message="No"
            )
        jobs.append(job.id)
    ids["jobs"] = jobs
    await create_webhook(admin, "http://127.0.0.1:9/hook", ["*"], "All", allow_insecure=True)
    await create_webhook(admin, "http://127.0.0.1:9/leads", ["lead.created"], None, allow_insecure=True)
    await create_webhook(other, "http://127.0.0.1:9/theirs", ["*"], None, allow_insecure=True)
    return {"seller": seller, **ids}
