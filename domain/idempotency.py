"""Idempotency keys: a retried create request makes nothing new (issue 13).

Every create mutation (and scheduleActivity, addDealProduct) accepts an ``idempotencyKey``. The
first request with a key runs and records, in the same transaction, the key, a fingerprint of
the request and the id of what it made (table ``idempotent_request``, one key per company). A
retry with the key and the same request gets that record back and makes nothing; the same key
with another request (another input, another mutation or another user) is
``IDEMPOTENCY_KEY_REUSED``, and nothing changes.

Two requests with one key racing are one decision: the key is locked (core.locks) before it is
looked up, so the second waits for the first to commit and then finds its record.

Purchases of credits and prospects keep their own records (their answers are more than one
record) but take their keys through :func:`clean_key`, so a key means the same everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import orjson
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.errors import ErrorCode, fail
from core.jsonable import loggable
from core.locks import lock_key
from domain.viewer import Viewer
from models import IdempotentRequest

MAX_KEY_LENGTH = 128
KEY_PATH = ("idempotency_key",)

M = TypeVar("M", bound=Model)


def clean_key(key: str | None, path: tuple[str, ...] = KEY_PATH) -> str | None:
    """The key to use (surrounding white space dropped; empty means none), or TOO_LONG."""
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise fail(f"An idempotency key has at most {MAX_KEY_LENGTH} characters.", ErrorCode.TOO_LONG, *path)
    return key


def fingerprint(operation: str, user_id: int | None, request: Mapping[str, Any]) -> str:
    """What makes two requests the same: the operation, the user and the input, canonically."""
    body = orjson.dumps(
        {"operation": operation, "user": user_id, "request": loggable(dict(request))}, option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(body).hexdigest()


async def create_once(
    viewer: Viewer,
    operation: str,
    key: str | None,
    request: Mapping[str, Any],
    model: type[M],
    create: Callable[[], Awaitable[M]],
    path: tuple[str, ...] = KEY_PATH,
) -> M:
    """Run ``create`` once per key: without a key it simply runs; with one seen before for the
    same request it returns the record made then; for another request, IDEMPOTENCY_KEY_REUSED."""
    key = clean_key(key, path)
    if key is None:
        return await create()
    print_ = fingerprint(operation, viewer.user_id, request)
    async with in_transaction():
        await lock_key("idempotency", viewer.company_id, key)
        earlier = await IdempotentRequest.get_or_none(company_id=viewer.company_id, key=key)
        if earlier is not None:
            if earlier.fingerprint != print_:
                raise fail(
                    "This idempotency key was used before for another request; use a new key for a new request.",
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    *path,
                )
            made = await model.get_or_none(pk=model._meta.pk.to_python_value(earlier.result_id))
            if made is None:
                raise fail(
                    "What the first request with this idempotency key made no longer exists.",
                    ErrorCode.NOT_FOUND,
                    *path,
                )
            return made
        made = await create()
        await IdempotentRequest.create(
            company_id=viewer.company_id,
            key=key,
            operation=operation,
            user_id=viewer.user_id,
            fingerprint=print_,
            result_id=str(made.pk),
        )
    return made
