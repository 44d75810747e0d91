"""The SQL expressions the database's JSON is built from (fastpath/sqljson.py compiles selections
into them; fastpath/sqltables.py declares each type's fields with them).

An :data:`Expr` is a function of the request's :class:`Ctx` (dialect, viewer) to SQL: a
column written as strawberry writes that scalar (:func:`plain`, :func:`moment`, :func:`decimal`,
:func:`global_id` ...), an object (:func:`json_object`, at most :data:`MAX_KEYS` keys a call on
PostgreSQL), a list (:func:`json_list`), a nullable relation (:func:`when`, :func:`lookup`), with
the company scope (:func:`of_company`) and a contact's visibility (:func:`visible`,
domain.viewer.visibility_sql). Each expression may carry the count of the objects it writes
(:func:`cost_of`), which the query cost reads instead of walking the text.

The request's clock is never read while an expression is made: a value of the clock is a
:func:`clocked` parameter, read when the made SQL is bound to a request (:func:`bind`). So a page's
select list is made once for a viewer and kept (fastpath/pages.py), and bound at each request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.sql import Sql, compose, raw
from domain.viewer import Viewer
from fastpath.compiler import Unsupported

# PostgreSQL's functions take at most 100 arguments: 50 keys a json_build_object.
MAX_KEYS = 50


@dataclass(frozen=True)
class Ctx:
    """What a request adds to the compiled expressions: dialect and viewer (the clock is read
    when the SQL is bound: :func:`clocked`)."""

    postgres: bool
    viewer: Viewer


class Clocked:
    """A parameter whose value is read from the request's clock when the SQL is bound: the
    ``index``-th of the values ``read`` gives at that moment."""

    __slots__ = ("index", "read")

    def __init__(self, read: Callable[[dt.datetime], list[Any]], index: int) -> None:
        self.read = read
        self.index = index


def clocked(text: str, read: Callable[[dt.datetime], list[Any]]) -> Sql:
    """SQL whose ``?`` take the values ``read`` gives at the request's moment, in order."""
    return Sql(text, tuple(Clocked(read, i) for i in range(text.count("?"))))


def bind(sql: Sql, now: dt.datetime) -> Sql:
    """``sql`` with its :func:`clocked` parameters read at ``now``."""
    read: dict[Any, list[Any]] = {}
    params: list[Any] = []
    for value in sql.params:
        if type(value) is Clocked:
            found = read.get(value.read)
            if found is None:
                found = read[value.read] = value.read(now)
            value = found[value.index]
        params.append(value)
    return Sql(sql.text, tuple(params), sql.joins) if read else sql


Expr = Callable[[Ctx], Sql]
# A table entry: a fixed expression maker, or a function of (json compiler, sub-selections, nodes).
Entry = Callable[..., Expr]


# --- values as JSON ------------------------------------------------------------------------


def sql_text(text_pg: str, text_lite: str | None = None) -> Expr:
    pg, lite = raw(text_pg), raw(text_pg if text_lite is None else text_lite)
    return lambda ctx: pg if ctx.postgres else lite


def plain(column: str) -> Expr:
    """Text and integers: the driver's JSON is strawberry's."""
    return sql_text(column)


def boolean(column: str) -> Expr:
    return sql_text(column, f"json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END)")


def moment(column: str) -> Expr:
    """A timestamp as ``datetime.isoformat()`` in UTC (tortoise stores ISO text on SQLite): one
    ``to_char`` with microseconds, dropped when they are zero (isoformat's way; the date and
    time before them hold no ``.``), about 1.5 us a value less than three ``to_char`` calls."""
    return sql_text(
        f"(replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')"
        " || '+00:00')",
        f"(substr({column}, 1, 10) || 'T' || substr({column}, 12))",
    )


def day(column: str) -> Expr:
    return sql_text(f"to_char({column}, 'YYYY-MM-DD')", column)


def clock(column: str) -> Expr:
    """A ``time with time zone`` as ``time.isoformat()`` (SQLite keeps that text)."""
    micro = f"(extract(microseconds from {column})::bigint % 1000000)"
    zone = f"extract(timezone from {column})"
    return sql_text(
        f"(substr({column}::text, 1, 8)"
        f" || CASE WHEN {micro} = 0 THEN '' ELSE '.' || lpad({micro}::text, 6, '0') END"
        f" || CASE WHEN {zone} < 0 THEN '-' ELSE '+' END"
        f" || to_char(make_interval(secs => abs({zone})), 'HH24:MI'))",
        column,
    )


def decimal(column: str) -> Expr:
    return sql_text(f"({column})::text", column)


def uuid_text(column: str) -> Expr:
    return sql_text(f"({column})::text", column)


def enum_name(column: str, kind: type[Enum]) -> Expr:
    """An enum by its member's name (the column holds the value)."""
    if all(m.name == m.value for m in kind):
        return sql_text(column)
    cases = " ".join(f"WHEN '{m.value}' THEN '{m.name}'" for m in kind)
    return sql_text(f"CASE {column} {cases} END")


def global_id(type_name: str, column: str) -> Expr:
    """core.ids.to_global_id in SQL: base64url of ``Type:key`` without padding. The key's text
    (a uuid or an integer: no backslash, which a cast to bytea would read as an escape) is cast
    to bytea directly, not converted with ``convert_to`` (about 1 us less an id: 700 ids a
    100-lead page)."""
    return sql_text(
        f"translate(encode(('{type_name}:' || ({column})::text)::bytea, 'base64'), E'+/=\\n', '-_')",
        f"lbx_gid('{type_name}', {column})",
    )


def literal(text: str) -> Expr:
    assert "'" not in text and "?" not in text
    return sql_text(f"'{text}'")


def cost_of(expr: Any) -> Callable[[Ctx], Sql] | None:
    """The SQL counting the objects ``expr`` writes (schema/cost.py: one point an object, a list
    its items), or None when it writes none (a scalar)."""
    return getattr(expr, "cost", None)


def present_cost(expr: Any) -> int | None:
    """The objects ``expr`` writes whenever it is not null, when that number is fixed (an object
    with no list or nullable relation inside, or a lookup of one); None when it varies."""
    return getattr(expr, "present", None)


def looks_up(expr: Any) -> bool:
    """Whether ``expr`` reads another row (a :func:`lookup`): its count in SQL would read it again."""
    return bool(getattr(expr, "looks_up", False))


def _counted(
    make: Expr, cost: Callable[[Ctx], Sql] | None, present: int | None = None, reads_rows: bool = False
) -> Expr:
    # Attributes of the function, as `nested`'s (read with cost_of, present_cost, looks_up).
    if cost is not None:
        setattr(make, "cost", cost)  # noqa: B010
    if present is not None:
        setattr(make, "present", present)  # noqa: B010
    if reads_rows:
        setattr(make, "looks_up", True)  # noqa: B010
    return make


def objects(costs: list[Callable[[Ctx], Sql]]) -> Callable[[Ctx], Sql]:
    """One object and what its fields write (``costs``)."""
    if not costs:
        one = raw("1")
        return lambda ctx: one

    def make(ctx: Ctx) -> Sql:
        parts: list[Any] = ["(1"]
        for cost in costs:
            parts += [" + ", cost(ctx)]
        return compose(*parts, ")")

    return make


def json_object(pairs: list[tuple[str, Expr]]) -> Expr:
    """One JSON object of the pairs, keys in order (response keys: GraphQL names)."""
    if len(pairs) > MAX_KEYS:
        raise Unsupported("more keys than one SQL call takes")

    def make(ctx: Ctx) -> Sql:
        parts: list[Any] = ["json_build_object(" if ctx.postgres else "json_object("]
        for i, (key, value) in enumerate(pairs):
            parts += [", " if i else "", f"'{key}', ", value(ctx)]
        parts.append(")")
        return compose(*parts)

    costed = [value for _, value in pairs if cost_of(value) is not None]
    # Never null, so its count is fixed when each costed value is never null and fixed too.
    fixed = [getattr(value, "fixed", None) for value in costed]
    present = 1 + sum(f for f in fixed if f is not None) if None not in fixed else None
    made = _counted(make, objects([c for value in costed if (c := cost_of(value)) is not None]), present)
    if present is not None:
        setattr(made, "fixed", present)  # noqa: B010
    return made


def when(
    condition: Callable[[Ctx], Sql], value: Expr, otherwise: tuple[Callable[[Ctx], Sql], Expr] | None = None
) -> Expr:
    """``value`` where ``condition`` holds, else the second value where its condition holds, else null."""
    cases = [(condition, value), *([otherwise] if otherwise is not None else [])]

    def make(ctx: Ctx) -> Sql:
        return _case(ctx, [(test(ctx), found(ctx)) for test, found in cases], None)

    def cost(ctx: Ctx) -> Sql:
        return _case(ctx, [(test(ctx), _cost_or_zero(found, ctx)) for test, found in cases], "0")

    presents = {present_cost(found) for _, found in cases}
    return _counted(
        make,
        cost if any(cost_of(found) is not None for _, found in cases) else None,
        presents.pop() if len(presents) == 1 else None,
        any(looks_up(found) for _, found in cases),
    )


def _cost_or_zero(expr: Expr, ctx: Ctx) -> Sql:
    cost = cost_of(expr)
    return raw("0") if cost is None else cost(ctx)


def _case(ctx: Ctx, cases: list[tuple[Sql, Sql]], otherwise: str | None) -> Sql:
    parts: list[Any] = ["CASE"]
    for test, found in cases:
        parts += [" WHEN ", test, " THEN ", found]
    inner = compose(*parts, f" ELSE {otherwise} END" if otherwise is not None else " END")
    # SQLite: the JSON of the chosen object stays JSON (not text) inside the object around it.
    return inner if ctx.postgres or otherwise is not None else compose("json(", inner, ")")


def json_list(item: Expr, source: str, order: tuple[str, str]) -> Expr:
    """The JSON array of ``item`` over the rows of ``source`` (``FROM ... WHERE ...``), in
    ``order`` (PostgreSQL's, SQLite's); an empty array when there are none."""

    def make(ctx: Ctx) -> Sql:
        if ctx.postgres:
            return compose("COALESCE((SELECT json_agg(", item(ctx), f" ORDER BY {order[0]}) {source}), '[]'::json)")
        return compose(
            "json((SELECT json_group_array(json(x.j)) FROM (SELECT ",
            item(ctx),
            f" AS j {source} ORDER BY {order[1]}) AS x))",
        )

    def cost(ctx: Ctx) -> Sql:
        return compose("COALESCE((SELECT sum(", _cost_or_zero(item, ctx), f") {source}), 0)")

    made = _counted(make, cost)
    if (fixed := getattr(item, "fixed", None)) is not None:
        # Items of a fixed count each: the list can be read with its length (see counted_list).
        def with_length(ctx: Ctx) -> Sql:
            if ctx.postgres:
                return compose(
                    "(SELECT json_build_array(count(*), COALESCE(json_agg(",
                    item(ctx),
                    f" ORDER BY {order[0]}), '[]'::json)) {source})",
                )
            return compose(
                "(SELECT json_array(count(*), json(json_group_array(json(x.j)))) FROM (SELECT ",
                item(ctx),
                f" AS j {source} ORDER BY {order[1]}) AS x)",
            )

        setattr(made, "item_cost", fixed)  # noqa: B010
        setattr(made, "with_length", with_length)  # noqa: B010
    return made


def counted_list(expr: Any) -> tuple[int, Expr] | None:
    """For a :func:`json_list` of items of a fixed count each: that count, and the SQL writing
    ``[length, list]`` (the list's length read where the list is, not by a second scan of its
    rows); None for any other expression."""
    fixed = getattr(expr, "item_cost", None)
    return None if fixed is None else (fixed, expr.with_length)


def lookup(source: str, alias: str, key: str, condition: Callable[[Ctx], Sql], value: Expr, joined: str = "") -> Expr:
    """``value`` over the row of ``source`` (as ``alias``, with ``joined``: a JOIN its condition
    reads) whose id is ``key``, where ``condition`` holds, else null: a scalar subquery, not a join,
    so that the planner has no join order to search for it (a page's relations are lookups by
    primary key whatever the order)."""

    def select(ctx: Ctx, what: Sql) -> Sql:
        return compose(
            "(SELECT ", what, f" FROM {source} {alias}{joined} WHERE {alias}.id = {key} AND ", condition(ctx), ")"
        )

    def make(ctx: Ctx) -> Sql:
        inner = select(ctx, value(ctx))
        return inner if ctx.postgres else compose("json(", inner, ")")

    def cost(ctx: Ctx) -> Sql:
        return compose("COALESCE(", select(ctx, _cost_or_zero(value, ctx)), ", 0)")

    return _counted(make, cost if cost_of(value) is not None else None, present_cost(value), reads_rows=True)


def of_company(alias: str, reference: str) -> Callable[[Ctx], Sql]:
    """The row refers to a row of ``alias`` and it is of the viewer's company (as the loaders read)."""
    return lambda ctx: compose(
        f"{reference} IS NOT NULL AND {alias}.id IS NOT NULL AND {alias}.company_id = ", param(ctx.viewer.company_id)
    )


def param(value: Any) -> Sql:
    return Sql("?", (value,))


def visible(alias: str, reference: str) -> Callable[[Ctx], Sql]:
    """Of the viewer's company and visible to the viewer: domain.viewer.visibility_sql."""
    company = of_company(alias, reference)

    def make(ctx: Ctx) -> Sql:
        rule, params = ctx.viewer.visibility_sql(alias, "owner_id")
        if not rule:
            return company(ctx)
        return compose(company(ctx), " AND ", Sql(rule, tuple(params)))

    return make
