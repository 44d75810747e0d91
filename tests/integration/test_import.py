"""`importLeads`: a CSV or XLSX upload, mapped onto lead, person, organization and custom
fields, imported by a job; every row ends as a lead or in the job's report."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from app import create_app
from cli import parse_args, run_command
from core.config import Settings
from core.ids import to_global_id
from domain.columns.custom_field import OptionData, create_custom_field
from domain.integration import lead_import
from jobs import import_leads as import_job
from jobs.runner import claim_job, run_job
from jobs.worker import Worker
from models import (
    ChangeLogEntry,
    CustomFieldEntity,
    CustomFieldType,
    Job,
    JobStatus,
    Lead,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
)
from tests.conftest import Account
from tests.factories import make_org, make_person
from tests.factories.lead_status import org_in, person_in, stored_status

MAX_UPLOAD = 64 * 1024

IMPORT = """
mutation ($input: ImportLeadsInput!) {
  importLeads(input: $input) { job { id kind status } userErrors { field code message } }
}
"""
JOB = """
query ($id: ID!, $first: Int, $after: String) {
  job(id: $id) {
    status result
    report(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { row code field message } }
    }
  }
}
"""

HEADER = "Title,Person,Email,Organization,City,Value,Currency,Owner,Labels,Fleet size,Segment"
MAPPING = [
    {"column": "Title", "target": "lead.title"},
    {"column": "Person", "target": "person.name"},
    {"column": "Email", "target": "person.email"},
    {"column": "Organization", "target": "organization.name"},
    {"column": "City", "target": "organization.address.city"},
    {"column": "Value", "target": "lead.value"},
    {"column": "Currency", "target": "lead.valueCurrency"},
    {"column": "Owner", "target": "lead.owner"},
    {"column": "Labels", "target": "lead.labels"},
    {"column": "Fleet size", "target": "cf.lead.fleet_size"},
    {"column": "Segment", "target": "cf.organization.segment"},
]


@pytest.fixture
async def http(database: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its own files folder and a small upload limit."""
    settings = Settings(database_url=database, files_dir=str(tmp_path / "files"), max_upload_bytes=MAX_UPLOAD)
    app = create_app(settings, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


def uploads(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "files" / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


async def upload(account: Account, content: bytes, filename: str = "leads.csv", **input: Any) -> dict[str, Any]:
    """Post importLeads as a GraphQL multipart request; return its payload."""
    variables = {"input": {"mapping": MAPPING, **input, "file": None}}
    response = await account.client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": variables}),
            "map": '{"0": ["variables.input.file"]}',
        },
        files={"0": (filename, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {account.token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["importLeads"]
    return payload


async def run_import(account: Account, content: bytes, filename: str = "leads.csv", **input: Any) -> dict[str, Any]:
    """Upload, run the job to its end, and return the job as the API shows it (whole report)."""
    payload = await upload(account, content, filename, **input)
    assert payload["userErrors"] == []
    assert payload["job"]["kind"] == "import_leads"
    assert await Worker().run_pending() == 1
    data = await account.client.execute(JOB, {"id": payload["job"]["id"], "first": 500})
    job: dict[str, Any] = data["job"]
    assert job["status"] == "COMPLETED"
    return job


def csv_bytes(*rows: str, bom: bool = False) -> bytes:
    text = "\n".join([HEADER, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


async def setup_company(account: Account) -> dict[str, Any]:
    viewer = await account.viewer()
    await create_custom_field(
        viewer, CustomFieldEntity.LEAD_DEAL, "Fleet size", CustomFieldType.NUMBER, key="fleet_size"
    )
    segment = await create_custom_field(
        viewer,
        CustomFieldEntity.ORGANIZATION,
        "Segment",
        CustomFieldType.SINGLE_OPTION,
        key="segment",
        options=[OptionData("Enterprise"), OptionData("SMB")],
    )
    acme = await make_org(viewer, "Acme")
    peter = await make_person(viewer, "Peter Gibbons")
    return {"acme": acme, "peter": peter, "segment": segment, "owner": f"anna.admin@{account.company_id}.test"}


def mixed_rows(owner: str) -> list[str]:
    return [
        f"Printers for Acme,Ann Lee,ann@lee.test,Acme,Berlin,1200.50,EUR,{owner},Hot,12,",  # 2: good, Acme linked
        ",Bob Stone,bob-at-nowhere,Initrode,,,,,,,",  # 3: bad email
        "Fleet deal,Cy Twombly,cy@tw.test,Initrode,,,,,,many,",  # 4: bad number
        ",,,,,,,,,,",  # blank: no data row at all
        "  ,,,,,300,EUR,,,,",  # 6: no title, no contact
        "Hooli deal,Dee Dee,,Hooli,,,,nobody@nowhere.test,,,",  # 7: unknown owner
        ",Peter Gibbons,,Hooli,Palo Alto,,,,,,SMB",  # 8: person linked, Hooli created
        "Second Hooli,Eve Adams,eve@adams.test, hooli ,,,,,Warm,,",  # 9: Hooli (from row 8) linked
        "Only org,,,ACME,,,,,,,",  # 10: Acme linked, no person
    ]


async def test_link_import_accounts_for_every_row(account: Account, tmp_path: Path) -> None:
    given = await setup_company(account)
    job = await run_import(account, csv_bytes(*mixed_rows(given["owner"]), bom=True), defaultCurrency="USD")

    assert job["result"] == {
        "rowsTotal": 8,
        "leadsCreated": 4,
        "rowsFailed": 4,
        "personsCreated": 2,
        "personsLinked": 1,
        "organizationsCreated": 1,
        "organizationsLinked": 3,
    }
    report = [e["node"] for e in job["report"]["edges"]]
    assert [(e["row"], e["code"], e["field"]) for e in report] == [
        (3, "INVALID_EMAIL", "person.email"),
        (4, "INVALID_CUSTOM_FIELD_VALUE", "cf.lead.fleet_size"),
        (6, "MISSING_TITLE", "lead.title"),
        (7, "UNKNOWN_OWNER", "lead.owner"),
    ]
    assert "Fleet size" in report[1]["message"] and "nobody@nowhere.test" in report[3]["message"]
    assert job["report"]["totalCount"] == 4

    leads = {lead.title: lead for lead in await Lead.filter(company_id=account.company_id)}
    assert set(leads) == {"Printers for Acme", "Peter Gibbons", "Second Hooli", "Only org"}
    assert {lead.source for lead in leads.values()} == {LeadSource.IMPORT}
    hooli = await Organization.get(company_id=account.company_id, name="Hooli")
    assert (hooli.address_city, hooli.custom_fields) == ("Palo Alto", {"segment": given["segment"].options[1]["id"]})
    ann = await Person.get(company_id=account.company_id, name="Ann Lee")
    assert (ann.organization_id, ann.email_search, ann.name_key) == (given["acme"].id, "ann@lee.test", "ann lee")

    first = leads["Printers for Acme"]
    assert (first.person_id, first.organization_id) == (ann.id, given["acme"].id)
    assert (first.value_amount, first.value_currency) == (Decimal("1200.50"), "EUR")
    assert first.custom_fields == {"fleet_size": 12}
    assert first.owner_user_id == account.user_id and first.title_key == "printers for acme"
    assert await LeadLabelLink.filter(lead_id=first.id).count() == 1
    assert (leads["Peter Gibbons"].person_id, leads["Peter Gibbons"].organization_id) == (given["peter"].id, hooli.id)
    assert leads["Second Hooli"].organization_id == hooli.id
    assert (leads["Only org"].person_id, leads["Only org"].organization_id) == (None, given["acme"].id)

    # Nothing of a refused row was written; the existing contacts were linked, not doubled.
    assert await Organization.filter(company_id=account.company_id, name="Initrode").count() == 0
    assert (
        await Person.filter(company_id=account.company_id, name__in=["Bob Stone", "Cy Twombly", "Dee Dee"]).count() == 0
    )
    assert await Organization.filter(company_id=account.company_id, name_key="acme").count() == 1
    assert await Person.filter(company_id=account.company_id, name="Peter Gibbons").count() == 1
    created = await ChangeLogEntry.filter(company_id=account.company_id, action="CREATED").values_list(
        "entity_type", "entity_id"
    )
    assert sorted(str(lead.id) for lead in leads.values()) == sorted(i for t, i in created if t == "lead")
    assert (str(hooli.id) in [i for t, i in created if t == "organization"]) and (
        str(ann.id) in [i for t, i in created if t == "person"]
    )
    # Every row is written or reported: the upload (personal data) is removed with the job's end.
    assert uploads(tmp_path) == []


async def test_create_import_makes_new_contacts_for_every_row(account: Account) -> None:
    given = await setup_company(account)
    job = await run_import(account, csv_bytes(*mixed_rows(given["owner"])), duplicates="CREATE")
    assert job["result"] == {
        "rowsTotal": 8,
        "leadsCreated": 4,
        "rowsFailed": 4,
        "personsCreated": 3,
        "personsLinked": 0,
        "organizationsCreated": 4,
        "organizationsLinked": 0,
    }
    assert await Organization.filter(company_id=account.company_id, name_key="acme").count() == 3
    assert await Organization.filter(company_id=account.company_id, name_key="hooli").count() == 2
    assert await Person.filter(company_id=account.company_id, name="Peter Gibbons").count() == 2
    lead = await Lead.get(company_id=account.company_id, title="Peter Gibbons")
    assert lead.person_id != given["peter"].id


async def test_several_matching_contacts_are_reported_not_guessed(account: Account) -> None:
    given = await setup_company(account)
    await make_org(await account.viewer(), "ACME ")
    job = await run_import(account, csv_bytes("A,,,Acme,,,,,,,", "B,Zed,,Globex,,,,,,,", "C,peter gibbons,,,,,,,,,"))
    assert job["result"]["leadsCreated"] == 2
    report = [e["node"] for e in job["report"]["edges"]]
    assert [(e["row"], e["code"]) for e in report] == [(2, "AMBIGUOUS_DUPLICATE")]
    lead = await Lead.get(company_id=account.company_id, title="C")
    assert lead.person_id == given["peter"].id


async def test_report_pages_by_row(account: Account) -> None:
    await setup_company(account)
    rows = [f"T{i},P{i},bad{i},,,,,,,," for i in range(5)]
    payload = await upload(account, csv_bytes(*rows))
    await Worker().run_pending()
    seen: list[int] = []
    after = None
    while True:
        data = await account.client.execute(JOB, {"id": payload["job"]["id"], "first": 2, "after": after})
        page = data["job"]["report"]
        seen += [e["node"]["row"] for e in page["edges"]]
        assert page["totalCount"] == 5
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [2, 3, 4, 5, 6]


async def test_xlsx_import(account: Account) -> None:
    await setup_company(account)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Deal", "Contact", "Company", "Amount", "Close", "Visible to"])
    sheet.append(["Roof", "Rita Roof", "Roofs Ltd", 2500, dt.datetime(2027, 3, 1), "Owner"])
    sheet.append([None, "Sam Slate", "Roofs Ltd", 99.5, "not a date", None])
    sheet.append(["Gutter", None, "Roofs Ltd", None, None, "everyone"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = [
        {"column": "Deal", "target": "lead.title"},
        {"column": "Contact", "target": "person.name"},
        {"column": "Company", "target": "organization.name"},
        {"column": "Amount", "target": "lead.value"},
        {"column": "Close", "target": "lead.expectedCloseDate"},
        {"column": "Visible to", "target": "lead.visibility"},
    ]
    job = await run_import(account, buffer.getvalue(), "book.xlsx", mapping=mapping, defaultCurrency="eur")
    assert job["result"]["rowsTotal"] == 3 and job["result"]["leadsCreated"] == 1
    assert [(e["node"]["row"], e["node"]["code"]) for e in job["report"]["edges"]] == [
        (3, "INVALID_DATE"),
        (4, "INVALID"),
    ]
    lead = await Lead.get(company_id=account.company_id)
    assert (lead.title, lead.value_amount, lead.value_currency) == ("Roof", Decimal("2500.00"), "EUR")
    assert (lead.expected_close_date, lead.visibility.value) == (dt.date(2027, 3, 1), "OWNER")


async def test_mapping_errors_refuse_the_import(account: Account, tmp_path: Path) -> None:
    await setup_company(account)
    cases = [
        ([{"column": "Title", "target": "lead.nope"}], "UNKNOWN_COLUMN", ["input", "mapping", "0", "target"]),
        ([{"column": "Title", "target": "lead.source"}], "COLUMN_NOT_IMPORTABLE", ["input", "mapping", "0", "target"]),
        (
            [{"column": "Title", "target": "lead.title"}, {"column": "Person", "target": "lead.title"}],
            "DUPLICATE",
            ["input", "mapping", "1", "target"],
        ),
        (
            [{"column": "Title", "target": "lead.title"}, {"column": "Nope", "target": "person.name"}],
            "HEADER_NOT_FOUND",
            ["input", "mapping", "1", "column"],
        ),
        ([{"column": "Email", "target": "person.email"}], "MISSING_TITLE", ["input", "mapping"]),
        ([{"column": "Title", "target": "lead.title"}], "CONTACT_REQUIRED", ["input", "mapping"]),
    ]
    for mapping, code, field in cases:
        payload = await upload(account, csv_bytes("A,B,,,,,,,,,"), mapping=mapping)
        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], mapping
    payload = await upload(account, csv_bytes(), "leads.pdf")
    assert payload["userErrors"][0]["code"] == "INVALID_FILE"
    payload = await upload(account, b"\xff\xfe" + "Title".encode("utf-16-le"), format="CSV")
    assert payload["userErrors"][0]["code"] == "INVALID_FILE"
    payload = await upload(account, b"x" * (MAX_UPLOAD + 1))
    assert [e["code"] for e in payload["userErrors"]] == ["FILE_TOO_LARGE"]
    # A body far past the limit is refused before it is read; a file that is no upload is refused too.
    response = await account.client.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"input": {"mapping": MAPPING, "file": None}}})},
        files={"0": ("big.csv", b"x" * (MAX_UPLOAD + (2 << 20)), "text/csv")},
        headers={"Authorization": f"Bearer {account.token}"},
    )
    assert response.status_code == 413
    body = await account.client.raw(IMPORT, {"input": {"mapping": MAPPING, "file": "leads.csv"}})
    assert [e["code"] for e in body["data"]["importLeads"]["userErrors"]] == ["INVALID_FILE"]
    assert await Job.all().count() == 0
    assert uploads(tmp_path) == []


async def test_another_companys_import_never_links_to_our_contacts(account: Account, other_account: Account) -> None:
    given = await setup_company(account)
    mapping = [m for m in MAPPING if m["column"] in ("Title", "Person", "Organization")]
    job = await run_import(other_account, csv_bytes("Theirs,Peter Gibbons,,Acme,,,,,,,"), mapping=mapping)
    assert job["result"]["organizationsCreated"] == 1 and job["result"]["personsCreated"] == 1
    lead = await Lead.get(company_id=other_account.company_id)
    assert lead.organization_id != given["acme"].id and lead.person_id != given["peter"].id
    assert await Organization.filter(company_id=account.company_id).count() == 1
    assert await Lead.filter(company_id=account.company_id).count() == 0
    # Nor can the first company read the second's job.
    data = await account.client.execute(JOB, {"id": to_global_id("Job", (await Job.get()).id)})
    assert data["job"] is None


async def test_an_interrupted_import_resumes_without_doubling(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_company(account)
    monkeypatch.setattr(lead_import, "BATCH_ROWS", 3)
    rows = [f"Lead {i},Person {i % 4},,Org {i % 3},,,,,,," for i in range(10)]
    payload = await upload(account, csv_bytes(*rows))
    calls = 0
    real = import_job.write_batch

    async def dies_in_second_batch(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        outcome = await real(*args)
        if calls == 2:
            await asyncio.sleep(3600)  # killed here, inside the second batch's transaction
        return outcome

    monkeypatch.setattr(import_job, "write_batch", dies_in_second_batch)
    claimed = await claim_job("first", dt.timedelta(milliseconds=50))
    assert claimed is not None
    task = asyncio.create_task(run_job(claimed, "first", dt.timedelta(milliseconds=50)))
    while calls < 2:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await Lead.filter(company_id=account.company_id).count() == 3

    monkeypatch.setattr(import_job, "write_batch", real)
    await asyncio.sleep(0.06)  # the dead worker's lease lapses
    assert await Worker().run_pending() == 1
    job = await Job.get(id=claimed.id)
    assert job.status == JobStatus.COMPLETED
    assert job.result["leadsCreated"] == 10 and job.result["rowsTotal"] == 10
    titles = await Lead.filter(company_id=account.company_id).values_list("title", flat=True)
    assert sorted(titles) == sorted(f"Lead {i}" for i in range(10))
    assert await Organization.filter(company_id=account.company_id, name__startswith="Org").count() == 3
    assert await Person.filter(company_id=account.company_id, name__startswith="Person").count() == 4
    assert payload["job"]["id"] == to_global_id("Job", claimed.id)


async def test_the_cli_imports_a_file_to_the_end(
    account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    given = await setup_company(account)
    monkeypatch.setenv("LEADBOX_FILES_DIR", str(tmp_path / "cli-files"))
    source = tmp_path / "leads.csv"
    source.write_bytes(csv_bytes(*mixed_rows(given["owner"])))
    maps = [f"--map={m['column']}={m['target']}" for m in MAPPING]
    argv = ["import", str(source), "--company", "Acme", "--user", given["owner"], *maps, "--default-currency", "EUR"]
    assert await run_command(parse_args(argv)) == 0
    out = capsys.readouterr().out
    assert "8 rows, 4 leads created, 4 rows failed" in out
    assert "organizations: 1 created, 3 linked" in out
    assert "row 3: INVALID_EMAIL (person.email)" in out
    assert await Lead.filter(company_id=account.company_id, source=LeadSource.IMPORT).count() == 4

    # CREATE makes new contacts; a target that does not exist refuses the import (status 2).
    assert await run_command(parse_args([*argv, "--duplicates", "create"])) == 0
    assert "organizations: 4 created, 0 linked" in capsys.readouterr().out
    assert await run_command(parse_args([*argv[:6], "--map", "Title=lead.nope"])) == 2
    assert "no column 'lead.nope'" in capsys.readouterr().err
    assert await run_command(parse_args([*argv[:2], "--company", "Nobody Inc", *argv[4:]])) == 2


async def test_a_batch_costs_the_same_statements_whatever_its_rows(account: Account, count_statements: Any) -> None:
    await setup_company(account)
    counts = []
    for size in (5, 60):
        rows = [f"T{size}-{i},P{size}-{i},p{i}@x.test,Org {size}-{i % 3},,1,EUR,,Hot,{i}," for i in range(size)]
        payload = await upload(account, csv_bytes(*rows))
        assert payload["userErrors"] == []
        before = count_statements.count
        await Worker().run_pending()
        counts.append(count_statements.count - before)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 40, count_statements.statements[-counts[0] :]


async def test_new_persons_get_the_lead_status_create_person_gives(account: Account) -> None:
    viewer = await account.viewer()
    await org_in(viewer, "Lead", "Leadco")
    await org_in(viewer, "Customer", "Custco")
    mapping = [m for m in MAPPING if m["column"] in ("Person", "Organization")]
    rows = ["x,Nina New,,Leadco,,,,,,,", "x,Carl Cust,,Custco,,,,,,,", "x,Fay Fresh,,Freshco,,,,,,,"]
    job = await run_import(account, csv_bytes(*rows), mapping=mapping)
    assert job["result"]["leadsCreated"] == 3
    by_hand = await person_in(viewer, await Organization.get(name="Leadco"), "Hand Made")
    assert await stored_status(by_hand) is not None
    imported = {
        p.name: p
        for p in await Person.filter(company_id=account.company_id, name__in=["Nina New", "Carl Cust", "Fay Fresh"])
    }
    assert await stored_status(imported["Nina New"]) == await stored_status(by_hand)
    assert imported["Carl Cust"].lead_status_id is None and imported["Fay Fresh"].lead_status_id is None
