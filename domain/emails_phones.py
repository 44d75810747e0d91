"""A person's emails and phones: lists of ``{"value", "label", "primary"}`` (SPEC §2).

The rules that write them (domain.contacts.person) keep exactly one entry flagged primary in a non-empty
list: the first one the client flagged, else the first. "The primary email" is that entry's value,
wherever it is shown or used: the API's ``Person.primaryEmail``, the inbox's email and phone
columns, the address a bulk email goes to, and the read engine's SQL (fastpath/sqltables.py, which
reads the same flag)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def primary_value(entries: Iterable[Mapping[str, Any]] | None) -> str | None:
    """The value of the entry flagged primary; None for an empty list (or one with none flagged,
    which the rules never write)."""
    return next((str(e["value"]) for e in entries or () if e.get("primary")), None)
