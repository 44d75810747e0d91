"""Long commands show a progress bar on a terminal, and nothing of it when stderr is a pipe.

The real ``leadbox`` runs in a child process whose stderr is a pseudo-terminal, as in a shell.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.factories.server_process import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def on_terminal(*argv: str, cwd: Path) -> tuple[int, str, str]:
    """Run leadbox with stderr on a pseudo-terminal; return its status, stdout and terminal output."""
    controller, terminal = pty.openpty()
    # 40 rows of 120 columns: a fresh pseudo-terminal has no size, where a bar has no room.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "DATABASE_URL": f"sqlite://{cwd / 'db.sqlite3'}"}
    child = subprocess.Popen(
        [sys.executable, "-m", "cli", *argv], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=terminal
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert child.stdout is not None
    with child.stdout:
        out = child.stdout.read().decode()
    status = child.wait(timeout=300)
    os.close(controller)
    return status, out, shown.decode(errors="replace")


def test_migrate_and_demo_show_bars_on_a_terminal(tmp_path: Path) -> None:
    status, out, shown = on_terminal("demo", "--leads", "6000", cwd=tmp_path)
    assert status == 0, shown
    assert "API token" in out
    # A fresh database: every migration is applied, then the demo is written in two chunks.
    migrations = len(list((ROOT / "migrations").glob("0*.py")))
    assert "migrations: 100%" in shown and f"{migrations}/{migrations}" in shown
    assert "demo: 100%" in shown and "6000/6000" in shown
    assert "5000/6000" in shown  # it moved on the way, chunk by chunk


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--leads", "300"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "Creating the demo company with 300 leads..."


def test_prospects_load_and_import_show_bars(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.jsonl"
    lines = [{"type": "organization", "id": f"o{i}", "name": f"Firm {i} AB", "country": "SE"} for i in range(200)]
    profiles.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    status, out, shown = on_terminal("prospects", "load", str(profiles), cwd=tmp_path)
    assert status == 0, shown
    assert "organizations: 200 created" in out
    assert "prospects: 100%" in shown

    assert on_terminal("create-company", "Acme AB", cwd=tmp_path)[0] == 0
    user = ["create-user", "--company", "1", "--name", "Ann", "--email", "ann@acme.example", "--role", "ADMIN"]
    assert on_terminal(*user, cwd=tmp_path)[0] == 0
    leads = tmp_path / "leads.csv"
    leads.write_text("Company,Contact\n" + "".join(f"Firm {i},Person {i}\n" for i in range(120)), encoding="utf-8")
    status, out, shown = on_terminal(
        "import", str(leads), "--company", "1", "--user", "ann@acme.example",
        "--map", "Company=organization.name", "--map", "Contact=person.name", cwd=tmp_path,
    )  # fmt: skip
    assert status == 0, shown
    assert "120 leads created" in out
    assert "import: 100%" in shown
