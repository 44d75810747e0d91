"""Prospector credits (SPEC §7): each company's add-on state and billing period, and the
append-only ledger whose sum is the balance."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User


class AddOnState(str, Enum):
    """The company's lead-generation add-on, which Prospector belongs to."""

    OFF = "OFF"
    TRIAL = "TRIAL"
    ON = "ON"


class CreditEntryKind(str, Enum):
    PERIOD_GRANT = "PERIOD_GRANT"
    PURCHASE = "PURCHASE"
    QUOTA_CHANGE = "QUOTA_CHANGE"
    SPEND = "SPEND"
    REFUND = "REFUND"
    EXPIRY = "EXPIRY"


class CreditAccount(Model):
    """One row per company: the add-on, the allowance and the current billing period.

    It is also what serialises every change of a company's balance: a spend, a renewal or a
    refund first takes this row's write lock (see ``domain.credit.lock_account``).
    """

    id = fields.IntField(primary_key=True)
    company: fields.OneToOneRelation[Company] = fields.OneToOneField(
        "models.Company", related_name="credit_account", on_delete=fields.CASCADE
    )
    add_on = fields.CharEnumField(AddOnState, max_length=8, default=AddOnState.OFF)
    trial_ends_at = fields.DatetimeField(null=True)
    # Credits granted each billing period: 10 with the subscription, more when an admin
    # raised the quota.
    monthly_allowance = fields.IntField(default=10)
    # Periods are whole months counted from the anchor, so that a period starting on the
    # 31st ends on the last day of a shorter month and the next one is back on the 31st.
    billing_anchor = fields.DatetimeField(null=True)
    period_start = fields.DatetimeField(null=True)
    period_end = fields.DatetimeField(null=True)
    # Bumped by every write that must be serialised with the others (the lock itself).
    lock_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: int

    class Meta:
        table = "credit_account"
        indexes = (("period_end",),)


class CreditLedgerEntry(Model):
    """One change of a company's credits. Rows are only ever added, never changed."""

    id = fields.BigIntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(CreditEntryKind, max_length=16)
    # Signed: grants, purchases, raised quotas and refunds add; spends and expiries take away.
    amount = fields.IntField()
    # The billing period the entry belongs to.
    period_start = fields.DatetimeField(null=True)
    # What makes the entry happen at most once: the period of a grant or an expiry, the
    # report of a refund, the idempotency key of a purchase of credits. Unique per company,
    # so that two processes doing the same thing at once cannot both write it.
    once_key = fields.CharField(max_length=160, null=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    purchase_id = fields.IntField(null=True)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    user_id: int | None

    class Meta:
        table = "credit_ledger"
        unique_together = (("company", "once_key"),)
        indexes = (("company_id", "id"),)
