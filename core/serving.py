"""What the HTTP server adds around the API: security headers, CORS, and the readiness check.

- Every response says ``X-Content-Type-Options: nosniff`` (a browser never guesses a type other
  than the one sent), ``Referrer-Policy: no-referrer``, and ``X-Frame-Options: DENY``. A response
  without a Content-Security-Policy of its own gets one that allows nothing, framing included:
  the API answers JSON and files, which need no scripts, styles or frames. The GraphiQL page
  keeps its own policy (web/graphiql.py), which lets it load and call only its own origin.
- CORS (starlette's middleware) only for the origins ``LEADBOX_CORS_ORIGINS`` lists; with none,
  no CORS header is ever sent and browsers keep other origins out. Preflights are answered for
  GET and POST with the Authorization, Content-Type and X-Operator-Token headers. No cookies are
  involved (the API reads only those headers), so credentials are not allowed.
- ``/ready`` runs one trivial query with a short timeout: 200 when the database answers, 503
  when it does not, so a load balancer stops sending requests that would all fail.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.config import Settings
from core.db import conn

logger = logging.getLogger(__name__)

API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
}
CORS_HEADERS = ["Authorization", "Content-Type", "X-Operator-Token"]
CORS_MAX_AGE = 600
# Seconds /ready waits for the database before it answers 503.
READY_TIMEOUT = 2.0


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cors_middleware(settings: Settings) -> list[Middleware]:
    """CORS for the configured origins; none (no middleware, no CORS header) when there are none."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=CORS_HEADERS,
            allow_credentials=False,
            max_age=CORS_MAX_AGE,
        )
    ]


async def ready(_: Request) -> Response:
    """200 when the database answers a trivial query within :data:`READY_TIMEOUT`, else 503."""
    headers = {"Cache-Control": "no-store"}
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            await conn().execute_query("SELECT 1")
    except Exception as error:  # any failure means "not ready"; its kind is for the log
        logger.warning("readiness check failed: the database did not answer (%s)", type(error).__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503, headers=headers)
    return JSONResponse({"status": "ready", "database": "ok"}, headers=headers)
