"""A query operation's plan: one compiled root plan per response key, run in order.

:func:`compile_operation` merges the operation's root selection (fragments, inline fragments,
`@skip` / `@include` read as the compiler reads them) and compiles each root field with its
own compiler: `leads` (fastpath.compiler), `persons`, `organizations` and `viewer`
(fastpath.contacts), `deals` (fastpath.deals), `node` and `nodes` (fastpath.nodes), and the
roots their resolver answers whole (fastpath.resolved: labels, columns, saved filters ...);
`__typename` is the root type's name. Where a root's own compiler refuses the selection, its
resolver answers (fastpath.resolved.or_resolved). Any other root field raises
:class:`Unsupported`, and the whole operation keeps the ordinary execution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableValues,
)
from strawberry import Schema

from core.pagination import DEFAULT_PAGE_SIZE
from fastpath.compiler import Compiler, LeadsPlan, Unsupported
from fastpath.contacts import compile_contacts, compile_viewer
from fastpath.deals import compile_deals
from fastpath.execute import answer
from fastpath.leads import compile_leads
from fastpath.nodes import compile_node
from fastpath.resolved import ROOT_FIELDS, compile_resolved, or_resolved
from schema.cost import Costs


@dataclass
class LeadsRoot:
    plan: LeadsPlan

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        return await answer(schema, self.plan, context.viewer, coerced, context.now)


@dataclass
class Typename:
    name: str

    async def answer(self, *_: Any) -> Any:
        return self.name


ROOTS: dict[str, Callable[[Compiler, FieldNode], Any]] = {
    "leads": or_resolved(lambda compiler, node: LeadsRoot(compile_leads(compiler, node))),
    "persons": or_resolved(compile_contacts),
    "organizations": or_resolved(compile_contacts),
    "viewer": or_resolved(compile_viewer),
    "deals": or_resolved(compile_deals),
    "node": or_resolved(compile_node),
    "nodes": or_resolved(compile_node),
    # Roots their resolver answers whole (labels, columns, saved filters, statuses, jobs ...).
    **dict.fromkeys(ROOT_FIELDS, compile_resolved),
}


@dataclass
class Plan:
    """A compiled query: its root plans by response key, in the document's order."""

    roots: list[tuple[str, Any]]
    # The cost rule (schema/cost.py) over the document the plan was compiled from, with the
    # values `@skip` / `@include` read: its selections collected once for every answer.
    costs: Costs

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> dict[str, Any]:
        """The response's ``data`` for a request with a viewer (``context``: schema.context.Context)."""
        return {key: await root.answer(schema, context, coerced) for key, root in self.roots}

    def actual_cost(self, data: dict[str, Any]) -> int:
        """What an answer of the plan cost (its ``data`` under the plan's own root keys): what
        the query cost limiter would count walking it with the request's document, of the same
        shape (tests/read_engine compare the reported costs)."""
        return self.costs.actual(data)


def compile_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: VariableValues | None = None,
) -> Plan:
    """The plan of a query; :class:`Unsupported` when a root field is not planned.
    ``variables``: the coerced values `@skip` / `@include` read."""
    if operation.operation != OperationType.QUERY:
        raise Unsupported("not a query")
    query_type = schema.query_type
    assert query_type is not None
    selected = Compiler(schema, fragments, variables).collect(query_type.name, [operation.selection_set])
    roots: list[tuple[str, Any]] = []
    for key, nodes in selected.items():
        name = nodes[0].name.value
        if len(nodes) != 1:
            raise Unsupported(f"{name} asked more than once under one key")
        if name == "__typename":
            roots.append((key, Typename(query_type.name)))
            continue
        make = ROOTS.get(name)
        if make is None:
            raise Unsupported(f"the root field {name}")
        roots.append((key, make(Compiler(schema, fragments, variables), nodes[0])))
    document = DocumentNode(definitions=(operation, *fragments.values()))
    # The page sizes are not read: an answer's lists are counted as they came back.
    return Plan(roots, Costs(schema, document, None, variables, DEFAULT_PAGE_SIZE))
