"""Each company's rate-limit plan: its buckets' size and restore rate (SPEC §10.5).

A company without its own figures gets the deployment's (LEADBOX_RATE_LIMIT_POINTS and
LEADBOX_RATE_LIMIT_RESTORE_RATE). Plans are read on nearly every request, so each server process
keeps them for :data:`PLAN_TTL` seconds: a change (``leadbox set-rate-limit``) reaches every
process within that time.
"""

from __future__ import annotations

import time

from core.config import Settings
from core.errors import ErrorCode, fail
from core.rate_limit import Plan
from models import Company

PLAN_TTL = 10.0
# The largest figures a plan may set: far beyond any sensible plan, and within a 32-bit column.
MAX_PLAN_POINTS = 1_000_000_000
MAX_RESTORE_RATE = 1_000_000_000

_plans: dict[int, tuple[float, int | None, int | None]] = {}


async def company_plan(company_id: int, settings: Settings) -> Plan:
    now = time.monotonic()
    cached = _plans.get(company_id)
    if cached is None or cached[0] < now:
        row = await Company.filter(id=company_id).values_list("rate_limit_points", "rate_limit_restore_rate")
        points, rate = row[0] if row else (None, None)
        cached = (now + PLAN_TTL, points, rate)
        _plans[company_id] = cached
    _, points, rate = cached
    return Plan(points or settings.rate_limit_points, rate or settings.rate_limit_restore_rate)


def forget_plans() -> None:
    """Drop the cached plans, so that the next request of each company reads its plan again."""
    _plans.clear()


async def set_rate_limit(company_id: int, points: int | None, restore_rate: int | None) -> Company:
    """Give a company its own bucket size and restore rate; None goes back to the default."""
    for value, name, top in ((points, "points", MAX_PLAN_POINTS), (restore_rate, "restore rate", MAX_RESTORE_RATE)):
        if value is not None and not 0 < value <= top:
            raise fail(f"The {name} must be between 1 and {top:,}.", ErrorCode.INVALID, name.replace(" ", "_"))
    company = await Company.get_or_none(id=company_id)
    if company is None:
        raise fail(f"No company with id {company_id}.", ErrorCode.NOT_FOUND)
    company.rate_limit_points = points
    company.rate_limit_restore_rate = restore_rate
    await company.save(update_fields=["rate_limit_points", "rate_limit_restore_rate"])
    _plans.pop(company_id, None)
    return company
