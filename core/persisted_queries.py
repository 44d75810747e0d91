"""Automatic persisted queries, as Apollo Client's persisted-query link speaks them.

A request may carry ``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}``:

- with the hash alone, the stored text is run; an unknown hash answers (HTTP 200) the GraphQL
  error ``PersistedQueryNotFound`` with ``extensions.code`` ``PERSISTED_QUERY_NOT_FOUND``, on
  which the client sends the request again with the text;
- with the text too, the hash must be the SHA-256 of the text's UTF-8 bytes (else HTTP 400); the
  text is run and, once it has parsed and validated for a signed-in caller, stored.

The store is one table for everyone (models/persisted_query.py), not one per company: a row is a
document's text under its own hash, which gives a caller nothing they did not send or could not
send; the text still runs with the caller's token and permissions. Only signed-in callers
store, so anonymous requests cannot fill the table. The texts are immutable (a hash names one
text), so each process keeps the ones it has seen in a small cache and asks the database only
about the others: what any process stored, every process finds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.db import db_datetime, execute, fetch
from core.lru import Lru

VERSION = 1
# The longest text stored (characters); a longer one still runs but is not kept. The query
# limits (LEADBOX' token limit, 4,000 tokens) stop far shorter documents.
MAX_STORED_LENGTH = 100_000
CACHE_SIZE = 1024
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
HASH = re.compile(r"[0-9a-f]{64}")


class PersistedQueryRefused(Exception):
    """A request the protocol refuses (HTTP 400): a bad extension or a hash not matching its text."""

    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PersistedQueryMissing(Exception):
    """A hash-only request the server cannot answer; the client should send the text (HTTP 200)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Resolved:
    """The text to run, and the hash to store it under once it has validated (None: nothing to store)."""

    query: str | None
    store_as: str | None = None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PersistedQueries:
    """Resolves a request's persisted query and stores new texts; one per application."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._known: Lru[str, str] = Lru(CACHE_SIZE)

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> Resolved:
        persisted = extensions.get("persistedQuery") if extensions else None
        if persisted is None:
            return Resolved(query)
        if not self.enabled:
            if query is None:
                raise PersistedQueryMissing("PersistedQueryNotSupported", NOT_SUPPORTED)
            return Resolved(query)
        digest = _digest(persisted)
        if query is not None:
            if sha256(query) != digest:
                raise PersistedQueryRefused(
                    "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query's text."
                )
            return Resolved(query, None if digest in self._known else digest)
        text = await self._text(digest)
        if text is None:
            raise PersistedQueryMissing("PersistedQueryNotFound", NOT_FOUND)
        return Resolved(text)

    async def store(self, digest: str, query: str) -> None:
        """Keep a validated text under its hash (a second store of the same hash changes nothing)."""
        if len(query) > MAX_STORED_LENGTH:
            return
        await execute(
            "INSERT INTO persisted_query (sha256, query, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            [digest, query, db_datetime(dt.datetime.now(dt.UTC))],
        )
        self._known.keep(digest, query)

    async def _text(self, digest: str) -> str | None:
        text = self._known.recall(digest)
        if text is not None:
            return text
        rows = await fetch("SELECT query FROM persisted_query WHERE sha256 = ?", [digest])
        if not rows:
            return None
        text = str(rows[0]["query"])
        return self._known.keep(digest, text)


def _digest(persisted: object) -> str:
    if not isinstance(persisted, Mapping):
        raise PersistedQueryRefused("extensions.persistedQuery must be an object.")
    if persisted.get("version") != VERSION:
        raise PersistedQueryRefused(f"Unsupported persisted query version: only version {VERSION} is known.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not HASH.fullmatch(digest):
        raise PersistedQueryRefused("extensions.persistedQuery.sha256Hash must be 64 lower-case hexadecimal digits.")
    return digest
