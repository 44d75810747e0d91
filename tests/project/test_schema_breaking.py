"""Breaking changes: the code's schema against the last released one (``schema.released.graphql``).

Removing or changing what partners use goes through ``@deprecated`` first; the check that CI
runs (``python -m schema.breaking``) fails on a breaking change and warns about dangerous ones.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from graphql import EnumTypeDefinitionNode, parse, print_ast

import schema as schema_module
from schema.breaking import RELEASED, compare, main

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_code_has_no_breaking_change_against_the_released_schema() -> None:
    changes = compare(RELEASED.read_text(encoding="utf-8"), schema_module.schema._schema)
    assert changes.breaking == []


def test_the_check_catches_a_removed_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A field the released schema has and the code does not is a breaking change: status 1."""
    released = schema_module.schema.as_str().replace(
        "type Lead implements Node {\n", "type Lead implements Node {\n  legacyScore: Int\n", 1
    )
    assert "legacyScore" in released
    path = tmp_path / "released.graphql"
    path.write_text(released)

    assert main(["--released", str(path)]) == 1
    out = capsys.readouterr().out
    assert "breaking: FIELD_REMOVED: Field Lead.legacyScore was removed." in out
    assert "@deprecated" in out


def test_the_check_warns_about_dangerous_changes_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An enum value the released schema lacks is allowed, but a client's switch may miss it."""
    document = parse(schema_module.schema.as_str())
    definitions = tuple(
        replace(d, values=tuple(v for v in d.values or () if v.name.value != "MANUAL"))
        if isinstance(d, EnumTypeDefinitionNode) and d.name.value == "LeadSource"
        else d
        for d in document.definitions
    )
    released = print_ast(replace(document, definitions=definitions))
    assert "MANUAL" not in released.split("enum LeadSource", 1)[1].split("}", 1)[0]
    path = tmp_path / "released.graphql"
    path.write_text(released)

    assert main(["--released", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "VALUE_ADDED_TO_ENUM" in err and "MANUAL" in err
    assert "no breaking changes" in out


def test_the_check_reports_a_missing_released_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--released", str(tmp_path / "nothing.graphql")]) == 2
    assert "no released schema" in capsys.readouterr().err


def test_the_check_runs_as_ci_runs_it() -> None:
    """`.ci/run` runs the module in a process of its own against the committed released file."""
    done = subprocess.run(
        [sys.executable, "-m", "schema.breaking"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no breaking changes against schema.released.graphql" in done.stdout
