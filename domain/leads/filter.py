"""Custom filters of the inbox: an AND/OR tree of conditions over any column (SPEC §3.2).

A condition names a column key, an operator and its value (or values). Which operators a
column takes depends on its type (:data:`OPERATORS`); anything else is an ``INVALID_FILTER``
error naming the condition, before any SQL runs. Empty values: NOT_EQUALS and IS_NOT_ONE_OF
include records without a value ("country is not France" lists those without a country).
Dates compare by UTC day; IN_LAST_DAYS n means from n days before today up to now.

The tree is stored as JSON with saved filters (:meth:`FilterGroup.to_json`, :func:`group_from_json`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.errors import ErrorCode, PublicError, fail
from core.sql import Sql, compose, join
from domain.columns.column import Column, ColumnType, UnknownColumn
from domain.columns.filter_sql import condition_sql
from domain.viewer import Viewer

MAX_CONDITIONS = 50
MAX_DEPTH = 5


class FilterOperator(str, Enum):
    EQUALS = "EQUALS"
    NOT_EQUALS = "NOT_EQUALS"
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    IS_EMPTY = "IS_EMPTY"
    IS_NOT_EMPTY = "IS_NOT_EMPTY"
    GREATER_THAN = "GREATER_THAN"
    LESS_THAN = "LESS_THAN"
    BETWEEN = "BETWEEN"
    IS_ONE_OF = "IS_ONE_OF"
    IS_NOT_ONE_OF = "IS_NOT_ONE_OF"
    BEFORE = "BEFORE"
    AFTER = "AFTER"
    IN_LAST_DAYS = "IN_LAST_DAYS"


class FilterOp(str, Enum):
    AND = "AND"
    OR = "OR"


F = FilterOperator
_EMPTY = (F.IS_EMPTY, F.IS_NOT_EMPTY)
_TEXT = (F.EQUALS, F.NOT_EQUALS, F.CONTAINS, F.STARTS_WITH, F.IS_ONE_OF, F.IS_NOT_ONE_OF, *_EMPTY)
_NUMBER = (F.EQUALS, F.NOT_EQUALS, F.GREATER_THAN, F.LESS_THAN, F.BETWEEN, *_EMPTY)
_DATE = (F.EQUALS, F.NOT_EQUALS, F.BEFORE, F.AFTER, F.BETWEEN, F.IN_LAST_DAYS, *_EMPTY)
_CHOICE = (F.EQUALS, F.NOT_EQUALS, F.IS_ONE_OF, F.IS_NOT_ONE_OF, *_EMPTY)
OPERATORS: dict[ColumnType, tuple[FilterOperator, ...]] = {
    ColumnType.TEXT: _TEXT,
    ColumnType.LARGE_TEXT: (F.CONTAINS, F.STARTS_WITH, *_EMPTY),
    ColumnType.ADDRESS: (F.EQUALS, F.NOT_EQUALS, F.CONTAINS, F.STARTS_WITH, *_EMPTY),
    ColumnType.PHONE: (F.EQUALS, F.CONTAINS, F.STARTS_WITH, *_EMPTY),
    ColumnType.EMAIL: (F.EQUALS, F.CONTAINS, F.STARTS_WITH, *_EMPTY),
    ColumnType.NUMBER: _NUMBER,
    ColumnType.MONEY: _NUMBER,
    ColumnType.DATE: _DATE,
    ColumnType.DATETIME: _DATE,
    ColumnType.TIME: (F.EQUALS, F.NOT_EQUALS, F.BEFORE, F.AFTER, F.BETWEEN, *_EMPTY),
    ColumnType.BOOLEAN: (F.EQUALS,),
    ColumnType.OPTION: _CHOICE,
    ColumnType.OPTIONS: _CHOICE,
    ColumnType.LABELS: _CHOICE,
    ColumnType.USER: _CHOICE,
    ColumnType.OWNER: _CHOICE,
    ColumnType.PERSON: _CHOICE,
    ColumnType.ORGANIZATION: _CHOICE,
}


class InvalidFilter(PublicError):
    """A filter that does not fit its columns; ``path`` points into the filter's tree."""

    def __init__(self, message: str, path: tuple[str, ...] = ()) -> None:
        where = ".".join(path)
        super().__init__(f"Invalid filter{' at ' + where if where else ''}: {message}", code="INVALID_FILTER")
        self.detail = message
        self.path = path


@dataclass
class Condition:
    column: str
    operator: FilterOperator
    value: Any = None
    values: list[Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "operator": self.operator.value}
        if self.value is not None:
            out["value"] = self.value
        if self.values is not None:
            out["values"] = self.values
        return out


@dataclass
class FilterGroup:
    op: FilterOp = FilterOp.AND
    conditions: list[Condition] = field(default_factory=list)
    groups: list[FilterGroup] = field(default_factory=list)

    def column_keys(self) -> list[str]:
        keys = [c.column for c in self.conditions]
        for group in self.groups:
            keys += group.column_keys()
        return list(dict.fromkeys(keys))

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op.value,
            "conditions": [c.to_json() for c in self.conditions],
            "groups": [g.to_json() for g in self.groups],
        }


def group_from_json(data: dict[str, Any]) -> FilterGroup:
    return FilterGroup(
        op=FilterOp(data.get("op", "AND")),
        conditions=[
            Condition(c["column"], FilterOperator(c["operator"]), c.get("value"), c.get("values"))
            for c in data.get("conditions", [])
        ],
        groups=[group_from_json(g) for g in data.get("groups", [])],
    )


def check_shape(group: FilterGroup) -> None:
    """Depth and size limits: a filter is a user's question, not a way to load the database."""
    count = 0

    def walk(g: FilterGroup, depth: int, path: tuple[str, ...]) -> None:
        nonlocal count
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"groups nest at most {MAX_DEPTH} deep.", path)
        count += len(g.conditions)
        if count > MAX_CONDITIONS:
            raise InvalidFilter(f"at most {MAX_CONDITIONS} conditions.", path)
        for i, sub in enumerate(g.groups):
            walk(sub, depth + 1, (*path, "groups", str(i)))

    walk(group, 1, ())


def compile_group(
    group: FilterGroup,
    columns: dict[str, Column],
    viewer: Viewer,
    now: dt.datetime,
    path: tuple[str, ...] = (),
) -> Sql | None:
    """The SQL of a tree (None when it holds no condition at all); InvalidFilter when it does not fit."""
    if not path:
        check_shape(group)
    parts: list[Sql] = []
    for i, condition in enumerate(group.conditions):
        where = (*path, "conditions", str(i))
        column = columns[condition.column]
        if not column.filterable:
            raise InvalidFilter(f"the column {column.key} cannot be filtered on.", (*where, "column"))
        allowed = OPERATORS[column.type]
        if condition.operator not in allowed:
            raise InvalidFilter(
                f"{condition.operator.value} does not fit {column.key} ({column.type.value}); use one of "
                + ", ".join(o.value for o in allowed)
                + ".",
                (*where, "operator"),
            )
        try:
            parts.append(
                condition_sql(column, condition.operator.value, condition.value, condition.values, viewer, now)
            )
        except ValueError as exc:
            raise InvalidFilter(str(exc), where) from exc
    for i, sub in enumerate(group.groups):
        compiled = compile_group(sub, columns, viewer, now, (*path, "groups", str(i)))
        if compiled is not None:
            parts.append(compiled)
    if not parts:
        return None
    return compose("(", join(f" {group.op.value} ", parts), ")")


@contextlib.contextmanager
def filter_errors(*path: str) -> Iterator[None]:
    """Inside it, a filter that does not fit its columns (a condition naming no column, an
    operator or value the column does not take) is an ``INVALID_FILTER`` userError pointing
    into the conditions of the filter input at ``path``, as every mutation taking a filter says it."""
    try:
        yield
    except UnknownColumn as exc:
        raise fail(exc.message, ErrorCode.INVALID_FILTER, *path, "conditions") from exc
    except InvalidFilter as exc:
        raise fail(exc.detail, ErrorCode.INVALID_FILTER, *path, "conditions", *exc.path) from exc
