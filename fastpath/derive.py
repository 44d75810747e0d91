"""Writer tables derived from the strawberry types themselves: one declaration, two ways.

:func:`derive` reads a strawberry object type's fields. A field without a resolver is an
attribute of the instance the type's own constructor (``from_model``) made, so its expression
is ``s.<python name>``, serialised as strawberry serialises its type (an enum by its name,
dates and times by ``isoformat``, a decimal as text, a nested type by its own derived table).
A field whose resolver reads only the instance (sync, no ``info``, no arguments, as
``Person.primary_email``) calls that resolver. Other fields with resolvers are left out (the
caller adds what it plans for them); a plan that selects one raises
:class:`fastpath.compiler.Unsupported`, as for any field outside a table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import cache
from typing import Any

from graphql import FieldNode, SelectionSetNode
from strawberry import Schema
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from fastpath.compiler import Compiler, Unsupported, _list, _object

PLAIN = (str, int, bool, float)


def _expression(schema: Schema, kind: Any, source: str) -> Any:
    """The table entry for a value of ``kind`` read by ``source``; None when not derivable."""
    if isinstance(kind, StrawberryOptional):
        inner = _expression(schema, kind.of_type, source)
        return inner  # every helper below answers None for None
    if isinstance(kind, StrawberryList):
        item = kind.of_type
        if has_object_definition(item):
            name = item.__strawberry_definition__.name
            return _list(name, derived(schema, name), source)
        return None
    if isinstance(kind, StrawberryEnumDefinition):
        return f"ename({source})"
    if has_object_definition(kind):
        name = kind.__strawberry_definition__.name
        return _object(name, derived(schema, name), source)
    if kind in (Decimal,):
        return f"dec({source})"
    if kind in (dt.date, dt.datetime, dt.time):
        return f"iso({source})"
    if kind is uuid.UUID:
        return f"(None if {source} is None else str({source}))"
    if kind in PLAIN or getattr(kind, "__supertype__", None) is str:  # strawberry.ID is a NewType of str
        return source
    return None


def _computed(schema: Schema, field: Any) -> Any:
    """A field whose resolver reads only the instance (sync, no info, no arguments): the
    resolver itself is called on the instance, so its rule stays where it is written."""
    function = field.base_resolver.wrapped_func

    def make(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
        entry = _expression(schema, field.type, f"{compiler.add(function, 'r')}(s)")
        if entry is None:
            raise Unsupported(field.python_name)
        return entry if isinstance(entry, str) else entry(compiler, sub, nodes)

    return make


def _reads_instance_only(field: Any) -> bool:
    resolver = field.base_resolver
    return (
        not resolver.is_async
        and not resolver.arguments
        and resolver.info_parameter is None
        and resolver.root_parameter is None
        and resolver.self_parameter is not None
    )


@cache
def _derived(schema: Schema, type_name: str) -> tuple[tuple[str, Any], ...]:
    definition = schema.get_type_by_name(type_name)
    assert definition is not None and hasattr(definition, "fields"), type_name
    entries = []
    for field in definition.fields:
        if field.base_resolver is not None:
            if _reads_instance_only(field):
                entries.append((schema.config.name_converter.get_graphql_name(field), _computed(schema, field)))
            continue
        entry = _expression(schema, field.type, f"s.{field.python_name}")
        if entry is not None:
            entries.append((schema.config.name_converter.get_graphql_name(field), entry))
    return tuple(entries)


def derived(schema: Schema, type_name: str) -> dict[str, Any]:
    """The table of ``type_name``'s plain fields, over an instance of the strawberry type."""
    return dict(_derived(schema, type_name))
