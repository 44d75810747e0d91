"""JSON-safe forms of field values: what the change log stores, what a webhook sends, what an
idempotency key's request is compared by. Below every domain that uses it, so that the change log
and the webhook payloads (which the change log's writes produce) need not import each other."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import Any


def loggable(value: Any) -> Any:
    """A JSON-safe form of a field value for the log."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [loggable(v) for v in value]
    if isinstance(value, dict):
        return {k: loggable(v) for k, v in value.items()}
    return value
