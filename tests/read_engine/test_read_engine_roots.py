"""The roots their resolver answers whole (fastpath/resolved.py) against the ordinary execution.

Labels, columns, custom fields, saved filters (private, shared, a favourite, another user's),
lead statuses, category groups, pipelines, selections (static, dynamic, private, shared) and
their board, notifications (read and unread), jobs (with failed items and a report, another
user's, another company's), credits, webhooks and duplicates: each asked as an admin, as a
regular user and as another company's user, the compiled answer must be the ordinary one, and
the statements per request must not grow with the rows.
"""

from __future__ import annotations

from typing import Any

from core.ids import to_global_id
from domain.contacts.selection import SelectionData, create_selection
from domain.leads import saved_filter as saved_filters
from domain.leads.query import LeadQuery
from fastpath.extension import EXECUTION_HEADER
from models import SelectionEntity, SelectionKind
from tests.conftest import Account, StatementCounter
from tests.factories.read_engine import rich_data, roots_data
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import Both

ordinary = test_fastpath.ordinary
both = test_fastpath.both


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
