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
from strawberry.types.scalar import ScalarDefinition

from core.errors import DomainError, ErrorCode
from core.ids import decode_input_id, to_global_id
from models.base import Role, Visibility

if TYPE_CHECKING:
    from schema.context import Context

    InfoT = Info[Context, None]
else:
    InfoT = Info

# Descriptions of the arguments every connection takes.
FIRST = "How many to return, 0 to 500; 50 when left out. Outside that range: a top-level INVALID_PAGE_SIZE error."
AFTER = (
    "The `pageInfo.endCursor` of the previous page, for the next one. A cursor belongs to the sort it was made "
    "with; another sort's, or a malformed one, is a top-level INVALID_CURSOR error."
)
IDEMPOTENCY_KEY = (
    "A key of up to 128 characters that makes a retry safe: a request with a key used before by the same user "
    "with the same input answers what that first request made and makes nothing new; the same key with another "
    "input (or mutation) is IDEMPOTENCY_KEY_REUSED. Keys belong to the company; blank means none."
)


def describe_values(enum: type[Enum], descriptions: dict[str, str]) -> None:
    """Give the GraphQL values of an enum made with ``strawberry.enum`` their descriptions.

    For enums defined outside the schema (models, domain), whose members cannot carry
    ``strawberry.enum_value``. Call it right after ``strawberry.enum``.
    """
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.enum at run time
    names = {value.name for value in definition.values}
    unknown = set(descriptions) - names
    if unknown:
        raise ValueError(f"{definition.name} has no value {', '.join(sorted(unknown))}")
    for value in definition.values:
        value.description = descriptions.get(value.name, value.description)


# The built-in scalars with descriptions a partner can use: how each is written in JSON.
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
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

# strawberry.enum() registers a Python enum as a GraphQL one and returns the class itself. The
# name is bound to the class first and then registered, so that type checkers read it as the
# enum type in annotations (a name bound to a call's result is a variable to them, not a type).
ErrorCodeEnum = ErrorCode
strawberry.enum(ErrorCodeEnum, name="UserErrorCode", description="Stable codes of userErrors.")
VisibilityEnum = Visibility
strawberry.enum(
    VisibilityEnum,
    name="Visibility",
    description="Who sees a record: OWNER (owner and admins), TEAM (the owner's teams), COMPANY (everyone).",
)
RoleEnum = Role
strawberry.enum(RoleEnum, name="Role", description="A user's role in the company.")
describe_values(
    ErrorCodeEnum,
    {
        "INVALID": "The value is not acceptable (format, range, state); the message says why.",
        "REQUIRED": "A value is required here, or nothing was given to do.",
        "NOT_FOUND": "No such record, or not one you can see.",
        "PERMISSION_DENIED": "Your role or permissions do not allow this.",
        "DUPLICATE": "It would double an existing record (see `candidateIds`), or a value is given twice.",
        "TOO_LONG": "The text is longer than allowed.",
        "TOO_MANY_ITEMS": "The list, or the set a filter matches, is larger than allowed.",
        "INVALID_INPUT": "The text holds a character no text can (NUL, U+0000); nothing was stored.",
        "CONFLICT": (
            "The request contradicts itself or the record's state, e.g. two inputs that exclude each other, or "
            "an update's expectedVersion is not the record's current version (someone else changed it)."
        ),
        "INVALID_CURRENCY": "Not an ISO 4217 currency code in current use.",
        "OWNER_CONFLICT": "Both a user and a team were given as owner.",
        "CONTACT_REQUIRED": "A lead must be linked to a person or an organization.",
        "IN_USE": "The record is still used by others and cannot be removed.",
        "INVALID_ID": "The id is malformed or of another type.",
        "NO_EMAIL_ADDRESS": "Bulk email: the lead's person has no email address.",
        "DELIVERY_FAILED": "Bulk email: the mail server refused the message.",
        "EMAIL_NOT_CONFIGURED": "Bulk email: the server has no SMTP server configured.",
        "PLAN_LIMIT_REACHED": "The company's plan allows no more open deals (leads never count).",
        "STAGE_NOT_IN_PIPELINE": "The stage belongs to another pipeline.",
        "DELETED": "The record is deleted; restore it before changing it.",
        "INVALID_FORMULA": "The formula field's expression cannot be used.",
        "INVALID_CUSTOM_FIELD_VALUE": "The value does not fit the custom field's type.",
        "UNKNOWN_CUSTOM_FIELD": "No live custom field of this entity has the key.",
        "UNKNOWN_COLUMN": "No column of the catalogue (`leadColumns`) has the key.",
        "INVALID_FILTER": "A condition does not fit its column (operator, value or column).",
        "INVALID_SORT": "The column cannot be sorted by.",
        "LEAD_STATUS_NOT_EDITABLE": "The person's organization is in no category with lead status: it is hidden.",
        "LEAD_STATUS_RETIRED": "A retired lead status cannot be chosen.",
        "CATEGORY_INHERITED": "A person's category is its organization's and cannot be set on the person.",
        "PROSPECTOR_NOT_ENABLED": "The company has no lead-generation add-on, or its trial ended.",
        "INSUFFICIENT_CREDITS": "The company's credit balance is lower than the cost.",
        "REPORT_WINDOW_CLOSED": "More than 10 days passed since the purchase.",
        "LEAD_CONVERTED": "The purchased lead was converted to a deal.",
        "REPORT_ALREADY_OPEN": "Another report on the same purchase waits for review.",
        "ALREADY_REVIEWED": "The report was reviewed already.",
        "FILE_TOO_LARGE": "Import: the file, or the workbook once expanded, is larger than the server allows.",
        "INVALID_FILE": "Import: the file cannot be read as the format given, or a row of it cannot (the message "
        "names it), or it is an archive no spreadsheet makes (a zip bomb).",
        "TOO_MANY_ROWS": "Import: the file has more data rows than the server takes at once "
        "(`LEADBOX_IMPORT_MAX_ROWS`).",
        "COLUMN_NOT_IMPORTABLE": "Import: the mapping targets a column an import cannot write.",
        "HEADER_NOT_FOUND": "Import: the mapping names a column the file's header does not have.",
        "MISSING_TITLE": "Import row: no title, person name or organization name to title the lead.",
        "INVALID_EMAIL": "Import row: not an email address.",
        "INVALID_PHONE": "Import row: not a phone number.",
        "INVALID_MONEY": "Import row: not an amount, or no currency for it.",
        "INVALID_DATE": "Import row: not a date.",
        "UNKNOWN_OWNER": "Import row: no active user of the company has this email.",
        "UNKNOWN_LABEL": "Import row: no label has this name (labels are not created by an import).",
        "AMBIGUOUS_DUPLICATE": "Import row: several existing contacts match the name; an import cannot choose.",
        "IDEMPOTENCY_KEY_REUSED": "The idempotency key was used before for another request (input, mutation or user).",
        "INVALID_URL": "Webhook: the URL is malformed, not https, or names a loopback, private or link-local address.",
        "UNKNOWN_EVENT": "Webhook: no event type has this name (see `Webhook.events`).",
    },
)
describe_values(
    VisibilityEnum,
    {
        "OWNER": "The owner (or the owning team's members) and admins.",
        "TEAM": "The owner's teams and admins.",
        "COMPANY": "Everyone in the company.",
    },
)
describe_values(
    RoleEnum,
    {
        "ADMIN": "Global admin: sees everything and has every permission.",
        "REGULAR": "A regular user, with the permissions in `User.permissions`.",
    },
)


@strawberry.interface(description="An object with an opaque global id, fetchable by `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id; stable, and unique across types.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        NODE_TYPES[cls.__name__] = cls


# Every type implementing Node, by class name (each is also its GraphQL name), filled as their
# modules are imported; building the schema imports them all.
NODE_TYPES: dict[str, type[Node]] = {}


def node_type(name: str) -> Any:
    """The Node type ``name``, for a field that returns a type whose module would import its own.
    The schema's types refer to each other in circles (a lead has a person, a person has leads);
    their modules do not: such a field names its type lazily (``strawberry.lazy``) in its
    annotation and looks the class up here when it runs."""
    return NODE_TYPES[name]


@strawberry.type(description="Why a mutation did not do what was asked.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, in camelCase.")
    message: str = strawberry.field(description="What went wrong, in English, for a person to read.")
    code: ErrorCodeEnum = strawberry.field(description="A stable code for the program to act on.")
    candidate_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Global ids of the records the error is about, such as the existing ones a DUPLICATE would double.",
    )


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow: ask again with `after: endCursor`.")
    has_previous_page: bool = strawberry.field(description="True when the page was asked for with `after`.")
    start_cursor: str | None = strawberry.field(description="The first item's cursor; null on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor, to pass as `after` for the next page; null on an empty page."
    )

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
    amount: Decimal = strawberry.field(description="The amount, zero or more, with two decimal places.")
    currency: str = strawberry.field(description="The ISO 4217 currency code, e.g. EUR.")


@strawberry.input(description="The id of the one record a mutation acts on.")
class IdInput:
    id: strawberry.ID = strawberry.field(description="The record's global id.")


@strawberry.input(description="An amount of money in one currency.")
class MoneyInput:
    amount: Decimal = strawberry.field(
        description="0 to 9999999999999999.99, at most two decimal places (INVALID otherwise)."
    )
    currency: str = strawberry.field(
        description="An ISO 4217 code in current use, any case (INVALID_CURRENCY otherwise)."
    )


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


# Reading input: a field left out is UNSET (given is false); an id that does not decode is a
# userError at its path.
def given(value: Any) -> bool:
    return value is not strawberry.UNSET


def optional_id(value: strawberry.ID | None, type_name: str, *path: str) -> Any:
    return None if value is None else decode_input_id(value, type_name, *path)


def id_list(values: list[strawberry.ID] | None, type_name: str, *path: str) -> list[Any]:
    return [decode_input_id(v, type_name, *path) for v in values or []]


__all__ = ["ErrorCode", "InfoT", "Money", "MoneyInput", "Node", "PageInfo", "UserError", "user_errors"]
