"""The plan of the `deals` root: the resolver's own query, the Deal type's own fields.

The arguments become the resolver's inputs as strawberry makes them, and
``resolvers.deals.deal.deal_query`` / ``domain.deals.query.find_deals`` / ``count_deals`` read the page
(the same filters, sorts, cursors and visibility). Each deal is written from
``schema.deals.deal.Deal.from_model``: its plain fields by the table fastpath.derive derives from the
type, its person, organization, owner, pipeline and stage through the request loaders
(fastpath.contacts.REFS). Participants, products, custom fields, notes, activities, emails and
the change log are not planned.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, VariableValues
from strawberry import Schema

from core.db import is_postgres
from core.pagination import page_size
from core.sql import Sql
from domain.deals.query import count_deals, deal_cursor, find_deals
from domain.deals.query import page_statement as deal_page_statement
from fastpath.compiler import Compiler, Page, Run, Unsupported, root_arguments
from fastpath.contacts import ConnectionPlan, connection_table, derived_table, load_refs, ref, sql_connection_table
from fastpath.pages import Statement, json_page
from fastpath.sqlexpr import Ctx
from fastpath.sqljson import LeadJson
from fastpath.sqltables import deal_row_table
from resolvers.deals.deal import deal_query
from schema.deals.deal import Deal

DEAL = derived_table(
    "Deal",
    person=ref("person", "_model.person_id"),
    organization=ref("organization", "_model.organization_id"),
    owner=ref("user", "_model.owner_id"),
    pipeline=ref("pipeline", "_model.pipeline_id"),
    stage=ref("stage", "_model.stage_id"),
)


@dataclass
class DealsPlan(ConnectionPlan):
    """A compiled `deals` root field."""

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:

        args = root_arguments(schema, self.node, coerced)
        viewer = context.viewer
        query = deal_query(args.get("filter"), args.get("sort"))
        after = args.get("after")
        first = page_size(args.get("first"))
        run = Run(now=context.now)
        if self.sites is not None:
            edges, has_next_page = await self._json_page(viewer, context.now, query, first, after)
        else:
            page = await find_deals(viewer, query, first, after)
            deals = [Deal.from_model(d) for d in page.deals]
            await load_refs(context, deals, self.refs, run)
            edges, has_next_page = list(zip(page.cursors, deals, strict=True)), page.has_next_page
        if self.counts:
            run.total_count = await count_deals(viewer, query)
        return self.connection(Page(edges, has_next_page, after), run)

    async def _json_page(
        self, viewer: Any, now: Any, query: Any, first: int, after: str | None
    ) -> tuple[list[tuple[str, Any]], bool]:
        """The page whose deals' JSON the page statement writes (domain.deals.query's)."""
        assert self.sites is not None

        def statement(extra: Sql | None) -> Awaitable[Statement]:
            return deal_page_statement(viewer, query, first, after, base="d.id", extra=extra)

        def cursor(sort_key: Any, deal_id: Any) -> str:
            return deal_cursor(query, sort_key, deal_id)

        return await json_page(self.sites, Ctx(is_postgres(), viewer), now, (), first, statement, cursor)


def compile_deals(compiler: Compiler, node: FieldNode) -> DealsPlan:
    """The database writes each deal's JSON (fastpath/sqljson.py) when it can write the selection;
    otherwise the Python writers over Deal.from_model."""
    if node.selection_set is None:
        raise Unsupported("deals without a selection")
    fresh = Compiler(compiler.schema, compiler.fragments, compiler.variables)
    sites: list[LeadJson] = []
    try:
        table = sql_connection_table("Deal", "d", deal_row_table, sites)
        write = fresh.namespace[fresh.writer("DealConnection", [node.selection_set], table)]
        return DealsPlan(node, write, fresh.counts, fresh.refs, sites)
    except Unsupported:
        pass
    table = connection_table("Deal", DEAL)
    connection = compiler.namespace[compiler.writer("DealConnection", [node.selection_set], table)]
    return DealsPlan(node, connection, compiler.counts, compiler.refs)
