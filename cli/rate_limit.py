"""``leadbox set-rate-limit``: a company's API rate-limit plan (domain/accounts/rate_plan.py)."""

from __future__ import annotations

import argparse

from domain.accounts.rate_plan import PLAN_TTL, set_rate_limit


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "set-rate-limit", help="a company's bucket of query-cost points per token and its restore rate"
    )
    command.add_argument("--company", type=int, required=True, metavar="ID")
    command.add_argument("--points", type=int, help="the bucket's size; left out: the deployment's default")
    command.add_argument(
        "--restore-rate", type=int, help="points given back per second; left out: the deployment's default"
    )


async def run(args: argparse.Namespace) -> None:
    company = await set_rate_limit(args.company, args.points, args.restore_rate)
    points = company.rate_limit_points or "default"
    rate = company.rate_limit_restore_rate or "default"
    print(f"company {company.id}: {points} points, {rate} per second (on every server within {PLAN_TTL:g} s)")


COMMANDS = {"set-rate-limit": run}
