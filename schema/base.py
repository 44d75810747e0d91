"""GraphQL conventions shared by every domain: Node, user errors, pages, money, enums."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
    TimeDefinition,
    UUIDDefinition,
)
from strawberry.types import Info

from core.errors import DomainError, ErrorCode
from core.ids import to_global_id
from models.base import Role, Visibility

if TYPE_CHECKING:
    from schema.context import Context

    InfoT = Info[Context, None]
else:
    InfoT = Info


def describe_values(enum: type[Enum], descriptions: dict[str, str]) -> None:
    """Give the GraphQL values of an enum made with ``strawberry.enum`` their descriptions.

    For enums defined outside the schema (models, domain), whose members cannot carry
    ``strawberry.enum_value``. Call it right after ``strawberry.enum``.
    """
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    names = {value.name for value in definition.values}
    unknown = set(descriptions) - names
    if unknown:
        raise ValueError(f"{definition.name} has no value {', '.join(sorted(unknown))}")
    for value in definition.values:
        value.description = descriptions.get(value.name, value.description)


# The built-in scalars with descriptions a partner can use: how each is written in JSON.
SCALAR_OVERRIDES = {
    Decimal: dataclasses.replace(
        DecimalDefinition,
        description=(
            'An exact decimal number, written as a string ("1250.00") so that no precision is lost; '
            "inputs also accept a JSON number. Money amounts have at most two decimal places."
        ),
    ),
    uuid.UUID: dataclasses.replace(
        UUIDDefinition, description='A UUID in its canonical text form, e.g. "1b4e28ba-2fa1-11d2-883f-0016d3cca427".'
    ),
    dt.date: dataclasses.replace(DateDefinition, description='A calendar date, ISO 8601: "2025-03-31".'),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition,
        description='A moment, ISO 8601 with its UTC offset; the API answers in UTC: "2025-03-31T14:05:00+00:00".',
    ),
    dt.time: dataclasses.replace(
        TimeDefinition, description='A time of day, ISO 8601: "14:30:00" (read as UTC) in, "14:30:00+00:00" out.'
    ),
}

ErrorCodeEnum = strawberry.enum(ErrorCode, name="UserErrorCode", description="Stable codes of userErrors.")
VisibilityEnum = strawberry.enum(
    Visibility,
    name="Visibility",
    description="Who sees a record: OWNER (owner and admins), TEAM (the owner's teams), COMPANY (everyone).",
)
RoleEnum = strawberry.enum(Role, name="Role")


@strawberry.interface(description="An object with an opaque global id, fetchable by `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type(description="Why a mutation did not do what was asked.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, in camelCase.")
    message: str
    code: ErrorCodeEnum  # type: ignore[valid-type]
    candidate_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Global ids of the records the error is about, such as the existing ones a DUPLICATE would double.",
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: list[str], has_next_page: bool, after: str | None) -> PageInfo:
        """The page info of a forward (first/after) keyset page with these cursors."""
        return cls(
            has_next_page=has_next_page,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="An amount of money in one currency (ISO 4217).")
class Money:
    amount: Decimal
    currency: str


@strawberry.input(description="The id of the one record a mutation acts on.")
class IdInput:
    id: strawberry.ID


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency: str


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# Path elements after which the next one is data, not a field name: a custom field's key is
# shown as it is (``["input", "customFields", "fleet_size"]``).
VERBATIM_AFTER = frozenset({"custom_fields"})


def field_path(parts: tuple[str, ...]) -> list[str]:
    """An input path in the API's camelCase, custom field keys left as they are."""
    out: list[str] = []
    verbatim = False
    for part in parts:
        out.append(part if verbatim else camel(part))
        verbatim = part in VERBATIM_AFTER
    return out


def user_errors(error: DomainError) -> list[UserError]:
    """The payload form of a domain error: field paths in the API's camelCase."""
    return [
        UserError(
            field=field_path(e.field) if e.field else None,
            message=_camel_in_message(e.message),
            code=e.code,
            candidate_ids=[strawberry.ID(to_global_id(t, key)) for t, key in e.candidates] if e.candidates else None,
        )
        for e in error.errors
    ]


# A snake_case word, unless it is inside a {{merge field}}, which is written as it is.
_SNAKE = re.compile(r"(\{\{[^{}]*\}\})|\b[a-z]+(?:_[a-z]+)+\b")


def _camel_in_message(message: str) -> str:
    # Domain messages name fields the Python way; a partner reads the GraphQL names.
    return _SNAKE.sub(lambda m: m.group(1) or camel(m.group(0)), message)


def money(amount: Decimal | None, currency: str | None) -> Money | None:
    return Money(amount=amount, currency=currency) if amount is not None and currency else None


def enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


__all__ = ["ErrorCode", "InfoT", "Money", "MoneyInput", "Node", "PageInfo", "UserError", "user_errors"]
