"""`credits`, `buyCredits` and `setCreditQuota`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from domain.prospector import credit as rules
from domain.prospector.billing import renew_billing_period
from domain.viewer import Viewer
from resolvers.common import mutate
from schema.base import InfoT
from schema.prospector.credit import (
    BuyCreditsInput,
    BuyCreditsPayload,
    CreditEntry,
    Credits,
    SetCreditQuotaInput,
    SetCreditQuotaPayload,
)


async def current_credits(viewer: Viewer, now: dt.datetime) -> Credits:
    """The viewer's company's credits, renewed first when the period is over (so that a read
    never shows credits that have expired, whether or not the server's check ran yet)."""
    account = await rules.get_account(viewer.company_id)
    if account.period_end is not None and account.period_end <= now:
        await renew_billing_period(viewer.company_id, now)
        account = await rules.get_account(viewer.company_id)
    return Credits.from_account(account, await rules.balance(viewer.company_id), now)


@strawberry.type
class CreditQueries:
    @strawberry.field(description="The company's Prospector credits, add-on state and ledger; any user may read them.")
    async def credits(self, info: InfoT) -> Credits:
        return await current_credits(info.context.require_viewer(), info.context.now)


@strawberry.type
class CreditMutation:
    @strawberry.mutation(description="Buy one-time extra credits for the current period. Admins only.")
    async def buy_credits(
        self,
        info: InfoT,
        input: Annotated[BuyCreditsInput, strawberry.argument(description="How many credits, and an idempotency key.")],
    ) -> BuyCreditsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            bought = await rules.buy_credits(viewer, input.amount, input.idempotency_key, info.context.now)
            return {
                "entry": CreditEntry.from_model(bought.entry),
                "credits": await current_credits(viewer, info.context.now),
                "replayed": bought.replayed,
            }

        return await mutate(BuyCreditsPayload, work)

    @strawberry.mutation(description="Change the monthly credit allowance (at least 10). Admins only.")
    async def set_credit_quota(
        self,
        info: InfoT,
        input: Annotated[SetCreditQuotaInput, strawberry.argument(description="The new monthly allowance.")],
    ) -> SetCreditQuotaPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.set_credit_quota(viewer, input.monthly_allowance, info.context.now)
            return {"credits": await current_credits(viewer, info.context.now)}

        return await mutate(SetCreditQuotaPayload, work)
