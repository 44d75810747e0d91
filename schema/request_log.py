"""The GraphQL side of the request log (core/request_log.py), and which errors are ours.

:class:`RequestLogExtension` writes the operation's name and type, the caller's company and
user ids and the top-level errors' codes into the request's record. :class:`LoggedSchema`
logs an error with its traceback only when it is unexpected (the same test that masks it from
the client, :func:`should_mask`): a bad token, a malformed id or an invalid query is the
client's mistake, and appears in the request line as its code, without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from core.errors import PublicError
from core.request_log import current_record

# Codes of errors that carry none: graphql-core's parse and validation errors.
INVALID_QUERY = "GRAPHQL_VALIDATION_FAILED"
INTERNAL = "INTERNAL_ERROR"


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but what is meant for the client.

    Errors without an original exception come from parsing, validation and the query limits:
    their messages describe the query, not the server. Raised :class:`PublicError` keep theirs.
    """
    original = error.original_error
    if original is None:
        return False
    # A GraphQLError behind the error is graphql-core's or strawberry's account of a variable
    # the client sent that does not fit its type (a missing required field, a bad date).
    return not isinstance(original, PublicError | GraphQLError)


def error_code(error: GraphQLError) -> str:
    if should_mask(error):
        return INTERNAL
    code = (error.extensions or {}).get("code")
    return str(code) if code else INVALID_QUERY


class LoggedSchema(Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        record = current_record()
        for error in errors:
            if record is not None:
                record.errors.append(error_code(error))
            if should_mask(error):
                StrawberryLogger.error(error, execution_context)


class RequestLogExtension(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        record = current_record()
        if record is None:
            return
        context = self.execution_context
        record.operation = context.operation_name
        try:
            record.operation_type = context.operation_type.value
        except Exception:  # an unparsable document has no operation to name
            record.operation_type = None
        viewer = getattr(context.context, "viewer", None)
        if viewer is not None:
            record.company_id = viewer.company_id
            record.user_id = viewer.user_id
