"""reportIncorrect and the operator's review: the window, conversions, one open report,
exactly one refund, notifications, and who may review."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

import pytest

from cli.prospects import register, run
from core.errors import DomainError
from core.ids import to_global_id
from domain.accounts.operator import create_operator_token
from domain.deals.conversion import convert_lead_to_deal
from domain.prospector.credit import balance
from domain.prospector.report import review_report
from models import (
    AddOnState,
    ChangeLogEntry,
    CreditEntryKind,
    CreditLedgerEntry,
    Notification,
    ProspectPurchase,
    ProspectReport,
    ReportStatus,
    Role,
)
from tests.conftest import Account, Client
from tests.factories.prospector import ELIN, KARI, NORDIC, enable, load_profiles, person_gid

PURCHASE = """
mutation ($input: PurchaseProspectInput!) {
  purchaseProspect(input: $input) { results { purchase { id lead { id } } } userErrors { code } }
}
"""
REPORT = """
mutation ($input: ReportIncorrectInput!) {
  reportIncorrect(input: $input) {
    report { id reason details status reporter { name } }
    purchase { reportState }
    userErrors { field message code }
  }
}
"""
REVIEW = """
mutation ($input: ReviewProspectReportInput!) {
  reviewProspectReport(input: $input) {
    report { id status companyName prospectName reviewer reviewNote }
    userErrors { field message code }
  }
}
"""
REPORTS = (
    "query ($status: ProspectReportStatus) { prospectReports(status: $status) { id companyName prospectName reason } }"
)
NOTIFICATIONS = "query { notifications { edges { node { kind message subjectId } } } }"
STATE = "query { myProspects { nodes { reportState canReport report { status } } } }"


@pytest.fixture
async def bought(account: Account) -> dict[str, Any]:
    """The account's company bought Kari: the purchase's and its lead's global ids."""
    await enable(account.company_id)
    await load_profiles(NORDIC, ELIN, KARI)
    payload = await account.client.mutate(PURCHASE, {"prospectIds": [await person_gid("p-kari")]})
    purchase = payload["results"][0]["purchase"]
    return {"purchase": purchase["id"], "lead": purchase["lead"]["id"]}


@pytest.fixture
async def operator(account: Account) -> Client:
    return Client(account.client.http, await create_operator_token("Olga Operator"))


async def report(account: Account, purchase: str, reason: str = "PHONE_NOT_IN_USE", **more: Any) -> dict[str, Any]:
    return await account.client.mutate(REPORT, {"purchaseId": purchase, "reason": reason, **more})


async def age_purchase(days: float) -> None:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    await ProspectPurchase.all().update(created_at=when)


# --- reporting --------------------------------------------------------------------------------------------


async def test_a_report_waits_for_review_and_only_one_is_open(account: Account, bought: dict[str, Any]) -> None:
    assert (await account.client.execute(STATE))["myProspects"]["nodes"] == [
        {"reportState": "NONE", "canReport": True, "report": None}
    ]
    first = await report(account, bought["purchase"], details="Number disconnected.")
    assert first["userErrors"] == []
    assert first["report"] == {
        "id": first["report"]["id"],
        "reason": "PHONE_NOT_IN_USE",
        "details": "Number disconnected.",
        "status": "OPEN",
        "reporter": {"name": "Anna Admin"},
    }
    assert first["purchase"] == {"reportState": "OPEN"}
    second = await account.client.mutate(REPORT, {"leadId": bought["lead"], "reason": "EMAIL_BOUNCES"})
    assert [e["code"] for e in second["userErrors"]] == ["REPORT_ALREADY_OPEN"]
    assert await ProspectReport.all().count() == 1
    assert await ChangeLogEntry.exists(action="REPORTED_INCORRECT")


async def test_two_reports_at_the_same_moment_leave_one_open(account: Account, bought: dict[str, Any]) -> None:
    results = await asyncio.gather(*(report(account, bought["purchase"]) for _ in range(5)))
    assert sum(not r["userErrors"] for r in results) == 1
    assert {e["code"] for r in results for e in r["userErrors"]} == {"REPORT_ALREADY_OPEN"}
    assert await ProspectReport.filter(status=ReportStatus.OPEN).count() == 1


async def test_a_report_on_day_eleven_is_refused_and_on_day_nine_taken(
    account: Account, bought: dict[str, Any]
) -> None:
    await age_purchase(11)
    late = await report(account, bought["purchase"])
    assert late["userErrors"] == [
        {
            "field": None,
            "message": "Incorrect prospects are reported within 10 days of the purchase.",
            "code": "REPORT_WINDOW_CLOSED",
        }
    ]
    await age_purchase(9)
    assert (await report(account, bought["purchase"]))["userErrors"] == []


async def test_a_lead_that_became_a_deal_cannot_be_reported(account: Account, bought: dict[str, Any]) -> None:
    purchase = await ProspectPurchase.get(company_id=account.company_id)
    assert purchase.lead_id is not None
    await convert_lead_to_deal(await account.viewer(), purchase.lead_id)
    refused = await report(account, bought["purchase"])
    assert [e["code"] for e in refused["userErrors"]] == ["LEAD_CONVERTED"]
    assert (await account.client.execute(STATE))["myProspects"]["nodes"][0]["canReport"] is False
    assert await ProspectReport.all().count() == 0


async def test_who_may_report_and_what_a_report_needs(
    account: Account, other_account: Account, make_account: Any, bought: dict[str, Any]
) -> None:
    plain = await make_account(name="Rick Regular", role=Role.REGULAR, company_id=account.company_id)
    assert [e["code"] for e in (await report(plain, bought["purchase"]))["userErrors"]] == ["PERMISSION_DENIED"]
    await enable(other_account.company_id)
    stranger = await report(other_account, bought["purchase"])
    assert [(e["field"], e["code"]) for e in stranger["userErrors"]] == [(["input", "purchaseId"], "NOT_FOUND")]
    other = await report(account, bought["purchase"], "OTHER")
    assert [(e["field"], e["code"]) for e in other["userErrors"]] == [(["input", "details"], "REQUIRED")]
    neither = await account.client.mutate(REPORT, {"reason": "OTHER", "details": "x"})
    assert [e["code"] for e in neither["userErrors"]] == ["REQUIRED"]
    await enable(account.company_id, AddOnState.OFF)
    switched_off = await report(account, bought["purchase"])
    assert [e["code"] for e in switched_off["userErrors"]] == ["PROSPECTOR_NOT_ENABLED"]
    assert await ProspectReport.all().count() == 0


# --- the review --------------------------------------------------------------------------------------------


async def test_a_confirmed_report_refunds_exactly_one_credit_and_tells_the_reporter(
    account: Account, bought: dict[str, Any], operator: Client
) -> None:
    filed = await report(account, bought["purchase"])
    assert await balance(account.company_id) == 9
    listed = (await operator.execute(REPORTS))["prospectReports"]
    assert listed == [
        {"id": filed["report"]["id"], "companyName": "Acme", "prospectName": "Kari Nord", "reason": "PHONE_NOT_IN_USE"}
    ]
    reviewed = await operator.mutate(REVIEW, {"id": filed["report"]["id"], "decision": "CONFIRM", "note": "Sorry!"})
    assert reviewed["userErrors"] == []
    assert (reviewed["report"]["status"], reviewed["report"]["reviewer"]) == ("CONFIRMED", "Olga Operator")
    assert await balance(account.company_id) == 10
    refund = await CreditLedgerEntry.get(kind=CreditEntryKind.REFUND)
    assert refund.amount == 1 and refund.company_id == account.company_id

    again = await operator.mutate(REVIEW, {"id": filed["report"]["id"], "decision": "CONFIRM"})
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_REVIEWED"]
    refiled = await report(account, bought["purchase"])
    assert [e["code"] for e in refiled["userErrors"]] == ["ALREADY_REVIEWED"]
    assert await balance(account.company_id) == 10

    (note,) = (await account.client.execute(NOTIFICATIONS))["notifications"]["edges"]
    assert note["node"] == {
        "kind": "PROSPECT_REPORT_REVIEWED",
        "message": "Your report on Kari Nord was confirmed: the credit was returned. Sorry!",
        "subjectId": bought["lead"],
    }
    assert (await account.client.execute(STATE))["myProspects"]["nodes"] == [
        {"reportState": "CONFIRMED", "canReport": False, "report": {"status": "CONFIRMED"}}
    ]


async def test_a_rejected_report_refunds_nothing_and_may_be_filed_again(
    account: Account, bought: dict[str, Any], operator: Client
) -> None:
    filed = await report(account, bought["purchase"])
    reviewed = await operator.mutate(REVIEW, {"id": filed["report"]["id"], "decision": "REJECT"})
    assert reviewed["report"]["status"] == "REJECTED"
    assert await balance(account.company_id) == 9
    assert not await CreditLedgerEntry.exists(kind=CreditEntryKind.REFUND)
    assert await Notification.filter(user_id=account.user_id, kind="PROSPECT_REPORT_REVIEWED").count() == 1
    assert "rejected" in (await Notification.get(user_id=account.user_id)).message
    assert (await report(account, bought["purchase"], "WRONG_JOB_TITLE"))["userErrors"] == []


async def test_many_reviews_at_once_refund_once(account: Account, bought: dict[str, Any]) -> None:
    filed = await report(account, bought["purchase"])
    report_id = (await ProspectReport.get()).id
    assert filed["report"]["id"] == to_global_id("ProspectReport", report_id)
    outcomes = await asyncio.gather(
        *(review_report(report_id, confirmed=True, reviewer="cli") for _ in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(isinstance(o, DomainError) for o in outcomes if isinstance(o, BaseException))
    assert await CreditLedgerEntry.filter(kind=CreditEntryKind.REFUND).count() == 1
    assert await balance(account.company_id) == 10


async def test_no_company_user_reviews_not_even_an_admin(
    account: Account, bought: dict[str, Any], operator: Client
) -> None:
    filed = await report(account, bought["purchase"])
    own = await account.client.mutate(REVIEW, {"id": filed["report"]["id"], "decision": "CONFIRM"})
    assert [e["code"] for e in own["userErrors"]] == ["PERMISSION_DENIED"] and own["report"] is None
    listed = await account.client.raw(REPORTS)
    assert listed["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    anonymous = await Client(account.client.http, None).raw(
        REVIEW, {"input": {"id": filed["report"]["id"], "decision": "CONFIRM"}}
    )
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await balance(account.company_id) == 9
    assert (await ProspectReport.get()).status == ReportStatus.OPEN

    # An operator token reads no company data, and works from its own header too.
    assert (await operator.raw(NOTIFICATIONS))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    headers = {"X-Operator-Token": operator.token or ""}
    response = await account.client.http.post("/graphql", json={"query": REPORTS}, headers=headers)
    assert len(response.json()["data"]["prospectReports"]) == 1
    bad = await Client(account.client.http, "lbo_not-a-token").raw(REPORTS)
    assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_cli_lists_and_decides_reports(
    account: Account, bought: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    await report(account, bought["purchase"], details="Gone.")
    report_id = (await ProspectReport.get()).id
    parser = argparse.ArgumentParser(prog="leadbox")
    register(parser.add_subparsers(dest="command", required=True))
    await run(parser.parse_args(["prospects", "review"]))
    listed = capsys.readouterr().out
    assert listed.startswith(f"{report_id}\t") and "PHONE_NOT_IN_USE\tGone." in listed
    await run(parser.parse_args(["prospects", "review", str(report_id), "--confirm", "--note", "Checked."]))
    assert capsys.readouterr().out.strip() == f"report {report_id}: CONFIRMED"
    assert (await ProspectReport.get()).reviewer == "operator (CLI)"
    assert await balance(account.company_id) == 10
    with pytest.raises(DomainError, match="was confirmed already"):
        await run(parser.parse_args(["prospects", "review", str(report_id), "--reject"]))


async def test_operator_tokens_from_the_cli(
    account: Account, bought: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="leadbox")
    register(parser.add_subparsers(dest="command", required=True))
    await run(parser.parse_args(["operator", "create-token", "--name", "Oscar Ops"]))
    token = capsys.readouterr().out.strip()
    assert token.startswith("lbo_")
    assert (await Client(account.client.http, token).execute(REPORTS))["prospectReports"] == []
    await run(parser.parse_args(["operator", "revoke-token", token]))
    assert capsys.readouterr().out.strip() == "revoked"
    refused = await Client(account.client.http, token).raw(REPORTS)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    with pytest.raises(DomainError, match="no active operator token"):
        await run(parser.parse_args(["operator", "revoke-token", token]))
