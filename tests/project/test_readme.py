"""The README tells the truth: every command and query in it runs against a fresh demo, its
figures are the demo's, and it lists every command and every setting.

The server is the README's own first command, ``leadbox serve --demo``, in a child process on
the test's database; the shell blocks run in bash with ``curl`` and the installed ``leadbox``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli import build_parser
from models import Lead, Organization, Person, Team, User
from tests.factories.server_process import ROOT, serve

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
LEADBOX = Path(sys.executable).parent / "leadbox"
# Shell blocks this test does not run, each for a reason; their leadbox commands are still
# parsed by the real parser. Installing and the test suite are what CI (.ci/run) runs;
# serving forever is what the test's own server does; makemigrations writes a file.
NOT_RUN = ("pip install", "-m pytest", "leadbox serve", "tortoise makemigrations")


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == language]


def leadbox_commands(block: str) -> Iterator[list[str]]:
    """The arguments of every ``.venv/bin/leadbox ...`` command in a shell block."""
    for line in block.replace("\\\n", " ").splitlines():
        at = line.find(".venv/bin/leadbox ")
        if at < 0:
            continue
        command = line[at:].split("&&")[0].strip()
        if "$(" in line[:at]:
            command = command.removesuffix(")")
        yield shlex.split(command)[1:]


def without_numbers(text: str) -> str:
    """Ids and the port taken out, which differ from run to run."""
    return re.sub(r"id \d+", "id N", re.sub(r":\d+/graphql", ":PORT/graphql", text))


def answers(text: str) -> list[Any]:
    """The JSON documents curl printed, one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


def user_errors(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "userErrors" and inner:
                yield inner
            yield from user_errors(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from user_errors(inner)


@pytest.fixture
def demo(database: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """The README's first command on an empty database: yields base URL, token and what it printed."""
    with serve(database, tmp_path, "--demo") as (base, _):
        printed = (tmp_path / "server.out").read_text()
        token = re.search(r"API token\s+(lbx_\S+)", printed)
        assert token, printed
        yield base, token.group(1), printed


async def test_readme_figures_are_the_demo(demo: tuple[str, str, str]) -> None:
    _, _, printed = demo
    leads = await Lead.all().count()
    archived = await Lead.filter(is_archived=True).count()
    prose = " ".join(README.split()).replace("six users", "6 users").replace("two teams", "2 teams")
    for figure in (
        f"{await User.all().count()} users",
        f"{await Team.all().count()} teams",
        f"{await Organization.all().count():,} organizations",
        f"{await Person.all().count():,} persons",
        f"{leads:,} leads ({leads - archived:,} open in the inbox and {archived:,} archived)",
    ):
        assert figure in prose, f"the README does not say {figure!r}"
    # What serve --demo prints is what the README shows, but for ids and the token.
    (sample,) = [body for lang, body in BLOCK.findall(README) if lang == "" and "API token" in body]
    for line in sample.splitlines():
        if line.strip().startswith(("Company", "Admin", "GraphiQL")):
            assert without_numbers(line) in without_numbers(printed)


def test_every_graphql_query_runs(demo: tuple[str, str, str]) -> None:
    base, token, _ = demo
    queries = blocks("graphql")
    assert len(queries) >= 2
    for query in queries:
        response = httpx.post(f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (query, body)
        assert all(value for value in body["data"].values()), (query, body)


def test_every_shell_block_runs(demo: tuple[str, str, str], database: str, tmp_path: Path) -> None:
    base, token, _ = demo
    work = tmp_path / "work"
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / ".venv" / "bin" / "leadbox").symlink_to(LEADBOX)
    (csv,) = blocks("csv")
    (work / "leads.csv").write_text(csv, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": database, "LEADBOX_FILES_DIR": str(tmp_path / "files"), "TOKEN": token}
    ran = 0
    for block in blocks("sh"):
        for argv in leadbox_commands(block):
            build_parser().parse_args([a if "$" not in a else "1" for a in argv])  # exits on a bad command
        if any(marker in block for marker in NOT_RUN):
            continue
        script = block.replace("http://127.0.0.1:8000", base).replace("TOKEN=lbx_...", f"TOKEN={token}")
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, (block, result.stdout, result.stderr)
        if "curl" in block:
            found = answers(result.stdout)
            assert found, (block, result.stdout)
            for answer in found:
                assert "errors" not in answer and not list(user_errors(answer)), (block, answer)
        ran += 1
    assert ran >= 4


def test_every_command_and_setting_is_in_the_readme() -> None:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    names = []
    for name, sub in commands.choices.items():
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        names += [f"{name} {action}" for action in nested[0].choices] if nested else [name]
    missing = [name for name in names if f"| `{name}" not in README]
    assert missing == [], f"commands missing from the README's command table: {missing}"

    settings = set(re.findall(r'"((?:LEADBOX_|DATABASE_URL)[A-Z0-9_]*)"', (ROOT / "core" / "config.py").read_text()))
    assert "LEADBOX_MAX_UPLOAD_MB" in settings
    missing = sorted(name for name in settings if f"| `{name}` |" not in README)
    assert missing == [], f"settings missing from the README's configuration table: {missing}"
