"""Every mistake on the command line ends with one ``leadbox: error: ...`` line on stderr and exit
status 2, never a traceback. Each case runs the real ``leadbox`` in a child process, as a shell
would; those that need a database use the test's own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from models import Company, User
from tests.conftest import Account
from tests.factories.server_process import ROOT

BAD_SETTINGS = [
    ({"LEADBOX_MAX_UPLOAD_MB": "fifty"}, "LEADBOX_MAX_UPLOAD_MB must be a whole number, not 'fifty'"),
    ({"LEADBOX_MAX_UPLOAD_MB": "-1"}, "LEADBOX_MAX_UPLOAD_MB must be at least 1"),
    ({"LEADBOX_SMTP_PORT": "70000"}, "LEADBOX_SMTP_PORT must be between 1 and 65535"),
    ({"LEADBOX_LOG_FORMAT": "xml"}, "LEADBOX_LOG_FORMAT must be one of text, json"),
    ({"LEADBOX_LOG_LEVEL": "loud"}, "LEADBOX_LOG_LEVEL must be one of"),
    ({"DATABASE_URL": "garbage"}, "DATABASE_URL must be sqlite://PATH or postgresql://"),
    ({"DATABASE_URL": "mysql://root:secret@127.0.0.1/leads"}, "does not support (mysql://...)"),
    ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:port/x"}, "port that is not a number"),
]


def leadbox(*argv: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "LEADBOX_FILES_DIR": str(cwd / "files"), **env}
    environ.setdefault("DATABASE_URL", f"sqlite://{cwd / 'cli.sqlite3'}")
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120
    )


def assert_one_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("leadbox: error: "), result.stderr
    assert expected in lines[0]


@pytest.mark.parametrize(("env", "expected"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line(env: dict[str, str], expected: str, tmp_path: Path) -> None:
    result = leadbox("migrate", cwd=tmp_path, **env)
    assert_one_error(result, expected)
    assert "secret" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file named garbage, no database


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve", "--port", "99999"], "argument --port: 99999 is not between 1 and 65,535"),
        (["serve", "--port", "eighty"], "argument --port: 'eighty' is not a whole number"),
        (["demo", "--leads", "-5"], "argument --leads: -5 is not between 0 and 1,000,000"),
        (["demo", "--leads", "2000000"], "argument --leads: 2000000 is not between 0 and 1,000,000"),
        (["billing", "add-on", "--company", "1", "--state", "TRIAL", "--trial-days", "-3"], "--trial-days: -3"),
        (["create-user", "--company", "1", "--name", "A"], "the following arguments are required: --email"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        (["export-schema", "--output", "missing/folder/schema.graphql"], "the folder 'missing/folder' does not exist"),
    ],
)
def test_bad_arguments_are_one_line(argv: list[str], expected: str, tmp_path: Path) -> None:
    assert_one_error(leadbox(*argv, cwd=tmp_path), expected)
    assert not (tmp_path / "cli.sqlite3").exists()  # refused before touching the database


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = leadbox("serve", "--port", str(port), cwd=tmp_path)
    assert_one_error(result, f"cannot listen on 127.0.0.1:{port}: the port is in use")


async def test_mistakes_against_the_database_are_one_line(database: str, tmp_path: Path, account: Account) -> None:
    company = str(account.company_id)

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return leadbox(*argv, cwd=tmp_path, DATABASE_URL=database)

    assert_one_error(run("billing", "renew", "--company", "999999"), "no company with id 999999")
    assert_one_error(
        run("create-user", "--company", company, "--name", "Ann", "--email", "ann"), "'ann' is not an email"
    )
    assert_one_error(
        run("create-user", "--company", company, "--name", " ", "--email", "a@b.example"), "name is required"
    )
    assert_one_error(run("create-user", "--company", "999999", "--name", "A", "--email", "a@b.example"), "no company")
    assert_one_error(run("create-company", "Acme"), f"a company named 'Acme' exists already (id {company})")
    assert_one_error(run("create-token", "--user-id", "999999"), "no user with id 999999")
    assert_one_error(run("revoke-token", "lbx_nothing"), "no active token matches")
    assert await Company.all().count() == 1
    assert await User.filter(company_id=account.company_id).count() == 1
    # The CLI still works for a correct command on the same database.
    ok = run("create-company", "Acme Two")
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    assert await Company.filter(name="Acme Two").exists()


def test_help_still_exits_zero(tmp_path: Path) -> None:
    result = leadbox("--help", cwd=tmp_path)
    assert result.returncode == 0 and "serve" in result.stdout
    assert ROOT.is_dir()
