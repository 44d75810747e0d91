"""The ASGI wrapper in front of `/graphql`: registered operations compiled, the rest as always.

Only a POST with a JSON body is looked at. Its body is read once; when the compiled path does not
answer (an unknown document, no viewer, variables it declines, any error at all) the ordinary
GraphQL app gets the same body through a replayed ``receive``, so it sees the request exactly as
the client sent it (for a document named only by its hash, with the registered text added).
A compiled answer carries ``X-Leadbox-Execution: compiled``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from strawberry import Schema

from domain.operator import request_tokens
from domain.viewer import authenticate
from fastpath.execute import Declined, answer
from fastpath.registry import Registry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

EXECUTION_HEADER = "x-leadbox-execution"
logger = logging.getLogger(__name__)


class CompiledOperations:
    def __init__(self, app: ASGIApp, schema: Schema, registry: Registry) -> None:
        self.app = app
        self.schema = schema
        self.registry = registry
        # How many requests each path answered (read by tests and benchmarks).
        self.compiled = 0
        self.declined = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            await self.app(scope, receive, send)
            return
        body, more = await _read(receive)
        if more is not None:  # the client went away while sending
            await self.app(scope, _replay(body, receive, more), send)
            return
        compiled, replacement = await self._compiled(headers, body)
        if compiled is not None:
            self.compiled += 1
            response = Response(compiled, media_type="application/json", headers={EXECUTION_HEADER: "compiled"})
            await response(scope, receive, send)
            return
        self.declined += 1
        if replacement is not None:
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
            scope["headers"].append((b"content-length", str(len(replacement)).encode()))
            body = replacement
        await self.app(scope, _replay(body, receive, None), send)

    async def _compiled(self, headers: Headers, body: bytes) -> tuple[bytes | None, bytes | None]:
        """The compiled response, or None and the body to give the ordinary app if it is not the one sent."""
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None, None
        if not isinstance(parsed, dict):
            return None, None
        known = self.registry.match(parsed)
        if known is None:
            return None, None
        # A document sent by its hash alone: the ordinary execution needs its text.
        replacement = None if isinstance(parsed.get("query"), str) else orjson.dumps({**parsed, "query": known.text})
        token, operator_token = request_tokens(headers.get("authorization", ""), headers.get("x-operator-token", ""))
        if operator_token or not token:
            return None, replacement
        try:
            viewer = await authenticate(token)
            if viewer is None:
                return None, replacement
            return orjson.dumps(await answer(self.schema, known, viewer, parsed.get("variables"))), None
        except Declined:
            return None, replacement
        except Exception:
            # The ordinary execution gives the error as it always has (a public one, or masked).
            logger.debug("compiled path declined", exc_info=True)
            return None, replacement


async def _read(receive: Receive) -> tuple[bytes, Message | None]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, receive: Receive, pending: Message | None) -> Receive:
    queue: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if pending is not None:
        queue.append(pending)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replayed
