"""The roots their resolver answers whole (fastpath/resolved.py) against the ordinary execution.

Labels, columns, custom fields, saved filters (private, shared, a favourite, another user's),
lead statuses, category groups, pipelines, selections (static, dynamic, private, shared) and
their board, notifications (read and unread), jobs (with failed items and a report, another
user's, another company's), credits, webhooks and duplicates: each asked as an admin, as a
regular user and as another company's user, the compiled answer must be the ordinary one, and
the statements per request must not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.ids import to_global_id
from domain.contacts.selection import SelectionData, create_selection
from domain.contacts.selection_criteria import Condition, SelectionField, SelectionOperator
from domain.integration.webhook import create_webhook
from domain.leads import saved_filter as saved_filters
from domain.leads.query import LeadQuery
from domain.notification import notify
from fastpath.extension import EXECUTION_HEADER
from models import Job, JobItem, JobReportEntry, JobStatus, Role, SelectionEntity, SelectionKind
from tests.conftest import Account, StatementCounter
from tests.factories import make_org, make_person
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import Both, make_inbox
from tests.read_engine.test_read_engine_corpus import rich_data

ordinary = test_fastpath.ordinary
both = test_fastpath.both


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


DOCUMENTS = [
    "{ leadLabels { id name color __typename } }",
    "{ leadColumns { key label type source sortable filterable options { id label color } __typename } }",
    """{ customFields(entity: LEAD_DEAL) { id entity key name type options { id label color } position formula
       deletedAt } o: customFields(entity: ORGANIZATION) { id } }""",
    "{ customFields(entity: PERSON, includeDeleted: true) { id name type deletedAt } }",
    "{ savedFilters { id name shared isFavorite filter createdAt owner { id name leadColumns { key } } } }",
    """{ leadStatuses { id name description position isInitial }
       r: leadStatuses(includeRetired: true) { id name isRetired retiredAt } }""",
    "{ categoryGroups { id name leadStatusEnabled categories { id name group { id name } } } }",
    "{ pipelines { id name position isDefault stages { id name position probability } } }",
    """{ selections { id name kind entity isShared membersSavedAt conditions { field operator ids value date days }
       owner { name } } }""",
    """{ notifications(first: 1) { edges { cursor node { id kind message read createdAt } }
       pageInfo { hasNextPage endCursor } unreadCount } }""",
    "{ notifications(unreadOnly: true) { edges { node { id kind message subjectId read } } unreadCount } }",
    """{ credits { balance monthlyAllowance periodStart periodEnd addOn enabled trialEndsAt
       entries(first: 2) { nodes { id kind amount note user { name } } pageInfo { hasNextPage } } } }""",
    "{ webhooks { id url description events active failingSince disabledAt createdAt } }",
    """{ duplicates(personName: "Person", organizationName: "Org", leadTitle: "Lead") {
       persons { id name owner { name } } organizations { id name } leads { id title person { name } } } }""",
]


async def test_each_root_answers_the_same(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    data = await roots_data(account, other_account, make_account)
    for document in DOCUMENTS:
        for token in (account.token, data["seller"].token, other_account.token):
            await both.same(token, document, {})


async def test_objects_by_id_answer_the_same(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    """A job with its failed items and report, a selection with its members, a board: each by id,
    yours, another user's, another company's, a missing one."""
    data = await roots_data(account, other_account, make_account)
    job = """query($id: ID!) { job(id: $id) { id kind status total done failed progress result error
      errors(first: 5) { position code message } report(first: 2) { edges { cursor node { row code field message } }
      pageInfo { hasNextPage endCursor } totalCount } } }"""
    selection = """query($id: ID!) { selection(id: $id) { id name kind owner { id name }
      members(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { __typename
      ... on Person { id name } ... on Organization { id name } } } } } }"""
    board = """query($id: ID!) { leadStatusBoard(selectionId: $id) { selection { id name }
      columns { status { id name } count members(first: 2) { nodes { id name } pageInfo { hasNextPage } } } } }"""
    for token in (account.token, data["seller"].token, other_account.token):
        for job_id in [*data["jobs"], 999999]:
            await both.same(token, job, {"id": to_global_id("Job", job_id)})
        for selection_id in [*data["selections"], 999999]:
            await both.same(token, selection, {"id": to_global_id("Selection", selection_id)})
            await both.same(token, board, {"id": to_global_id("Selection", selection_id)})


async def test_a_bad_id_or_a_root_error_is_the_ordinary_executions(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    await roots_data(account, other_account, make_account)
    body = await both.same(account.token, '{ job(id: "not-an-id") { id } }', {}, compiled=False)
    assert body["data"] == {"job": None} and body["errors"]
    # Prospector without the add-on: a PROSPECTOR_NOT_ENABLED error, raised by the resolver.
    for document in (
        "{ prospects { nodes { __typename } } }",
        "{ prospectFilters { id name } }",
        "{ myProspects(first: 3) { nodes { id kind } pageInfo { hasNextPage } } }",
    ):
        body = await both.same(account.token, document, {}, compiled=False)
        assert body["errors"]


async def test_statements_do_not_grow_with_the_rows(
    account: Account, both: Both, count_statements: StatementCounter
) -> None:
    """Nested resolvers run together, so their loaders batch them: one statement per loader."""
    viewer = await account.viewer()
    document = """{ savedFilters { name owner { name } } selections { name owner { name } }
      categoryGroups { name categories { name group { name } } } pipelines { name stages { name } } }"""

    async def statements_for(n: int) -> int:
        for i in range(n):
            await saved_filters.create_saved_filter(viewer, f"Filter {n} {i}", LeadQuery(), shared=True)
            await create_selection(
                viewer, SelectionData(f"Selection {n} {i}", SelectionEntity.PERSON, SelectionKind.DYNAMIC)
            )
        count_statements.statements.clear()
        response = await both.post(both.compiled, account.token, {"query": document})
        assert response.headers.get(EXECUTION_HEADER) == "compiled"
        return count_statements.count

    few = await statements_for(1)
    many = await statements_for(6)
    assert few == many


FALLBACK_DOCUMENTS = [
    """query($first: Int) { leads(first: $first) { nodes { id changeLog { action actor { name } } customFields { value }
       emails { id } sourceDeal { id } notes { mentions { name } } nextActivity { assignee { name } }
       person { organization { name owner { name } } owner { name } category { name } leadStatus { name }
       leadStatusEditable changeLog { action } customFields { value } } } } }""",
    """query($first: Int) { persons(first: $first) { totalCount nodes { id leadStatus { name } storedLeadStatus { name }
       leadStatusHiddenReason category { name group { name } } organization { name owner { name } category { name } }
       customFields { value } changeLog { action } } } }""",
    """query($first: Int) { deals(first: $first) { nodes { id participants { name }
       products { quantity product { name } } notes { content author { name } } activities { subject } emails { id }
       changeLog { action } customFields { value } pipeline { stages { name } } person { organization { name } }
       owner { leadColumns { key } } } } }""",
]


async def test_fallback_roots_statements_do_not_grow_with_the_page(
    account: Account, other_account: Account, make_account: Any, both: Both, count_statements: StatementCounter
) -> None:
    """A field a root's own compiler does not write makes the root's resolver answer: equal to
    the ordinary execution, and the statements the same for a page of a few rows or of many."""
    seller = await rich_data(account, other_account, make_account)
    for document in FALLBACK_DOCUMENTS:
        counts = []
        for first in (4, 8, 16):
            for token in (account.token, seller.token, other_account.token):
                await both.same(token, document, {"first": first})
            count_statements.statements.clear()
            response = await both.post(both.compiled, account.token, {"query": document, "variables": {"first": first}})
            assert response.headers.get(EXECUTION_HEADER) == "compiled"
            counts.append(count_statements.count)
        assert len(set(counts)) == 1, (document, counts)
