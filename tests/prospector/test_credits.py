"""Prospector credits: the add-on, the ledger, buying credits, the quota, billing renewal."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from cli.prospects import register, run
from core.errors import DomainError
from domain.prospector import credit
from domain.prospector.billing import (
    RenewalScheduler,
    add_months,
    period_containing,
    renew_billing_period,
    renew_due,
    set_add_on,
)
from domain.prospector.credit import add_entry, balance, lock_account
from models import AddOnState, CreditAccount, CreditEntryKind, CreditLedgerEntry, Role
from tests.conftest import Account

CREDITS = """
query ($first: Int, $after: String) {
  credits {
    addOn enabled trialEndsAt balance monthlyAllowance periodStart periodEnd
    entries(first: $first, after: $after) {
      nodes { kind amount note user { name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
BUY = """
mutation ($input: BuyCreditsInput!) {
  buyCredits(input: $input) {
    entry { kind amount user { name } } credits { balance } replayed
    userErrors { field message code }
  }
}
"""
QUOTA = """
mutation ($input: SetCreditQuotaInput!) {
  setCreditQuota(input: $input) {
    credits { balance monthlyAllowance }
    userErrors { field message code }
  }
}
"""
T0 = dt.datetime(2024, 1, 31, 9, 0, tzinfo=dt.UTC)


async def kinds(company_id: int) -> list[tuple[str, int]]:
    rows = await CreditLedgerEntry.filter(company_id=company_id).order_by("id").values_list("kind", "amount")
    return [(CreditEntryKind(k).value, a) for k, a in rows]


async def spend(company_id: int, amount: int) -> None:
    async with in_transaction():
        account = await lock_account(company_id)
        await add_entry(company_id, CreditEntryKind.SPEND, -amount, period_start=account.period_start)


# --- the add-on ---------------------------------------------------------------------------------


async def test_without_the_add_on_credits_say_so_and_nothing_can_be_bought(account: Account) -> None:
    data = (await account.client.execute(CREDITS))["credits"]
    assert data["addOn"] == "OFF" and data["enabled"] is False and data["balance"] == 0
    assert data["monthlyAllowance"] == 10 and data["periodEnd"] is None

    bought = await account.client.mutate(BUY, {"amount": 5})
    assert [e["code"] for e in bought["userErrors"]] == ["PROSPECTOR_NOT_ENABLED"]
    quota = await account.client.mutate(QUOTA, {"monthlyAllowance": 20})
    assert [e["code"] for e in quota["userErrors"]] == ["PROSPECTOR_NOT_ENABLED"]
    assert await kinds(account.company_id) == []


async def test_switching_the_add_on_on_starts_a_period_with_ten_credits(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON)
    data = (await account.client.execute(CREDITS))["credits"]
    assert data["addOn"] == "ON" and data["enabled"] is True and data["balance"] == 10
    assert data["entries"]["nodes"] == [
        {"kind": "PERIOD_GRANT", "amount": 10, "note": data["entries"]["nodes"][0]["note"], "user": None}
    ]
    start = dt.datetime.fromisoformat(data["periodStart"])
    assert dt.datetime.fromisoformat(data["periodEnd"]) == add_months(start, 1)

    # Switching again while the period runs grants nothing more.
    await set_add_on(account.company_id, AddOnState.ON)
    await set_add_on(account.company_id, AddOnState.TRIAL)
    assert await kinds(account.company_id) == [("PERIOD_GRANT", 10)]


async def test_a_trial_grants_credits_and_ends(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.TRIAL, T0, trial_days=14)
    row = await CreditAccount.get(company_id=account.company_id)
    assert row.trial_ends_at == T0 + dt.timedelta(days=14)
    assert await balance(account.company_id) == 10
    assert credit.is_enabled(row, T0 + dt.timedelta(days=13))
    assert not credit.is_enabled(row, T0 + dt.timedelta(days=14))
    with pytest.raises(Exception) as refused:
        await credit.require_prospector(account.company_id, T0 + dt.timedelta(days=15))
    assert "add-on" in str(refused.value)

    # At the period's end the trial is over: the credits expire and no period follows.
    renewal = await renew_billing_period(account.company_id, add_months(T0, 1))
    assert renewal is not None and (renewal.expired, renewal.granted) == (10, 0)
    row = await CreditAccount.get(company_id=account.company_id)
    assert (row.add_on, row.period_end) == (AddOnState.OFF, None)
    assert await kinds(account.company_id) == [("PERIOD_GRANT", 10), ("EXPIRY", -10)]
    assert await balance(account.company_id) == 0


# --- buying credits -------------------------------------------------------------------------------


async def test_admin_buys_credits_once_per_idempotency_key(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON)
    first = await account.client.mutate(BUY, {"amount": 5, "idempotencyKey": "order-1"})
    assert first["userErrors"] == [] and first["replayed"] is False
    assert first["entry"] == {"kind": "PURCHASE", "amount": 5, "user": {"name": "Anna Admin"}}
    assert first["credits"] == {"balance": 15}

    retry = await account.client.mutate(BUY, {"amount": 5, "idempotencyKey": "order-1"})
    assert retry["replayed"] is True and retry["credits"] == {"balance": 15}
    other = await account.client.mutate(BUY, {"amount": 6, "idempotencyKey": "order-1"})
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await kinds(account.company_id) == [("PERIOD_GRANT", 10), ("PURCHASE", 5)]

    for amount in (0, -3, 10_001):
        bad = await account.client.mutate(BUY, {"amount": amount})
        assert bad["userErrors"] == [
            {"field": ["input", "amount"], "message": "Buy between 1 and 10000 credits.", "code": "INVALID"}
        ]
    assert await balance(account.company_id) == 15


async def test_concurrent_retries_of_one_key_buy_once(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON)
    results = await asyncio.gather(
        *(account.client.mutate(BUY, {"amount": 3, "idempotencyKey": "same"}) for _ in range(8))
    )
    assert sum(not r["replayed"] for r in results) == 1
    assert await balance(account.company_id) == 13


async def test_regular_users_neither_buy_credits_nor_change_the_quota(make_account: Any, account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON)
    # Even with the permission to add Prospector leads.
    regular = await make_account(
        name="Rick Regular", role=Role.REGULAR, company_id=account.company_id, can_add_prospector_leads=True
    )
    bought = await regular.client.mutate(BUY, {"amount": 5})
    assert [e["code"] for e in bought["userErrors"]] == ["PERMISSION_DENIED"]
    quota = await regular.client.mutate(QUOTA, {"monthlyAllowance": 50})
    assert [e["code"] for e in quota["userErrors"]] == ["PERMISSION_DENIED"]
    assert await kinds(account.company_id) == [("PERIOD_GRANT", 10)]
    assert (await CreditAccount.get(company_id=account.company_id)).monthly_allowance == 10
    # They may read the credits.
    assert (await regular.client.execute(CREDITS))["credits"]["balance"] == 10


# --- the quota ------------------------------------------------------------------------------------


async def test_raising_the_quota_grants_the_difference_now_and_a_cut_waits(account: Account) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await set_add_on(account.company_id, AddOnState.ON, start)
    raised = await account.client.mutate(QUOTA, {"monthlyAllowance": 25})
    assert raised["userErrors"] == [] and raised["credits"] == {"balance": 25, "monthlyAllowance": 25}
    cut = await account.client.mutate(QUOTA, {"monthlyAllowance": 10})
    assert cut["credits"] == {"balance": 25, "monthlyAllowance": 10}
    # Raised again within the period: 25 were granted for it already.
    again = await account.client.mutate(QUOTA, {"monthlyAllowance": 30})
    assert again["credits"] == {"balance": 30, "monthlyAllowance": 30}
    assert await kinds(account.company_id) == [
        ("PERIOD_GRANT", 10),
        ("QUOTA_CHANGE", 15),
        ("QUOTA_CHANGE", 0),
        ("QUOTA_CHANGE", 5),
    ]
    low = await account.client.mutate(QUOTA, {"monthlyAllowance": 9})
    assert [(e["field"], e["code"]) for e in low["userErrors"]] == [(["input", "monthlyAllowance"], "INVALID")]

    # The next period grants the new allowance.
    renewal = await renew_billing_period(account.company_id, add_months(start, 1))
    assert renewal is not None and renewal.granted == 30


# --- renewal --------------------------------------------------------------------------------------


async def test_renewal_expires_unused_credits_and_grants_the_allowance(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON, T0)
    await spend(account.company_id, 4)
    assert await renew_billing_period(account.company_id, add_months(T0, 1) - dt.timedelta(seconds=1)) is None

    renewal = await renew_billing_period(account.company_id, add_months(T0, 1))
    assert renewal is not None and (renewal.expired, renewal.granted) == (6, 10)
    # Periods count from the anchor: Jan 31 → Feb 29 → Mar 31.
    assert (renewal.period_start, renewal.period_end) == (
        dt.datetime(2024, 2, 29, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 31, 9, 0, tzinfo=dt.UTC),
    )
    assert await kinds(account.company_id) == [
        ("PERIOD_GRANT", 10),
        ("SPEND", -4),
        ("EXPIRY", -6),
        ("PERIOD_GRANT", 10),
    ]
    assert await balance(account.company_id) == 10


async def test_renewing_twice_in_a_period_grants_once(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON, T0)
    due = add_months(T0, 1) + dt.timedelta(hours=1)
    first = await renew_billing_period(account.company_id, due)
    assert first is not None
    assert await renew_billing_period(account.company_id, due) is None
    assert await renew_billing_period(account.company_id, due + dt.timedelta(days=20)) is None
    # And many at once, as several server processes might.
    later = add_months(T0, 2) + dt.timedelta(minutes=5)
    results = await asyncio.gather(*(renew_billing_period(account.company_id, later) for _ in range(6)))
    assert sum(r is not None for r in results) == 1
    assert await kinds(account.company_id) == [
        ("PERIOD_GRANT", 10),
        ("EXPIRY", -10),
        ("PERIOD_GRANT", 10),
        ("EXPIRY", -10),
        ("PERIOD_GRANT", 10),
    ]


async def test_a_second_grant_of_one_period_is_refused_by_the_database(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON, T0)
    grant = await CreditLedgerEntry.get(company_id=account.company_id, kind=CreditEntryKind.PERIOD_GRANT)
    with pytest.raises(IntegrityError):
        await CreditLedgerEntry.create(
            company_id=account.company_id, kind=CreditEntryKind.PERIOD_GRANT, amount=10, once_key=grant.once_key
        )
    assert await balance(account.company_id) == 10


async def test_renew_due_renews_the_companies_due_and_skips_slept_through_periods(
    account: Account, other_account: Account
) -> None:
    await set_add_on(account.company_id, AddOnState.ON, T0)
    await set_add_on(other_account.company_id, AddOnState.ON, T0 + dt.timedelta(days=20))
    now = add_months(T0, 3) + dt.timedelta(days=2)  # May 2; the other company renews on the 20th
    renewed = await renew_due(add_months(T0, 1) + dt.timedelta(days=1))
    assert [r.company_id for r in renewed] == [account.company_id]
    renewed = await renew_due(now)
    assert sorted(r.company_id for r in renewed) == sorted([account.company_id, other_account.company_id])
    row = await CreditAccount.get(company_id=account.company_id)
    assert row.period_start == dt.datetime(2024, 4, 30, 9, 0, tzinfo=dt.UTC)
    assert await kinds(account.company_id) == [
        ("PERIOD_GRANT", 10),
        ("EXPIRY", -10),
        ("PERIOD_GRANT", 10),
        ("EXPIRY", -10),
        ("PERIOD_GRANT", 10),
    ]
    assert await renew_due(now) == []


async def test_reading_credits_after_the_period_ended_renews_first(account: Account) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    await set_add_on(account.company_id, AddOnState.ON, past)
    await spend(account.company_id, 3)
    data = (await account.client.execute(CREDITS))["credits"]
    assert data["balance"] == 10
    assert [n["kind"] for n in data["entries"]["nodes"]] == ["PERIOD_GRANT", "EXPIRY", "SPEND", "PERIOD_GRANT"]


# --- the ledger -----------------------------------------------------------------------------------


async def test_ledger_pages_newest_first_and_stays_with_its_company(account: Account, other_account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON)
    for key in ("a", "b", "c"):
        await account.client.mutate(BUY, {"amount": 1, "idempotencyKey": key})
    page = (await account.client.execute(CREDITS, {"first": 2}))["credits"]["entries"]
    assert [n["kind"] for n in page["nodes"]] == ["PURCHASE", "PURCHASE"] and page["pageInfo"]["hasNextPage"]
    rest = (await account.client.execute(CREDITS, {"first": 2, "after": page["pageInfo"]["endCursor"]}))["credits"]
    assert [n["kind"] for n in rest["entries"]["nodes"]] == ["PURCHASE", "PERIOD_GRANT"]
    assert rest["entries"]["pageInfo"]["hasNextPage"] is False

    theirs = (await other_account.client.execute(CREDITS))["credits"]
    assert theirs["balance"] == 0 and theirs["entries"]["nodes"] == [] and theirs["addOn"] == "OFF"
    # The same idempotency key in another company is another purchase.
    await set_add_on(other_account.company_id, AddOnState.ON)
    bought = await other_account.client.mutate(BUY, {"amount": 1, "idempotencyKey": "a"})
    assert bought["replayed"] is False and bought["credits"] == {"balance": 11}
    assert await balance(account.company_id) == 13


def test_periods_count_whole_months_from_the_anchor() -> None:
    anchor = dt.datetime(2023, 12, 31, 12, 0, tzinfo=dt.UTC)
    assert add_months(anchor, 2) == dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert add_months(anchor, 3) == dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert period_containing(anchor, dt.datetime(2024, 3, 1, tzinfo=dt.UTC)) == (
        dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC),
    )
    assert period_containing(anchor, dt.datetime(2024, 3, 31, 11, 0, tzinfo=dt.UTC))[0] == add_months(anchor, 2)


async def test_the_server_renews_due_periods_on_its_own(account: Account) -> None:
    await set_add_on(account.company_id, AddOnState.ON, dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    scheduler = RenewalScheduler(interval=0.05)
    scheduler.start()
    try:
        for _ in range(200):
            if len(await kinds(account.company_id)) == 3:
                break
            await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert await kinds(account.company_id) == [("PERIOD_GRANT", 10), ("EXPIRY", -10), ("PERIOD_GRANT", 10)]
    row = await CreditAccount.get(company_id=account.company_id)
    assert row.period_end is not None and row.period_end > dt.datetime.now(dt.UTC)


async def test_cli_switches_the_add_on_and_renews(account: Account, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="leadbox")
    register(parser.add_subparsers(dest="command", required=True))
    await run(parser.parse_args(["billing", "add-on", "--company", str(account.company_id), "--state", "TRIAL"]))
    assert capsys.readouterr().out.startswith(f"company {account.company_id}: add-on TRIAL, trial until ")
    assert await balance(account.company_id) == 10
    await run(parser.parse_args(["billing", "renew"]))
    assert capsys.readouterr().out.strip() == "nothing due"
    # Move the period a month back so that it is due, then renew this company only.
    end = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    start = add_months(end, -1)
    await CreditAccount.filter(company_id=account.company_id).update(
        billing_anchor=start, period_start=start, period_end=end
    )
    await run(parser.parse_args(["billing", "renew", "--company", str(account.company_id)]))
    assert capsys.readouterr().out.startswith(f"company {account.company_id}: 10 expired, 10 granted, until ")
    with pytest.raises(DomainError, match="no company with id 999999"):
        await run(parser.parse_args(["billing", "add-on", "--company", "999999", "--state", "ON"]))
