"""Plans for the roots their resolver answers whole: the resolver is called, its objects are written.

Labels, columns, custom fields, saved filters, lead statuses, category groups, pipelines,
selections, the lead status board, notifications, jobs, credits, webhooks, prospects and the
rest (:data:`ROOT_FIELDS`) are answered by calling the root field's own resolver (the function
strawberry calls, with the arguments strawberry converts, the request's context) and writing what
it returns by tables derived from the strawberry types (:func:`table`): a plain field is the
instance's attribute, serialised as fastpath.derive serialises it; a field whose resolver reads
only the instance calls that resolver. A field with any other resolver (the owner through the
user loader, a pipeline's stages, a category's group, a person's lead status ...) is that
resolver too, called for every object it is asked on: the writer runs in passes, each pass
records the calls it still needs, and they run together (``asyncio.gather``; the calls and the
run are fastpath.resolver_calls), so that the request loaders batch them as in the ordinary
execution, one statement per loader and level whatever the number of objects. So every scope,
visibility and ordering rule is the resolvers' and loaders' own.

The roots with a compiler of their own (`leads`, `persons`, `organizations`, `deals`, `viewer`,
`node`, `nodes`) are planned here too when that compiler refuses the selection
(:func:`or_resolved`): a lead's change log, custom fields, emails or source deal, a person's lead
status, category or organization's owner, a deal's participants, products, notes and the rest are
then their resolvers' answers, with the same fixed statements per page.

A resolver that reads per object without a loader (:data:`PER_OBJECT`: the credit ledger's
entries, a persons connection's count) is planned only where it is called once: on an object
that is not in a list. A field with permission classes or field extensions, a union or interface
type, or anything else outside a table raises :class:`Unsupported`, and the document keeps the
ordinary execution; an error raised by a resolver makes the extension answer with the ordinary
execution, which gives it as it always has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    SelectionSetNode,
    VariableValues,
)
from strawberry import Schema
from strawberry.scalars import JSON
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.union import StrawberryUnion

from fastpath.compiler import Compiler, Run, Unsupported
from fastpath.derive import _expression, _reads_instance_only
from fastpath.execute import Declined
from fastpath.resolver_calls import Call, ResolvedRun, resolved
from schema import schema as built_schema

# The root fields planned here (Query's fields answered by their resolver).
ROOT_FIELDS = (
    "leadLabels",
    "leadColumns",
    "customFields",
    "savedFilters",
    "leadStatuses",
    "categoryGroups",
    "pipelines",
    "selections",
    "selection",
    "leadStatusBoard",
    "notifications",
    "job",
    "credits",
    "webhooks",
    "duplicates",
    "prospects",
    "prospectFilters",
    "myProspects",
    "prospectReports",
)

# Roots with a compiler of their own (fastpath.contacts, fastpath.deals, fastpath.nodes) that
# the resolver answers when that compiler refuses the selection (:func:`or_resolved`).
FALLBACK_ROOTS = ("leads", "persons", "organizations", "deals", "viewer", "node", "nodes")

# Resolvers that read per object without a loader: planned only on an object outside a list
# (called once per request there), so that a list never costs a statement per row.
PER_OBJECT = frozenset(
    {
        "Credits.entries",
        "PersonConnection.totalCount",
    }
)

# How many rounds of resolver calls one answer may take (each a level of nesting).
MAX_PASSES = 8


def _in_list(compiler: Compiler) -> int:
    return compiler.resolved_lists


def _nested(kind: Any) -> Any:
    """The entry of a value of ``kind`` over the source expression; None when not written here."""
    if isinstance(kind, LazyType):
        kind = kind.resolve_type()
    if isinstance(kind, StrawberryOptional):
        inner = kind.of_type
        if isinstance(inner, StrawberryList):
            entry = _nested(inner)
            if entry is None:
                return None

            def optional(source: str) -> Callable[..., str]:
                def make(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
                    var = compiler.name("v")
                    inner_source = entry(var)
                    text = inner_source if isinstance(inner_source, str) else inner_source(compiler, sub, nodes)
                    return f"(None if ({var} := {source}) is None else {text})"

                return make

            return optional
        return _nested(inner)
    if isinstance(kind, StrawberryList):
        item: Any = kind.of_type
        if isinstance(item, LazyType):
            item = item.resolve_type()
        nullable = isinstance(item, StrawberryOptional)
        write = _writer_of(item.of_type if nullable else item)
        if write is not None:
            found_write = write

            def objects(source: str) -> Callable[..., str]:
                def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
                    compiler.resolved_lists += 1
                    try:
                        function = found_write(compiler, sub)
                    finally:
                        compiler.resolved_lists -= 1
                    if nullable:
                        return f"[None if x is None else {function}(x, run) for x in {source}]"
                    return f"[{function}(x, run) for x in {source}]"

                return make

            return objects
        scalar = _nested(item)
        if scalar is None or not isinstance(scalar("x"), str):
            return None
        return lambda source: f"[{scalar('x')} for x in {source}]"
    write = _writer_of(kind)
    if write is not None:

        def one(source: str) -> Callable[..., str]:
            def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
                function = write(compiler, sub)
                var = compiler.name("v")
                return f"(None if ({var} := {source}) is None else {function}({var}, run))"

            return make

        return one
    if kind is JSON:
        return lambda source: source
    if isinstance(_expression(built_schema, kind, "x"), str):  # a scalar or an enum, as derive writes it
        return lambda source: _expression(built_schema, kind, source)
    return None


def _writer_of(kind: Any) -> Callable[[Compiler, list[SelectionSetNode]], str] | None:
    """For an object, interface or union type: what names the function writing a value of it (an
    interface's or union's value by the writer of its own type, as strawberry resolves it)."""
    if isinstance(kind, LazyType):
        kind = kind.resolve_type()
    abstract: str
    if isinstance(kind, StrawberryUnion):
        if kind.graphql_name is None:
            return None
        abstract = kind.graphql_name
    elif has_object_definition(kind):
        definition = kind.__strawberry_definition__
        if not definition.is_interface:
            name = definition.name
            return lambda compiler, sub: compiler.writer(name, sub, lambda: table(name))
        abstract = definition.name
    else:
        return None

    def polymorphic(compiler: Compiler, sub: list[SelectionSetNode]) -> str:
        gtype = compiler.schema.get_type(abstract)
        assert isinstance(gtype, GraphQLInterfaceType | GraphQLUnionType)
        writers: dict[str, Any] = {}
        for member in compiler.schema.get_possible_types(gtype):
            try:
                name = compiler.writer(member.name, sub, lambda m=member.name: table(m))
            except Unsupported:
                writers[member.name] = None  # asked of such a value: the plan declines
                continue
            writers[member.name] = compiler.namespace[name]
        return compiler.add(_Dispatch(writers), "d")

    return polymorphic


class _Dispatch:
    """Writes a value of an interface or union by its own type's writer."""

    def __init__(self, writers: dict[str, Any]) -> None:
        self.writers = writers

    def __call__(self, value: Any, run: Run) -> Any:
        writer = self.writers.get(type(value).__strawberry_definition__.name)
        if writer is None:
            raise Declined("a type the plan does not write")
        return writer(value, run)


def _resolver_entry(type_name: str, graphql_name: str, strawberry_field: Any) -> Any:
    value = _nested(strawberry_field.type)
    if value is None:
        return None
    is_list = isinstance(strawberry_field.type, StrawberryList)
    per_object = f"{type_name}.{graphql_name}" in PER_OBJECT

    def make(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
        if per_object and _in_list(compiler):
            raise Unsupported(f"{type_name}.{graphql_name} in a list: a statement per object")
        if len(nodes) != 1:
            raise Unsupported(f"{type_name}.{graphql_name} asked more than once under one key")
        owner = compiler.schema.get_type(type_name)
        assert isinstance(owner, GraphQLObjectType)
        definition = owner.fields[graphql_name]
        call = compiler.add(
            Call(strawberry_field, definition, nodes[0], [] if is_list else None, compiler.fragments), "c"
        )
        entry = value(f"resolved(run, {call}, s)")
        return entry if isinstance(entry, str) else entry(compiler, sub, nodes)

    return make


@cache
def _table(type_name: str) -> tuple[tuple[str, Any], ...]:
    schema = built_schema
    definition = schema.get_type_by_name(type_name)
    assert definition is not None and hasattr(definition, "fields"), type_name
    entries = []
    for strawberry_field in definition.fields:
        name = schema.config.name_converter.get_graphql_name(strawberry_field)
        if strawberry_field.permission_classes or strawberry_field.extensions:
            continue
        if strawberry_field.base_resolver is None:
            value = _nested(strawberry_field.type)
            entry = None if value is None else value(f"s.{strawberry_field.python_name}")
        elif _reads_instance_only(strawberry_field):
            value = _nested(strawberry_field.type)
            function = strawberry_field.base_resolver.wrapped_func

            def computed(
                compiler: Compiler,
                sub: list[SelectionSetNode],
                nodes: list[FieldNode],
                f: Any = function,
                v: Any = value,
            ) -> str:
                entry = v(f"{compiler.add(f, 'r')}(s)")
                return entry if isinstance(entry, str) else entry(compiler, sub, nodes)

            entry = None if value is None else computed
        else:
            entry = _resolver_entry(type_name, name, strawberry_field)
        if entry is not None:
            entries.append((name, entry))
    return tuple(entries)


def table(type_name: str) -> dict[str, Any]:
    """The writer table of a strawberry type: its fields, resolvers included (see the module's text)."""
    return dict(_table(type_name))


@dataclass
class ResolvedPlan:
    """A compiled root field answered by its resolver."""

    write: Callable[[Any, Run], dict[str, Any]]
    key: str

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        run = ResolvedRun(now=context.now, context=context, coerced=coerced, schema=schema)
        for _ in range(MAX_PASSES):
            out = self.write(None, run)
            if not run.pending:
                return out[self.key]
            await run.settle()
        raise Declined("nested deeper than the plan's passes")


def compile_resolved(compiler: Compiler, node: FieldNode) -> ResolvedPlan:
    """The plan of a root field of :data:`ROOT_FIELDS`: Query's table, with just this field."""
    query_type = compiler.schema.query_type
    assert query_type is not None
    key = node.alias.value if node.alias else node.name.value
    selection = SelectionSetNode(selections=(node,))
    compiler.namespace["resolved"] = resolved
    write = compiler.namespace[compiler.writer(query_type.name, [selection], _query_table)]
    return ResolvedPlan(write, key)


def _query_table() -> dict[str, Any]:
    return {name: entry for name, entry in table("Query").items() if name in ROOT_FIELDS + FALLBACK_ROOTS}


def or_resolved(compile_root: Callable[[Compiler, FieldNode], Any]) -> Callable[[Compiler, FieldNode], Any]:
    """A root's own compiler, and its resolver's plan where that compiler refuses the selection
    (or, for `node` / `nodes`, leaves a type unwritten: the resolver's plan writes every type)."""

    def make(compiler: Compiler, node: FieldNode) -> Any:
        try:
            plan = compile_root(compiler, node)
        except Unsupported:
            plan = None
        if plan is not None and None not in getattr(plan, "writers", {}).values():
            return plan
        return compile_resolved(Compiler(compiler.schema, compiler.fragments, compiler.variables), node)

    return make
