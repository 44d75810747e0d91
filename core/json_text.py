"""JSON text written elsewhere (the database: fastpath/sqljson.py), carried in response data as is.

A :class:`JsonText` holds one JSON object's text. In a response's ``data`` it is written into the
body verbatim by :func:`dumps` (an ``orjson.Fragment``: never parsed, never re-encoded). Code that
reads response data (schema/cost.py's count of what a response returned) sees a read-only
mapping: the text is parsed on the first read, and only then; a writer that counted the objects
it wrote gives their number as ``cost``, and schema/cost.py reads that instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson


class JsonText(Mapping[str, Any]):
    """One JSON object as text; a mapping of its keys when read."""

    __slots__ = ("_parsed", "cost", "text")

    def __init__(self, text: str | bytes, cost: int | None = None) -> None:
        self.text = text
        # The objects the text holds, counted by its writer (schema/cost.py reads it instead of
        # the text); None: not counted.
        self.cost = cost
        self._parsed: dict[str, Any] | None = None

    def _value(self) -> dict[str, Any]:
        if self._parsed is None:
            self._parsed = orjson.loads(self.text)
        return self._parsed

    def __getitem__(self, key: str) -> Any:
        return self._value()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())

    def __repr__(self) -> str:
        return f"JsonText({self.text!r})"


def _default(found: Any) -> Any:
    if isinstance(found, JsonText):
        return orjson.Fragment(found.text)
    raise TypeError(f"{type(found).__name__} is not JSON serializable")


def dumps(data: Any) -> bytes:
    """``orjson.dumps`` that writes :class:`JsonText` as the text it holds."""
    return orjson.dumps(data, default=_default)
