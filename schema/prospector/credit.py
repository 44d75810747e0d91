"""Prospector credits: the balance, the allowance, the billing period and the ledger."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from core.pagination import page_size
from domain.prospector.credit import is_enabled, ledger_page
from models import AddOnState, CreditAccount, CreditEntryKind
from models import CreditLedgerEntry as CreditLedgerEntryModel
from schema.base import AFTER, FIRST, InfoT, PageInfo, UserError, describe_values, node_type

if TYPE_CHECKING:
    from schema.accounts.account import User

UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]

AddOnStateEnum = AddOnState
strawberry.enum(
    AddOnStateEnum,
    name="AddOnState",
    description="The company's lead-generation add-on, which Prospector belongs to: ON, on TRIAL, or OFF.",
)
CreditEntryKindEnum = CreditEntryKind
strawberry.enum(CreditEntryKindEnum, name="CreditEntryKind", description="Why the company's credits changed.")
describe_values(
    AddOnStateEnum,
    {"OFF": "No add-on: Prospector cannot be used.", "TRIAL": "On trial until `trialEndsAt`.", "ON": "Subscribed."},
)
describe_values(
    CreditEntryKindEnum,
    {
        "PERIOD_GRANT": "The monthly allowance granted at the start of a billing period.",
        "PURCHASE": "One-time credits an admin bought (`buyCredits`).",
        "QUOTA_CHANGE": "The rest of a raised allowance, granted for the current period (`setCreditQuota`).",
        "SPEND": "A prospect bought (`purchaseProspect`), one credit each.",
        "REFUND": "A credit returned for a confirmed incorrect-data report.",
        "EXPIRY": "Unused credits expiring at the end of a billing period.",
    },
)


@strawberry.type(description="One change of the company's credits; the ledger is only ever added to.")
class CreditEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    kind: CreditEntryKindEnum = strawberry.field(description="Why the credits changed.")
    amount: int = strawberry.field(description="Positive when credits were added, negative when taken.")
    period_start: dt.datetime | None = strawberry.field(description="Start of the billing period it belongs to.")
    note: str = strawberry.field(description="A short text for a person, e.g. `5 one-time credit(s)`.")
    created_at: dt.datetime = strawberry.field(description="When the entry was made.")
    _user_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, entry: CreditLedgerEntryModel) -> CreditEntry:
        return cls(
            id=strawberry.ID(to_global_id("CreditEntry", entry.id)),
            kind=entry.kind,
            amount=entry.amount,
            period_start=entry.period_start,
            note=entry.note,
            created_at=entry.created_at,
            _user_id=entry.user_id,
        )

    @strawberry.field(description="Who did it (an admin buying credits, the buyer of a prospect); null for billing.")
    async def user(self, info: InfoT) -> UserRef | None:
        if self._user_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._user_id)
        return node_type("User").from_model(user) if user else None


@strawberry.type(description="One ledger entry of a page, with its cursor.")
class CreditEntryEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get older entries.")
    node: CreditEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A page of the credit ledger, newest first.")
class CreditEntryConnection:
    edges: list[CreditEntryEdge] = strawberry.field(description="The page's entries with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are older entries, and the cursors to get them.")

    @strawberry.field(description="The page's entries, without cursors.")
    def nodes(self) -> list[CreditEntry]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="The company's Prospector credits.")
class Credits:
    add_on: AddOnStateEnum = strawberry.field(description="OFF, TRIAL or ON.")
    enabled: bool = strawberry.field(description="Whether Prospector can be used now (add-on on, or trial running).")
    trial_ends_at: dt.datetime | None = strawberry.field(description="When the trial ends; null when not on trial.")
    balance: int = strawberry.field(description="The sum of the ledger; never below zero.")
    monthly_allowance: int = strawberry.field(description="Credits granted each billing period.")
    period_start: dt.datetime | None = strawberry.field(
        description="When the current billing period began; null before the first one.",
    )
    period_end: dt.datetime | None = strawberry.field(
        description="When the unused credits expire and the next allowance is granted."
    )
    _company_id: strawberry.Private[int]

    @classmethod
    def from_account(cls, account: CreditAccount, balance: int, now: dt.datetime) -> Credits:
        return cls(
            add_on=account.add_on,
            enabled=is_enabled(account, now),
            trial_ends_at=account.trial_ends_at,
            balance=balance,
            monthly_allowance=account.monthly_allowance,
            period_start=account.period_start,
            period_end=account.period_end,
            _company_id=account.company_id,
        )

    @strawberry.field(description="The ledger, newest first.")
    async def entries(
        self,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> CreditEntryConnection:
        after = after or None
        page = await ledger_page(self._company_id, page_size(first), after)
        edges = [
            CreditEntryEdge(cursor=c, node=CreditEntry.from_model(e))
            for e, c in zip(page.entries, page.cursors, strict=True)
        ]
        return CreditEntryConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
        )


@strawberry.input(description="One-time extra credits for the current period (admins).")
class BuyCreditsInput:
    amount: int = strawberry.field(description="How many credits, 1 to 10,000.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the first purchase and buys nothing more."
    )


@strawberry.input(description="The monthly allowance; a raise is granted for the current period at once (admins).")
class SetCreditQuotaInput:
    monthly_allowance: int = strawberry.field(
        description=(
            "Credits per billing period, 10 (the subscription's) to 100,000; a cut applies from the next period."
        )
    )


@strawberry.type(description="The result of `buyCredits`.")
class BuyCreditsPayload:
    entry: CreditEntry | None = strawberry.field(default=None, description="The ledger entry of the purchase.")
    credits: Credits | None = strawberry.field(default=None, description="The company's credits after it.")
    replayed: bool = strawberry.field(default=False, description="True when the idempotency key was used before.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was bought: PERMISSION_DENIED (not an admin), PROSPECTOR_NOT_ENABLED, INVALID (amount), "
            "TOO_LONG (key over 128 characters), IDEMPOTENCY_KEY_REUSED (same key, another amount). Empty on success."
        ),
    )


@strawberry.type(description="The result of `setCreditQuota`.")
class SetCreditQuotaPayload:
    credits: Credits | None = strawberry.field(default=None, description="The company's credits after the change.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (not an admin), PROSPECTOR_NOT_ENABLED, INVALID (out of range). "
            "Empty on success."
        ),
    )
