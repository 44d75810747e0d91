"""The plan of the `deals` root: the resolver's own query, the Deal type's own fields.

The arguments become the resolver's inputs as strawberry makes them, and
``resolvers.deal.deal_query`` / ``domain.deal_query.find_deals`` / ``count_deals`` read the page
(the same filters, sorts, cursors and visibility). Each deal is written from
``schema.deal.Deal.from_model``: its plain fields by the table fastpath.derive derives from the
type, its person, organization, owner, pipeline and stage through the request loaders
(fastpath.contacts.REFS). Participants, products, custom fields, notes, activities, emails and
the change log are not planned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, VariableValues, get_argument_values
from strawberry import Schema
from strawberry.types.arguments import convert_arguments

from core.pagination import page_size
from domain.deal_query import count_deals, find_deals
from fastpath.compiler import Compiler, Page, Run, Unsupported
from fastpath.contacts import connection_table, derived_table, load_refs, ref

DEAL = derived_table(
    "Deal",
    person=ref("person", "_model.person_id"),
    organization=ref("organization", "_model.organization_id"),
    owner=ref("user", "_model.owner_id"),
    pipeline=ref("pipeline", "_model.pipeline_id"),
    stage=ref("stage", "_model.stage_id"),
)


@dataclass
class DealsPlan:
    node: FieldNode
    connection: Callable[[Page, Run], dict[str, Any]]
    counts: bool
    refs: dict[str, str]

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        from resolvers.deal import deal_query
        from schema.deal import Deal

        query_type = schema._schema.query_type
        assert query_type is not None
        raw = get_argument_values(query_type.fields["deals"], self.node, coerced)
        field = schema.get_field_for_type("deals", query_type.name)
        assert field is not None
        args = convert_arguments(
            raw, field.arguments, scalar_registry=schema.schema_converter.scalar_registry, config=schema.config
        )
        viewer = context.viewer
        query = deal_query(args.get("filter"), args.get("sort"))
        after = args.get("after")
        page = await find_deals(viewer, query, page_size(args.get("first")), after)
        deals = [Deal.from_model(d) for d in page.deals]
        run = Run(now=context.now)
        await load_refs(context, deals, self.refs, run)
        if self.counts:
            run.total_count = await count_deals(viewer, query)
        return self.connection(Page(list(zip(page.cursors, deals, strict=True)), page.has_next_page, after), run)


def compile_deals(compiler: Compiler, node: FieldNode) -> DealsPlan:
    if node.selection_set is None:
        raise Unsupported("deals without a selection")
    table = connection_table("Deal", DEAL)
    connection = compiler.namespace[compiler.writer("DealConnection", [node.selection_set], table)]
    return DealsPlan(node, connection, compiler.counts, compiler.refs)
