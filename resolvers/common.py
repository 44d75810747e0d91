"""Helpers shared by the resolvers: running a mutation, reading optional input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from core.errors import DomainError, ErrorCode, fail
from core.ids import decode_input_id
from schema.base import user_errors
from schema.custom_field import CustomFieldValueInput

P = TypeVar("P")


async def mutate(payload: Callable[..., P], work: Callable[[], Awaitable[dict[str, Any]]]) -> P:
    """Run ``work`` and build the payload from what it returns, or from its domain errors."""
    try:
        return payload(**await work())
    except DomainError as error:
        return payload(user_errors=user_errors(error))


def given(value: Any) -> bool:
    return value is not strawberry.UNSET


def optional_id(value: strawberry.ID | None, type_name: str, *path: str) -> Any:
    return None if value is None else decode_input_id(value, type_name, *path)


def id_list(values: list[strawberry.ID] | None, type_name: str, *path: str) -> list[Any]:
    return [decode_input_id(v, type_name, *path) for v in values or []]


def custom_values(items: list[CustomFieldValueInput] | None, *path: str) -> dict[str, Any]:
    """Custom field values by key, from the API's list of ``{key, value}``; a key given twice is refused."""
    out: dict[str, Any] = {}
    for item in items or []:
        if item.key in out:
            raise fail("This custom field is given twice.", ErrorCode.DUPLICATE, *path, "custom_fields", item.key)
        out[item.key] = item.value
    return out
