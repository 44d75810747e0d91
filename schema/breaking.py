"""Breaking changes: the schema in the code against the last released one.

``schema.released.graphql`` at the top of the repository is the schema partners were last
given. A change that would break a client written against it (a field, argument, type or enum
value removed, a type changed, a required argument or input field added) fails the check;
remove things only after a release in which they were marked ``@deprecated``. Changes that
are allowed but may surprise a client (an enum value or an optional argument added) are listed
as warnings. CI runs ``python -m schema.breaking``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLSchema, build_schema, find_breaking_changes, find_dangerous_changes

from schema import schema

RELEASED = Path(__file__).resolve().parent.parent / "schema.released.graphql"


@dataclass(frozen=True)
class Changes:
    breaking: list[str]
    dangerous: list[str]


def compare(released_sdl: str, current: GraphQLSchema) -> Changes:
    """What changed from the released schema (as SDL) to ``current``, as readable lines."""
    released = build_schema(released_sdl)
    return Changes(
        breaking=[f"{c.type.name}: {c.description}" for c in find_breaking_changes(released, current)],
        dangerous=[f"{c.type.name}: {c.description}" for c in find_dangerous_changes(released, current)],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m schema.breaking",
        description="List the breaking changes of the code's GraphQL schema against the released one.",
    )
    parser.add_argument("--released", default=str(RELEASED), metavar="PATH", help="the released schema (SDL)")
    args = parser.parse_args(argv)
    path = Path(args.released)
    if not path.is_file():
        print(f"schema.breaking: error: no released schema at {path}", file=sys.stderr)
        return 2

    changes = compare(path.read_text(encoding="utf-8"), schema._schema)
    for line in changes.dangerous:
        print(f"warning: {line}", file=sys.stderr)
    if changes.breaking:
        for line in changes.breaking:
            print(f"breaking: {line}")
        print(
            f"{len(changes.breaking)} breaking change(s) against {path.name}: mark the old field, argument or "
            "enum value @deprecated and keep it for a release instead (see README, 'Changing the schema')."
        )
        return 1
    print(f"no breaking changes against {path.name} ({len(changes.dangerous)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
