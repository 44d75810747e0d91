"""Operator tokens and who an operator request comes from (SPEC §1: a non-tenant role).

Operator tokens start with ``lbo_`` and live in their own table: a company user's token can
never pass for one, and an operator token reads no company's data through the tenant API.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from core.errors import ErrorCode, fail
from core.security import token_digest
from models import OperatorToken

OPERATOR_TOKEN_PREFIX = "lbo_"


def request_tokens(authorization: str, operator_header: str) -> tuple[str, str]:
    """The user token and the operator token a request carries (either may be empty): a bearer
    token in ``Authorization``, an operator token in ``X-Operator-Token`` or as that bearer token."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    operator_token = operator_header.strip()
    if not operator_token and token.startswith(OPERATOR_TOKEN_PREFIX):
        operator_token, token = token, ""
    return token, operator_token


@dataclass(frozen=True)
class Operator:
    token_id: int
    name: str


async def create_operator_token(name: str) -> str:
    """A new operator token, returned the only time it is ever shown."""
    name = name.strip()
    if not name:
        raise fail("name is required.", ErrorCode.REQUIRED, "name")
    token = OPERATOR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    await OperatorToken.create(name=name[:200], token_hash=token_digest(token), prefix=token[:12])
    return token


async def authenticate_operator(token: str, now: dt.datetime | None = None) -> Operator | None:
    if not token.startswith(OPERATOR_TOKEN_PREFIX):
        return None
    row = await OperatorToken.get_or_none(token_hash=token_digest(token), revoked_at=None)
    if row is None:
        return None
    await OperatorToken.filter(id=row.id).update(last_used_at=now or dt.datetime.now(dt.UTC))
    return Operator(token_id=row.id, name=row.name)


async def revoke_operator_token(token: str, now: dt.datetime) -> bool:
    return bool(await OperatorToken.filter(token_hash=token_digest(token), revoked_at=None).update(revoked_at=now))
