"""JSON text written elsewhere (the database: fastpath/sqljson.py), carried in response data as is.

A :class:`JsonText` in a response's ``data`` is written into the body verbatim by
:func:`dumps` (``orjson.Fragment``: never parsed, never re-encoded). Code that must read such
data (schema/cost.py's count of what a response returned) parses it with :func:`value`.
"""

from __future__ import annotations

from typing import Any

import orjson


class JsonText:
    """One JSON value as text."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"JsonText({self.text!r})"


def value(found: Any) -> Any:
    """``found``, parsed when it is JSON text."""
    return orjson.loads(found.text) if isinstance(found, JsonText) else found


def _default(found: Any) -> Any:
    if isinstance(found, JsonText):
        return orjson.Fragment(found.text)
    raise TypeError(f"{type(found).__name__} is not JSON serializable")


def dumps(data: Any) -> bytes:
    """``orjson.dumps`` that writes :class:`JsonText` as the text it holds."""
    return orjson.dumps(data, default=_default)
