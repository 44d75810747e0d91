"""A document's shape: what validation and planning depend on, without the names a client varies.

Clients send many texts for one query: Apollo and Relay reprint documents, a benchmark or a
dashboard numbers its operation names and aliases. :func:`shape` reads a parsed document once
into a hashable key in which

- whitespace, commas and comments are gone (it is read from the syntax tree, not the text);
- operation names become placeholders, one per distinct name in order of first appearance (an
  anonymous operation stays anonymous);
- aliases become placeholders the same way, except an alias spelled like a field name the
  document selects anywhere, which is kept as written.

Everything else (field, argument, fragment, variable and type names, values, directives) is
kept as written. Two documents with the same key therefore differ only by a renaming of
operation names and aliases that keeps which names are equal to which, and no alias can newly
equal or stop equalling a field's own name. That is all graphql-core's rules and ours (depth,
alias count, app.py's build_schema) read of those names: whether two response keys are the same
(fields merging), whether operation names are unique or absent, how many aliases there are.
So a valid document's key stands for valid documents only: schema.validation keeps the keys of
documents that passed, and a document with a known key skips validation. Errors are never
shared (their messages and locations are the text's own).

A plan (fastpath.plans) writes response keys into the JSON, so its key keeps the aliases below
the root as written; the root fields' aliases are the only names it takes from the request
(:attr:`Shape.aliases` gives them in placeholder order).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from graphql import DocumentNode, FieldNode, Node, OperationDefinitionNode

# Markers in a key; objects, so that no value in a document can equal them.
_OPEN, _CLOSE, _ALIAS, _OPERATION = object(), object(), object(), object()
_KEYS: dict[type, tuple[str, ...]] = {}


@dataclasses.dataclass(frozen=True)
class Shape:
    # What validation depends on (see the module's docstring).
    key: tuple[Any, ...]
    # The aliases as written, by placeholder number.
    aliases: tuple[str, ...]
    # The placeholders used below an operation's root selection (written in the plan's code).
    nested: frozenset[int]
    # The operation names as written, by placeholder number.
    operations: tuple[str, ...]

    def plan_key(self, operation: int | None) -> tuple[Any, ...]:
        """The key of a plan: the shape, the nested aliases as written, the operation run."""
        return (self.key, tuple(self.aliases[i] for i in sorted(self.nested)), operation)

    def operation_index(self, name: str | None) -> int | None:
        """The placeholder of the operation a request names (None: unnamed, or not found)."""
        if name is None:
            return None
        try:
            return self.operations.index(name)
        except ValueError:
            return -1


def _keys(cls: type) -> tuple[str, ...]:
    keys = _KEYS.get(cls)
    if keys is None:
        keys = _KEYS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name != "loc")
    return keys


class _Reader:
    def __init__(self) -> None:
        self.out: list[Any] = []
        self.field_names: set[str] = set()
        # (position in out, alias text, at an operation's root)
        self.alias_at: list[tuple[int, str, bool]] = []
        self.operation_names: dict[str, int] = {}

    def node(self, node: Any, root: bool = False) -> None:
        out = self.out
        cls = type(node)
        out.append(cls)
        if cls is FieldNode:
            self.field_names.add(node.name.value)
            if node.alias is not None:
                out.append(_ALIAS)
                self.alias_at.append((len(out), node.alias.value, root))
                out.append(None)  # filled in by shape()
            else:
                out.append(None)
            for key in ("name", "arguments", "directives", "selection_set"):
                self.value(getattr(node, key))
            return
        if cls is OperationDefinitionNode:
            name = node.name
            if name is None:
                out.append(None)
            else:
                out.append(_OPERATION)
                out.append(self.operation_names.setdefault(name.value, len(self.operation_names)))
            out.append(node.operation)
            for key in ("description", "variable_definitions", "directives"):
                self.value(getattr(node, key))
            out.append(_OPEN)
            for selection in node.selection_set.selections:
                self.node(selection, root=True)
            out.append(_CLOSE)
            return
        for key in _keys(cls):
            self.value(getattr(node, key))

    def value(self, value: Any) -> None:
        if isinstance(value, Node):
            self.node(value)
        elif isinstance(value, tuple | list):
            self.out.append(_OPEN)
            for item in value:
                self.value(item)
            self.out.append(_CLOSE)
        else:
            # None, strings, booleans, enums (an operation's type): hashable, kept as they are.
            self.out.append(value)


def shape(document: DocumentNode) -> Shape:
    """The shape of a parsed document (module docstring)."""
    reader = _Reader()
    reader.value(document.definitions)
    out = reader.out
    numbers: dict[str, int] = {}
    nested: set[int] = set()
    for at, alias, root in reader.alias_at:
        if alias in reader.field_names:
            out[at] = alias
            continue
        number = numbers.setdefault(alias, len(numbers))
        out[at] = number
        if not root:
            nested.add(number)
    return Shape(tuple(out), tuple(numbers), frozenset(nested), tuple(reader.operation_names))


class Shapes:
    """The shapes of the documents last seen, by document object (the parser cache hands out
    one object per text, so a repeated text is read once); bounded, and small: it holds the
    documents themselves, and a shape is needed again within a request (validation, then the
    plan) or for a text repeated soon. Each document held stays in the collector's oldest
    generation, walked by its every full pass (schema/parsing.py): 64 of them cost a 100-lead
    page about 0.5 ms of collection (measured in process); 16 cover the requests in flight."""

    def __init__(self, maxsize: int = 16) -> None:
        self.maxsize = maxsize
        self.found: dict[int, tuple[DocumentNode, Shape]] = {}

    def of(self, document: DocumentNode) -> Shape:
        held = self.found.get(id(document))
        if held is not None and held[0] is document:
            return held[1]
        return self.known(document, shape(document))

    def known(self, document: DocumentNode, found: Shape) -> Shape:
        """Hold ``found`` as ``document``'s shape (schema/tokens.py knows it without a walk)."""
        if len(self.found) >= self.maxsize:
            self.found.pop(next(iter(self.found)))
        self.found[id(document)] = (document, found)
        return found


SHAPES = Shapes()
