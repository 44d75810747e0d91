"""Export of the inbox: a job writes the file, the caller downloads it with their token, and the
file holds exactly what their `leads` list shows for the same filter, sort and columns."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
import pytest

import jobs.export_leads
from core.ids import decode_id
from domain.columns.custom_field import OptionData, create_custom_field
from domain.integration import export
from domain.viewer import Viewer
from jobs.runner import claim_job, create_job, run_job
from jobs.worker import Worker
from models import CustomFieldEntity, CustomFieldType, Job, JobItem, JobItemStatus, JobStatus, Role, Visibility
from tests.conftest import Account, Client
from tests.factories import gid, make_label, make_lead

EXPORT = """
mutation ($input: ExportLeadsInput!) {
  exportLeads(input: $input) { job { id kind status } userErrors { field code message } }
}
"""
JOB = "query ($id: ID!) { job(id: $id) { id kind status total done failed result error } }"
LEADS = """
query ($first: Int!, $after: String, $filter: LeadFilter, $sort: LeadSort, $columns: [String!]) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { node { title values(columns: $columns) { display } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
COLUMN_LABELS = "query { leadColumns { key label } }"
COLUMNS = [
    "lead.title",
    "lead.labels",
    "lead.value",
    "cf.lead.tier",
    "cf.lead.budget",
    "cf.lead.fleet",
    "lead.expectedCloseDate",
    "person.name",
    "lead.owner",
]
# Gold or Silver tier with a fleet over 3, or no tier at all: a tree with a nested group.
TREE = {
    "conditions": {
        "op": "OR",
        "conditions": [{"column": "cf.lead.tier", "operator": "IS_EMPTY"}],
        "groups": [
            {
                "op": "AND",
                "conditions": [
                    {"column": "cf.lead.tier", "operator": "IS_ONE_OF", "values": [1, 2]},
                    {"column": "cf.lead.fleet", "operator": "GREATER_THAN", "value": 3},
                ],
            }
        ],
    }
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def files_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LEADBOX_FILES_DIR", str(tmp_path / "files"))
    # Small pages, so that a test's few dozen leads cross several of them.
    monkeypatch.setattr(export, "PAGE_ROWS", 7)
    return tmp_path / "files"


async def seed(viewer: Viewer, count: int = 30) -> None:
    """Leads with labels, an option field, a money field, a number field, and gaps in each."""
    await create_custom_field(
        viewer,
        CustomFieldEntity.LEAD_DEAL,
        "Tier",
        CustomFieldType.SINGLE_OPTION,
        key="tier",
        options=[OptionData("Gold"), OptionData("Silver"), OptionData("Bronze")],
    )
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Budget", CustomFieldType.MONETARY, key="budget")
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Fleet", CustomFieldType.NUMBER, key="fleet")
    hot = await make_label(viewer, "Export hot", "red")
    big = await make_label(viewer, "Big fleet", "blue")
    for i in range(count):
        custom: dict[str, Any] = {"fleet": i + 0.5 if i % 5 == 0 else i}
        if i % 4:
            custom["tier"] = i % 3 + 1
        if i % 3:
            custom["budget"] = {"amount": f"{i * 10}.25", "currency": "SEK" if i % 2 else "USD"}
        await make_lead(
            viewer,
            f'Lead {i:02} ünïcode, "quoted"' if i == 3 else f"Lead {i:02}",
            label_ids=[hot.id, big.id] if i % 2 else ([hot.id] if i % 3 == 0 else []),
            value_amount=Decimal(100 + i) if i % 6 else None,
            value_currency="EUR" if i % 6 else None,
            expected_close_date=dt.date(2031, 1, 1) + dt.timedelta(days=i) if i % 2 == 0 else None,
            custom_fields=custom,
        )


async def listed(
    client: Client, filter: dict[str, Any] | None, sort: dict[str, Any] | None, columns: list[str] | None
) -> list[list[str]]:
    """Every row of the `leads` list, page after page: each value's display, "" where empty."""
    rows: list[list[str]] = []
    after = None
    while True:
        data = await client.execute(
            LEADS, {"first": 11, "after": after, "filter": filter, "sort": sort, "columns": columns}
        )
        page = data["leads"]
        rows += [[v["display"] if v else "" for v in e["node"]["values"]] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


async def labels(client: Client, keys: list[str]) -> list[str]:
    catalogue = {c["key"]: c["label"] for c in (await client.execute(COLUMN_LABELS))["leadColumns"]}
    return [catalogue[k] for k in keys]


async def start(client: Client, **input: Any) -> str:
    payload = await client.mutate(EXPORT, input)
    assert payload["userErrors"] == []
    assert payload["job"]["kind"] == "export_leads" and payload["job"]["status"] == "CREATED"
    job_id: str = payload["job"]["id"]
    return job_id


async def finished(client: Client, job_id: str) -> dict[str, Any]:
    assert await Worker().run_pending() == 1
    job: dict[str, Any] = (await client.execute(JOB, {"id": job_id}))["job"]
    assert job["status"] == "COMPLETED", job
    return job


async def download(http: httpx.AsyncClient, job_id: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.get(f"/exports/{job_id}", headers=headers)


def read_csv(response: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_text(value: Any) -> str:
    """A cell read back, as the list displays it (numbers and dates are typed cells)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, int | float):
        number = Decimal(str(value))
        return format(number.normalize(), "f") if number == number.to_integral() else str(number)
    return str(value)


def read_xlsx(response: httpx.Response) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        return [[xlsx_text(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


async def test_csv_export_is_the_list_with_a_conditions_tree(account: Account, http: httpx.AsyncClient) -> None:
    viewer = await account.viewer()
    await seed(viewer)
    sort = {"column": "cf.lead.fleet", "direction": "DESC"}
    job_id = await start(account.client, format="CSV", filter=TREE, sort=sort, columns=COLUMNS)
    job = await finished(account.client, job_id)

    response = await download(http, job_id, account.token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert response.headers["content-disposition"] == f'attachment; filename="leads-{today}.csv"'
    rows = read_csv(response)
    expected = await listed(account.client, TREE, sort, COLUMNS)
    assert rows[0] == await labels(account.client, COLUMNS)
    assert rows[1:] == expected
    # The filter matched some leads and not others; the values are what people read.
    assert 10 < len(expected) < 30
    flat = [value for row in expected for value in row]
    assert (
        any("Export hot" in v and "Big fleet" in v for v in flat)
        and "Gold" in flat
        and any(v.endswith(" SEK") for v in flat)
    )
    assert any(v.endswith(".00 EUR") for v in flat) and "" in flat
    assert job["result"] == {
        "rows": len(expected),
        "format": "CSV",
        "fileSize": len(response.content),
        "fileName": f"leads-{today}.csv",
        "downloadPath": f"/exports/{job_id}",
    }
    # More leads than one internal page: the export walked several keyset pages.
    (item,) = await JobItem.filter(job__company_id=account.company_id)
    assert item.result is not None and item.result["pages"] == len(expected) // 7 + 1


async def test_xlsx_export_is_the_list(account: Account, http: httpx.AsyncClient) -> None:
    viewer = await account.viewer()
    await seed(viewer)
    sort = {"field": "TITLE", "direction": "ASC"}
    job_id = await start(account.client, format="XLSX", sort=sort, columns=COLUMNS)
    job = await finished(account.client, job_id)

    response = await download(http, job_id, account.token)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert response.headers["content-disposition"].endswith('.xlsx"')
    rows = read_xlsx(response)
    expected = await listed(account.client, None, sort, COLUMNS)
    assert len(expected) == 30 and job["result"]["rows"] == 30
    assert rows[0] == await labels(account.client, COLUMNS)
    assert rows[1:] == expected
    assert expected[3][0] == 'Lead 03 ünïcode, "quoted"'


async def test_without_columns_the_viewers_own_columns(account: Account, http: httpx.AsyncClient) -> None:
    viewer = await account.viewer()
    await seed(viewer, 9)
    job_id = await start(account.client, format="CSV")
    await finished(account.client, job_id)
    rows = read_csv(await download(http, job_id, account.token))
    assert rows[0] == ["Title", "Activity status", "Labels", "Source", "Lead created", "Owner"]
    assert rows[1:] == await listed(account.client, None, None, None)

    # Saved columns are what `values` shows without `columns`, and so what the export writes.
    saved = ["person.name", "cf.lead.budget", "lead.title"]
    await account.client.execute(
        "mutation ($input: SetLeadColumnsInput!) { setLeadColumns(input: $input) { userErrors { code } } }",
        {"input": {"keys": saved}},
    )
    job_id = await start(account.client, format="CSV")
    await finished(account.client, job_id)
    rows = read_csv(await download(http, job_id, account.token))
    assert rows[0] == ["Person name", "Budget", "Title"]
    assert rows[1:] == await listed(account.client, None, None, None)


async def test_bad_columns_sort_or_filter_are_user_errors(account: Account) -> None:
    viewer = await account.viewer()
    await seed(viewer, 2)
    payload = await account.client.mutate(
        EXPORT, {"format": "CSV", "columns": ["lead.title", "lead.nope", "cf.lead.gone"]}
    )
    assert payload["job"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "columns", "1"], "UNKNOWN_COLUMN"),
        (["input", "columns", "2"], "UNKNOWN_COLUMN"),
    ]
    bad_filter = {"conditions": {"conditions": [{"column": "cf.lead.fleet", "operator": "STARTS_WITH", "value": "1"}]}}
    payload = await account.client.mutate(EXPORT, {"format": "XLSX", "filter": bad_filter})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "filter", "conditions", "conditions", "0", "operator"], "INVALID_FILTER")
    ]
    unknown = {"conditions": {"conditions": [{"column": "cf.lead.nope", "operator": "IS_EMPTY"}]}}
    payload = await account.client.mutate(EXPORT, {"format": "XLSX", "filter": unknown})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "filter", "conditions"], "INVALID_FILTER")
    ]
    payload = await account.client.mutate(EXPORT, {"format": "CSV", "sort": {"column": "lead.wasSeen"}})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "sort", "column"], "INVALID_SORT")]
    payload = await account.client.mutate(EXPORT, {"format": "CSV", "filter": {"savedFilterId": "bad"}})
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_ID"]
    # Nothing was queued for any of them.
    assert await Worker().run_pending() == 0


async def test_a_regular_user_exports_only_what_they_see(
    account: Account, make_account: Any, http: httpx.AsyncClient
) -> None:
    admin = await account.viewer()
    seller = await make_account(name="Sam Seller", role=Role.REGULAR, company_id=account.company_id)
    await make_lead(admin, "Admin's secret", visibility=Visibility.OWNER)
    await make_lead(admin, "Everyone's", visibility=Visibility.COMPANY)
    await make_lead(await seller.viewer(), "Seller's own", visibility=Visibility.OWNER)
    job_id = await start(
        seller.client, format="CSV", columns=["lead.title"], sort={"field": "TITLE", "direction": "ASC"}
    )
    await finished(seller.client, job_id)
    rows = read_csv(await download(http, job_id, seller.token))
    assert rows == [["Title"], ["Everyone's"], ["Seller's own"]]
    assert rows[1:] == await listed(seller.client, None, {"field": "TITLE", "direction": "ASC"}, ["lead.title"])

    # The admin may download the seller's export; another seller may not.
    assert (await download(http, job_id, account.token)).status_code == 200
    other = await make_account(name="Olga Other", role=Role.REGULAR, company_id=account.company_id)
    assert (await download(http, job_id, other.token)).status_code == 404


async def test_another_company_can_neither_download_nor_see_an_export(
    account: Account, other_account: Account, http: httpx.AsyncClient
) -> None:
    await make_lead(await account.viewer(), "Acme's lead")
    job_id = await start(account.client, format="CSV", columns=["lead.title"])
    await finished(account.client, job_id)
    response = await download(http, job_id, other_account.token)
    assert response.status_code == 404
    assert b"Acme" not in response.content
    assert (await other_account.client.execute(JOB, {"id": job_id}))["job"] is None
    # Its own export holds none of the first company's leads.
    own = await start(other_account.client, format="CSV", columns=["lead.title"])
    await finished(other_account.client, own)
    assert read_csv(await download(http, own, other_account.token)) == [["Title"]]


async def test_download_needs_a_token_a_finished_export_and_an_export(
    account: Account, http: httpx.AsyncClient
) -> None:
    await make_lead(await account.viewer(), "A lead")
    job_id = await start(account.client, format="XLSX", columns=["lead.title"])
    assert (await download(http, job_id, account.token)).status_code == 409
    await finished(account.client, job_id)
    assert (await download(http, job_id, None)).status_code == 401
    assert (await download(http, job_id, "not-a-token")).status_code == 401
    assert (await download(http, job_id, account.token)).status_code == 200
    assert (await download(http, "garbage", account.token)).status_code == 404
    # A job that is not an export is not downloadable, even by its creator.
    other = await create_job(await account.viewer(), "convert_deals_to_leads", {}, [])
    assert (await download(http, gid("Job", other.id), account.token)).status_code == 404


async def test_an_export_cut_short_by_a_crash_is_written_again_whole(
    account: Account, http: httpx.AsyncClient, files_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    await seed(viewer, 20)
    job_id = await start(account.client, format="CSV", columns=COLUMNS)
    real = jobs.export_leads.keep_lease
    calls = 0

    async def die_on_the_second_page(job: Job) -> None:
        nonlocal calls
        calls += 1
        await real(job)
        if calls == 2:
            await asyncio.sleep(3600)  # the process dies here, half-way through the file

    monkeypatch.setattr(jobs.export_leads, "keep_lease", die_on_the_second_page)
    short = dt.timedelta(milliseconds=50)
    job = await claim_job("doomed", short)
    assert job is not None
    task = asyncio.create_task(run_job(job, "doomed", short))
    while calls < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Nothing half-written is left where a download would find it; the item waits to be redone.
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []
    assert (await JobItem.get(job_id=job.id)).status == JobItemStatus.PENDING
    assert (await download(http, job_id, account.token)).status_code == 409

    monkeypatch.setattr(jobs.export_leads, "keep_lease", real)
    await asyncio.sleep(0.06)  # the dead worker's lease lapses
    await finished(account.client, job_id)
    rows = read_csv(await download(http, job_id, account.token))
    assert rows[1:] == await listed(account.client, None, None, COLUMNS)
    assert len(rows) == 21


async def test_a_canceled_export_stops_and_leaves_no_file(
    account: Account, files_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    await seed(viewer, 20)
    job_id = await start(account.client, format="XLSX", columns=COLUMNS)
    real = jobs.export_leads.keep_lease

    async def cancel_on_the_way(job: Job) -> None:
        await account.client.mutate(
            "mutation ($input: IdInput!) { cancelJob(input: $input) { job { status } userErrors { code } } }",
            {"id": job_id},
        )
        await real(job)

    monkeypatch.setattr(jobs.export_leads, "keep_lease", cancel_on_the_way)
    assert await Worker().run_pending() == 1
    job = await Job.get(id=int(decode_id(job_id, "Job")))
    assert job.status == JobStatus.CANCELED
    assert (await JobItem.get(job_id=job.id)).status == JobItemStatus.PENDING
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []


async def test_text_that_a_spreadsheet_would_run_is_escaped(account: Account, http: httpx.AsyncClient) -> None:
    viewer = await account.viewer()
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Score", CustomFieldType.NUMBER, key="score")
    titles = ['=HYPERLINK("http://evil.test")', "+1+2", "-3", "@SUM(A1)", "Plain"]
    for title in titles:
        await make_lead(viewer, title, custom_fields={"score": -5})
    sort = {"field": "TITLE", "direction": "ASC"}
    columns = ["lead.title", "cf.lead.score"]
    job_id = await start(account.client, format="CSV", columns=columns, sort=sort)
    await finished(account.client, job_id)
    rows = read_csv(await download(http, job_id, account.token))
    assert sorted(r[0] for r in rows[1:]) == sorted(
        ['\'=HYPERLINK("http://evil.test")', "'+1+2", "'-3", "'@SUM(A1)", "Plain"]
    )
    # A number is not user text: a negative one stays as it is.
    assert {r[1] for r in rows[1:]} == {"-5"}

    # XLSX cells are typed: the text is a string cell, never a formula, and needs no apostrophe.
    job_id = await start(account.client, format="XLSX", columns=columns, sort=sort)
    await finished(account.client, job_id)
    response = await download(http, job_id, account.token)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(titles)
    assert {c.data_type for c in cells} == {"s"}
