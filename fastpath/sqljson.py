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
(:func:`fastpath.sqlexpr.visible`), the labels' order is the labels loader's (folded name, then id).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import FieldNode, SelectionSetNode

from core.ids import to_global_id
from core.json_text import JsonText
from core.sql import Sql, compose, join
from fastpath.compiler import Compiler, Run, Unsupported
from fastpath.sqlexpr import (
    Ctx,
    Expr,
    cost_of,
    counted_list,
    json_object,
    literal,
    looks_up,
    objects,
    present_cost,
)


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
class Related:
    """A key whose value is a row looked up (fastpath.sqlexpr.lookup) writing a fixed number of
    objects when found: a column of its own, so that its count is that number when the column is
    not null, instead of a second lookup in the count's SQL (the same index probe again, a
    quarter of a 100-lead page's statement in the database when each relation was read twice)."""

    key: str
    value: Expr
    present: int
    # A list whose items write ``present`` objects each: the column is ``[length, list]``.
    listed: bool = False


@dataclass
class LeadJson:
    """One place the selection writes an object (a Lead, a contact, a deal): its parts in key
    order (SQL objects, :class:`Related` values and holes), and the SQL counting the objects the
    SQL objects write (the node itself included), read as the last column of the site:
    schema/cost.py takes the node's actual cost from it and the related values found
    (:class:`core.json_text.JsonText` ``cost``) instead of walking its JSON."""

    parts: list[Expr | Hole | Related]
    cost: Callable[[Ctx], Sql]

    @property
    def needs_records(self) -> bool:
        return any(isinstance(p, Hole) for p in self.parts)

    @property
    def width(self) -> int:
        """How many columns of the page statement this site reads (its objects' count last)."""
        return sum(1 for p in self.parts if not isinstance(p, Hole)) + 1

    def columns(self, ctx: Ctx) -> list[Sql]:
        out = [p.value(ctx) if isinstance(p, Related) else p(ctx) for p in self.parts if not isinstance(p, Hole)]
        return [*out, self.cost(ctx)]

    def writer(self, first_column: int) -> Callable[[Any, Run], JsonText]:
        """The node of a row (:class:`JsonRow`) from its texts (and its records for the holes)."""
        parts = self.parts
        counted = first_column + self.width - 1
        if len(parts) == 1 and not isinstance(parts[0], Hole | Related):
            return lambda row, run: JsonText(row.texts[first_column], int(row.texts[counted]))
        # (column, key, hole, objects when found, listed): an SQL object's column has no key, a
        # related value's has its objects, a hole no column.
        plan: list[tuple[int, str, Callable[[Any, Run], Any] | None, int, bool]] = []
        at = first_column
        for part in parts:
            if isinstance(part, Hole):
                plan.append((-1, orjson.dumps(part.key).decode() + ":", part.write, 0, False))
            elif isinstance(part, Related):
                plan.append((at, orjson.dumps(part.key).decode() + ":", None, part.present, part.listed))
                at += 1
            else:
                plan.append((at, "", None, 0, False))
                at += 1
        dumps = orjson.dumps

        def write(row: Any, run: Run) -> JsonText:
            pieces = []
            texts = row.texts
            cost = int(texts[counted])  # PostgreSQL may sum to numeric
            for index, key, hole, present, listed in plan:
                if hole is not None:
                    value = hole(row.records, run)
                    cost += value.objects if type(value) is Counted else count_objects(value)
                    pieces.append(key + dumps(value).decode())
                elif listed:
                    text = texts[index]  # [length, list]
                    comma = text.index(",")
                    cost += int(text[1:comma]) * present
                    pieces.append(key + text[comma + 1 : -1].strip())
                elif present:
                    text = texts[index]
                    if text is None:
                        pieces.append(key + "null")
                    else:
                        pieces.append(key + text)
                        cost += present
                else:
                    # An object's text without its braces (PostgreSQL writes spaces inside).
                    inner = texts[index].strip()[1:-1].strip()
                    if inner:
                        pieces.append(inner)
            return JsonText("{" + ",".join(pieces) + "}", cost)

        return write


class Counted(list[Any]):
    """A list a Python hole wrote that knows how many objects it holds (its writer counted them
    as it wrote: a lead's ``values``), so that :func:`count_objects` need not walk it."""

    __slots__ = ("objects",)
    objects: int


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
    parts: list[Expr | Hole | Related] = []
    pending: list[tuple[str, Expr]] = []
    # What the SQL objects write: the lead and the objects of its fields (not each part's braces).
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
        pending = _add(parts, pending, costs, key, value)
    if pending or not parts:
        parts.append(json_object(pending))
    return LeadJson(parts, objects(costs))


def _add(
    parts: list[Expr | Hole | Related],
    pending: list[tuple[str, Expr]],
    costs: list[Callable[[Ctx], Sql]],
    key: str,
    value: Expr,
) -> list[tuple[str, Expr]]:
    """Add ``key``'s ``value`` to a site's parts: a :class:`Related` part of its own when it is a
    lookup of a fixed number of objects or a list of such items, else a pair of the SQL object
    being made (returned)."""
    present = present_cost(value)
    listed = counted_list(value)
    if (present is not None and looks_up(value)) or listed is not None:
        if pending:
            parts.append(json_object(pending))
        if listed is not None:
            parts.append(Related(key, listed[1], listed[0], listed=True))
        else:
            assert present is not None
            parts.append(Related(key, value, present))
        return []
    pending.append((key, value))
    if (cost := cost_of(value)) is not None:
        costs.append(cost)
    return pending


def compile_json(compiler: Compiler, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> LeadJson:
    """A selection of ``type_name`` over the row of ``alias``, all in SQL (no holes)."""
    json = JsonCompiler(compiler)
    parts: list[Expr | Hole | Related] = []
    pending: list[tuple[str, Expr]] = []
    costs: list[Callable[[Ctx], Sql]] = []
    for key, value in json.pairs(type_name, sets, table, alias):
        pending = _add(parts, pending, costs, key, value)
    if pending or not parts:
        parts.append(json_object(pending))
    return LeadJson(parts, objects(costs))


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
