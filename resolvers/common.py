"""Helpers shared by the resolvers: running a mutation (its domain errors as the payload's userErrors),
creating once per idempotency key. Reading input (given, optional_id, id_list) is schema/base.py's."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from tortoise.models import Model

from core.errors import DomainError
from domain import idempotency
from domain.viewer import Viewer
from schema.base import user_errors

P = TypeVar("P")
M = TypeVar("M", bound=Model)


async def mutate(payload: Callable[..., P], work: Callable[[], Awaitable[dict[str, Any]]]) -> P:
    """Run ``work`` and build the payload from what it returns, or from its domain errors."""
    try:
        return payload(**await work())
    except DomainError as error:
        return payload(user_errors=user_errors(error))


def plain_input(value: Any) -> Any:
    """An input object as plain data (fields left out are left out), for telling requests apart."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain_input(item)
            for f in dataclasses.fields(value)
            if (item := getattr(value, f.name)) is not strawberry.UNSET
        }
    if isinstance(value, list | tuple):
        return [plain_input(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


async def create_once(
    viewer: Viewer,
    operation: str,
    key: str | None,
    input: Any,
    model: type[M],
    create: Callable[[], Awaitable[M]],
) -> M:
    """Run a create mutation's rule once per idempotency key (domain.idempotency): a retry with
    the same key and input gets the record the first request made."""
    return await idempotency.create_once(viewer, operation, key, {"input": plain_input(input)}, model, create)
