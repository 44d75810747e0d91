"""Prospector credits (SPEC §7): the ledger, the balance, buying credits, the monthly quota.

The ledger is append-only: every change of a company's credits is a new row, and the balance
is the sum of the rows. Every write that could take the balance below zero or happen twice
first takes the company's :class:`CreditAccount` row lock (:func:`lock_account`), inside the
transaction that writes: on PostgreSQL the row lock, on SQLite the database write lock,
which a first UPDATE takes at once. Two purchases, a purchase and a renewal, or two renewals
of one company therefore run one after the other, each seeing what the other wrote, so the
balance check before a spend cannot be outrun. Entries that must happen at most once (a
period's grant and expiry, a refund, a keyed purchase of credits) also carry a ``once_key``
that is unique per company, as a second guard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from tortoise.transactions import in_transaction

from core.db import fetch, is_postgres
from core.errors import ErrorCode, fail
from core.pagination import Cursor, InvalidCursor
from domain import webhook_outbox
from domain.idempotency import clean_key
from domain.viewer import Viewer
from domain.webhook_payload import render
from models import AddOnState, CreditAccount, CreditEntryKind, CreditLedgerEntry

# The subscription's credits per period; an admin may raise the allowance above it.
BASE_ALLOWANCE = 10
MAX_ALLOWANCE = 100_000
MAX_CREDITS_PER_PURCHASE = 10_000
LEDGER_SORT = "ledger"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _db_time(value: dt.datetime) -> Any:
    # tortoise keeps SQLite timestamps as ISO text in UTC.
    return value if is_postgres() else value.astimezone(dt.UTC).isoformat(" ")


async def ensure_account(company_id: int) -> None:
    """Make the company's credit account if it has none. Safe to race: the loser's insert
    does nothing, and never fails (so it is harmless inside a transaction too)."""
    stamp = _db_time(utcnow())
    await fetch(
        "INSERT INTO credit_account (company_id, add_on, monthly_allowance, lock_version, created_at, updated_at)"
        " VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (company_id) DO NOTHING",
        [company_id, AddOnState.OFF.value, BASE_ALLOWANCE, stamp, stamp],
    )


async def get_account(company_id: int) -> CreditAccount:
    """The company's account, made first if it has none: one statement when it has one (every
    Prospector search reads it), three the first time."""
    account = await CreditAccount.get_or_none(company_id=company_id)
    if account is None:
        await ensure_account(company_id)
        account = await CreditAccount.get(company_id=company_id)
    return account


async def lock_account(company_id: int) -> CreditAccount:
    """The company's account, locked for writing until the current transaction ends.

    Call inside ``in_transaction()``. The UPDATE comes first on purpose: it takes the lock
    before anything is read, on both databases.
    """
    await ensure_account(company_id)
    await fetch("UPDATE credit_account SET lock_version = lock_version + 1 WHERE company_id = ?", [company_id])
    return await CreditAccount.get(company_id=company_id)


def is_enabled(account: CreditAccount, now: dt.datetime) -> bool:
    """Whether the company has the add-on now: on, or on a trial that has not ended."""
    if account.add_on == AddOnState.ON:
        return True
    if account.add_on == AddOnState.TRIAL:
        return account.trial_ends_at is None or now < account.trial_ends_at
    return False


async def require_prospector(company_id: int, now: dt.datetime | None = None) -> CreditAccount:
    """The account, or PROSPECTOR_NOT_ENABLED when the company has no add-on now."""
    account = await get_account(company_id)
    if not is_enabled(account, now or utcnow()):
        raise not_enabled()
    return account


async def prospector_enabled(viewer: Viewer, now: dt.datetime | None = None) -> bool:
    return is_enabled(await get_account(viewer.company_id), now or utcnow())


def not_enabled() -> Exception:
    return fail(
        "Prospector is part of the lead-generation add-on, which this company does not have"
        " (or whose trial has ended).",
        ErrorCode.PROSPECTOR_NOT_ENABLED,
    )


async def balance(company_id: int) -> int:
    rows = await fetch("SELECT COALESCE(SUM(amount), 0) AS total FROM credit_ledger WHERE company_id = ?", [company_id])
    return int(rows[0]["total"])


async def add_entry(
    company_id: int,
    kind: CreditEntryKind,
    amount: int,
    *,
    period_start: dt.datetime | None,
    once_key: str | None = None,
    user_id: int | None = None,
    purchase_id: int | None = None,
    note: str = "",
) -> CreditLedgerEntry:
    """Append one entry (and a ``credits.changed`` webhook event). Callers hold the account
    lock (see the module's doc)."""
    entry = await CreditLedgerEntry.create(
        company_id=company_id,
        kind=kind,
        amount=amount,
        period_start=period_start,
        once_key=once_key,
        user_id=user_id,
        purchase_id=purchase_id,
        note=note[:255],
    )

    async def data() -> dict[str, Any]:
        return {"entry": render(entry, "CreditEntry"), "balance": await balance(company_id)}

    await webhook_outbox.emit(company_id, "credits.changed", f"credits:{company_id}", data)
    return entry


def _require_admin(viewer: Viewer, what: str) -> None:
    if not viewer.is_admin:
        raise fail(f"Only admins {what}.", ErrorCode.PERMISSION_DENIED)


@dataclass(frozen=True)
class CreditPurchase:
    entry: CreditLedgerEntry
    balance: int
    replayed: bool = False


async def buy_credits(
    viewer: Viewer, amount: int, idempotency_key: str | None = None, now: dt.datetime | None = None
) -> CreditPurchase:
    """One-time extra credits for the current period (admins only). A retry with the same
    idempotency key returns the first purchase and adds nothing."""
    _require_admin(viewer, "buy credits")
    now = now or utcnow()
    await require_prospector(viewer.company_id, now)
    if not 1 <= amount <= MAX_CREDITS_PER_PURCHASE:
        raise fail(f"Buy between 1 and {MAX_CREDITS_PER_PURCHASE} credits.", ErrorCode.INVALID, "input", "amount")
    key = clean_key(idempotency_key, ("input", "idempotency_key"))
    once_key = f"PURCHASE:{key}" if key else None
    async with in_transaction():
        account = await lock_account(viewer.company_id)
        if once_key:
            earlier = await CreditLedgerEntry.get_or_none(company_id=viewer.company_id, once_key=once_key)
            if earlier is not None:
                if earlier.amount != amount:
                    raise fail(
                        "This idempotency key was used for a purchase of another amount.",
                        ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "input",
                        "idempotency_key",
                    )
                return CreditPurchase(earlier, await balance(viewer.company_id), replayed=True)
        entry = await add_entry(
            viewer.company_id,
            CreditEntryKind.PURCHASE,
            amount,
            period_start=account.period_start,
            once_key=once_key,
            user_id=viewer.user_id,
            note=f"{amount} one-time credit(s)",
        )
        return CreditPurchase(entry, await balance(viewer.company_id))


async def set_credit_quota(viewer: Viewer, allowance: int, now: dt.datetime | None = None) -> CreditAccount:
    """Change the monthly allowance (admins only).

    A raise takes effect at once: the current period gets what it has not been granted yet
    (a QUOTA_CHANGE entry), and every later period the new allowance. A cut takes effect at
    the next renewal; credits already granted stay. The change is in the ledger either way.
    """
    _require_admin(viewer, "change the credit quota")
    now = now or utcnow()
    await require_prospector(viewer.company_id, now)
    if not BASE_ALLOWANCE <= allowance <= MAX_ALLOWANCE:
        raise fail(
            f"The monthly allowance is between {BASE_ALLOWANCE} (the subscription's credits) and {MAX_ALLOWANCE}.",
            ErrorCode.INVALID,
            "input",
            "monthly_allowance",
        )
    async with in_transaction():
        account = await lock_account(viewer.company_id)
        before = account.monthly_allowance
        if allowance == before:
            return account
        granted = 0
        if account.period_start is not None:
            amounts = await CreditLedgerEntry.filter(
                company_id=viewer.company_id,
                kind__in=[CreditEntryKind.PERIOD_GRANT, CreditEntryKind.QUOTA_CHANGE],
                period_start=account.period_start,
            ).values_list("amount", flat=True)
            granted = sum(cast(list[int], amounts))
        extra = max(0, allowance - granted) if account.period_start is not None else 0
        await add_entry(
            viewer.company_id,
            CreditEntryKind.QUOTA_CHANGE,
            extra,
            period_start=account.period_start,
            user_id=viewer.user_id,
            note=f"monthly allowance {before} -> {allowance}",
        )
        account.monthly_allowance = allowance
        await account.save(update_fields=["monthly_allowance", "updated_at"])
    return account


@dataclass(frozen=True)
class LedgerPage:
    entries: list[CreditLedgerEntry]
    cursors: list[str]
    has_next_page: bool


async def ledger_page(company_id: int, first: int, after: str | None) -> LedgerPage:
    """The company's entries, newest first, by keyset on the id."""
    query = CreditLedgerEntry.filter(company_id=company_id)
    if after:
        cursor = Cursor.decode(after, LEDGER_SORT)
        if not isinstance(cursor.id, int):
            raise InvalidCursor()
        query = query.filter(id__lt=cursor.id)
    rows = await query.order_by("-id").limit(first + 1)
    page = rows[:first]
    return LedgerPage(
        entries=page,
        cursors=[Cursor(LEDGER_SORT, e.id, e.id).encode() for e in page],
        has_next_page=len(rows) > first,
    )
