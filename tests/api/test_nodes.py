"""`nodes(ids:)`: the ids grouped by type, each type loaded in one go, the answer in the order
asked, null for what is unknown, another company's or not the viewer's to see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from core.ids import from_global_id
from models import Job, Role, Visibility
from tests.conftest import Account, StatementCounter
from tests.factories import gid, lead_gid, make_activity, make_lead, make_note, make_org, make_person

NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"


@dataclass
class Rows:
    """Global ids made by the admin, split by whether Carol (a regular user, in no team) sees them."""

    seen: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


async def make_rows(admin: Account, carol: Account, count: int) -> Rows:
    viewer, carol_viewer = await admin.viewer(), await carol.viewer()
    rows = Rows()
    for n in range(count):
        shared = await make_lead(viewer, f"shared {n}", visibility=Visibility.COMPANY)
        private = await make_lead(viewer, f"private {n}", visibility=Visibility.OWNER)
        person = await make_person(viewer, f"Person {n}", visibility=Visibility.COMPANY)
        hidden_person = await make_person(viewer, f"Hidden person {n}", visibility=Visibility.OWNER)
        org = await make_org(viewer, f"Org {n}", visibility=Visibility.COMPANY)
        hidden_org = await make_org(viewer, f"Hidden org {n}", visibility=Visibility.OWNER)
        # A note or activity is as visible as what it hangs on.
        note_seen = await make_note(viewer, person, "on a shared person")
        note_hidden = await make_note(viewer, private, "on a private lead")
        activity_seen = await make_activity(viewer, shared, "on a shared lead")
        activity_hidden = await make_activity(viewer, hidden_org, "on a hidden organization")
        # A regular user sees the jobs they started, not the admin's.
        own_job = await Job.create(company_id=carol.company_id, kind="test", created_by_id=carol_viewer.user_id)
        admins_job = await Job.create(company_id=admin.company_id, kind="test", created_by_id=viewer.user_id)
        rows.seen += [
            lead_gid(shared),
            gid("Person", person.id),
            gid("Organization", org.id),
            gid("Note", note_seen.id),
            gid("Activity", activity_seen.id),
            gid("Job", own_job.id),
        ]
        rows.hidden += [
            lead_gid(private),
            gid("Person", hidden_person.id),
            gid("Organization", hidden_org.id),
            gid("Note", note_hidden.id),
            gid("Activity", activity_hidden.id),
            gid("Job", admins_job.id),
        ]
    return rows


async def test_nodes_keep_order_and_hide_what_is_not_the_viewers(
    account: Account, other_account: Account, make_account: Any
) -> None:
    carol = await make_account(company_id=account.company_id, name="Carol Loner", role=Role.REGULAR)
    rows = await make_rows(account, carol, 2)
    foreign = lead_gid(await make_lead(await other_account.viewer(), "Globex lead", visibility=Visibility.COMPANY))
    missing = [lead_gid(uuid.UUID(int=1)), gid("Person", 2_000_000_000), gid("Nothing", 1)]
    # Interleaved, with a repeat, so that grouping by type must put each back in its place.
    ids = [x for pair in zip(rows.hidden, rows.seen, strict=True) for x in pair] + [foreign, *missing, rows.seen[0]]
    data = await carol.client.execute(NODES, {"ids": ids})
    expected = [{"__typename": i_type(i), "id": i} if i in rows.seen else None for i in ids]
    assert data["nodes"] == expected
    assert sum(node is not None for node in data["nodes"]) == len(rows.seen) + 1
    # node(id:) answers each the same.
    for i, node in zip(ids, data["nodes"], strict=True):
        assert (await carol.client.execute(NODE, {"id": i}))["node"] == node
    # The admin sees every one of the company's own.
    everything = await account.client.execute(NODES, {"ids": rows.seen + rows.hidden + [foreign]})
    assert [n and n["id"] for n in everything["nodes"]] == [*rows.seen, *rows.hidden, None]


def i_type(global_id: str) -> str:
    return from_global_id(global_id)[0]


async def test_nodes_cost_the_same_statements_for_one_or_many_of_each_type(
    account: Account, make_account: Any, count_statements: StatementCounter
) -> None:
    carol = await make_account(company_id=account.company_id, name="Carol Loner", role=Role.REGULAR)
    rows = await make_rows(account, carol, 3)
    per_type = 6
    counts = []
    for many in (1, 3):
        ids = rows.seen[: per_type * many] + rows.hidden[: per_type * many]
        count_statements.statements.clear()
        data = await carol.client.execute(NODES, {"ids": ids})
        assert sum(node is not None for node in data["nodes"]) == per_type * many
        counts.append(count_statements.count)
    # A statement per row would grow with the number of ids (36 here for three of each).
    assert counts[0] == counts[1], count_statements.statements
