"""The linter, the type checker and the import contracts pass, as .ci/run checks them (all three
configured in pyproject.toml).

They run here as well so that a change tested with pytest alone meets them before it lands: a
new function without annotations in domain/, an unused import, a ``type: ignore`` that no longer
silences anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: lint-imports finds the packages by importing them, from this tree.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param((str(BIN / "ruff"), "check", "--no-cache", "."), id="ruff"),
        pytest.param((str(BIN / "mypy"),), id="mypy"),
        pytest.param((str(BIN / "lint-imports"), "--no-cache"), id="lint-imports"),
    ],
)
def test_passes(command: tuple[str, ...]) -> None:
    done = run(*command)
    assert done.returncode == 0, done.stdout + done.stderr
