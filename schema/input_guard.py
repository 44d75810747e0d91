"""Limits every text and list a client sends, in one place, before any resolver or query runs.

Whatever the field, an argument or input field holding:

- text with a NUL character (U+0000): INVALID_INPUT. PostgreSQL cannot store it in text and
  SQLite cuts strings at it in places; no person types it;
- text longer than :data:`MAX_TEXT` characters (the longest any field takes: a note or an
  email body), or a search text longer than :data:`MAX_SEARCH`: TOO_LONG;
- a list (ids in a filter, labels, mapping entries ...) of more than :data:`MAX_ITEMS`, or a
  JSON object with more than :data:`MAX_ITEMS` keys: TOO_MANY_ITEMS.

Field rules (a title's 255 characters, an email address's syntax) come afterwards, from the
domain; these are the bounds past which no rule needs to look, so that none of them, nor a
database, ever meets a 50,000-character search or 40,000 ids.

Two entry points share the checks:

- :class:`InputGuardExtension` on every root mutation field checks the converted arguments and
  answers the mutation's payload with ``userErrors`` (nothing is changed);
- :class:`InputGuard`, a schema extension, checks a query's arguments (literals and variables)
  in ``on_execute``, before anything answers it, and answers a top-level error with the code.
  It must stay ahead of any extension that answers queries itself in ``on_execute``.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from graphql.execution import ExecutionResult
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.base import has_object_definition

from core.errors import DomainError, ErrorCode, FieldError, PublicError
from schema.base import camel, field_path, user_errors

MAX_TEXT = 100_000
MAX_SEARCH = 200
MAX_ITEMS = 500
# Texts with a tighter bound than MAX_TEXT wherever they appear, by their GraphQL name.
TEXT_LIMITS = {"search": MAX_SEARCH}
# Enough to say what is wrong; the walk stops there.
MAX_REPORTED = 10


def _text_problem(value: str, name: str, path: tuple[str, ...]) -> FieldError | None:
    limit = TEXT_LIMITS.get(camel(name), MAX_TEXT)
    if len(value) > limit:
        return FieldError(f"{name} is longer than {limit:,} characters.", ErrorCode.TOO_LONG, path)
    if "\x00" in value:
        return FieldError(
            f"{name} contains a NUL character (U+0000), which text cannot hold.", ErrorCode.INVALID_INPUT, path
        )
    return None


def problems(value: Any, path: tuple[str, ...]) -> Iterator[FieldError]:
    """Every limit ``value`` breaks, at ``path`` (its last element names the field).

    ``value`` is what a client sent: JSON (variables), or arguments converted by strawberry
    (input objects, lists, enums, scalars). Keys of a JSON object are checked as texts too.
    """
    name = next((p for p in reversed(path) if not p.isdigit()), "value")
    if isinstance(value, str):
        problem = _text_problem(value, name, path)
        if problem:
            yield problem
    elif isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            yield FieldError(f"{name} has more than {MAX_ITEMS} items.", ErrorCode.TOO_MANY_ITEMS, path)
            return
        for index, item in enumerate(value):
            yield from problems(item, (*path, str(index)))
    elif isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            yield FieldError(f"{name} has more than {MAX_ITEMS} entries.", ErrorCode.TOO_MANY_ITEMS, path)
            return
        for key, item in value.items():
            key_text = str(key)
            problem = _text_problem(key_text, name, path)
            if problem:
                yield problem
            else:
                yield from problems(item, (*path, key_text))
    elif has_object_definition(value) and not isinstance(value, Enum):
        for field in value.__strawberry_definition__.fields:
            yield from problems(getattr(value, field.python_name, None), (*path, field.python_name))


def check(arguments: dict[str, Any]) -> list[FieldError]:
    """The first :data:`MAX_REPORTED` problems of a field's arguments, by argument name."""
    found: list[FieldError] = []
    for name, value in arguments.items():
        for problem in problems(value, (name,)):
            found.append(problem)
            if len(found) >= MAX_REPORTED:
                return found
    return found


class InputGuardExtension(FieldExtension):
    """On a root mutation field: arguments past the limits answer the payload's ``userErrors``."""

    def apply(self, field: Any) -> None:
        self.payload = field.type

    def _refuse(self, errors: list[FieldError]) -> Any:
        payload = self.payload
        fields = getattr(getattr(payload, "__strawberry_definition__", None), "fields", [])
        if any(f.python_name == "user_errors" for f in fields):
            return payload(user_errors=user_errors(DomainError(errors)))
        raise PublicError(errors[0].message, errors[0].code.value)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        errors = check(kwargs)
        return self._refuse(errors) if errors else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        errors = check(kwargs)
        if errors:
            return self._refuse(errors)
        return await next_(source, info, **kwargs)


def guard_mutations(mutation: type) -> None:
    """Put :class:`InputGuardExtension` on every field of the root mutation type (once)."""
    for field in mutation.__strawberry_definition__.fields:  # type: ignore[attr-defined]  # set by @strawberry.type
        if not any(isinstance(e, InputGuardExtension) for e in field.extensions):
            field.extensions.append(InputGuardExtension())


def _literal(node: ValueNode, name: str, path: tuple[str, ...], variables: dict[str, Any]) -> Iterator[FieldError]:
    if isinstance(node, VariableNode):
        yield from problems(variables.get(node.name.value), path)
    elif isinstance(node, StringValueNode):
        problem = _text_problem(node.value, name, path)
        if problem:
            yield problem
    elif isinstance(node, ListValueNode):
        if len(node.values) > MAX_ITEMS:
            yield FieldError(f"{name} has more than {MAX_ITEMS} items.", ErrorCode.TOO_MANY_ITEMS, path)
            return
        for index, item in enumerate(node.values):
            yield from _literal(item, name, (*path, str(index)), variables)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literal(field.value, field.name.value, (*path, field.name.value), variables)


def _arguments(selections: SelectionSetNode | None) -> Iterator[ArgumentNode]:
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            yield from selection.arguments or ()
        if isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _arguments(selection.selection_set)


def query_problems(document: Any, variables: dict[str, Any]) -> list[FieldError]:
    """The problems of every field argument of a query document (fragments included)."""
    found: list[FieldError] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            continue
        for argument in _arguments(definition.selection_set):
            name = argument.name.value
            for problem in _literal(argument.value, name, (name,), variables):
                found.append(problem)
                if len(found) >= MAX_REPORTED:
                    return found
    return found


class InputGuard(SchemaExtension):
    """Queries: arguments past the limits answer a top-level error before anything runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None and context.operation_type.value != "mutation":
            # Variables not referenced by the document are never read, and not checked.
            found = query_problems(document, context.variables or {})
            if found:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            p.message,
                            original_error=PublicError(p.message, p.code.value),
                            extensions={"code": p.code.value, "field": field_path(p.field or ())},
                        )
                        for p in found
                    ],
                )
        yield
