"""The server's log: one structured line per request, no traceback for the client's mistakes,
job messages at the default level, never a token or a variable's value.

Each test runs the real ``leadbox serve`` in a child process on the test's database and reads
its stderr.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Account
from tests.factories.server_process import serve

INVALID = "GRAPHQL_VALIDATION_FAILED"
LEADS = "query InboxPage { leads(first: 5) { totalCount edges { node { title } } } }"
CREATE_LEAD = """
mutation AddLead($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id } userErrors { code } }
}
"""
EXPORT = (
    "mutation StartExport($input: ExportLeadsInput!) { exportLeads(input: $input) { job { id } userErrors { code } } }"
)


def post(base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def request_lines(log: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "leadbox.request"]


def wait_for(log: Path, text: str) -> str:
    for _ in range(300):
        content = log.read_text()
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in the log:\n{log.read_text()}")


async def test_bad_tokens_log_one_line_each_and_no_traceback(database: str, tmp_path: Path) -> None:
    statuses = []
    with serve(database, tmp_path, LEADBOX_LOG_FORMAT="json") as (base, log), httpx.Client() as client:
        for i in range(300):
            response = client.post(
                f"{base}/graphql", json={"query": LEADS}, headers={"Authorization": f"Bearer lbx_wrong{i}"}
            )
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        # An invalid document is the client's mistake too.
        assert post(base, "{ nope }")["errors"]
        wait_for(log, '"errors":["GRAPHQL_VALIDATION_FAILED"]')
    content = log.read_text()
    assert "Traceback" not in content
    assert "lbx_wrong" not in content  # no token, not even a wrong one
    # One line a request: answered UNAUTHENTICATED, or 429 once the address sent too many bad
    # tokens (core/auth_throttle.py).
    lines = [line for line in request_lines(log) if line["path"] == "/graphql" and line["errors"] != [INVALID]]
    assert len(lines) == 300
    assert [line["status"] for line in lines] == statuses
    assert statuses.count(200) >= 1
    for line in lines:
        assert line["company_id"] is None
        if line["status"] == 200:
            assert (line["operation"], line["errors"]) == ("InboxPage", ["UNAUTHENTICATED"])
        else:
            assert line["status"] == 429
    # Every line of the log is JSON.
    assert all(line.startswith("{") for line in content.splitlines())


async def test_a_request_line_names_operation_company_and_statements(
    database: str, tmp_path: Path, account: Account, other_account: Account
) -> None:
    secret_name, secret_mail = "Zebulon Quarterstaff", "zebulon@quarterstaff.example"
    with serve(database, tmp_path, LEADBOX_LOG_FORMAT="json") as (base, log):
        created = post(
            base,
            CREATE_LEAD,
            {"input": {"title": "Roof", "person": {"name": secret_name, "emails": [{"value": secret_mail}]}}},
            account.token,
        )
        assert created["data"]["createLead"]["userErrors"] == []
        page = post(base, LEADS, token=other_account.token)
        assert page["data"]["leads"]["totalCount"] == 0  # the other company sees nothing of it
        wait_for(log, '"operation":"InboxPage"')
    lines = {line["operation"]: line for line in request_lines(log)}
    add, inbox = lines["AddLead"], lines["InboxPage"]
    assert (add["company_id"], add["user_id"], add["operation_type"]) == (
        account.company_id,
        account.user_id,
        "mutation",
    )
    assert (inbox["company_id"], inbox["user_id"]) == (other_account.company_id, other_account.user_id)
    for line in (add, inbox):
        assert line["status"] == 200 and line["errors"] == [] and line["statements"] >= 2
        assert line["duration_ms"] > 0 and line["method"] == "POST" and line["path"] == "/graphql"
    assert add["statements"] > inbox["statements"]  # the mutation writes person, lead, change log...
    content = log.read_text()
    for private in (secret_name, "Quarterstaff", secret_mail, account.token, other_account.token):
        assert private not in content


async def test_get_requests_log_the_path_without_the_query_string(
    database: str, tmp_path: Path, account: Account
) -> None:
    with serve(database, tmp_path) as (base, log):
        response = httpx.get(
            f"{base}/graphql",
            params={"query": 'query Find { leads(first: 1, filter: {search: "Privatename"}) { totalCount } }'},
            headers={"Authorization": f"Bearer {account.token}"},
        )
        assert response.status_code == 200
        content = wait_for(log, "operation=Find")
    (line,) = [line for line in content.splitlines() if "operation=Find" in line]
    # The default format is text: time, level, logger, then the request's fields.
    assert " INFO leadbox.request: GET /graphql status=200 " in line
    assert f"company_id={account.company_id}" in line
    assert "Privatename" not in content and account.token not in content


async def test_job_messages_appear_at_the_default_level(database: str, tmp_path: Path, account: Account) -> None:
    with serve(database, tmp_path, LEADBOX_LOG_FORMAT="json") as (base, log):
        started = post(base, EXPORT, {"input": {"format": "CSV"}}, account.token)
        job_id = started["data"]["exportLeads"]["job"]
        assert job_id is not None
        wait_for(log, "completed")
    jobs = [json.loads(line) for line in log.read_text().splitlines() if '"leadbox.jobs"' in line]
    assert [line["level"] for line in jobs] == ["info", "info"]
    assert jobs[0]["message"].endswith(f"of company {account.company_id} started")


async def test_the_statement_count_is_every_statement_the_request_sent(
    account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    """In-process, against tortoise's own DEBUG line for each statement it sends (the rate
    limiter's bookkeeping included: it is the request's work too)."""
    caplog.set_level(logging.INFO, logger="leadbox.request")
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")  # last: the capture's level is DEBUG
    data = await account.client.execute(LEADS.replace("InboxPage", "Counted"))
    assert data["leads"]["totalCount"] == 0
    (record,) = [r for r in caplog.records if r.name == "leadbox.request"]
    sent = [r for r in caplog.records if r.name == "tortoise.db_client" and r.msg == "%s: %s"]
    fields = record.__dict__["fields"]  # set through the log call's ``extra``
    assert fields["operation"] == "Counted" and fields["company_id"] == account.company_id
    assert fields["statements"] == len(sent) >= 2
