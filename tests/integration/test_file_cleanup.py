"""The clean-up (jobs/file_cleanup.py): what a killed export leaves is removed at the next start,
uploads go once their import is over, finished exports after the retention (then 410 Gone), and
old bookkeeping rows after theirs. Real files, a real process killed with SIGKILL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import create_app
from core.config import Settings, SettingsError, settings_from_env
from core.ids import decode_id
from jobs.export_leads import owner_token
from jobs.file_cleanup import UPLOAD_GRACE, sweep
from jobs.runner import cancel_job, claim_job
from jobs.worker import Worker
from models import IdempotentRequest, Job, JobStatus, Lead, PersistedQuery, WebhookDelivery, WebhookEvent
from models.integration.webhook import DeliveryStatus
from tests.conftest import Account
from tests.factories import make_lead

ROOT = Path(__file__).resolve().parent.parent.parent
EXPORT = """
mutation ($input: ExportLeadsInput!) {
  exportLeads(input: $input) { job { id } userErrors { code } }
}
"""
IMPORT = """
mutation ($input: ImportLeadsInput!) {
  importLeads(input: $input) { job { id } userErrors { code message } }
}
"""
CREATE = """
mutation ($input: CreateLeadInput!, $key: String) {
  createLead(input: $input, idempotencyKey: $key) { lead { id } userErrors { code } }
}
"""
# A worker in a process of its own that stops for good after the export's first page, holding
# the job: the test kills it there with SIGKILL, half-way through writing the file.
STALLING_WORKER = textwrap.dedent(
    """
    import asyncio, datetime as dt, sys
    from core.db import init_db
    from domain.integration import export
    import jobs.export_leads as export_job
    from jobs.worker import Worker

    async def main():
        await init_db(sys.argv[1])
        export.PAGE_ROWS = 5
        real = export_job.keep_lease

        async def stall(job):
            await real(job)
            print("stalled", flush=True)
            await asyncio.sleep(3600)

        export_job.keep_lease = stall
        await Worker(lease=dt.timedelta(seconds=120)).run_pending()

    asyncio.run(main())
    """
)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    monkeypatch.setenv("LEADBOX_FILES_DIR", str(folder))
    return folder


@pytest.fixture
async def http(database: str, files: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database, files_dir=str(files)), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


def settings(database: str, files: Path) -> Settings:
    return Settings(database_url=database, files_dir=str(files))


def on_disk(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


async def start_export(account: Account, format: str = "XLSX") -> tuple[str, int]:
    payload = await account.client.mutate(EXPORT, {"format": format, "columns": ["lead.title", "person.name"]})
    assert payload["userErrors"] == []
    return payload["job"]["id"], int(decode_id(payload["job"]["id"], "Job"))


async def download(http: httpx.AsyncClient, account: Account, job_id: str) -> httpx.Response:
    return await http.get(f"/exports/{job_id}", headers={"Authorization": f"Bearer {account.token}"})


async def test_a_killed_export_leaves_files_that_the_next_start_removes(
    account: Account, database: str, files: Path, tmp_path: Path, http: httpx.AsyncClient
) -> None:
    viewer = await account.viewer()
    for i in range(23):
        await make_lead(viewer, f"Lead {i:02}")
    job_id, pk = await start_export(account)
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        STALLING_WORKER,
        database,
        cwd=ROOT,
        env={**os.environ, "LEADBOX_FILES_DIR": str(files), "TMPDIR": str(system_temp)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 120)
        assert line == b"stalled\n", (line, await child.stderr.read() if child.stderr else b"")
        # Half-way: the file being written and openpyxl's sheet of rows, both in our folder.
        parts = on_disk(files)
        assert len(parts) == 2 and all(p.startswith(f"exports/{account.company_id}/.{pk}.") for p in parts), parts
        assert all(p.endswith(".part") for p in parts)
        assert list(system_temp.iterdir()) == []
        # While their job runs, its files are its own: a clean-up (another process starting) keeps them.
        await sweep(settings(database, files))
        assert on_disk(files) == parts
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    # Killed: its lease has not lapsed yet, but its process is gone. The next start removes its files.
    job = await Job.get(id=pk)
    assert job.status == JobStatus.RUNNING and job.locked_until is not None
    removed = await sweep(settings(database, files))
    assert removed.get("exportParts") == 2
    assert on_disk(files) == []

    # Once the lease lapses, the export is written again whole, and nothing else stays behind.
    await Job.filter(id=pk).update(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert await Worker().run_pending() == 1
    assert (await Job.get(id=pk)).status == JobStatus.COMPLETED
    assert on_disk(files) == [f"exports/{account.company_id}/{pk}.xlsx"]
    response = await download(http, account, job_id)
    assert response.status_code == 200 and response.content[:2] == b"PK"


async def test_a_finished_export_is_removed_after_the_retention_and_then_answers_410(
    account: Account, database: str, files: Path, http: httpx.AsyncClient
) -> None:
    await make_lead(await account.viewer(), "Exported")
    job_id, pk = await start_export(account, "CSV")
    assert await Worker().run_pending() == 1
    finished = (await Job.get(id=pk)).finished_at
    assert finished is not None
    config = Settings(database_url=database, files_dir=str(files), file_retention_hours=5)

    # Within the retention the file stays.
    assert (await sweep(config, finished + dt.timedelta(hours=4, minutes=59))).get("exportFiles", 0) == 0
    assert (await download(http, account, job_id)).status_code == 200
    assert (await sweep(config, finished + dt.timedelta(hours=5, seconds=1)))["exportFiles"] == 1
    assert on_disk(files) == []
    response = await download(http, account, job_id)
    assert response.status_code == 410
    body = response.json()
    assert body["code"] == "DELETED" and "removed" in body["error"] and "Export again" in body["error"]
    assert "fileRemovedAt" in (await Job.get(id=pk)).result
    # A second pass finds nothing more to do.
    assert (await sweep(config, finished + dt.timedelta(hours=6))).get("exportFiles", 0) == 0


async def test_another_companys_running_export_keeps_its_files(
    account: Account, other_account: Account, database: str, files: Path
) -> None:
    """A clean-up removes only what no running job owns, whichever company's it is."""
    _, pk = await start_export(other_account)
    folder = files / "exports" / str(other_account.company_id)
    folder.mkdir(parents=True)
    job = await claim_job("elsewhere:1:abc")
    assert job is not None and job.id == pk
    owned = folder / f".{pk}.{owner_token('elsewhere:1:abc')}-x1.part"
    stranger = folder / f".{pk}.{owner_token('gone:2:def')}-x2.part"
    unnamed = folder / ".whatever.part"
    for path in (owned, stranger, unnamed):
        path.write_bytes(b"half")
    await sweep(settings(database, files))
    assert sorted(p.name for p in folder.iterdir()) == [owned.name]


def upload_request(account: Account, content: bytes) -> dict[str, Any]:
    variables = {
        "input": {
            "mapping": [{"column": "Title", "target": "lead.title"}, {"column": "Org", "target": "organization.name"}],
            "file": None,
        }
    }
    return {
        "data": {
            "operations": json.dumps({"query": IMPORT, "variables": variables}),
            "map": '{"0": ["variables.input.file"]}',
        },
        "files": {"0": ("leads.csv", content, "text/csv")},
        "headers": {"Authorization": f"Bearer {account.token}"},
    }


async def import_file(http: httpx.AsyncClient, account: Account, content: bytes) -> int:
    response = await http.post("/graphql", **upload_request(account, content))
    payload = response.json()["data"]["importLeads"]
    assert payload["userErrors"] == []
    return int(decode_id(payload["job"]["id"], "Job"))


async def test_uploads_go_once_their_import_is_over(
    account: Account, database: str, files: Path, http: httpx.AsyncClient
) -> None:
    imports = files / "imports"
    # A completed import removes its upload itself.
    await import_file(http, account, b"Title,Org\nOne,Acme\nTwo,Acme\n")
    assert len(on_disk(imports)) == 1
    assert await Worker().run_pending() == 1
    assert await Lead.filter(company_id=account.company_id).count() == 2
    assert on_disk(imports) == []

    # A waiting import keeps its file; a canceled one's goes at the next clean-up.
    waiting = await import_file(http, account, b"Title,Org\nThree,Acme\n")
    canceled = await import_file(http, account, b"Title,Org\nFour,Acme\n")
    waiting_file = Path((await Job.get(id=waiting)).params["file"])
    canceled_file = Path((await Job.get(id=canceled)).params["file"])
    await cancel_job(await account.viewer(), canceled)
    later = dt.datetime.now(dt.UTC) + UPLOAD_GRACE + dt.timedelta(minutes=1)
    assert (await sweep(settings(database, files), later))["importFiles"] == 1
    assert waiting_file.is_file() and not canceled_file.exists()
    assert await Worker().run_pending() == 1
    assert await Lead.filter(company_id=account.company_id).count() == 3

    # An upload no job names (a request that died between saving and queuing) goes after the grace.
    stray = imports / "0123456789abcdef.csv"
    stray.write_bytes(b"Title\nStray\n")
    assert (await sweep(settings(database, files))).get("importFiles", 0) == 0
    assert stray.is_file()
    assert (await sweep(settings(database, files), later))["importFiles"] == 1
    assert on_disk(imports) == []


async def test_a_failed_import_s_file_is_removed(
    account: Account, database: str, files: Path, http: httpx.AsyncClient
) -> None:
    pk = await import_file(http, account, b"Title,Org\nOne,Acme\n")
    path = Path((await Job.get(id=pk)).params["file"])
    await Job.filter(id=pk).update(status=JobStatus.FAILED, finished_at=dt.datetime.now(dt.UTC))
    later = dt.datetime.now(dt.UTC) + UPLOAD_GRACE + dt.timedelta(minutes=1)
    assert (await sweep(settings(database, files), later))["importFiles"] == 1
    assert not path.exists()


async def create(account: Account, title: str, key: str) -> str:
    data = await account.client.execute(
        CREATE, {"input": {"title": title, "person": {"name": f"Eva {title} {key}"}}, "key": key}
    )
    assert data["createLead"]["userErrors"] == []
    lead_id: str = data["createLead"]["lead"]["id"]
    return lead_id


async def test_old_idempotency_keys_are_pruned_after_the_record_retention(
    account: Account, database: str, files: Path
) -> None:
    first = await create(account, "Once", "k-1")
    assert await create(account, "Once", "k-1") == first
    await create(account, "Fresh", "k-2")
    now = dt.datetime.now(dt.UTC)
    await IdempotentRequest.filter(key="k-1").update(created_at=now - dt.timedelta(days=3, minutes=1))
    config = Settings(database_url=database, files_dir=str(files), record_retention_days=3)
    assert (await sweep(config, now))["idempotentRequests"] == 1
    assert await IdempotentRequest.filter(company_id=account.company_id).values_list("key", flat=True) == ["k-2"]
    # The old key is forgotten: a request with it now makes a new lead (documented in the README),
    # where a remembered key with another input is refused.
    assert await create(account, "Once more", "k-1") != first
    reused = await account.client.execute(CREATE, {"input": {"title": "Other", "person": {"name": "Bo"}}, "key": "k-2"})
    assert [e["code"] for e in reused["createLead"]["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_finished_webhook_deliveries_and_query_texts_are_pruned_after_the_record_retention(
    account: Account, database: str, files: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    old = now - dt.timedelta(days=2, minutes=1)
    rows = {}
    for name, status in (
        ("old-done", DeliveryStatus.DELIVERED),
        ("old-failed", DeliveryStatus.FAILED),
        ("old-pending", DeliveryStatus.PENDING),
        ("new-done", DeliveryStatus.DELIVERED),
    ):
        event = await WebhookEvent.create(
            company_id=account.company_id, key=name, type="lead.created", object_key=f"lead:{name}", body="{}"
        )
        delivery = await WebhookDelivery.create(
            event_id=event.id,
            subscription_id=1,
            company_id=account.company_id,
            object_key=event.object_key,
            status=status,
            next_attempt_at=now,
        )
        rows[name] = (event.id, delivery.id)
        if name.startswith("old"):
            await WebhookEvent.filter(id=event.id).update(created_at=old)
            await WebhookDelivery.filter(id=delivery.id).update(updated_at=old)
    await PersistedQuery.create(sha256="a" * 64, query="{ __typename }")
    await PersistedQuery.create(sha256="b" * 64, query="{ viewer { id } }")
    await PersistedQuery.filter(sha256="a" * 64).update(created_at=old)

    config = Settings(database_url=database, files_dir=str(files), record_retention_days=2)
    removed = await sweep(config, now)
    assert (removed["webhookDeliveries"], removed["webhookEvents"], removed["persistedQueries"]) == (2, 2, 1)
    # A pending delivery is still to be sent, whatever its age; its event stays with it.
    assert sorted(await WebhookEvent.all().values_list("key", flat=True)) == ["new-done", "old-pending"]
    assert sorted(await WebhookDelivery.all().values_list("id", flat=True)) == sorted(
        [rows["new-done"][1], rows["old-pending"][1]]
    )
    assert await PersistedQuery.all().values_list("sha256", flat=True) == ["b" * 64]


def test_retention_settings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADBOX_FILE_RETENTION_HOURS", "12")
    monkeypatch.setenv("LEADBOX_RECORD_RETENTION_DAYS", "7")
    read = settings_from_env()
    assert (read.file_retention_hours, read.record_retention_days) == (12, 7)
    for bad in ("0", "-1", "soon"):
        monkeypatch.setenv("LEADBOX_FILE_RETENTION_HOURS", bad)
        with pytest.raises(SettingsError, match="LEADBOX_FILE_RETENTION_HOURS"):
            settings_from_env()
