"""One log line per HTTP request: method, path, status, duration, SQL statements, and what the
GraphQL layer learnt (operation name and type, company and user ids, error codes).

:class:`RequestLog` is ASGI middleware around the whole app. It opens a :class:`RequestRecord`
in a context variable, which the strawberry extension of ``schema/request_log.py`` fills, and
counts the statements sent meanwhile (``core.db.counting_statements``). Never logged: headers
(tokens), query strings (a GET request's variables), variables, bodies.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db import counting_statements

log = logging.getLogger("leadbox.request")

# Requests that a load balancer or a browser repeat all day: logged at DEBUG only.
QUIET_PREFIXES = ("/health", "/ready", "/graphiql/static/")


@dataclass
class RequestRecord:
    """What the GraphQL layer tells the request line; empty for requests that are not GraphQL."""

    operation: str | None = None
    operation_type: str | None = None
    company_id: int | None = None
    user_id: int | None = None
    errors: list[str] = field(default_factory=list)


_record: ContextVar[RequestRecord | None] = ContextVar("leadbox_request_record", default=None)


def current_record() -> RequestRecord | None:
    """The record of the request being served, or None outside a request (jobs, the CLI)."""
    return _record.get()


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord()
        token = _record.set(record)
        status = 500  # what the client sees when the app fails before answering
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with counting_statements() as tally:
            try:
                await self.app(scope, receive, send_status)
            finally:
                duration_ms = round((time.perf_counter() - start) * 1000, 2)
                _record.reset(token)
                _write(scope, status, duration_ms, tally.count, record)


def _write(scope: Scope, status: int, duration_ms: float, statements: int, record: RequestRecord) -> None:
    path: str = scope.get("path", "")
    level = logging.DEBUG if path.startswith(QUIET_PREFIXES) and status < 400 else logging.INFO
    if not log.isEnabledFor(level):
        return
    fields: dict[str, Any] = {
        "method": scope.get("method", ""),
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "statements": statements,
        "operation": record.operation,
        "operation_type": record.operation_type,
        "company_id": record.company_id,
        "user_id": record.user_id,
        "errors": record.errors,
    }
    text = " ".join(
        f"{key}={','.join(value) if isinstance(value, list) else value}"
        for key, value in fields.items()
        if key not in ("method", "path") and value not in (None, [])
    )
    log.log(level, "%s %s %s", fields["method"], path, text, extra={"fields": fields})
