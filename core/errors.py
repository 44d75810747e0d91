"""Errors: domain failures that become ``userErrors``, and public top-level errors.

Domain rules raise :class:`DomainError` with one or more :class:`FieldError`; the GraphQL
layer turns them into a payload's ``userErrors``. :class:`PublicError` is for what must stay
a top-level error with its message (authentication, bad cursors and ids, query limits); every
other exception is masked before it reaches a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    DUPLICATE = "DUPLICATE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    CONFLICT = "CONFLICT"
    # Text holding a character no text field can store (NUL, U+0000).
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_CURRENCY = "INVALID_CURRENCY"
    OWNER_CONFLICT = "OWNER_CONFLICT"
    CONTACT_REQUIRED = "CONTACT_REQUIRED"
    IN_USE = "IN_USE"
    INVALID_ID = "INVALID_ID"
    # Bulk email: a lead whose person has no address, a message the server refused, and
    # sending asked for while no SMTP server is configured.
    NO_EMAIL_ADDRESS = "NO_EMAIL_ADDRESS"
    DELIVERY_FAILED = "DELIVERY_FAILED"
    EMAIL_NOT_CONFIGURED = "EMAIL_NOT_CONFIGURED"
    # The company's plan allows no more open deals (leads never count).
    PLAN_LIMIT_REACHED = "PLAN_LIMIT_REACHED"
    STAGE_NOT_IN_PIPELINE = "STAGE_NOT_IN_PIPELINE"
    # The record is soft-deleted: restore it before changing it.
    DELETED = "DELETED"
    INVALID_FORMULA = "INVALID_FORMULA"
    # A custom field's value does not fit its type, or names no (live) field of the entity.
    INVALID_CUSTOM_FIELD_VALUE = "INVALID_CUSTOM_FIELD_VALUE"
    UNKNOWN_CUSTOM_FIELD = "UNKNOWN_CUSTOM_FIELD"
    # A column key no column of the catalogue has (setLeadColumns), and a filter that does not
    # fit its columns (saved filters, bulk changes by filter).
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    INVALID_FILTER = "INVALID_FILTER"
    # A sort on a column that cannot be sorted (an export's sort).
    INVALID_SORT = "INVALID_SORT"
    # Lead status (SPEC §8): the person's organization has no category in a group with lead
    # status enabled, so the status is hidden and cannot be changed; a retired status cannot
    # be chosen; a person's category is its organization's and cannot be set on the person.
    LEAD_STATUS_NOT_EDITABLE = "LEAD_STATUS_NOT_EDITABLE"
    LEAD_STATUS_RETIRED = "LEAD_STATUS_RETIRED"
    CATEGORY_INHERITED = "CATEGORY_INHERITED"
    # Prospector: the company has no lead-generation add-on (or its trial ended); the ledger
    # holds fewer credits than the purchase costs; a report came too late, after the lead
    # became a deal, or while another report on the same purchase waits for review; a
    # report was reviewed already.
    PROSPECTOR_NOT_ENABLED = "PROSPECTOR_NOT_ENABLED"
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"
    REPORT_WINDOW_CLOSED = "REPORT_WINDOW_CLOSED"
    LEAD_CONVERTED = "LEAD_CONVERTED"
    REPORT_ALREADY_OPEN = "REPORT_ALREADY_OPEN"
    ALREADY_REVIEWED = "ALREADY_REVIEWED"
    # Imports (importLeads): the upload and its column mapping, then each row's problems.
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    INVALID_FILE = "INVALID_FILE"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    COLUMN_NOT_IMPORTABLE = "COLUMN_NOT_IMPORTABLE"
    HEADER_NOT_FOUND = "HEADER_NOT_FOUND"
    MISSING_TITLE = "MISSING_TITLE"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_MONEY = "INVALID_MONEY"
    INVALID_DATE = "INVALID_DATE"
    UNKNOWN_OWNER = "UNKNOWN_OWNER"
    UNKNOWN_LABEL = "UNKNOWN_LABEL"
    # Several existing contacts match the row's name: an import cannot ask which one to link.
    AMBIGUOUS_DUPLICATE = "AMBIGUOUS_DUPLICATE"
    # The idempotency key was used before for a different request.
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    # Webhooks: a target URL that is malformed, not https, or names an address that is not public.
    INVALID_URL = "INVALID_URL"
    UNKNOWN_EVENT = "UNKNOWN_EVENT"


class WarningCode(str, Enum):
    """Codes of warnings: what was done, but not all of what was asked."""

    # A deal converted to a lead had formula-field values, which leads cannot hold.
    FORMULA_NOT_CARRIED = "FORMULA_NOT_CARRIED"


@dataclass(frozen=True)
class FieldError:
    message: str
    code: ErrorCode
    # Path of the input field the error is about, e.g. ("input", "value", "currency").
    field: tuple[str, ...] | None = None
    # Records the error is about, as (GraphQL type name, key): the candidates of a DUPLICATE.
    candidates: tuple[tuple[str, object], ...] = ()


class DomainError(Exception):
    def __init__(self, errors: FieldError | Sequence[FieldError]) -> None:
        self.errors: list[FieldError] = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(e.message for e in self.errors))


def fail(message: str, code: ErrorCode, *field: str) -> DomainError:
    """Shorthand for a one-error :class:`DomainError`: ``raise fail("...", code, "title")``."""
    return DomainError(FieldError(message, code, tuple(field) or None))


class PublicError(Exception):
    """A top-level GraphQL error whose message and code are safe to show to the client."""

    def __init__(self, message: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # graphql-core copies this onto the error it reports.
        self.extensions = {"code": code}


class NotAuthenticated(PublicError):
    def __init__(self, message: str = "Authentication required: send 'Authorization: Bearer <token>'.") -> None:
        super().__init__(message, code="UNAUTHENTICATED")
