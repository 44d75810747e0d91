"""SQL fragments that carry their parameters, so that pieces compose in any order.

A fragment's text uses ``?`` placeholders (rendered for the dialect by :func:`core.db.render`);
its ``params`` are in the order of those placeholders, and ``joins`` lists the JOIN clauses
it needs. :func:`compose` glues literal text, fragments and parameters together, keeping the
parameters in step with the text however often a fragment is repeated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sql:
    text: str
    params: tuple[Any, ...] = ()
    joins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.text.count("?") != len(self.params):
            raise ValueError(f"{self.text!r}: {self.text.count('?')} placeholders, {len(self.params)} parameters")


@dataclass(frozen=True)
class Param:
    """A value that becomes one ``?``."""

    value: Any


def compose(*parts: str | Sql | Param) -> Sql:
    """One fragment from literal SQL (never holding a ``?``), fragments and parameters."""
    text: list[str] = []
    params: list[Any] = []
    joins: list[str] = []
    for part in parts:
        if isinstance(part, Param):
            text.append("?")
            params.append(part.value)
        elif isinstance(part, Sql):
            text.append(part.text)
            params.extend(part.params)
            joins.extend(j for j in part.joins if j not in joins)
        else:
            if "?" in part:
                raise ValueError(f"literal SQL may not hold a placeholder: {part!r}")
            text.append(part)
    return Sql("".join(text), tuple(params), tuple(joins))


def join(separator: str, fragments: Iterable[Sql]) -> Sql:
    parts: list[str | Sql] = []
    for i, fragment in enumerate(fragments):
        if i:
            parts.append(separator)
        parts.append(fragment)
    return compose(*parts)


def marks(values: Iterable[Any]) -> Sql:
    """``?, ?, ?`` for a list of values."""
    values = list(values)
    return Sql(",".join("?" * len(values)), tuple(values))


def raw(text: str, *params: Any, joins: tuple[str, ...] = ()) -> Sql:
    return Sql(text, tuple(params), joins)


def like_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching ``text`` anywhere, case-insensitively."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
