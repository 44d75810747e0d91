"""API tokens: generation and the digest that is stored instead of the token."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "lbx_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast digest is safe here: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
