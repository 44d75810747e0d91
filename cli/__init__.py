"""The ``leadbox`` command line: serve the API, fill the demo, manage companies, users and tokens,
import leads.

Every command that touches the database connects to ``DATABASE_URL`` (SQLite file
``leadbox.sqlite3`` in the current directory by default), applies pending migrations first,
and calls the same domain functions as the API. Ids on the command line are database ids.
Errors of the caller's making print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from cli import lead_import, prospects, rate_limit
from cli.args import Parser, port_number, whole_number
from cli.demo import fill_demo
from cli.progress import MigrationBar, bar
from core.config import SettingsError, settings_from_env
from core.db import close_db, init_db, tortoise_config
from core.errors import DomainError
from core.logs import configure_logging, logging_config
from domain.accounts.account import create_company, create_team, create_token, create_user, revoke_token
from models import Company, Role, User

DEMO_QUERY = "{ leads(first: 5) { edges { node { title person { name } organization { name } } } } }"


# The largest demo: the inbox benchmark's size (PERFORMANCE.md).
MAX_DEMO_LEADS = 1_000_000


class UsageError(Exception):
    """A command that cannot do what was asked: unknown ids, a token that does not exist."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="leadbox", description="Lead management with a GraphQL API.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the GraphQL API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port_number, default=8000)
    serve.add_argument(
        "--workers", type=whole_number(1, 64), default=1, help="server processes (share a PostgreSQL database)"
    )
    serve.add_argument(
        "--demo", action="store_true", help="fill an empty database with the demo company and print a token"
    )

    demo = commands.add_parser("demo", help="fill an empty database with the demo company and print a token")
    demo.add_argument("--host", default="127.0.0.1", help="host shown in the printed URLs")
    demo.add_argument("--port", type=port_number, default=8000, help="port shown in the printed URLs")
    demo.add_argument(
        "--leads",
        type=whole_number(0, MAX_DEMO_LEADS),
        default=3000,
        help=f"size of the demo inbox, at most {MAX_DEMO_LEADS:,} (default 3000)",
    )

    company = commands.add_parser("create-company", help="create a company (tenant); prints its id")
    company.add_argument("name")

    user = commands.add_parser("create-user", help="create a user in a company; prints its id")
    user.add_argument("--company", type=int, required=True, metavar="ID")
    user.add_argument("--name", required=True)
    user.add_argument("--email", required=True)
    user.add_argument("--role", choices=["ADMIN", "REGULAR"], default="REGULAR")
    user.add_argument(
        "--no-convert-deals", action="store_true", help="a regular user who may not convert deals to leads"
    )
    user.add_argument("--prospector", action="store_true", help="a regular user who may add Prospector leads")
    user.add_argument(
        "--manage-labels", action="store_true", help="a regular user who may create, change and delete lead labels"
    )

    token = commands.add_parser("create-token", help="create an API token for a user; prints it, once")
    token.add_argument("--user-id", type=int, required=True, metavar="ID")
    token.add_argument("--name", default="", help="a name to tell tokens apart")
    token.add_argument(
        "--app", action="store_true", help="a token of the sales team's own app: its leads are MANUAL, not API"
    )

    revoke = commands.add_parser("revoke-token", help="revoke an API token")
    revoke.add_argument("token")

    team = commands.add_parser("create-team", help="create a team of users; prints its id")
    team.add_argument("--company", type=int, required=True, metavar="ID")
    team.add_argument("--name", required=True)
    team.add_argument("--member", type=int, action="append", default=[], metavar="USER_ID", help="repeatable")

    commands.add_parser("migrate", help="apply pending database migrations")

    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL) to a file")
    export.add_argument("--output", default="schema.graphql", metavar="PATH")
    export.add_argument("--check", action="store_true", help="exit 1 when the file differs instead of writing it")

    lead_import.register(commands)
    # The operator's commands: the prospect database, billing periods, operator tokens.
    prospects.register(commands)
    rate_limit.register(commands)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


# --- commands on a connected database ---------------------------------------------------------


async def _create_company(args: argparse.Namespace) -> None:
    # `import --company NAME` and the operator find companies by name: keep names apart here.
    same = await Company.filter(name=args.name.strip()).first()
    if same is not None:
        raise UsageError(f"a company named {same.name!r} exists already (id {same.id})")
    company = await create_company(args.name)
    print(company.id)


async def _create_user(args: argparse.Namespace) -> None:
    if not await Company.exists(id=args.company):
        raise UsageError(f"no company with id {args.company}")
    user = await create_user(
        args.company,
        args.name,
        args.email,
        Role(args.role),
        can_convert_deals_to_leads=not args.no_convert_deals,
        can_add_prospector_leads=args.prospector,
        can_manage_labels=args.manage_labels,
    )
    print(user.id)


async def _create_token(args: argparse.Namespace) -> None:
    if not await User.exists(id=args.user_id):
        raise UsageError(f"no user with id {args.user_id}")
    print(await create_token(args.user_id, args.name, app=args.app))


async def _revoke_token(args: argparse.Namespace) -> None:
    if not await revoke_token(args.token):
        raise UsageError("no active token matches")
    print("revoked")


async def _create_team(args: argparse.Namespace) -> None:
    if not await Company.exists(id=args.company):
        raise UsageError(f"no company with id {args.company}")
    members = set(await User.filter(company_id=args.company, id__in=args.member).values_list("id", flat=True))
    strangers = sorted(set(args.member) - members)
    if strangers:
        raise UsageError(f"not users of company {args.company}: {', '.join(map(str, strangers))}")
    try:
        team = await create_team(args.company, args.name, args.member)
    except IntegrityError as exc:
        raise UsageError(f"company {args.company} already has a team named {args.name!r}") from exc
    print(team.id)


async def _migrate(args: argparse.Namespace) -> None:
    # Connecting applied them; say where, without a password.
    print(f"database is up to date: {_safe_url(settings_from_env().database_url)}")


async def _demo(args: argparse.Namespace) -> None:
    await demo_step(args.host, args.port, leads=args.leads)


COMMANDS: dict[str, Callable[[argparse.Namespace], Awaitable[None]]] = {
    "create-company": _create_company,
    "create-user": _create_user,
    "create-token": _create_token,
    "revoke-token": _revoke_token,
    "create-team": _create_team,
    "migrate": _migrate,
    "demo": _demo,
    **prospects.COMMANDS,
    **lead_import.COMMANDS,
    **rate_limit.COMMANDS,
}


async def run_command(args: argparse.Namespace) -> int:
    """Run a database command on the connection already open; return the exit status."""
    try:
        await COMMANDS[args.command](args)
    except (DomainError, UsageError) as exc:
        return _error(str(exc))
    return 0


async def demo_step(host: str, port: int, *, leads: int = 3000) -> None:
    """Fill an empty database with the demo company, then print a new token for its admin."""

    if not await Company.exists():
        print(f"Creating the demo company with {leads:,} leads...", file=sys.stderr, flush=True)
        with bar(leads, "demo", unit="lead") as progress:
            await fill_demo(leads=leads, progress=progress.update)
    # The first admin of the first company: the demo's, unless the database had others first.
    company = await Company.all().order_by("id").first()
    assert company is not None
    admin = await User.filter(company_id=company.id, role=Role.ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        raise UsageError(f"company {company.name!r} has no active admin to make a token for")
    token = await create_token(admin.id, "demo")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{shown}:{port}/graphql"
    body = json.dumps({"query": DEMO_QUERY})
    print(
        f"""
  Company    {company.name} (id {company.id})
  Admin      {admin.name} <{admin.email}> (user id {admin.id})
  API token  {token}
             (shown once; `leadbox revoke-token TOKEN` revokes it)

  GraphiQL   {url}
             Headers: {json.dumps({"Authorization": f"Bearer {token}"})}

  curl -s {url} -H 'Content-Type: application/json' -H 'Authorization: Bearer {token}' -d '{body}'
""",
        flush=True,
    )


# --- commands without a database ---------------------------------------------------------------


def export_schema(output: str, *, check: bool) -> int:
    # Imported here: importing schema builds the whole GraphQL schema (about a second and 600
    # modules), which no other command needs.
    import schema

    text = schema.schema.as_str() + "\n"
    path = Path(output)
    if not path.parent.is_dir():
        return _error(f"cannot write {output}: the folder {str(path.parent)!r} does not exist")
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            return _error(f"{output} differs from the schema in the code: run `leadbox export-schema`", status=1)
        print(f"{output} is up to date")
        return 0
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _error(f"cannot write {output}: {exc.strerror or exc}")
    print(f"wrote {output}")
    return 0


def serve(args: argparse.Namespace) -> int:
    # Migrate (and fill the demo) once, before any worker starts: several workers would
    # otherwise race to create the database and apply the same migrations.
    step = (lambda: demo_step(args.host, args.port)) if args.demo else _nothing
    status = _port_free(args.host, args.port) or asyncio.run(_with_database(step))
    if status:
        return status

    # Our logging config in every worker process; the request line (core/request_log.py)
    # replaces uvicorn's access line.
    uvicorn.run(
        "app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=logging_config(settings_from_env()),
        access_log=False,
    )
    return 0


# --- plumbing ------------------------------------------------------------------------------------


async def _nothing() -> None:
    return None


def _port_free(host: str, port: int) -> int:
    """0 when the server could listen on host:port; else the error, before any work is done
    (uvicorn would report it only after migrating, with a log line rather than an error)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return _error(f"cannot listen on {host}:{port}: {exc.strerror}")
    family, kind, proto, _, address = addresses[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            return _error(f"cannot listen on {host}:{port}: {reason}")
    return 0


async def _with_database(step: Callable[[], Awaitable[object]]) -> int:
    url = settings_from_env().database_url
    connection = tortoise_config(url)["connections"]["default"]
    if connection["engine"].endswith("sqlite") and not Path(connection["credentials"]["file_path"]).parent.is_dir():
        # Checked here because aiosqlite waits forever on a file it cannot create.
        return _error(f"cannot open the database {url}: its folder does not exist")
    migrations = MigrationBar()
    try:
        await init_db(url, create_db=True, migration_hooks=migrations)
    except (OSError, DBConnectionError, OperationalError) as exc:
        # Closing matters even here: an open aiosqlite thread would keep the process alive.
        await close_db()
        return _error(f"cannot open the database {_safe_url(url)}: {exc}", status=1)
    finally:
        migrations.close()
    try:
        result = await step()
    except (DomainError, UsageError) as exc:
        return _error(str(exc))
    finally:
        await close_db()
    return result if isinstance(result, int) else 0


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _error(message: str, *, status: int = 2) -> int:
    print(f"leadbox: error: {message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        # Every setting is read (and checked) up front, whatever the command uses.
        settings = settings_from_env()
    except SettingsError as exc:
        return _error(str(exc))
    if args.command == "export-schema":
        return export_schema(args.output, check=args.check)

    configure_logging(settings)
    if args.command == "serve":
        return serve(args)
    return asyncio.run(_with_database(lambda: run_command(args)))
