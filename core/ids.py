"""Opaque global ids (Relay): ``base64url("<Type>:<key>")`` without padding."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Literal, overload

from core.errors import ErrorCode, PublicError, fail

# The types whose database key is an integer; a lead's is a UUID. Spelt out so that a call with
# a literal type name is typed int or UUID, not the union (the last overloads take any name).
IntKeyType = Literal[
    "Activity", "Category", "CategoryGroup", "CustomField", "Deal", "DealProduct", "Job",
    "LeadLabel", "LeadStatus", "Note", "Organization", "Person", "Pipeline", "Product",
    "ProspectPurchase", "ProspectReport", "SavedFilter", "SavedProspectFilter", "Selection",
    "Stage", "Team", "User", "Webhook",
]  # fmt: skip


def to_global_id(type_name: str, key: object) -> str:
    raw = f"{type_name}:{key}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    """Split a global id into its type name and key; raise :class:`InvalidId` when malformed."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidId(global_id) from exc
    type_name, sep, key = raw.partition(":")
    if not sep or not type_name or not key:
        raise InvalidId(global_id)
    return type_name, key


@overload
def decode_id(global_id: str, type_name: Literal["Lead"]) -> uuid.UUID: ...
@overload
def decode_id(global_id: str, type_name: IntKeyType) -> int: ...
@overload
def decode_id(global_id: str, type_name: str) -> int | uuid.UUID: ...
def decode_id(global_id: str, type_name: str) -> int | uuid.UUID:
    """The database key of a global id of one type; :class:`InvalidId` for anything else."""
    found_type, key = from_global_id(global_id)
    if found_type != type_name:
        raise InvalidId(global_id, expected=type_name)
    try:
        return uuid.UUID(key) if type_name == "Lead" else int(key)
    except ValueError as exc:
        raise InvalidId(global_id, expected=type_name) from exc


class InvalidId(PublicError):
    def __init__(self, global_id: str, expected: str | None = None) -> None:
        what = f"a {expected} id" if expected else "a valid id"
        super().__init__(f"{global_id!r} is not {what}.", code="INVALID_ID")
        self.global_id = global_id


@overload
def decode_input_id(global_id: str, type_name: Literal["Lead"], *path: str) -> uuid.UUID: ...
@overload
def decode_input_id(global_id: str, type_name: IntKeyType, *path: str) -> int: ...
@overload
def decode_input_id(global_id: str, type_name: str, *path: str) -> int | uuid.UUID: ...
def decode_input_id(global_id: str, type_name: str, *path: str) -> int | uuid.UUID:
    """:func:`decode_id` for mutation input: a malformed id becomes a ``userErrors`` entry."""
    try:
        return decode_id(global_id, type_name)
    except InvalidId as exc:
        raise fail(exc.message, ErrorCode.INVALID_ID, *path) from exc
