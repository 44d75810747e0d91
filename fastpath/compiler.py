"""The compiler of plans: a selection to generated Python that writes its JSON.

:class:`Compiler` walks a selection (fragments and inline fragments resolved, fields merged by
response key, in the order graphql-core writes them, `@skip` / `@include` read with the values
the plan is made for: fastpath.plans keys plans by them) and generates, for each selected
object, one Python function returning that object's dict: one expression per response key from
a table (field name -> expression over the source ``s``, or a function making one), with the
serialisation strawberry's scalars use (``isoformat`` for dates and times, ``str`` for decimals,
global ids through core.ids, an enum by its name). Writing a page is then a few plain function
calls per row, with no per-value completion. The tables are in fastpath/leads.py (the lead
page's records), fastpath/derive.py (derived from the strawberry types) and the root modules.

The generated text holds only response keys (GraphQL names, checked by the parser, written with
``repr``), type names and the fixed expressions of the tables. A field outside its type's table,
or a directive other than `@skip` / `@include`, raises :class:`Unsupported`: that document keeps
the ordinary execution."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    VariableValues,
    get_argument_values,
    get_directive_values,
    is_abstract_type,
)
from strawberry import Schema
from strawberry.types.arguments import convert_arguments

from core.ids import to_global_id
from domain.next_activity import activity_status


class Unsupported(Exception):
    """The document asks for something the compiled path does not write."""


@dataclass
class Run:
    """What the writers need beyond the row: the request's clock and the keys of each ``values``."""

    now: dt.datetime
    value_keys: list[tuple[str, ...]] = field(default_factory=list)
    total_count: int | None = None
    # Records the rows refer to, by kind and id (fastpath.contacts: "organization", "user").
    refs: dict[str, dict[int, Any]] = field(default_factory=dict)


@dataclass
class Page:
    edges: list[tuple[str, Any]]
    has_next_page: bool
    after: str | None


@dataclass
class LeadsPlan:
    """A compiled `leads` root field."""

    leads_node: FieldNode
    connection: Callable[[Page, Run], dict[str, Any]]
    # The `values` fields of the Lead selection, in the order their writers index Run.value_keys.
    values_nodes: list[FieldNode]
    counts: bool
    # The generated Python, for reading and debugging.
    source: str
    # What each lead lists besides its own row: "notes", "activities" (one statement each).
    children: frozenset[str] = frozenset()
    # SQL mode (fastpath/sqljson.py): the places the selection writes a Lead, whose JSON the
    # page statement builds; None: the Python writers write every lead.
    json_sites: list[Any] | None = None


def root_arguments(schema: Schema, node: FieldNode, coerced: VariableValues) -> dict[str, Any]:
    """A root field's arguments as its resolver gets them: coerced by graphql-core, then turned
    into the resolver's inputs by strawberry (the calls the ordinary execution makes)."""
    query_type = schema._schema.query_type
    assert query_type is not None
    name = node.name.value
    found = get_argument_values(query_type.fields[name], node, coerced)
    field = schema.get_field_for_type(name, query_type.name)
    assert field is not None
    return convert_arguments(
        found, field.arguments, scalar_registry=schema.schema_converter.scalar_registry, config=schema.config
    )


def iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def primary(items: list[dict[str, Any]] | None) -> str | None:
    for item in items or ():
        if item.get("primary"):
            return item["value"]
    return None


def contact_values(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"value": i["value"], "label": i.get("label", ""), "primary": bool(i.get("primary"))} for i in items or []]


def owner_value(row: Any, run: Run, user: Callable[..., Any], team: Callable[..., Any]) -> Any:
    lead = row.lead
    if lead.owner_user_id is not None:
        return None if row.owner_user is None else user(row.owner_user, run)
    if lead.owner_team_id is not None:
        return None if row.owner_team is None else team(row.owner_team, run)
    return None


def status_name(row: Any, run: Run) -> str:
    activity = row.activity if row.lead.next_activity_id is not None else None
    if activity is None:
        return activity_status(None, None, run.now).name
    return activity_status(activity.due_date, activity.due_time, run.now).name


HELPERS: dict[str, Any] = {
    # Users, teams, labels and options repeat across rows and requests; a lead's id does not
    # repeat within a page, and the cache stays small.
    "gid": functools.lru_cache(maxsize=8192)(to_global_id),
    "iso": iso,
    "dec": dec,
    "primary": primary,
    "contact_values": contact_values,
    "owner_value": owner_value,
    "status_name": status_name,
    "ename": lambda value: None if value is None else value.name,
}


class Compiler:
    """Generates one Python function per selected object: ``def w3_Person(s, run): return {...}``
    with one expression per response key, over the source ``s`` (fastpath.records)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        # The coerced values of the variables `@skip` and `@include` read (fastpath.plans keys
        # plans by them, so a plan holds for every request with the same values).
        self.variables = variables
        self.values_nodes: list[FieldNode] = []
        self.counts = False
        # Lists of each lead read by one more statement: "notes", "activities".
        self.children: set[str] = set()
        # Records the rows refer to, loaded for the page (fastpath.contacts.REFS): kind -> the
        # attribute of a row holding the id.
        self.refs: dict[str, str] = {}
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.sources: list[str] = []
        self.names = 0
        # Writers whose every field is a table's string entry (a scalar expression, no nested
        # object or list): each object they write counts one for schema/cost.py.
        self.flat: set[str] = set()
        # How many lists of resolved objects (fastpath.resolved) the writer being compiled is in.
        self.resolved_lists = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def add(self, value: Any, prefix: str = "h") -> str:
        """Make ``value`` reachable from generated code; its name there."""
        name = self.name(prefix)
        self.namespace[name] = value
        return name

    # --- selections ------------------------------------------------------------------

    def collect(self, type_name: str, sets: list[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on an object type, by response key in order, merged across fragments."""
        concrete = self.schema.get_type(type_name)
        assert isinstance(concrete, GraphQLObjectType)
        out: dict[str, list[FieldNode]] = {}

        def applies(condition: Any) -> bool:
            if condition is None:
                return True
            named = self.schema.get_type(condition.name.value)
            if named is concrete:
                return True
            return is_abstract_type(named) and self.schema.is_sub_type(named, concrete)

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives and not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    out.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if applies(selection.type_condition):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    if applies(fragment.type_condition):
                        visit(fragment.selection_set)

        for selection_set in sets:
            visit(selection_set)
        return out

    def included(self, node: Any) -> bool:
        """Whether `@skip` / `@include` keep ``node`` (graphql-core's own reading of them)."""
        for directive in node.directives:
            if directive.name.value not in ("skip", "include"):
                raise Unsupported(f"@{directive.name.value}")
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip["if"] is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include["if"] is False)

    def writer(self, type_name: str, sets: list[SelectionSetNode], table: Any) -> str:
        """The name of a generated function writing ``type_name``'s selection from a source;
        ``table`` is a dict or a function making one (a table derived when first needed)."""
        if callable(table):
            table = table()
        parts = []
        flat = True
        for key, nodes in self.collect(type_name, sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                expression = repr(type_name)
            else:
                entry = table.get(name)
                if entry is None:
                    raise Unsupported(f"{type_name}.{name}")
                sub = [n.selection_set for n in nodes if n.selection_set is not None]
                flat = flat and isinstance(entry, str)
                expression = entry if isinstance(entry, str) else entry(self, sub, nodes)
            parts.append(f"        {key!r}: {expression},")
        function = self.name(f"w_{type_name}_")
        if flat:
            self.flat.add(function)
        source = f"def {function}(s, run):\n    return {{\n" + "\n".join(parts) + "\n    }\n"
        exec(compile(source, f"<fastpath {function}>", "exec"), self.namespace)
        self.sources.append(source)
        return function


def _object(type_name: str, table: dict[str, Any], pick: str) -> Callable[..., str]:
    """An object field (null when ``pick`` is None)."""

    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        function = compiler.writer(type_name, sub, table)
        if pick == "s":
            return f"{function}(s, run)"
        var = compiler.name("v")
        return f"(None if ({var} := {pick}) is None else {function}({var}, run))"

    return make


def _list(type_name: str, table: dict[str, Any], items: str) -> Callable[..., str]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        return f"[{compiler.writer(type_name, sub, table)}(x, run) for x in {items}]"

    return make


# --- Connection, edge, page info ------------------------------------------------------


def _total(compiler: Compiler, _sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    compiler.counts = True
    return "run.total_count"


PAGE_INFO: dict[str, Any] = {
    "hasNextPage": "s.has_next_page",
    "hasPreviousPage": "s.after is not None",
    "startCursor": "(s.edges[0][0] if s.edges else None)",
    "endCursor": "(s.edges[-1][0] if s.edges else None)",
}
