"""Billing periods of the lead-generation add-on: switching it on, off or to a trial, and the
renewal that expires what is left of a period's credits and grants the next period's.

A renewal happens exactly once per period however often, and from however many processes,
:func:`renew_billing_period` runs: it holds the company's account lock (domain.prospector.credit), does
nothing while the period is not over, and its grant and expiry carry a ``once_key`` naming
the period, unique per company, so that even a second writer that got past the lock could
not add them twice. :func:`renew_due` is the due-date check that the server runs now and
then and ``leadbox billing renew`` runs by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.periodic import Periodic
from domain.prospector.credit import add_entry, balance, ensure_account, is_enabled, lock_account, utcnow
from models import AddOnState, CreditAccount, CreditEntryKind

DEFAULT_TRIAL_DAYS = 14
log = logging.getLogger("leadbox.billing")


def add_months(anchor: dt.datetime, months: int) -> dt.datetime:
    """``anchor`` moved by whole months, the day clamped to the month's last day."""
    year, month0 = divmod(anchor.month - 1 + months, 12)
    year += anchor.year
    day = min(anchor.day, calendar.monthrange(year, month0 + 1)[1])
    return anchor.replace(year=year, month=month0 + 1, day=day)


def period_containing(anchor: dt.datetime, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The monthly period counted from ``anchor`` that ``moment`` falls in."""
    months = (moment.year - anchor.year) * 12 + (moment.month - anchor.month)
    start = add_months(anchor, months)
    if start > moment:
        months -= 1
        start = add_months(anchor, months)
    return start, add_months(anchor, months + 1)


def _period_key(kind: str, start: dt.datetime) -> str:
    return f"{kind}:{start.astimezone(dt.UTC).isoformat()}"


async def _grant(account: CreditAccount, start: dt.datetime) -> int:
    await add_entry(
        account.company_id,
        CreditEntryKind.PERIOD_GRANT,
        account.monthly_allowance,
        period_start=start,
        once_key=_period_key("GRANT", start),
        note=f"monthly allowance for the period from {start.date().isoformat()}",
    )
    return account.monthly_allowance


async def _expire(account: CreditAccount) -> int:
    left = await balance(account.company_id)
    if left <= 0 or account.period_start is None:
        return 0
    await add_entry(
        account.company_id,
        CreditEntryKind.EXPIRY,
        -left,
        period_start=account.period_start,
        once_key=_period_key("EXPIRY", account.period_start),
        note="unused credits expire at the end of the period",
    )
    return left


async def set_add_on(
    company_id: int, state: AddOnState, now: dt.datetime | None = None, *, trial_days: int = DEFAULT_TRIAL_DAYS
) -> CreditAccount:
    """Switch the company's add-on (billing's or the operator's act, not a tenant's).

    Switching it on or to a trial while no period runs starts one now with its allowance;
    switching between trial and on keeps the running period. Switching off keeps the credits
    until the period ends (they cannot be spent meanwhile); the renewal then expires them and
    starts no new period.
    """
    now = now or utcnow()
    async with in_transaction():
        account = await lock_account(company_id)
        account.add_on = state
        account.trial_ends_at = now + dt.timedelta(days=trial_days) if state == AddOnState.TRIAL else None
        if state != AddOnState.OFF and (account.period_end is None or account.period_end <= now):
            await _expire(account)
            account.billing_anchor = now
            account.period_start, account.period_end = now, add_months(now, 1)
            await _grant(account, now)
        await account.save()
    return account


@dataclass(frozen=True)
class Renewal:
    company_id: int
    expired: int
    granted: int
    period_start: dt.datetime | None
    period_end: dt.datetime | None


async def renew_billing_period(company_id: int, now: dt.datetime | None = None) -> Renewal | None:
    """Close the company's period if it is over: expire the unused credits and grant the
    allowance of the period ``now`` falls in. ``None`` when nothing was due."""
    now = now or utcnow()
    await ensure_account(company_id)
    try:
        async with in_transaction():
            account = await lock_account(company_id)
            if account.period_end is None or now < account.period_end:
                return None
            expired = await _expire(account)
            if not is_enabled(account, account.period_end) or account.billing_anchor is None:
                # Off, or a trial that has run out: the credits go and no period follows.
                account.add_on = AddOnState.OFF
                account.trial_ends_at = None
                account.billing_anchor = account.period_start = account.period_end = None
                await account.save()
                return Renewal(company_id, expired, 0, None, None)
            # Periods the server slept through are skipped, not granted after the fact.
            start, end = period_containing(account.billing_anchor, now)
            granted = await _grant(account, start)
            account.period_start, account.period_end = start, end
            await account.save()
            return Renewal(company_id, expired, granted, start, end)
    except IntegrityError:
        # Another writer renewed this period first (the once_key said so): nothing left to do.
        return None


async def renew_due(now: dt.datetime | None = None) -> list[Renewal]:
    """Renew every company whose period is over; each in its own transaction."""
    now = now or utcnow()
    due = await CreditAccount.filter(period_end__lte=now).order_by("company_id").values_list("company_id", flat=True)
    done = []
    for company_id in cast(list[int], due):
        renewal = await renew_billing_period(company_id, now)
        if renewal is not None:
            done.append(renewal)
    return done


class RenewalScheduler:
    """Runs :func:`renew_due` in the server every ``interval`` seconds (and once at start)."""

    def __init__(self, interval: float = 300.0) -> None:
        # A company whose renewal fails is retried in the next round.
        self._periodic = Periodic(
            "leadbox-billing-renewal", self._renew, interval, log=log, failure="billing renewal failed"
        )

    def start(self) -> None:
        self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()

    async def _renew(self) -> bool:
        for renewal in await renew_due():
            log.info("renewed credits of company %s: %+d", renewal.company_id, renewal.granted)
        return False
