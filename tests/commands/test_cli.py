"""The ``leadbox`` command line: schema export, companies, users, teams, tokens, the demo.

Database commands run in-process through :func:`cli.run_command` on the test's own
connection; one test runs the real ``main()`` in a child process against the same database,
as a shell would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import schema as schema_module
from cli import main, parse_args, run_command
from models import ApiToken, Company, Lead, LeadSource, Role, Team, TeamMember, User
from tests.conftest import Client

ROOT = Path(__file__).resolve().parent.parent.parent

VIEWER = "query { viewer { name role permissions { convertDealsToLeads addProspectorLeads } } }"
CREATE_LEAD = "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { source } userErrors { code } } }"


async def leadbox(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run one database command of the CLI; return its exit status, stdout and stderr."""
    status = await run_command(parse_args(argv))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


async def make_company_and_admin(capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    status, company_id, _ = await leadbox(capsys, "create-company", "Acme AB")
    assert status == 0
    status, user_id, _ = await leadbox(
        capsys,
        "create-user",
        "--company",
        company_id,
        "--name",
        "Anna Berg",
        "--email",
        "Anna@Acme.example",
        "--role",
        "ADMIN",
    )
    assert status == 0
    return int(company_id), int(user_id)


# --- export-schema ----------------------------------------------------------------------------


def test_export_schema_check_passes_on_the_committed_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema", "--check", "--output", str(ROOT / "schema.graphql")]) == 0
    assert "up to date" in capsys.readouterr().out


def test_export_schema_check_fails_on_a_stale_file_and_export_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schema.graphql"
    assert main(["export-schema", "--check", "--output", str(path)]) == 1  # missing
    path.write_text("type Query { stale: Int }\n")
    assert main(["export-schema", "--check", "--output", str(path)]) == 1
    assert "differs" in capsys.readouterr().err
    assert path.read_text() == "type Query { stale: Int }\n"  # --check never writes

    assert main(["export-schema", "--output", str(path)]) == 0
    assert path.read_text() == schema_module.schema.as_str() + "\n"
    assert main(["export-schema", "--check", "--output", str(path)]) == 0


# --- companies, users, tokens -----------------------------------------------------------------


async def test_created_admin_and_token_work_against_the_api(
    http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    company_id, user_id = await make_company_and_admin(capsys)
    status, token, _ = await leadbox(capsys, "create-token", "--user-id", str(user_id), "--name", "laptop")
    assert status == 0 and token.startswith("lbx_")

    data = await Client(http, token).execute(VIEWER)
    assert data["viewer"]["name"] == "Anna Berg"
    assert data["viewer"]["role"] == "ADMIN"
    user = await User.get(id=user_id)
    assert (user.company_id, user.email, user.role) == (company_id, "anna@acme.example", Role.ADMIN)
    # Only the digest is stored: the printed token appears nowhere in the database.
    stored = await ApiToken.get(user_id=user_id)
    assert stored.name == "laptop" and stored.token_hash != token and token not in stored.token_hash


async def test_app_tokens_make_manual_leads_and_other_tokens_api_leads(
    http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    _, user_id = await make_company_and_admin(capsys)
    _, app_token, _ = await leadbox(capsys, "create-token", "--user-id", str(user_id), "--app")
    _, api_token, _ = await leadbox(capsys, "create-token", "--user-id", str(user_id))

    for token, source in ((app_token, "MANUAL"), (api_token, "API")):
        payload = await Client(http, token).mutate(CREATE_LEAD, {"person": {"name": f"Via {source}"}})
        assert payload == {"lead": {"source": source}, "userErrors": []}
    rows = await Lead.all().order_by("title").values_list("title", "source")
    assert rows == [("Via API", LeadSource.API), ("Via MANUAL", LeadSource.MANUAL)]


async def test_regular_user_permission_flags(http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]) -> None:
    company_id, _ = await make_company_and_admin(capsys)
    status, user_id, _ = await leadbox(
        capsys,
        "create-user",
        "--company",
        str(company_id),
        "--name",
        "Bo Ek",
        "--email",
        "bo@acme.example",
        "--no-convert-deals",
        "--prospector",
        "--manage-labels",
    )
    assert status == 0
    _, token, _ = await leadbox(capsys, "create-token", "--user-id", user_id)

    data = await Client(http, token).execute(VIEWER)
    assert data["viewer"] == {
        "name": "Bo Ek",
        "role": "REGULAR",
        "permissions": {"convertDealsToLeads": False, "addProspectorLeads": True},
    }
    labels = await Client(http, token).execute("query { viewer { permissions { manageLabels } } }")
    assert labels["viewer"]["permissions"] == {"manageLabels": True}


async def test_mistakes_exit_2_with_a_message_and_change_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    company_id, _ = await make_company_and_admin(capsys)

    duplicate = ("create-user", "--company", str(company_id), "--name", "Anna Again", "--email", "anna@acme.example")
    status, out, err = await leadbox(capsys, *duplicate)
    assert (status, out) == (2, "")
    assert "already exists" in err and "Traceback" not in err

    assert (await leadbox(capsys, "create-user", "--company", "999", "--name", "X", "--email", "x@y.example"))[:2] == (
        2,
        "",
    )
    assert (await leadbox(capsys, "create-token", "--user-id", "999"))[0] == 2
    assert (await leadbox(capsys, "create-company", "   "))[0] == 2
    assert await User.all().count() == 1
    assert await Company.all().count() == 1
    assert await ApiToken.all().count() == 0


async def test_revoked_token_is_refused(http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]) -> None:
    _, user_id = await make_company_and_admin(capsys)
    _, token, _ = await leadbox(capsys, "create-token", "--user-id", str(user_id))
    assert (await Client(http, token).execute(VIEWER))["viewer"]["name"] == "Anna Berg"

    assert (await leadbox(capsys, "revoke-token", token))[:2] == (0, "revoked")
    body = await Client(http, token).raw(VIEWER)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await ApiToken.get(user_id=user_id)).revoked_at is not None
    # Revoking twice is a mistake worth telling.
    status, _, err = await leadbox(capsys, "revoke-token", token)
    assert status == 2 and "no active token" in err


async def test_create_team_with_members(capsys: pytest.CaptureFixture[str]) -> None:
    company_id, admin_id = await make_company_and_admin(capsys)
    _, other_id, _ = await leadbox(
        capsys, "create-user", "--company", str(company_id), "--name", "Bo Ek", "--email", "bo@acme.example"
    )
    status, team_id, _ = await leadbox(
        capsys,
        "create-team",
        "--company",
        str(company_id),
        "--name",
        "Nordics",
        "--member",
        str(admin_id),
        "--member",
        other_id,
    )
    assert status == 0
    team = await Team.get(id=int(team_id))
    assert (team.company_id, team.name) == (company_id, "Nordics")
    members = await TeamMember.filter(team_id=team.id).order_by("user_id").values_list("user_id", flat=True)
    assert members == sorted([admin_id, int(other_id)])

    # A user of another company, or a taken name, is refused and makes no team.
    _, stranger_company, _ = await leadbox(capsys, "create-company", "Globex")
    _, stranger, _ = await leadbox(
        capsys, "create-user", "--company", stranger_company, "--name", "Gary", "--email", "gary@globex.example"
    )
    status, _, err = await leadbox(
        capsys, "create-team", "--company", str(company_id), "--name", "B", "--member", stranger
    )
    assert status == 2 and stranger in err
    status, _, err = await leadbox(capsys, "create-team", "--company", str(company_id), "--name", "Nordics")
    assert status == 2 and "already has a team" in err
    assert await Team.all().count() == 1


# --- the demo ---------------------------------------------------------------------------------


async def test_demo_fills_an_empty_database_once_and_prints_a_working_token(
    http: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = await leadbox(capsys, "demo", "--leads", "40", "--port", "9000")
    assert status == 0
    token = next(line.split()[-1] for line in out.splitlines() if "API token" in line)
    assert "http://127.0.0.1:9000/graphql" in out
    assert (
        f"curl -s http://127.0.0.1:9000/graphql -H 'Content-Type: application/json' -H 'Authorization: Bearer {token}'"
        in out
    )
    data = await Client(http, token).execute("{ viewer { name role } leads(first: 5) { totalCount } }")
    assert data["viewer"] == {"name": "Astrid Lindqvist", "role": "ADMIN"}
    assert data["leads"]["totalCount"] > 0

    # A second run keeps the data and only makes another token.
    status, again, _ = await leadbox(capsys, "demo", "--leads", "40")
    assert status == 0 and await Company.all().count() == 1 and await Lead.all().count() == 40
    second = next(line.split()[-1] for line in again.splitlines() if "API token" in line)
    assert second != token
    assert (await Client(http, second).execute("{ viewer { name } }"))["viewer"]["name"] == "Astrid Lindqvist"


# --- the real process --------------------------------------------------------------------------


def run_leadbox(database: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database}
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


async def test_main_in_a_child_process_uses_database_url(database: str) -> None:
    migrated = run_leadbox(database, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout

    created = run_leadbox(database, "create-company", "Shell AB")
    assert created.returncode == 0, created.stderr
    company = await Company.get(id=int(created.stdout))
    assert company.name == "Shell AB"

    failed = run_leadbox(database, "create-user", "--company", "424242", "--name", "X", "--email", "x@y.example")
    assert failed.returncode == 2
    assert failed.stderr.startswith("leadbox: error:") and "Traceback" not in failed.stderr
