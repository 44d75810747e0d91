"""``leadbox prospects``, ``leadbox billing`` and ``leadbox operator``: the operator's commands
for the prospect database, the review of incorrect-prospect reports, billing renewal and
operator tokens.

The main parser calls :func:`register` with its sub-parsers; each command it adds carries
its coroutine in ``args.handler``, and :func:`run` (also in :data:`COMMANDS` under each
top-level name) awaits it on the database connection already open. Mistakes of the caller's
making raise ``DomainError``, which the main program prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from cli.args import whole_number
from cli.progress import lines_read
from core.errors import ErrorCode, fail
from domain.accounts.operator import create_operator_token, revoke_operator_token
from domain.prospector.billing import renew_billing_period, renew_due, set_add_on
from domain.prospector.erasure import erase_person, find_person
from domain.prospector.generator import generate_prospects
from domain.prospector.load import load_prospects
from domain.prospector.report import open_reports, review_report
from models import AddOnState, Company, ProspectKind

Handler = Callable[[argparse.Namespace], Awaitable[None]]


def register(subparsers: argparse._SubParsersAction) -> None:
    prospects = subparsers.add_parser("prospects", help="the prospect database and reports (operator)")
    actions = prospects.add_subparsers(dest="prospects_command", required=True, metavar="ACTION")

    load = actions.add_parser("load", help="load person and organization profiles from JSON Lines or CSV")
    load.add_argument("path", help="the file; '-' reads standard input")
    load.add_argument("--format", choices=["jsonl", "csv"], help="default: from the file name (.csv or .jsonl)")
    load.add_argument("--kind", choices=["person", "organization"], help="every line is this kind (no 'type' field)")
    load.set_defaults(handler=_load)

    generate = actions.add_parser("generate", help="add N synthetic person profiles (and their organizations)")
    generate.add_argument("count", type=whole_number(0, 10_000_000), metavar="N")
    generate.add_argument("--seed", type=int, default=1, help="the same seed gives the same profiles (default 1)")
    generate.add_argument("--organizations", type=int, help="how many organizations (default N / 8)")
    generate.set_defaults(handler=_generate)

    erase = actions.add_parser("erase", help="erase persons on their request: gone from search, never sold again")
    erase.add_argument("ids", nargs="+", metavar="ID", help="a profile's id in its source, or its database id")
    erase.set_defaults(handler=_erase)

    review = actions.add_parser("review", help="list open reports of incorrect prospects, or decide one")
    review.add_argument("report", nargs="?", type=int, metavar="REPORT_ID")
    decision = review.add_mutually_exclusive_group()
    decision.add_argument("--confirm", action="store_true", help="incorrect: refund the credit")
    decision.add_argument("--reject", action="store_true", help="correct: no refund")
    review.add_argument("--note", default="", help="what the reporter is told")
    review.add_argument("--reviewer", default="operator (CLI)", help="who reviewed, as recorded")
    review.set_defaults(handler=_review)

    billing = subparsers.add_parser("billing", help="the lead-generation add-on and credit periods")
    billing_actions = billing.add_subparsers(dest="billing_command", required=True, metavar="ACTION")
    renew = billing_actions.add_parser("renew", help="expire unused credits and grant the next period's, where due")
    renew.add_argument("--company", type=int, metavar="ID", help="only this company")
    renew.set_defaults(handler=_renew)
    add_on = billing_actions.add_parser("add-on", help="switch a company's add-on on, off or to a trial")
    add_on.add_argument("--company", type=int, required=True, metavar="ID")
    add_on.add_argument("--state", choices=[s.value for s in AddOnState], required=True)
    add_on.add_argument(
        "--trial-days", type=whole_number(1, 365), default=14, help="length of a trial, 1 to 365 days (default 14)"
    )
    add_on.set_defaults(handler=_add_on)

    operator = subparsers.add_parser("operator", help="operator tokens (for reviewing reports over the API)")
    operator_actions = operator.add_subparsers(dest="operator_command", required=True, metavar="ACTION")
    token = operator_actions.add_parser("create-token", help="create an operator token; prints it, once")
    token.add_argument("--name", required=True, help="who holds it")
    token.set_defaults(handler=_create_operator_token)
    revoke = operator_actions.add_parser("revoke-token", help="revoke an operator token")
    revoke.add_argument("token")
    revoke.set_defaults(handler=_revoke_operator_token)


async def run(args: argparse.Namespace) -> None:
    handler: Handler = args.handler
    await handler(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], Awaitable[None]]] = {
    "prospects": run,
    "billing": run,
    "operator": run,
}


# --- prospects ----------------------------------------------------------------------------------


async def _load(args: argparse.Namespace) -> None:
    fmt = args.format or ("csv" if str(args.path).lower().endswith(".csv") else "jsonl")
    kind = ProspectKind(args.kind.upper()) if args.kind else None
    if args.path == "-":
        report = await load_prospects(sys.stdin, fmt, kind)
    else:
        path = Path(args.path)
        if not path.is_file():
            raise fail(f"cannot read {args.path}: no such file", ErrorCode.NOT_FOUND)
        with path.open(encoding="utf-8-sig", newline="") as source:
            lines = lines_read(source, path.stat().st_size, "prospects")
            report = await load_prospects(lines, fmt, kind)
    for line, message in report.errors:
        print(f"line {line}: {message}", file=sys.stderr)
    print(
        f"organizations: {report.organizations_created} created, {report.organizations_updated} updated;"
        f" persons: {report.persons_created} created, {report.persons_updated} updated,"
        f" {report.erased_skipped} erased and skipped; {len(report.errors)} line(s) with errors"
    )


async def _generate(args: argparse.Namespace) -> None:
    if args.count < 0 or (args.organizations is not None and args.organizations < 1):
        raise fail("N must be at least 0 and --organizations at least 1", ErrorCode.INVALID)

    def progress(what: str, done: int, total: int) -> None:
        print(f"\r{what}: {done}/{total}", end="", file=sys.stderr, flush=True)

    report = await generate_prospects(args.count, seed=args.seed, organizations=args.organizations, progress=progress)
    print(file=sys.stderr)
    print(f"generated {report.persons} persons and {report.organizations} organizations in {report.seconds:.1f}s")


async def _erase(args: argparse.Namespace) -> None:
    missing = []
    for ref in args.ids:
        person = await find_person(ref)
        if person is None:
            missing.append(ref)
            continue
        print(f"{ref}: {'erased' if await erase_person(person) else 'was erased already'}")
    if missing:
        raise fail(f"no person profile with id {', '.join(missing)}", ErrorCode.NOT_FOUND)


async def _review(args: argparse.Namespace) -> None:
    if args.report is None:
        if args.confirm or args.reject:
            raise fail("name the REPORT_ID to decide", ErrorCode.REQUIRED)
        for report in await open_reports():
            print(
                f"{report.id}\t{report.created_at:%Y-%m-%d}\tcompany {report.company_id}\t{report.reason.value}"
                f"\t{report.details}"
            )
        return
    if not (args.confirm or args.reject):
        raise fail("decide with --confirm or --reject", ErrorCode.REQUIRED)
    report = await review_report(args.report, confirmed=args.confirm, reviewer=args.reviewer, note=args.note)
    print(f"report {report.id}: {report.status.value}")


# --- billing and operators ------------------------------------------------------------------------


async def _renew(args: argparse.Namespace) -> None:
    if args.company is not None:
        if not await Company.exists(id=args.company):
            raise fail(f"no company with id {args.company}", ErrorCode.NOT_FOUND)
        renewal = await renew_billing_period(args.company)
        renewals = [renewal] if renewal else []
    else:
        renewals = await renew_due()
    for r in renewals:
        until = f"until {r.period_end:%Y-%m-%d %H:%M}" if r.period_end else "no new period (add-on off)"
        print(f"company {r.company_id}: {r.expired} expired, {r.granted} granted, {until}")
    if not renewals:
        print("nothing due")


async def _add_on(args: argparse.Namespace) -> None:
    if not await Company.exists(id=args.company):
        raise fail(f"no company with id {args.company}", ErrorCode.NOT_FOUND)
    account = await set_add_on(args.company, AddOnState(args.state), trial_days=args.trial_days)
    until = f", trial until {account.trial_ends_at:%Y-%m-%d}" if account.trial_ends_at else ""
    print(f"company {args.company}: add-on {account.add_on.value}{until}")


async def _create_operator_token(args: argparse.Namespace) -> None:
    print(await create_operator_token(args.name))


async def _revoke_operator_token(args: argparse.Namespace) -> None:
    if not await revoke_operator_token(args.token, dt.datetime.now(dt.UTC)):
        raise fail("no active operator token matches", ErrorCode.NOT_FOUND)
    print("revoked")
