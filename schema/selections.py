"""The fields a GraphQL selection asks of an object, collected as execution groups them.

:class:`Selections` holds one operation's document (its fragments, its variables coerced once)
and collects each selection once: by response key, fragments applied by their type conditions,
fields left out by ``@skip``/``@include`` dropped. schema/cost.py counts the cost of what it
collects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_directive_values, get_variable_values
from graphql.utilities import get_operation_ast


class Selections:
    """One operation's document, its selections collected once each."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | VariableValues | None,
    ) -> None:
        self.schema = schema
        self._collected: dict[tuple[str, tuple[int, ...]], dict[str, list[FieldNode]]] = {}
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.operation_node: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
        self.variables: VariableValues | None = None
        if isinstance(variables, VariableValues):
            # Coerced already (the read engine's, fastpath.operation).
            self.variables = variables
        elif self.operation_node is not None:
            coerced = get_variable_values(schema, self.operation_node.variable_definitions or (), dict(variables or {}))
            # Variables that do not fit their types fail the execution anyway; count with defaults.
            self.variables = coerced if isinstance(coerced, VariableValues) else None

    def _collect(self, type_: Any, selections: Iterable[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """The fields asked of an object of ``type_``, by response key (as execution groups them)."""
        selections = list(selections)
        # A list of 100 leads collects the same selection 100 times: once per walk is enough.
        key = (type_.name, tuple(id(s) for s in selections))
        cached = self._collected.get(key)
        if cached is not None:
            return cached
        fields: dict[str, list[FieldNode]] = {}
        self._collect_into(type_, selections, fields, set())
        self._collected[key] = fields
        return fields

    def _collect_into(
        self, type_: Any, selections: Iterable[SelectionSetNode], fields: dict[str, list[FieldNode]], seen: set[str]
    ) -> None:
        for selection_set in selections:
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self._applies(condition.name.value, type_):
                        self._collect_into(type_, [selection.selection_set], fields, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in seen:
                        continue
                    seen.add(name)
                    if self._applies(fragment.type_condition.name.value, type_):
                        self._collect_into(type_, [fragment.selection_set], fields, seen)

    def _applies(self, condition: str, type_: Any) -> bool:
        target = self.schema.get_type(condition)
        if target is None:
            return False
        if target is type_:
            return True
        if is_abstract_type(target) and isinstance(type_, GraphQLObjectType):
            return self.schema.is_sub_type(target, type_)
        return False

    def _conditions(self, selections: Iterable[SelectionSetNode], seen: set[str] | None = None) -> list[Any]:
        """The object types that the fragments directly in these selections are conditioned on."""
        seen = set() if seen is None else seen
        found: list[Any] = []
        for selection_set in selections:
            for selection in selection_set.selections:
                if isinstance(selection, InlineFragmentNode):
                    if selection.type_condition is not None:
                        found.extend(self._object_types(selection.type_condition.name.value))
                    found.extend(self._conditions([selection.selection_set], seen))
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments.get(selection.name.value)
                    if fragment is None or selection.name.value in seen:
                        continue
                    seen.add(selection.name.value)
                    found.extend(self._object_types(fragment.type_condition.name.value))
                    found.extend(self._conditions([fragment.selection_set], seen))
        return found

    def _object_types(self, name: str) -> list[Any]:
        target = self.schema.get_type(name)
        if isinstance(target, GraphQLObjectType):
            return [target]
        if isinstance(target, GraphQLInterfaceType):
            return []
        return []

    def _included(self, node: Any) -> bool:
        if not node.directives:
            return True
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            if skip and skip.get("if"):
                return False
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:
            return True
        return not (include and not include.get("if"))
