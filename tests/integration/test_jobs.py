"""Background jobs: persisted, resumable after a crash, never doing an item twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, cast

import pytest

from core.errors import ErrorCode, fail
from core.ids import to_global_id
from domain.viewer import Viewer
from jobs import HANDLERS, register, runner
from jobs.runner import claim_job, create_job, run_job
from jobs.worker import Worker
from models import ChangeLogEntry, Job, JobItem, JobReportEntry, JobStatus, Notification
from tests.conftest import Account, StatementCounter

JOB = """
query ($id: ID!) {
  job(id: $id) { id kind status total done failed progress result errors { position key code message } }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Job { status } } }"
CANCEL = "mutation ($input: IdInput!) { cancelJob(input: $input) { job { status } userErrors { code } } }"
NOTIFICATIONS = """
query ($unread: Boolean!) {
  notifications(unreadOnly: $unread) { unreadCount edges { node { id kind message subjectId read } } }
}
"""
MARK_READ = """
mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { markedCount } }
"""


class Recorder:
    """A job kind for tests: each item writes one change-log row, the effect we count.

    Keys starting with "bad" fail with a domain error; ``stop_after`` makes the run hang after
    that many items so that a test can kill it half-way.
    """

    kind: ClassVar[str] = "test_record"
    external: ClassVar[bool] = False

    def __init__(self) -> None:
        self.stop_after: int | None = None
        self.delay = 0.0
        self.calls = 0
        # Called at the start of each item (a test's hook into a running job).
        self.during: Callable[[], Awaitable[None]] | None = None

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        self.calls += 1
        if self.during is not None:
            await self.during()
        if self.delay:
            await asyncio.sleep(self.delay)
        if item.key.startswith("bad"):
            raise fail(f"item {item.key} is bad", ErrorCode.INVALID)
        await ChangeLogEntry.create(
            company_id=viewer.company_id, entity_type="test", entity_id=item.key, action="EFFECT"
        )
        if self.stop_after is not None and self.calls > self.stop_after:
            await asyncio.sleep(3600)  # killed here, inside the item's transaction
        return {"key": item.key}

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        return {"effects": await ChangeLogEntry.filter(entity_type="test", company_id=job.company_id).count()}


@pytest.fixture
def recorder() -> Any:
    handler = Recorder()
    register(handler)
    yield handler
    HANDLERS.pop(Recorder.kind, None)


async def effects(company_id: int) -> list[str]:
    rows = await ChangeLogEntry.filter(entity_type="test", company_id=company_id).values_list("entity_id", flat=True)
    return sorted(cast(list[str], rows))


async def test_job_runs_every_item_and_reports(account: Account, recorder: Recorder) -> None:
    viewer = await account.viewer()
    job = await create_job(viewer, Recorder.kind, {"why": "test"}, ["a", "bad1", "b"])
    assert await Worker().run_pending() == 1
    data = await account.client.execute(JOB, {"id": to_global_id("Job", job.id)})
    assert data["job"]["status"] == "COMPLETED"
    assert (data["job"]["total"], data["job"]["done"], data["job"]["failed"]) == (3, 2, 1)
    assert data["job"]["progress"] == 1.0
    assert data["job"]["result"] == {"effects": 2}
    assert data["job"]["errors"] == [{"position": 1, "key": "bad1", "code": "INVALID", "message": "item bad1 is bad"}]
    assert await effects(account.company_id) == ["a", "b"]
    node = await account.client.execute(NODE, {"id": to_global_id("Job", job.id)})
    assert node["node"]["status"] == "COMPLETED"


async def test_killed_job_resumes_and_does_each_item_exactly_once(account: Account, recorder: Recorder) -> None:
    viewer = await account.viewer()
    keys = [f"k{i:02d}" for i in range(20)]
    job = await create_job(viewer, Recorder.kind, {}, keys)
    recorder.stop_after = 7
    claimed = await claim_job("first", dt.timedelta(milliseconds=50))
    assert claimed is not None
    task = asyncio.create_task(run_job(claimed, "first", dt.timedelta(milliseconds=50)))
    while recorder.calls <= 7:
        await asyncio.sleep(0.01)
    task.cancel()  # the process dies in the middle of item 8
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await effects(account.company_id) == keys[:7]
    assert (await Job.get(id=job.id)).status == JobStatus.RUNNING

    recorder.stop_after = None
    await asyncio.sleep(0.06)  # the dead worker's lease lapses
    assert await Worker().run_pending() == 1
    assert await effects(account.company_id) == keys
    finished = await Job.get(id=job.id)
    assert (finished.status, finished.done, finished.failed) == (JobStatus.COMPLETED, 20, 0)


async def test_a_held_job_is_not_claimed_twice(account: Account, recorder: Recorder) -> None:
    await create_job(await account.viewer(), Recorder.kind, {}, ["a"])
    assert await claim_job("one") is not None
    assert await claim_job("two") is None


async def test_two_workers_on_one_job_never_repeat_an_item(account: Account, recorder: Recorder) -> None:
    keys = [f"k{i:03d}" for i in range(10)]
    job = await create_job(await account.viewer(), Recorder.kind, {}, keys)
    # Each item outlasts the lease: while the first worker is inside an item its lease
    # lapses and a second worker takes the job over, so for a while both work on it.
    recorder.delay = 0.03
    short = dt.timedelta(milliseconds=20)
    first = await claim_job("one", short)
    assert first is not None
    slow = asyncio.create_task(run_job(first, "one", short))
    while recorder.calls < 1:
        await asyncio.sleep(0.001)
    # The takeover, as claim_job("two") does it once the lease has lapsed.
    await Job.filter(id=job.id).update(locked_by="two", locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    second = await Job.get(id=job.id)
    await asyncio.gather(run_job(second, "two"), slow)
    assert await effects(account.company_id) == keys
    assert recorder.calls == 10
    assert (await Job.get(id=job.id)).done == 10


async def test_a_busy_worker_keeps_its_lease(
    account: Account, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items slower than the lease: the worker renews it between items, so that across several
    lease lengths nobody else can take the job. The runner's clock is the test's, moved by each
    item, so that a busy machine can neither make the lease lapse nor hide a missed renewal."""
    job = await create_job(await account.viewer(), Recorder.kind, {}, [f"k{i}" for i in range(8)])
    lease = dt.timedelta(seconds=60)
    clock = [dt.datetime.now(dt.UTC)]
    monkeypatch.setattr(runner, "now", lambda: clock[0])
    others: list[Job | None] = []

    async def slow_item() -> None:
        clock[0] += lease * 0.4  # each item takes 40% of the lease
        others.append(await claim_job("two", lease))

    recorder.during = slow_item
    # Items outside a transaction (as an external effect's), so that "two" claims as another worker would.
    monkeypatch.setattr(Recorder, "external", True)
    started = clock[0]
    first = await claim_job("one", lease)
    assert first is not None
    await run_job(first, "one", lease)
    assert clock[0] - started > 3 * lease  # the job outlasted three leases
    assert others == [None] * 8  # and no item saw it taken
    assert (await Job.get(id=job.id)).status == JobStatus.COMPLETED
    assert (await Job.get(id=job.id)).done == 8


async def test_finished_job_notifies_its_creator(account: Account, recorder: Recorder) -> None:
    job = await create_job(await account.viewer(), Recorder.kind, {}, ["a"])
    await Worker().run_pending()
    data = await account.client.execute(NOTIFICATIONS, {"unread": True})
    assert data["notifications"]["unreadCount"] == 1
    (edge,) = data["notifications"]["edges"]
    assert edge["node"]["kind"] == "JOB_FINISHED"
    assert edge["node"]["subjectId"] == to_global_id("Job", job.id)
    marked = await account.client.mutate(MARK_READ, {"ids": [edge["node"]["id"]]})
    assert marked["markedCount"] == 1
    data = await account.client.execute(NOTIFICATIONS, {"unread": True})
    assert data["notifications"]["unreadCount"] == 0 and data["notifications"]["edges"] == []
    assert await Notification.filter(user_id=account.user_id, read_at=None).count() == 0


async def test_cancel_stops_a_job(account: Account, recorder: Recorder) -> None:
    job = await create_job(await account.viewer(), Recorder.kind, {}, ["a", "b"])
    payload = await account.client.mutate(CANCEL, {"id": to_global_id("Job", job.id)})
    assert payload == {"job": {"status": "CANCELED"}, "userErrors": []}
    assert await Worker().run_pending() == 0
    assert await effects(account.company_id) == []
    again = await account.client.mutate(CANCEL, {"id": to_global_id("Job", job.id)})
    assert again["userErrors"] == [{"code": "CONFLICT"}]


async def test_jobs_of_another_company_are_invisible(
    account: Account, other_account: Account, recorder: Recorder
) -> None:
    job = await create_job(await account.viewer(), Recorder.kind, {}, ["a"])
    job_id = to_global_id("Job", job.id)
    assert (await other_account.client.execute(JOB, {"id": job_id}))["job"] is None
    assert (await other_account.client.execute(NODE, {"id": job_id}))["node"] is None
    payload = await other_account.client.mutate(CANCEL, {"id": job_id})
    assert payload["userErrors"] == [{"code": "NOT_FOUND"}]
    assert (await Job.get(id=job.id)).status == JobStatus.CREATED


JOBS_ERRORS = """
query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Job { id errors(first: 2) { position key code message } } } }
"""


async def test_the_errors_of_a_list_of_jobs_cost_one_statement_whatever_its_length(
    account: Account, recorder: Recorder, count_statements: StatementCounter
) -> None:
    viewer = await account.viewer()
    jobs = [await create_job(viewer, Recorder.kind, {}, [f"j{j}k{i}" for i in range(4)]) for j in range(3)]
    for n, job in enumerate(jobs):
        # Job n failed on its last n + 1 items.
        await JobItem.filter(job_id=job.id, position__gte=3 - n).update(
            status="FAILED", code="INVALID", error="bad item"
        )
    ids = [to_global_id("Job", job.id) for job in jobs]
    for some in (ids[:1], ids):
        count_statements.statements.clear()
        data = await account.client.execute(JOBS_ERRORS, {"ids": some})
        # (nodes looks each job up by itself; the items of all of them come in one statement.)
        items = [s for s in count_statements.statements if "JOB_ITEM" in s.upper()]
        assert len(items) == 1, items
    # At most two per job, in order, and only its own.
    assert [[e["key"] for e in node["errors"]] for node in data["nodes"]] == [
        ["j0k3"],
        ["j1k2", "j1k3"],
        ["j2k1", "j2k2"],
    ]
    assert data["nodes"][1]["errors"][0] == {"position": 2, "key": "j1k2", "code": "INVALID", "message": "bad item"}


JOBS_REPORTS = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Job { id report(first: 2) { totalCount edges { node { row code } } pageInfo { hasNextPage } } }
  }
}
"""


async def test_the_reports_of_a_list_of_jobs_cost_two_statements_whatever_its_length(
    account: Account, recorder: Recorder, count_statements: StatementCounter
) -> None:
    viewer = await account.viewer()
    jobs = [await create_job(viewer, Recorder.kind, {}, [f"j{j}"]) for j in range(3)]
    for n, job in enumerate(jobs):
        # Job n reports rows 2 .. n + 2, written out of order.
        for row in reversed(range(2, n + 3)):
            await JobReportEntry.create(job_id=job.id, row=row, code=f"C{n}", message="bad row")
    ids = [to_global_id("Job", job.id) for job in jobs]
    for some in (ids[:1], ids):
        count_statements.statements.clear()
        data = await account.client.execute(JOBS_REPORTS, {"ids": some})
        # One statement for the page of every job's report, one for their counts.
        reports = [s for s in count_statements.statements if "JOB_REPORT_ENTRY" in s.upper()]
        assert len(reports) == 2, reports
    # Each job's own entries, by row, at most two a page.
    assert [
        (
            [(e["node"]["row"], e["node"]["code"]) for e in node["report"]["edges"]],
            node["report"]["totalCount"],
            node["report"]["pageInfo"]["hasNextPage"],
        )
        for node in data["nodes"]
    ] == [
        ([(2, "C0")], 1, False),
        ([(2, "C1"), (3, "C1")], 2, False),
        ([(2, "C2"), (3, "C2")], 3, True),
    ]
