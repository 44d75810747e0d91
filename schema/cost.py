"""The cost of a GraphQL operation, worked out from its document before anything runs (SPEC §10.5).

The rules, the same for every field:

- A scalar or enum field is free; ``__typename`` too.
- An object field costs 1, plus what its own selection costs. An edge (the ``edges`` item of a
  connection, holding ``cursor`` and ``node``) is a wrapper and costs nothing itself: its
  ``node`` does.
- A field taking a page size (``first``, or ``last``) returns up to that many items: a list
  costs that many times one item; a connection costs 1 for itself plus, for its ``edges`` and
  ``nodes``, that many items each. When the page size is left out, the field's own default
  counts, else the API's default page size (50). A page size beyond the API's largest (500)
  counts as the largest: such a request is refused with INVALID_PAGE_SIZE when it runs, the
  more precise error. Nested pages multiply.
- ``nodes(ids: [...])`` costs one item per id; any other list counts as one item.
- Each mutation field costs :data:`MUTATION_COST` plus its payload's selection.
- On an interface or union, the costliest of the types the selection asks about counts.
- A field or fragment left out by ``@skip``/``@include`` costs nothing.

:func:`requested_cost` is the upper bound charged before execution; :func:`actual_cost` walks
the data that was returned with the same rules, counting the items each list really held.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from core.json_text import JsonText
from schema.selections import Selections

# What one mutation field costs on top of its payload: a write does more than a read of one object.
MUTATION_COST = 10
PAGE_ARGUMENTS = ("first", "last")
# Sentinel for "walk the document, not returned data".
_REQUESTED: Any = object()


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    default_page_size: int,
    max_page_size: int | None = None,
) -> int:
    """The most the operation can cost, from its document and variables alone."""
    return Costs(schema, document, operation_name, variables, default_page_size, max_page_size).requested()


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    default_page_size: int,
    data: Mapping[str, Any] | None,
) -> int:
    """What the operation cost given the data it returned (lists counted as they came back)."""
    return Costs(schema, document, operation_name, variables, default_page_size).actual(data)


def _is_connection(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and "edges" in type_.fields and "pageInfo" in type_.fields


def _is_edge(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and "node" in type_.fields and "cursor" in type_.fields


class Costs(Selections):
    """Both costs of one request, sharing the work on the document (its variables coerced once,
    each selection collected once): :meth:`requested` before execution, :meth:`actual` after."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | VariableValues | None,
        default_page_size: int,
        max_page_size: int | None = None,
    ) -> None:
        super().__init__(schema, document, operation_name, variables)
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        # The data walk's view of each collected selection (by the id of its fields, which
        # _collected keeps alive as long as the walker).
        self._programs: dict[tuple[int, int], list[tuple[str, Any]]] = {}

    def requested(self) -> int:
        """The same as :func:`requested_cost`."""
        return self.operation(_REQUESTED)

    def actual(self, data: Mapping[str, Any] | None) -> int:
        """The same as :func:`actual_cost`."""
        return 0 if data is None else self.operation(data)

    def operation(self, data: Any) -> int:
        node = self.operation_node
        if node is None:
            return 0
        root = self.schema.get_root_type(node.operation)
        if root is None:
            return 0
        extra = MUTATION_COST if node.operation == OperationType.MUTATION else 0
        fields = self._collect(root, [node.selection_set])
        if data is not _REQUESTED:
            return self._data_fields(root, fields, data, extra)
        total = 0
        for key, nodes in fields.items():
            value = _REQUESTED if data is _REQUESTED else data.get(key)
            if data is not _REQUESTED and key not in data:
                continue
            total += extra + self._field(root, nodes, value, page=None)
        return total

    # --- fields ---------------------------------------------------------------------------------

    def _field(self, parent: Any, nodes: list[FieldNode], value: Any, page: int | None) -> int:
        name = nodes[0].name.value
        if name == "__typename":
            return 0
        if name.startswith("__"):
            # Introspection (__schema, __type): a flat price, whatever it selects.
            return 1
        definition: GraphQLField | None = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        selections = [n.selection_set for n in nodes if n.selection_set is not None]
        if value is not _REQUESTED:
            if value is None:
                return 0
            if isinstance(value, list):
                return sum(self._object(named, selections, item) for item in value if item is not None)
            return self._object(named, selections, value)
        count = self._count(definition, nodes[0])
        if _is_connection(named):
            size = self.default_page_size if count is None else count
            return self._object(named, selections, _REQUESTED, page=size)
        if count is None:
            # The items of a connection's edges and nodes: its page size; any other field: one.
            count = page if page is not None and name in ("edges", "nodes") else 1
        return count * self._object(named, selections, _REQUESTED)

    def _count(self, definition: GraphQLField, node: FieldNode) -> int | None:
        """How many items a field asks for (its page size, or its ids), or None when it says not."""
        wanted = [a for a in (*PAGE_ARGUMENTS, "ids") if a in definition.args]
        if not wanted:
            return None
        try:
            arguments = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            # An argument that does not fit fails the execution; count the default meanwhile.
            return self.default_page_size
        for name in PAGE_ARGUMENTS:
            if name in wanted:
                value = arguments.get(name)
                if value is None:
                    return self.default_page_size
                size = max(int(value), 0)
                return size if self.max_page_size is None else min(size, self.max_page_size)
        ids = arguments.get("ids")
        return len(ids) if isinstance(ids, list) else None

    # --- objects --------------------------------------------------------------------------------

    def _object(self, type_: Any, selections: list[SelectionSetNode], value: Any, page: int | None = None) -> int:
        own = 0 if _is_edge(type_) else 1
        if not selections:
            return own
        if is_abstract_type(type_):
            return own + self._abstract(type_, selections, value)
        return own + self._fields_of(type_, self._collect(type_, selections), value, page)

    def _abstract(self, type_: Any, selections: list[SelectionSetNode], value: Any) -> int:
        """The costliest of the types the fragments name (or the interface itself when none)."""
        possible = set(self.schema.get_possible_types(type_))
        named = [t for t in self._conditions(selections) if t in possible]
        candidates: list[Any] = list(dict.fromkeys(named)) or [type_]
        collected = [(t, self._collect(t, selections)) for t in candidates]
        if value is not _REQUESTED and isinstance(value, Mapping):
            # The returned object holds exactly the keys of its own type's selection.
            matching = [(t, f) for t, f in collected if set(f) == set(value)]
            collected = matching or collected
        return max(self._fields_of(t, f, value, None) for t, f in collected)

    def _fields_of(self, type_: Any, fields: dict[str, list[FieldNode]], value: Any, page: int | None) -> int:
        if value is _REQUESTED:
            return sum(self._field(type_, nodes, _REQUESTED, page) for nodes in fields.values())
        if not isinstance(value, Mapping):
            return 0
        return sum(self._field(type_, nodes, value[key], page) for key, nodes in fields.items() if key in value)

    # --- returned data ----------------------------------------------------------------------------
    # The rules of _field, _object and _abstract applied to returned data, with what depends on
    # the document alone (which fields can cost, the fields of each object) worked out once per
    # selection instead of once per returned value: a 100-row page walks only its objects.

    def _data_fields(self, type_: Any, fields: dict[str, list[FieldNode]], value: Any, extra: int = 0) -> int:
        if type(value) is not dict and not isinstance(value, Mapping):
            return 0
        program = self._programs.get((id(fields), extra))
        if program is None:
            program = self._programs[(id(fields), extra)] = self._program(type_, fields, extra)
        total = 0
        for key, target in program:
            if key not in value:
                continue
            total += extra
            if target is None:  # a leaf, __typename or unknown field: only ``extra`` (a mutation's)
                continue
            if type(target) is int:  # introspection: a flat price
                total += target
                continue
            item = value[key]
            if item is None:
                continue
            own, fields_of, candidates = target
            if isinstance(item, list):  # fastpath.sqljson.Counted too
                if fields_of is None and candidates is None:
                    total += own * sum(1 for x in item if x is not None)
                else:
                    total += sum(self._data_object(target, x) for x in item if x is not None)
            elif fields_of is None and candidates is None:
                total += own
            else:
                total += self._data_object(target, item)
        return total

    def _program(self, type_: Any, fields: dict[str, list[FieldNode]], extra: int) -> list[tuple[str, Any]]:
        """Each response key with what its value costs: None (nothing, left out unless a
        mutation's ``extra`` counts it), an int (a flat price), or (own cost, (type, fields) of
        a concrete object, the candidates of an abstract one) for an object (see _data_object;
        both None when its cost is its own whatever it holds)."""
        program: list[tuple[str, Any]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                program.append((key, None))
                continue
            if name.startswith("__"):
                program.append((key, 1))
                continue
            definition: GraphQLField | None = getattr(type_, "fields", {}).get(name)
            named = None if definition is None else get_named_type(definition.type)
            if named is None or is_leaf_type(named):
                program.append((key, None))
                continue
            selections = [n.selection_set for n in nodes if n.selection_set is not None]
            own = 0 if _is_edge(named) else 1
            if not selections:
                program.append((key, (own, None, None)))
            elif is_abstract_type(named):
                possible = set(self.schema.get_possible_types(named))
                candidates: list[Any] = list(dict.fromkeys(t for t in self._conditions(selections) if t in possible))
                collected = []
                for candidate in candidates or [named]:
                    found = self._collect(candidate, selections)
                    collected.append((candidate, found, frozenset(found)))
                if all(not self._costs(t, f) for t, f, _ in collected):
                    program.append((key, (own, None, None)))
                else:
                    program.append((key, (own, None, (collected, {}))))
            else:
                found = self._collect(named, selections)
                program.append((key, (own, (named, found) if self._costs(named, found) else None, None)))
        if not extra:
            program = [(key, target) for key, target in program if target is not None]
        return program

    def _costs(self, type_: Any, fields: dict[str, list[FieldNode]]) -> bool:
        """Whether an object's selection holds anything that can cost (else the object costs its own)."""
        return bool(self._data_program(type_, fields))

    def _data_program(self, type_: Any, fields: dict[str, list[FieldNode]]) -> list[tuple[str, Any]]:
        program = self._programs.get((id(fields), 0))
        if program is None:
            program = self._programs[(id(fields), 0)] = self._program(type_, fields, 0)
        return program

    def _data_object(self, target: tuple[int, Any, Any], value: Any) -> int:
        if type(value) is JsonText and value.cost is not None:
            # JSON the database wrote, with its own count of the objects in it (the same rules:
            # fastpath/sqljson.py), so that it is not parsed to be walked.
            return value.cost
        own, fields_of, abstract = target
        if fields_of is not None:
            return own + self._data_fields(fields_of[0], fields_of[1], value)
        if abstract is None:
            return own
        candidates, by_keys = abstract
        chosen = candidates
        if type(value) is dict or isinstance(value, Mapping):
            # The returned object holds exactly the keys of its own type's selection; the
            # candidates matching a set of keys are remembered by those keys in their order.
            keys = tuple(value)
            chosen = by_keys.get(keys)
            if chosen is None:
                wanted = frozenset(keys)
                chosen = by_keys[keys] = [c for c in candidates if c[2] == wanted] or candidates
        if len(chosen) == 1:
            t, f, _ = chosen[0]
            return own + self._data_fields(t, f, value)
        return own + max(self._data_fields(t, f, value) for t, f, _ in chosen)
