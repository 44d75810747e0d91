"""The calls of resolvers that fastpath.resolved's writers make, and the run that makes them.

A :class:`Call` is one selected field with a resolver: it converts its arguments as strawberry
does (once per run) and calls the resolver with the request's context. A writer asks
:func:`resolved` for a call's result on an object; before the call is made it records it and
reads its empty value, and :meth:`ResolvedRun.settle` makes every recorded call together, so that
the request loaders batch them.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql import FieldNode, GraphQLField, get_argument_values
from strawberry.types.arguments import convert_arguments
from strawberry.types.nodes import convert_selections

from fastpath.compiler import Run


class _Info:
    """What the resolvers read of their ``info``: the request's context (the same object), and
    the selection of the field, as strawberry's ``Info.selected_fields`` converts it."""

    __slots__ = ("_call", "_run", "context")

    def __init__(self, context: Any, call: Call, run: ResolvedRun) -> None:
        self.context = context
        self._call = call
        self._run = run

    @property
    def selected_fields(self) -> list[Any]:
        source = SimpleNamespace(fragments=self._call.fragments, variable_values=self._run.coerced)
        # A stand-in for the resolve info, with the two attributes convert_selections reads.
        return convert_selections(source, [self._call.node])  # type: ignore[arg-type]  # the stand-in is no GraphQLResolveInfo


@dataclass
class ResolvedRun(Run):
    """A run that calls resolvers: their results by (call, object), and the calls still to make."""

    context: Any = None
    coerced: Any = None
    schema: Any = None
    done: dict[tuple[Any, int], tuple[Any, Any]] = field(default_factory=dict)
    pending: dict[tuple[Any, int], Any] = field(default_factory=dict)
    arguments: dict[Any, dict[str, Any]] = field(default_factory=dict)

    async def settle(self) -> None:
        """Make every pending call together (the loaders batch them); the first error is raised."""
        calls = list(self.pending.items())
        self.pending = {}
        results = await asyncio.gather(*(key[0](source, self) for key, source in calls), return_exceptions=True)
        for (key, source), result in zip(calls, results, strict=True):
            if isinstance(result, BaseException):
                raise result
            self.done[key] = (source, result)  # the source is kept: its id stays its own


@dataclass(eq=False)
class Call:
    """One selected field with a resolver, called for each object it is asked on."""

    field: Any  # the StrawberryField
    definition: GraphQLField
    node: FieldNode
    empty: Any  # what the writer sees before the call is made: [] for a list, else None
    fragments: dict[str, Any]

    def _arguments(self, run: ResolvedRun) -> dict[str, Any]:
        found = run.arguments.get(self)
        if found is None:
            raw = get_argument_values(self.definition, self.node, run.coerced)
            schema = run.schema
            found = convert_arguments(
                raw, self.field.arguments, scalar_registry=schema.schema_converter.scalar_registry, config=schema.config
            )
            run.arguments[self] = found
        return found

    async def __call__(self, source: Any, run: ResolvedRun) -> Any:
        resolver = self.field.base_resolver
        kwargs = dict(self._arguments(run))
        if resolver.info_parameter is not None:
            kwargs[resolver.info_parameter.name] = _Info(run.context, self, run)
        if resolver.root_parameter is not None:
            kwargs[resolver.root_parameter.name] = source
        if getattr(resolver, "parent_parameter", None) is not None:
            kwargs[resolver.parent_parameter.name] = source
        value = resolver.wrapped_func(*((source,) if resolver.self_parameter is not None else ()), **kwargs)
        if inspect.isawaitable(value):
            value = await value
        return value


_MISSING = object()


def resolved(run: ResolvedRun, call: Call, source: Any) -> Any:
    """The call's result for ``source``; before it is made, the call is recorded and its empty value read."""
    key = (call, id(source))
    found = run.done.get(key, _MISSING)
    if found is _MISSING:
        run.pending[key] = source
        return call.empty
    return found[1]  # type: ignore[index]  # not _MISSING here: the (call, result) pair stored for the key
