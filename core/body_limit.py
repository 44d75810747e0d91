"""Request bodies refused before anything reads them whole: size first, then JSON nesting.

:class:`BodyLimit` is plain ASGI middleware placed outermost, so a hostile body costs no
authentication work, no parsing and no memory beyond the limit:

- a body whose ``Content-Length`` is over the limit is answered 413 at once, unread;
- a body without one (chunked) is counted while it arrives and answered 413 as soon as it
  passes the limit; what was read is dropped;
- a JSON body within the limit is checked for nesting deeper than :data:`MAX_JSON_DEPTH`
  (400) before any parser sees it: a recursive parser or graphql-core's coercion of a
  1,000-level value would otherwise fail with a 500, or recurse for a long time.

Multipart requests (file uploads for ``importLeads``) are left to the GraphQL view, which has
its own, larger limit (``LEADBOX_MAX_UPLOAD_MB``) and spools to disk. A GET's ``variables`` and
``extensions`` parameters are JSON too and get the same depth check.

The body is buffered (it is at most the limit) and handed to the application through a
replayed ``receive``, exactly as the client sent it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_JSON_DEPTH = 64
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A JSON string (escapes included): removed before brackets are counted, so that brackets
# inside a query text or a value are not mistaken for nesting.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN = b"[{"
_CLOSE = b"]}"
_KEEP = _OPEN + _CLOSE
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
# Brackets mapped to +1 / -1 as signed bytes, then summed as a running total.
_STEPS = bytes.maketrans(_KEEP, b"\x01\x01\xff\xff")
# Bodies past this are checked on a worker thread: the check is linear but a 1 MB body of
# brackets takes tens of milliseconds, which the event loop should not spend.
_THREAD_FROM = 64 << 10


def too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in a JSON text nest more than ``limit`` levels; no parsing.

    Linear and done by C loops (count, regex, translate, accumulate). Malformed text gets some
    answer; the parser that reads it afterwards reports it as malformed.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", data).translate(None, _DELETE)
    if not brackets:
        return False
    steps = memoryview(brackets.translate(_STEPS)).cast("b")
    return max(accumulate(steps)) > limit


def _problem(status: int, message: str, code: str) -> tuple[int, bytes]:
    return status, orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` (413) and JSON nested too deeply (400)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if scope["method"] == "GET":
            problem = await self._check_query_string(scope.get("query_string", b""))
            if problem:
                await _answer(send, *problem)
                return
            await self.app(scope, receive, send)
            return
        if scope["method"] not in BODY_METHODS or content_type == b"multipart/form-data":
            await self.app(scope, receive, send)
            return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _answer(send, *self._too_large())
            return
        body, pending = await self._read(receive)
        if body is None:
            await _answer(send, *self._too_large())
            return
        if content_type == b"application/json" or content_type.endswith(b"+json"):
            problem = await self._check_json(body)
            if problem:
                await _answer(send, *problem)
                return
        await self.app(scope, _replay(body, receive, pending), send)

    def _too_large(self) -> tuple[int, bytes]:
        return _problem(
            413,
            f"The request body is larger than {self.max_bytes // 1024} KB (LEADBOX_MAX_BODY_KB); "
            "send files with a multipart upload.",
            "PAYLOAD_TOO_LARGE",
        )

    async def _read(self, receive: Receive) -> tuple[bytes | None, Message | None]:
        """The whole body, or None as soon as it passes the limit; and a message read after it."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), message
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None, None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    async def _check_json(self, data: bytes) -> tuple[int, bytes] | None:
        if len(data) >= _THREAD_FROM:
            deep = await anyio.to_thread.run_sync(too_deep, data)
        else:
            deep = too_deep(data)
        if deep:
            return _problem(
                400,
                f"The JSON body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep.",
                "JSON_TOO_DEEP",
            )
        return None

    async def _check_query_string(self, query: bytes) -> tuple[int, bytes] | None:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name in ("variables", "extensions"):
                problem = await self._check_json(value.encode("utf-8", "surrogateescape"))
                if problem:
                    return problem
        return None


async def _answer(send: Send, status: int, body: bytes) -> None:
    # Connection: close, since an unread body cannot be skipped on a kept-alive connection.
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive, pending: Message | None) -> Receive:
    queue: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if pending is not None:
        queue.append(pending)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replayed
