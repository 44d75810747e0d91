"""fastpath.sqlexpr's scalars against the Python the ordinary execution writes them with, on the
database under test: a moment as ``datetime.isoformat()`` in UTC (with and without microseconds,
trailing zeros in them, other offsets), a global id as core.ids.to_global_id (uuids and integers)."""

from __future__ import annotations

import datetime as dt
import uuid

from core.db import is_postgres
from core.ids import to_global_id
from domain.viewer import Viewer
from fastpath.records import fetch_rows
from fastpath.sqlexpr import Ctx, global_id, moment
from models.base import Role


def _ctx() -> Ctx:
    return Ctx(is_postgres(), Viewer(user_id=0, company_id=0, role=Role.ADMIN))


async def test_a_moment_is_written_as_isoformat_in_utc(database: str) -> None:
    values = [
        dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 4, 5, 6, 7, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 4, 5, 6, 7, 120000, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ]
    sql = moment("t.at")(_ctx())
    for value in values:
        stored: object = value if is_postgres() else value.astimezone(dt.UTC).isoformat()
        cast = "CAST(? AS timestamptz)" if is_postgres() else "?"
        _, rows = await fetch_rows(
            f"WITH t(at) AS (VALUES ({cast})) SELECT {sql.text} AS x FROM t", [stored, *sql.params]
        )
        assert rows[0][0] == value.astimezone(dt.UTC).isoformat(), value


async def test_a_global_id_is_core_ids(database: str) -> None:
    for type_name, key in [("Lead", uuid.uuid4()), ("Person", uuid.UUID(int=0)), ("LeadLabel", 7), ("Team", 123456789)]:
        sql = global_id(type_name, "t.k")(_ctx())
        stored: object = key if is_postgres() or isinstance(key, int) else str(key)
        cast = ("CAST(? AS uuid)" if isinstance(key, uuid.UUID) else "CAST(? AS bigint)") if is_postgres() else "?"
        _, rows = await fetch_rows(
            f"WITH t(k) AS (VALUES ({cast})) SELECT {sql.text} AS x FROM t", [stored, *sql.params]
        )
        assert rows[0][0] == to_global_id(type_name, key), (type_name, key)
