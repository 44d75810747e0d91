"""Plans by document shape: each validated query compiled once, kept in a bounded LRU.

A plan depends on the document's shape (schema/shape.py: its syntax tree without spacing,
operation names and root aliases; aliases below the root are written into the plan's code and
stay part of the key), the operation it runs and, when the document uses `@skip` / `@include`
with variables, on those variables' values (a plan writes a fixed set of keys). Everything else a
request varies (page size, cursors, filters, sorts, columns) is read from the variables when the
plan runs, so one entry serves every request sending a document of that shape: a reprinted text,
another operation name or other root aliases reuse the plan, whose root keys are renamed to the
request's (:meth:`Plans.entry`). A document the compiler cannot plan is remembered too, so it is
not tried again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    VariableValues,
    get_operation_ast,
    visit,
)
from graphql.language import Visitor

from core.lru import Lru
from fastpath.compiler import Unsupported
from fastpath.operation import Plan, compile_operation
from schema.shape import SHAPES

# How many (text, operation) entries are kept, and how many plans one entry keeps (one per
# combination of the `@skip` / `@include` variables' values).
MAX_DOCUMENTS = 128
MAX_VARIANTS = 16


@dataclass
class Entry:
    """One document's operation: what the compiler needs and its plans by directive values."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    # The variables `@skip` / `@include` read, in a fixed order (the key of ``plans``).
    switches: tuple[str, ...]
    # The aliases of the document the plans were compiled from, by placeholder (schema.shape).
    aliases: tuple[str, ...] = ()
    plans: dict[tuple[Any, ...], Plan | None] = field(default_factory=dict)

    def plan(self, schema: GraphQLSchema, variables: VariableValues) -> Plan | None:
        """The plan for these coerced variables, compiled on first use; None: not plannable.
        The plan reads only the switches' values, the key it is kept under."""
        key = tuple(variables.coerced.get(name) for name in self.switches)
        if key in self.plans:
            return self.plans[key]
        try:
            found: Plan | None = compile_operation(schema, self.operation, self.fragments, variables)
        except Unsupported:
            found = None
        if len(self.plans) >= MAX_VARIANTS:
            self.plans.pop(next(iter(self.plans)))
        self.plans[key] = found
        return found


class _Switches(Visitor):
    """Collects the variables named in `@skip(if:)` / `@include(if:)`."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_directive(self, node: Any, *_: Any) -> None:
        if node.name.value in ("skip", "include"):
            for argument in node.arguments:
                if isinstance(argument.value, VariableNode):
                    self.names.append(argument.value.name.value)


class Plans:
    """The LRU of entries, keyed by the document's shape and the operation run."""

    def __init__(self, maxsize: int = MAX_DOCUMENTS) -> None:
        # None: the document's operation is no query.
        self.entries: Lru[tuple[Any, ...], Entry | None] = Lru(maxsize)

    def entry(self, document: DocumentNode, operation_name: str | None) -> tuple[Entry | None, dict[str, str]]:
        """The entry of a validated document's operation (None when it is no query), and the
        renaming of the plans' root keys to this document's: {alias planned: alias asked}."""
        shape = SHAPES.of(document)
        key = shape.plan_key(shape.operation_index(operation_name))
        found = self.entries.recall_or_keep(key, lambda: _entry(document, operation_name, shape.aliases))
        if found is None or found.aliases == shape.aliases:
            return found, {}
        # The same shape: only root aliases differ (nested ones are part of the key).
        return found, {old: new for old, new in zip(found.aliases, shape.aliases, strict=True) if old != new}


def _entry(document: DocumentNode, operation_name: str | None, aliases: tuple[str, ...]) -> Entry | None:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    switches = _Switches()
    if any(getattr(d, "directives", None) for d in document.definitions) or _has_directives(operation, fragments):
        visit(document, switches)
    return Entry(operation, fragments, tuple(dict.fromkeys(switches.names)), aliases)


def _has_directives(operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> bool:
    """Whether any selection carries a directive (a walk over selections only: cheaper than visit)."""
    stack = [operation.selection_set, *(f.selection_set for f in fragments.values())]
    while stack:
        selection_set = stack.pop()
        for selection in selection_set.selections:
            if selection.directives:
                return True
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                stack.append(inner)
    return False
