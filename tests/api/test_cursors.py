"""Cursors (core/pagination.py): the text a key packs to is the format's, whichever way it is
written; every key type comes back as it went in."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from hypothesis import given
from hypothesis import strategies as st

from core.pagination import Cursor, encode_cursor


def _format(sort: str, key: Any, row_id: Any) -> str:
    """The cursor format written out the slow way: each value tagged, moments as isoformat()."""

    def pack(value: Any) -> list[Any]:
        if isinstance(value, dt.datetime):
            return ["dt", value.isoformat()]
        if isinstance(value, dt.date):
            return ["d", value.isoformat()]
        if isinstance(value, Decimal):
            return ["dec", str(value)]
        if isinstance(value, uuid.UUID):
            return ["u", str(value)]
        return ["", value]

    raw = orjson.dumps({"s": sort, "k": pack(key), "i": pack(row_id)})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


moments = st.datetimes(
    min_value=dt.datetime(1, 1, 1),
    max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    timezones=st.sampled_from(
        [None, dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30)), ZoneInfo("Europe/Paris")]
    ),
)


@given(moments, st.uuids())
def test_a_moment_writes_its_isoformat(moment: dt.datetime, row_id: uuid.UUID) -> None:
    # Naive and UTC moments are written by orjson (core/pagination.py _moment): the same text.
    text = encode_cursor("CREATED_AT:DESC", moment, str(row_id))
    assert text == _format("CREATED_AT:DESC", moment, str(row_id))
    decoded = Cursor.decode(text, "CREATED_AT:DESC")
    # The moment with its offset (a zone's name is not kept: its offset at that moment is).
    assert decoded.key.isoformat() == moment.isoformat()
    assert decoded.id == str(row_id)


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.text(),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.dates(),
        st.uuids(),
    ),
    st.one_of(st.integers(min_value=0, max_value=2**63 - 1), st.uuids().map(str)),
)
def test_every_key_type_round_trips(key: Any, row_id: Any) -> None:
    text = encode_cursor("TITLE:ASC", key, row_id)
    assert text == _format("TITLE:ASC", key, row_id)
    decoded = Cursor.decode(text, "TITLE:ASC")
    assert (decoded.key, decoded.id) == (key, row_id)
    assert "=" not in text and "+" not in text and "/" not in text
