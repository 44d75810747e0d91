"""domain.next_activity.activity_status_sql, the SQL the database writes a lead's activity status with
(fastpath/sqljson.py), against domain.next_activity.activity_status, on the database under test: the
same status for dates before, on and after today, due times before, at and after the clock (to
the microsecond, with and without fractions) and none, at clocks with and without microseconds."""

from __future__ import annotations

import datetime as dt
import itertools

from core.db import fetch, is_postgres
from domain.next_activity import activity_status, activity_status_sql


def _stored_time(value: dt.time | None) -> object:
    """A due time as the activity table stores it (aware UTC: timetz, or ISO text on SQLite)."""
    if value is None:
        return None
    aware = value.replace(tzinfo=dt.UTC)
    return aware if is_postgres() else aware.isoformat()


async def test_the_sql_status_is_the_python_status(database: str) -> None:
    clocks = [
        dt.datetime(2026, 3, 10, 9, 30, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 9, 30, 0, 250000, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 0, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=dt.UTC),
    ]
    for now in clocks:
        days = [None, now.date() - dt.timedelta(days=1), now.date(), now.date() + dt.timedelta(days=1)]
        base = now.time().replace(tzinfo=None)
        moment = dt.datetime.combine(now.date(), base)
        times = [
            None,
            dt.time(0, 0),
            base,
            (moment - dt.timedelta(microseconds=1)).time() if base != dt.time(0, 0) else dt.time(0, 0),
            (moment + dt.timedelta(microseconds=1)).time() if base != dt.time(23, 59, 59, 999999) else base,
            (moment - dt.timedelta(seconds=1)).time() if base >= dt.time(0, 0, 1) else base,
            (moment + dt.timedelta(minutes=1)).time() if base <= dt.time(23, 58) else base,
            dt.time(23, 59, 59),
        ]
        for due_date, due_time in itertools.product(days, times):
            text, params = activity_status_sql("t.due_date", "t.due_time", now, is_postgres())
            if is_postgres():
                row, args = "CAST(? AS date), CAST(? AS timetz)", [due_date, _stored_time(due_time)]
            else:
                row, args = "?, ?", [None if due_date is None else due_date.isoformat(), _stored_time(due_time)]
            rows = await fetch(
                f"WITH t(due_date, due_time) AS (VALUES ({row})) SELECT {text} AS status FROM t", [*args, *params]
            )
            expected = activity_status(due_date, due_time, now).name
            assert rows[0]["status"] == expected, (now, due_date, due_time, rows[0]["status"], expected)
