"""The database writes the JSON: a Lead selection compiled to SQL that builds each object's text.

For the `leads` root, :func:`compile_lead_json` turns the Lead selection (wherever the connection
asks for it: ``edges.node``, ``nodes``) into SQL expressions that build each lead's JSON object in
the page statement itself: ``json_build_object``/``json_agg`` on PostgreSQL, ``json_object``/
``json_group_array`` on SQLite. The page statement stays domain.leads.query.page_statement (company
scope, visibility, filters, sort, cursor and limit are its own); only its select list is made
here. The text the database returns is spliced into the response as it is (core.json_text),
never parsed.

What SQL does not write is a *hole* the Python writers fill: a lead's ``values`` (the cells of
domain.columns.values, with their display rules) are written by the compiled Python writer of
fastpath/leads.py and spliced between the object's SQL parts. The tables (field name -> SQL over a row's
alias, with the joins each page adds) are in fastpath/sqltables.py. A field with no SQL form
there (notes, activities, a person's contact lists) raises :class:`fastpath.compiler.Unsupported`, and
the root is compiled with the Python writers instead (fastpath/leads.py), so every selection is
still answered.

The serialisation is strawberry's, written in SQL: a date as ISO text, a moment as
``isoformat()`` in UTC (``+00:00``, microseconds only when there are any), a decimal as its text,
an enum by its name, a global id as core.ids writes it (base64url without padding: PostgreSQL's
``encode(..., 'base64')``; on SQLite a function registered on the connection,
:func:`register_functions`, calling core.ids itself), booleans as JSON booleans. The rules that
decide values are the domain's: an activity's status is domain.next_activity.activity_status_sql
(held to the Python rule by tests), a contact's visibility is domain.viewer.visibility_sql
(:func:`visible`), the labels' order is the labels loader's (folded name, then id).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from graphql import FieldNode, SelectionSetNode

from core.ids import to_global_id
from core.json_text import JsonText
from core.sql import Sql, compose, join, raw
from domain.viewer import Viewer
from fastpath.compiler import Compiler, Run, Unsupported

# PostgreSQL's functions take at most 100 arguments: 50 keys a json_build_object.
MAX_KEYS = 50


@dataclass
class Ctx:
    """What a request adds to the compiled expressions: dialect, viewer and clock."""

    postgres: bool
    viewer: Viewer
    now: dt.datetime


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
    """A timestamp as ``datetime.isoformat()`` in UTC (tortoise stores ISO text on SQLite)."""
    return sql_text(
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN to_char({column}, 'US') = '000000' THEN '' ELSE '.' || to_char({column}, 'US') END"
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
    """core.ids.to_global_id in SQL: base64url of ``Type:key`` without padding."""
    return sql_text(
        f"translate(encode(convert_to('{type_name}:' || ({column})::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')",
        f"lbx_gid('{type_name}', {column})",
    )


def literal(text: str) -> Expr:
    assert "'" not in text and "?" not in text
    return sql_text(f"'{text}'")


def cost_of(expr: Any) -> Callable[[Ctx], Sql] | None:
    """The SQL counting the objects ``expr`` writes (schema/cost.py: one point an object, a list
    its items), or None when it writes none (a scalar)."""
    return getattr(expr, "cost", None)


def _counted(make: Expr, cost: Callable[[Ctx], Sql] | None) -> Expr:
    if cost is not None:
        setattr(make, "cost", cost)  # noqa: B010  # an attribute of the function, as `nested`'s
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

    return _counted(make, objects([c for _, value in pairs if (c := cost_of(value)) is not None]))


def when(
    condition: Callable[[Ctx], Sql], value: Expr, otherwise: tuple[Callable[[Ctx], Sql], Expr] | None = None
) -> Expr:
    """``value`` where ``condition`` holds, else the second value where its condition holds, else null."""
    cases = [(condition, value), *([otherwise] if otherwise is not None else [])]

    def make(ctx: Ctx) -> Sql:
        return _case(ctx, [(test(ctx), found(ctx)) for test, found in cases], None)

    def cost(ctx: Ctx) -> Sql:
        return _case(ctx, [(test(ctx), _cost_or_zero(found, ctx)) for test, found in cases], "0")

    return _counted(make, cost if any(cost_of(found) is not None for _, found in cases) else None)


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

    return _counted(make, cost)


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

    return _counted(make, cost if cost_of(value) is not None else None)


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


class JsonCompiler:
    """Compiles selections to SQL JSON expressions; ``compiler`` merges the selections."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler

    def object(self, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> Expr:
        """The JSON object of ``type_name``'s selection over the row of ``alias``."""
        return json_object(self.pairs(type_name, sets, table, alias))

    def pairs(self, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> list[tuple[str, Expr]]:
        entries = table(alias) if callable(table) else table
        out: list[tuple[str, Expr]] = []
        for key, nodes in self.compiler.collect(type_name, sets).items():
            out.append((key, self.entry(type_name, entries, key, nodes, alias)))
        return out

    def entry(self, type_name: str, entries: dict[str, Any], key: str, nodes: list[FieldNode], alias: str) -> Expr:
        name = nodes[0].name.value
        if name == "__typename":
            return literal(type_name)
        make = entries.get(name)
        if make is None:
            raise Unsupported(f"{type_name}.{name} in SQL")
        sub = [n.selection_set for n in nodes if n.selection_set is not None]
        if getattr(make, "takes_selection", False):
            return make(self, sub, nodes)
        return make()


def nested(make: Callable[[JsonCompiler, list[SelectionSetNode], list[FieldNode]], Expr]) -> Any:
    make.takes_selection = True  # type: ignore[attr-defined]  # a mark on the function, read with getattr above
    return make


# --- a lead: SQL parts and Python holes -----------------------------------------------------


@dataclass
class Hole:
    """A key the Python writers fill: its expression over the page record (fastpath.leads)."""

    key: str
    write: Callable[[Any, Run], Any]


@dataclass
class LeadJson:
    """One place the selection writes an object (a Lead, a contact, a deal): its parts in key
    order, SQL objects and holes, and the SQL counting the objects the SQL parts write (the
    node itself included), read as the last column of the site: schema/cost.py takes the node's
    actual cost from it (:class:`core.json_text.JsonText` ``cost``) instead of walking its JSON."""

    parts: list[Expr | Hole]
    cost: Callable[[Ctx], Sql]

    @property
    def needs_records(self) -> bool:
        return any(isinstance(p, Hole) for p in self.parts)

    @property
    def width(self) -> int:
        """How many columns of the page statement this site reads (its objects' count last)."""
        return sum(1 for p in self.parts if not isinstance(p, Hole)) + 1

    def columns(self, ctx: Ctx) -> list[Sql]:
        return [*(p(ctx) for p in self.parts if not isinstance(p, Hole)), self.cost(ctx)]

    def writer(self, first_column: int) -> Callable[[Any, Run], JsonText]:
        """The node of a row (:class:`JsonRow`) from its texts (and its records for the holes)."""
        parts = self.parts
        counted = first_column + self.width - 1
        if len(parts) == 1 and not isinstance(parts[0], Hole):
            return lambda row, run: JsonText(row.texts[first_column], int(row.texts[counted]))
        plan: list[tuple[int, str, Callable[[Any, Run], Any] | None]] = []
        at = first_column
        for part in parts:
            if isinstance(part, Hole):
                plan.append((-1, orjson.dumps(part.key).decode() + ":", part.write))
            else:
                plan.append((at, "", None))
                at += 1
        dumps = orjson.dumps

        def write(row: Any, run: Run) -> JsonText:
            pieces = []
            cost = int(row.texts[counted])  # PostgreSQL may sum to numeric
            for index, key, hole in plan:
                if hole is None:
                    # An object's text without its braces (PostgreSQL writes spaces inside).
                    inner = row.texts[index].strip()[1:-1].strip()
                    if inner:
                        pieces.append(inner)
                else:
                    value = hole(row.records, run)
                    cost += count_objects(value)
                    pieces.append(key + dumps(value).decode())
            return JsonText("{" + ",".join(pieces) + "}", cost)

        return write


def count_objects(value: Any) -> int:
    """The objects in a value a Python hole wrote (a lead's ``values``: cells and what they hold,
    no connections or edges), as schema/cost.py counts returned objects: one each. A call per
    list or object only, not per value."""
    kind = type(value)
    if kind is dict:
        count = 1
        items = value.values()
    elif kind is list:
        count = 0
        items = value
    else:
        return 0
    for item in items:
        if type(item) is dict or type(item) is list:
            count += count_objects(item)
    return count


# Lead fields the Python writers fill in SQL mode (their writers read the page's records).
PYTHON_HOLES = ("values",)


def compile_lead_json(
    compiler: Compiler,
    sets: list[SelectionSetNode],
    table: dict[str, Any],
    python: Callable[[str, list[FieldNode]], str],
) -> LeadJson:
    """The Lead selection as SQL parts, with a :class:`Hole` for each key in :data:`PYTHON_HOLES`
    (``python`` gives the Python expression of such a key over ``s``, the page record)."""
    json = JsonCompiler(compiler)
    parts: list[Expr | Hole] = []
    pending: list[tuple[str, Expr]] = []
    # What the SQL parts write: the lead and the objects of its fields (not each part's braces).
    costs: list[Callable[[Ctx], Sql]] = []
    for key, nodes in compiler.collect("Lead", sets).items():
        if nodes[0].name.value in PYTHON_HOLES:
            if pending:
                parts.append(json_object(pending))
                pending = []
            expression = python(key, nodes)
            function = compiler.name("hole")
            source = f"def {function}(s, run):\n    return {expression}\n"
            exec(compile(source, f"<fastpath {function}>", "exec"), compiler.namespace)
            compiler.sources.append(source)
            parts.append(Hole(key, compiler.namespace[function]))
            continue
        value = json.entry("Lead", table, key, nodes, "l")
        pending.append((key, value))
        if (cost := cost_of(value)) is not None:
            costs.append(cost)
    if pending or not parts:
        parts.append(json_object(pending))
    return LeadJson(parts, objects(costs))


def compile_json(compiler: Compiler, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> LeadJson:
    """A selection of ``type_name`` over the row of ``alias``, all in SQL (no holes)."""
    found = JsonCompiler(compiler).object(type_name, sets, table, alias)
    cost = cost_of(found)
    assert cost is not None  # an object's: one at least
    return LeadJson([found], cost)


class JsonRow:
    """A page row in SQL mode: the texts the database wrote, and the records when holes need them."""

    __slots__ = ("records", "texts")

    def __init__(self, texts: Any, records: Any) -> None:
        self.texts = texts
        self.records = records


def select_list(sites: list[LeadJson], ctx: Ctx) -> tuple[Sql, int]:
    """The JSON columns of every site, named ``x__j0``, ``x__j1`` ...; and how many."""
    columns = [c for site in sites for c in site.columns(ctx)]
    return join(", ", [compose(c, f" AS x__j{i}") for i, c in enumerate(columns)]), len(columns)


# --- SQLite: the functions the SQL above calls ----------------------------------------------


@functools.lru_cache(maxsize=8192)
def _gid(type_name: str, key: Any) -> str | None:
    return None if key is None else to_global_id(type_name, key)


async def register_functions(connection: Any) -> None:
    """Give an aiosqlite connection the functions the SQL calls (once per connection)."""
    if getattr(connection, "_leadbox_json_functions", False):
        return
    await connection.create_function("lbx_gid", 2, _gid, deterministic=True)
    connection._leadbox_json_functions = True
