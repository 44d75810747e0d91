"""One filter condition as SQL: its column's value compared by its operator (see domain.leads.filter).

Values come from clients as JSON; each is checked against the column's type here, and a value
that does not fit raises ``ValueError`` with a message for the client.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from core.db import db_date, db_datetime, is_postgres
from core.ids import InvalidId, decode_id, from_global_id
from core.sql import Param, Sql, compose, join, like_escape, marks, raw
from domain.columns.column import Column, ColumnType
from domain.columns.custom_value import canonical_time
from domain.columns.sql import ColumnSql, column_sql, element_value, elements
from domain.fold import fold, fold_key
from domain.viewer import Viewer

MAX_VALUES = 500
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
REFERENCE_TYPES = {ColumnType.USER: "User", ColumnType.PERSON: "Person", ColumnType.ORGANIZATION: "Organization"}


def _like(text: str, *, anywhere: bool) -> str:
    escaped = like_escape(text)
    return f"%{escaped}%" if anywhere else f"{escaped}%"


def _one(value: Any) -> Any:
    if value is None or isinstance(value, list | dict):
        raise ValueError("this operator takes one `value`.")
    return value


def _many(values: list[Any] | None, value: Any = None) -> list[Any]:
    if values is None and value is not None:
        values = [value]
    if not values or not isinstance(values, list):
        raise ValueError("this operator takes a non-empty list of `values`.")
    if len(values) > MAX_VALUES:
        raise ValueError(f"at most {MAX_VALUES} values.")
    return values


def _two(values: list[Any] | None) -> tuple[Any, Any]:
    if not isinstance(values, list) or len(values) != 2:
        raise ValueError("BETWEEN takes two `values`: the lower and the upper bound.")
    return values[0], values[1]


def _text(value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not text.")
    return str(value)


def _number(value: Any) -> Any:
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidOperation
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number.") from exc
    return number if is_postgres() else float(number)


def _date(value: Any) -> dt.date:
    try:
        if not isinstance(value, str) or not DATE_RE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 36_500:
        raise ValueError("IN_LAST_DAYS takes a whole number of days, 0 to 36500.")
    return value


def _ids(values: list[Any], type_name: str) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(decode_id(str(value), type_name)))
        except InvalidId as exc:
            raise ValueError(f"{value!r} is not a {type_name} id.") from exc
    return out


def _text_condition(sql: ColumnSql, operator: str, value: Any, values: list[Any] | None) -> Sql:
    """Texts compare by their folded keys (domain.fold): "orebro" equals "Örebro", on both
    databases; emptiness is the text's own."""
    v, k = sql.value, sql.key
    assert v is not None and k is not None
    if operator == "IS_EMPTY":
        return compose("(", v, " IS NULL OR ", v, " = '')")
    if operator == "IS_NOT_EMPTY":
        return compose("(", v, " IS NOT NULL AND ", v, " <> '')")
    folded = fold_key if sql.key_cut else fold
    if operator in ("IS_ONE_OF", "IS_NOT_ONE_OF"):
        wanted = [folded(_text(x)) for x in _many(values, value)]
        inside = compose(k, " IN (", marks(wanted), ")")
        return inside if operator == "IS_ONE_OF" else compose("(", k, " IS NULL OR NOT ", inside, ")")
    text = folded(_text(_one(value)))
    if operator == "EQUALS":
        return compose(k, " = ", Param(text))
    if operator == "NOT_EQUALS":
        return compose("(", k, " IS NULL OR ", k, " <> ", Param(text), ")")
    pattern = _like(text, anywhere=operator == "CONTAINS")
    return compose(k, " LIKE ", Param(pattern), " ESCAPE '\\'")


def _listed_condition(v: Sql, operator: str, value: Any, kind: str) -> Sql:
    """Person emails and phones: ``v`` holds every address (or number's digits), space separated."""
    if operator == "IS_EMPTY":
        return compose("(", v, " IS NULL OR ", v, " = '')")
    if operator == "IS_NOT_EMPTY":
        return compose("(", v, " IS NOT NULL AND ", v, " <> '')")
    text = _text(_one(value)).strip().lower()
    if kind == "phone":
        text = "".join(ch for ch in text if ch.isdigit())
        if not text:
            raise ValueError("a phone number filter needs digits.")
    escaped = _like(text, anywhere=False)[:-1]
    if operator == "EQUALS":
        return compose("(' ' || ", v, " || ' ') LIKE ", Param(f"% {escaped} %"), " ESCAPE '\\'")
    if operator == "STARTS_WITH":
        return compose("(' ' || ", v, ") LIKE ", Param(f"% {escaped}%"), " ESCAPE '\\'")
    return compose(v, " LIKE ", Param(f"%{escaped}%"), " ESCAPE '\\'")


def _compare(v: Sql, operator: str, convert: Any, value: Any, values: list[Any] | None) -> Sql:
    """Numbers, dates and times: plain comparisons of converted values."""
    if operator == "IS_EMPTY":
        return compose(v, " IS NULL")
    if operator == "IS_NOT_EMPTY":
        return compose(v, " IS NOT NULL")
    if operator == "BETWEEN":
        low, high = _two(values)
        return compose("(", v, " >= ", Param(convert(low)), " AND ", v, " <= ", Param(convert(high)), ")")
    if operator in ("IS_ONE_OF", "IS_NOT_ONE_OF"):
        wanted = [convert(x) for x in _many(values, value)]
        inside = compose(v, " IN (", marks(wanted), ")")
        return inside if operator == "IS_ONE_OF" else compose("(", v, " IS NULL OR NOT ", inside, ")")
    param = Param(convert(_one(value)))
    if operator == "NOT_EQUALS":
        return compose("(", v, " IS NULL OR ", v, " <> ", param, ")")
    symbol = {"EQUALS": " = ", "GREATER_THAN": " > ", "LESS_THAN": " < ", "BEFORE": " < ", "AFTER": " > "}[operator]
    return compose(v, symbol, param)


def _date_condition(
    v: Sql, operator: str, value: Any, values: list[Any] | None, as_text: bool, now: dt.datetime
) -> Sql:
    def convert(x: Any) -> Any:
        day = _date(x)
        return day.isoformat() if as_text else db_date(day)

    if operator == "IN_LAST_DAYS":
        today = now.date()
        start = today - dt.timedelta(days=_days(_one(value)))
        return compose(
            "(",
            v,
            " >= ",
            Param(convert(start.isoformat())),
            " AND ",
            v,
            " <= ",
            Param(convert(today.isoformat())),
            ")",
        )
    return _compare(v, operator, convert, value, values)


def _moment(value: Any) -> tuple[dt.datetime, dt.datetime | None]:
    """A datetime bound: a day gives (its start, the next day's start); a moment gives (it, None)."""
    if isinstance(value, str) and DATE_RE.match(value):
        start = dt.datetime.combine(_date(value), dt.time(), dt.UTC)
        return start, start + dt.timedelta(days=1)
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or a time with its offset.") from exc
    return moment, None


def _datetime_condition(v: Sql, operator: str, value: Any, values: list[Any] | None, now: dt.datetime) -> Sql:
    if operator in ("IS_EMPTY", "IS_NOT_EMPTY"):
        return _compare(v, operator, None, value, values)
    if operator == "IN_LAST_DAYS":
        start = now - dt.timedelta(days=_days(_one(value)))
        return compose("(", v, " >= ", Param(db_datetime(start)), " AND ", v, " <= ", Param(db_datetime(now)), ")")

    def p(moment: dt.datetime) -> Param:
        return Param(db_datetime(moment))

    if operator == "BETWEEN":
        low, high = _two(values)
        (start, _), (end, day_after) = _moment(low), _moment(high)
        upper = compose(v, " < ", p(day_after)) if day_after else compose(v, " <= ", p(end))
        return compose("(", v, " >= ", p(start), " AND ", upper, ")")
    start, next_day = _moment(_one(value))
    if operator == "BEFORE":
        return compose(v, " < ", p(start))
    if operator == "AFTER":
        return compose(v, " >= ", p(next_day)) if next_day else compose(v, " > ", p(start))
    same = (
        compose("(", v, " >= ", p(start), " AND ", v, " < ", p(next_day), ")")
        if next_day
        else compose(v, " = ", p(start))
    )
    return same if operator == "EQUALS" else compose("(", v, " IS NULL OR NOT ", same, ")")


def _time(value: Any) -> str:
    try:
        if not isinstance(value, str) or not TIME_RE.match(value):
            raise ValueError
        return canonical_time(dt.time.fromisoformat(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a time (HH:MM or HH:MM:SS).") from exc


def _option_ids(column: Column, given: list[Any]) -> list[Any]:
    if column.custom_field is None:  # an enum column: source, visibility
        known = {o.id for o in column.options}
        for value in given:
            if value not in known:
                raise ValueError(f"{value!r} is not one of " + ", ".join(sorted(known)) + ".")
        return given
    known_ids = {o["id"] for o in column.custom_field.options}
    out = []
    for value in given:
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
        if isinstance(number, bool) or number not in known_ids:
            raise ValueError(f"{value!r} is not an option of {column.key}.")
        out.append(number)
    return out


def _exists(source: Sql, where: Sql | None, negate: bool) -> Sql:
    inner = compose("SELECT 1 FROM ", source, *((" WHERE ", where) if where is not None else ()))
    return compose("NOT EXISTS (" if negate else "EXISTS (", inner, ")")


def _set_condition(column: Column, operator: str, value: Any, values: list[Any] | None, viewer: Viewer) -> Sql:
    """Labels and multiple options: whether any of the ids is among those the lead has."""
    chosen: Callable[[list[Any]], Sql]
    convert: Callable[[list[Any]], list[Any]]
    if column.type == ColumnType.LABELS:
        source = raw("lead_label_link fl")
        on_lead = raw("fl.lead_id = l.id")
        chosen = lambda ids: compose("fl.label_id IN (", marks(ids), ")")  # noqa: E731
        convert = lambda given: _ids(given, "LeadLabel")  # noqa: E731
    else:
        source = elements(column, viewer)
        on_lead = None
        chosen = lambda ids: compose("je.value IN (", marks([element_value(i) for i in ids]), ")")  # noqa: E731
        convert = lambda given: _option_ids(column, given)  # noqa: E731
    if operator in ("IS_EMPTY", "IS_NOT_EMPTY"):
        return _exists(source, on_lead, negate=operator == "IS_EMPTY")
    given = [_one(value)] if operator in ("EQUALS", "NOT_EQUALS") else _many(values, value)
    where = chosen(convert(given))
    if on_lead is not None:
        where = compose(on_lead, " AND ", where)
    return _exists(source, where, negate=operator in ("NOT_EQUALS", "IS_NOT_ONE_OF"))


def _owner_condition(operator: str, value: Any, values: list[Any] | None) -> Sql:
    if operator == "IS_EMPTY":
        return raw("(l.owner_user_id IS NULL AND l.owner_team_id IS NULL)")
    if operator == "IS_NOT_EMPTY":
        return raw("(l.owner_user_id IS NOT NULL OR l.owner_team_id IS NOT NULL)")
    given = [_one(value)] if operator in ("EQUALS", "NOT_EQUALS") else _many(values, value)
    users: list[int] = []
    teams: list[int] = []
    for item in given:
        try:
            type_name = from_global_id(str(item))[0]
            if type_name not in ("User", "Team"):
                raise InvalidId(str(item))
            (users if type_name == "User" else teams).append(int(decode_id(str(item), type_name)))
        except InvalidId as exc:
            raise ValueError(f"{item!r} is not a User or Team id.") from exc
    parts = []
    negate = operator in ("NOT_EQUALS", "IS_NOT_ONE_OF")
    for name, ids in (("owner_user_id", users), ("owner_team_id", teams)):
        if ids:
            inside = compose(f"l.{name} IN (", marks(ids), ")")
            parts.append(compose(f"(l.{name} IS NULL OR NOT ", inside, ")") if negate else inside)
    return compose("(", join(" AND " if negate else " OR ", parts), ")")


def condition_sql(
    column: Column, operator: str, value: Any, values: list[Any] | None, viewer: Viewer, now: dt.datetime
) -> Sql:
    kind = column.type
    if kind == ColumnType.OWNER:
        return _owner_condition(operator, value, values)
    if kind in (ColumnType.LABELS, ColumnType.OPTIONS):
        return _set_condition(column, operator, value, values, viewer)
    sql: ColumnSql = column_sql(column, viewer)
    assert sql.value is not None, column.key
    v = sql.value
    if kind in (ColumnType.EMAIL, ColumnType.PHONE) and column.custom_field is None:
        return _listed_condition(v, operator, value, "email" if kind == ColumnType.EMAIL else "phone")
    if kind in (ColumnType.TEXT, ColumnType.LARGE_TEXT, ColumnType.ADDRESS, ColumnType.PHONE):
        return _text_condition(sql, operator, value, values)
    if kind in (ColumnType.NUMBER, ColumnType.MONEY):
        return _compare(v, operator, _number, value, values)
    if kind == ColumnType.DATE:
        return _date_condition(v, operator, value, values, column.custom_field is not None, now)
    if kind == ColumnType.DATETIME:
        return _datetime_condition(v, operator, value, values, now)
    if kind == ColumnType.TIME:
        return _compare(v, operator, _time, value, values)
    if kind == ColumnType.BOOLEAN:
        flag = _one(value)
        if not isinstance(flag, bool):
            raise ValueError("EQUALS takes true or false here.")
        return compose(v, " = ", Param(flag))
    if kind == ColumnType.OPTION:
        return _compare(v, operator, lambda x: _option_ids(column, [x])[0], value, values)
    # Users, persons and organizations, by their global ids.
    return _compare(v, operator, lambda x: _ids([x], REFERENCE_TYPES[kind])[0], value, values)
