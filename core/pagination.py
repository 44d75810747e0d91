"""Keyset pagination: opaque cursors that carry the sort key of the last row seen.

A cursor is ``base64url(json)`` of the sort it was made for, the sort key value and the row
id. Keyset rather than OFFSET: a page costs the same at row 10 and at row 1,000,000, and a
row deleted between two requests shifts nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from core.errors import PublicError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class InvalidCursor(PublicError):
    def __init__(self, detail: str = "it is malformed") -> None:
        super().__init__(f"Invalid cursor: {detail}.", code="INVALID_CURSOR")


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise PublicError(f"'first' must be between 0 and {MAX_PAGE_SIZE}.", code="INVALID_PAGE_SIZE")
    return first


def _plain(value: Any) -> list[Any]:
    return ["", value]


def _moment(value: dt.datetime) -> list[Any]:
    # orjson writes a naive or UTC moment as isoformat() does, and about three times faster
    # (tests/api/test_cursors.py holds the two equal); any other zone, isoformat() itself.
    tz = value.tzinfo
    return ["dt", value if tz is None or tz is dt.UTC else value.isoformat()]


# _pack by exact type, the common cases first looked up (a page packs a key per row). A packed
# value is what the cursor's JSON holds: orjson writes it as the text _unpack reads.
_PACKERS: dict[type, Callable[[Any], list[Any]]] = {
    type(None): _plain,
    bool: _plain,
    int: _plain,
    float: _plain,
    str: _plain,
    Decimal: lambda value: ["dec", str(value)],
    dt.datetime: _moment,
    dt.date: lambda value: ["d", value.isoformat()],
    uuid.UUID: lambda value: ["u", str(value)],
}


def _pack(value: Any) -> list[Any]:
    packer = _PACKERS.get(type(value))
    if packer is not None:
        return packer(value)
    if value is None or isinstance(value, bool | int | float | str):
        return ["", value]
    if isinstance(value, Decimal):
        return ["dec", str(value)]
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _unpack(packed: Any) -> Any:
    if not isinstance(packed, list) or len(packed) != 2:
        raise InvalidCursor()
    tag, value = packed
    if tag == "":
        return value
    if not isinstance(value, str):
        raise InvalidCursor()
    try:
        if tag == "dec":
            return Decimal(value)
        if tag == "dt":
            return dt.datetime.fromisoformat(value)
        if tag == "d":
            return dt.date.fromisoformat(value)
        if tag == "u":
            return uuid.UUID(value)
    except ValueError as exc:
        raise InvalidCursor() from exc
    raise InvalidCursor()


def encode_cursor(sort: str, key: Any, row_id: Any) -> str:
    """The text of ``Cursor(sort, key, row_id)`` (without making one: a page makes a cursor a row)."""
    raw = orjson.dumps({"s": sort, "k": _pack(key), "i": _pack(row_id)})
    # base64.urlsafe_b64encode's steps, without its calls around them.
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode()


_URLSAFE = bytes.maketrans(b"+/", b"-_")


@dataclass(frozen=True)
class Cursor:
    sort: str
    key: Any
    id: Any

    def encode(self) -> str:
        return encode_cursor(self.sort, self.key, self.id)

    @classmethod
    def decode(cls, text: str, sort: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())
            data = orjson.loads(raw)
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor() from exc
        if not isinstance(data, dict) or not {"s", "k", "i"} <= data.keys():
            raise InvalidCursor()
        if data["s"] != sort:
            raise InvalidCursor("it was made for another sort order; start again without 'after'")
        return cls(sort=sort, key=_unpack(data["k"]), id=_unpack(data["i"]))
