"""Reading one page of a root whose rows' JSON the page statement writes (fastpath/sqljson.py).

The leads, persons, organizations and deals roots read a page the same way: the JSON columns of
the plan's sites are added to the domain's page statement (its builder: the company scope,
visibility, filters, sort, cursor and ``first + 1`` rows are the domain's), the rows are read, the
extra row tells whether there is a next page, and each row becomes an edge: its cursor (the
domain's, from the row's sort key and id) and a :class:`fastpath.sqljson.JsonRow`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, SelectionSetNode

from core.lru import Lru
from core.sql import Sql, compose, raw
from fastpath.compiler import Compiler, _list
from fastpath.records import fetch_rows
from fastpath.sqlexpr import Ctx, bind
from fastpath.sqljson import JsonRow, LeadJson, select_list

Statement = tuple[str, Sequence[Any]]
Edges = list[tuple[str, Any]]


@dataclass
class PageRows:
    """A page's rows as the driver returned them (``first`` at most), and whether more follow."""

    keys: list[str]
    rows: list[Sequence[Any]]
    has_next_page: bool
    # How many JSON columns (``x__j0`` ...) each row holds.
    width: int

    def at(self, key: str) -> int:
        return self.keys.index(key)

    def texts(self, row: Sequence[Any]) -> Sequence[Any]:
        """The row's JSON texts, in the sites' order."""
        if not self.width:
            return ()
        start = self.keys.index("x__j0")
        return row[start : start + self.width]


async def read_page(statement: Statement, first: int, width: int) -> PageRows:
    keys, found = await fetch_rows(*statement)
    return PageRows(keys, list(found[:first]), len(found) > first, width)


# How many select lists are kept: one for each plan's sites, dialect, viewer and joins.
MAX_SELECT_LISTS = 256


class SelectLists:
    """The select lists made for the plans' sites (a bounded LRU shared by the requests). A
    select list is a function of the sites, the dialect, the viewer (its company and
    visibility: fastpath.sqlexpr's Ctx) and the joins, and of nothing else: the clock is bound
    at each request (fastpath.sqlexpr.bind). The whole viewer is in the key, not a part of it
    chosen here, so that a table reading more of the viewer cannot be given another's SQL."""

    def __init__(self, maxsize: int = MAX_SELECT_LISTS) -> None:
        self.kept: Lru[tuple[Any, ...], tuple[list[LeadJson], Sql | None, int]] = Lru(maxsize)

    def columns(self, sites: list[LeadJson], ctx: Ctx, joins: Sequence[str]) -> tuple[Sql | None, int]:
        joins = tuple(joins)
        key = (id(sites), ctx, joins)
        found = self.kept.recall(key)
        if found is None or found[0] is not sites:  # not kept, or another list at that address
            columns, width = select_list(sites, ctx)
            found = self.kept.keep(key, (sites, compose(columns, raw("", joins=joins)) if width else None, width))
        return found[1], found[2]


SELECT_LISTS = SelectLists()


def json_columns(sites: list[LeadJson], ctx: Ctx, joins: Sequence[str], now: dt.datetime) -> tuple[Sql | None, int]:
    """What the page statement adds for the sites (their JSON columns and the joins they read),
    None when no site reads a column; and how many columns."""
    extra, width = SELECT_LISTS.columns(sites, ctx, joins)
    return (None if extra is None else bind(extra, now)), width


async def json_page(
    sites: list[LeadJson],
    ctx: Ctx,
    now: dt.datetime,
    joins: Sequence[str],
    first: int,
    statement: Callable[[Sql | None], Awaitable[Statement]],
    cursor: Callable[[Any, Any], str],
) -> tuple[Edges, bool]:
    """The edges of a page whose every node the database writes (no Python holes): ``statement``
    builds the page statement with the given extra select list, ``cursor`` makes an edge's cursor
    from its row's sort key and id."""
    extra, width = json_columns(sites, ctx, joins, now)
    page = await read_page(await statement(extra), first, width)
    if not page.rows:
        return [], page.has_next_page
    sort_at, id_at = page.at("sort_key"), page.at("id")
    edges: Edges = [(cursor(row[sort_at], row[id_at]), JsonRow(page.texts(row), None)) for row in page.rows]
    return edges, page.has_next_page


def sql_connection(
    type_name: str,
    table: dict[str, Any],
    sites: list[LeadJson],
    compile_site: Callable[[Compiler, list[SelectionSetNode]], LeadJson],
) -> dict[str, Any]:
    """A connection's table (``table``) with each node of ``type_name`` written by the page
    statement: ``compile_site`` compiles a node's selection to its JSON (a site), collected in
    ``sites`` in the order of their columns."""

    def site(compiler: Compiler, sub: list[SelectionSetNode]) -> str:
        first = sum(s.width for s in sites)
        found = compile_site(compiler, sub)
        sites.append(found)
        return compiler.add(found.writer(first), "json_site")

    def node(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        return f"{site(compiler, sub)}(s[1], run)"

    def nodes(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        return f"[{site(compiler, sub)}(e[1], run) for e in s.edges]"

    edge = {"cursor": "s[0]", "node": node}
    return {**table, "edges": _list(f"{type_name}Edge", edge, "s.edges"), "nodes": nodes}
