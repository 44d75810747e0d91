"""Plans for `node` and `nodes`: the resolver's own lookup, each type written by its derived table.

Objects are found by ``resolvers.node.resolve_nodes`` (the same types, company scope and
visibility as the ordinary field). The selection is compiled for every type that implements
Node, with the table fastpath.derive derives from that type; a type whose selection asks what the
engine does not plan is marked, and a request whose id names an object of such a type is left
to the ordinary execution (the plan declines it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLInterfaceType, VariableValues, get_argument_values
from strawberry import Schema

from fastpath.compiler import Compiler, Run, Unsupported
from fastpath.contacts import derived_table
from fastpath.execute import Declined
from resolvers.node import MAX_NODES, resolve_nodes


@dataclass
class NodePlan:
    field: str
    node: FieldNode
    # Type name -> its writer, or None when the selection asks what is not planned for it.
    writers: dict[str, Callable[[Any, Run], dict[str, Any]] | None]

    def write(self, found: Any, run: Run) -> Any:
        if found is None:
            return None
        writer = self.writers.get(type(found).__strawberry_definition__.name)
        if writer is None:
            raise Declined("a type the plan does not write")
        return writer(found, run)

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:

        query_type = schema._schema.query_type
        assert query_type is not None
        args = get_argument_values(query_type.fields[self.field], self.node, coerced)
        viewer, run = context.viewer, Run(now=context.now)
        if self.field == "node":
            return self.write((await resolve_nodes(viewer, [args["id"]]))[0], run)
        ids = args["ids"]
        if len(ids) > MAX_NODES:
            raise Declined("too many ids: the ordinary execution says so")
        return [self.write(found, run) for found in await resolve_nodes(viewer, ids)]


def compile_node(compiler: Compiler, node: FieldNode) -> NodePlan:
    if node.selection_set is None:
        raise Unsupported("node without a selection")
    interface = compiler.schema.get_type("Node")
    assert isinstance(interface, GraphQLInterfaceType)
    writers: dict[str, Any] = {}
    for kind in compiler.schema.get_implementations(interface).objects:
        compiler.refs.clear()
        try:
            name = compiler.writer(kind.name, [node.selection_set], derived_table(kind.name))
        except Unsupported:
            writers[kind.name] = None
            continue
        # What a type refers to is loaded per page; one object by id is not planned that way.
        writers[kind.name] = None if compiler.refs else compiler.namespace[name]
    return NodePlan(node.name.value, node, writers)
