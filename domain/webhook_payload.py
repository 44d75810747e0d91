"""The objects a webhook event carries, in the API's shape: camelCase names, global ids.

Rendered from the rows as they are in the transaction that writes the event, so that an event
tells what the object was at that moment (a redelivery sends the same bytes again).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.models import Model

from core.ids import to_global_id
from core.jsonable import loggable
from domain.fold import key_columns
from models import Activity, Deal, Lead, Note, Organization, Person

# The entity names of the change log, with their model and the API's type name.
MODELS: dict[str, tuple[type[Model], str]] = {
    "lead": (Lead, "Lead"),
    "deal": (Deal, "Deal"),
    "person": (Person, "Person"),
    "organization": (Organization, "Organization"),
    "note": (Note, "Note"),
    "activity": (Activity, "Activity"),
}
# Columns kept for searching and matching, never part of the API.
INTERNAL = frozenset(
    {"company_id", "email_search", "phone_search", *(k for table in MODELS for k in key_columns(MODELS[table][0]))}
)
# Type names of the API where they differ from the model's name.
TYPE_NAMES = {"CreditLedgerEntry": "CreditEntry"}


def camel(name: str) -> str:
    """``expected_close_date`` -> ``expectedCloseDate``; dotted paths per segment."""
    return ".".join(
        head + "".join(part.title() for part in rest)
        for head, *rest in (segment.split("_") for segment in name.split("."))
    )


def global_id(entity: str, key: object) -> str:
    return to_global_id(MODELS[entity][1], key)


def _foreign_keys(model: type[Model]) -> dict[str, str]:
    """Source columns of the model's foreign keys (``person_id``) with the API type they name."""
    out = {}
    for field in model._meta.fields_map.values():
        if isinstance(field, ForeignKeyFieldInstance):
            name = field.related_model.__name__
            out[field.source_field or f"{field.model_field_name}_id"] = TYPE_NAMES.get(name, name)
    return out


def render(row: Model, type_name: str) -> dict[str, Any]:
    """One row as the API shows it: its global id, plain fields, related objects by global id."""
    model = type(row)
    keys = _foreign_keys(model)
    out: dict[str, Any] = {"id": to_global_id(type_name, row.pk)}
    for name in model._meta.fields_db_projection:
        if name in INTERNAL or name == "id":
            continue
        value = getattr(row, name)
        if name in keys:
            out[camel(name)] = to_global_id(keys[name], value) if value is not None else None
        elif name == "value_amount":
            currency = getattr(row, "value_currency", None)
            out["value"] = None if value is None else {"amount": str(value), "currency": currency}
        elif name == "value_currency":
            continue
        elif isinstance(value, uuid.UUID):
            out[camel(name)] = str(value)
        elif hasattr(value, "isoformat"):
            out[camel(name)] = value.isoformat()
        else:
            out[camel(name)] = loggable(value)
    if isinstance(row, Lead):
        out["uuid"] = str(row.pk)
    return out


async def load(entity: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows of one entity still present, rendered, by the change log's key (``str(id)``)."""
    model, type_name = MODELS[entity]
    wanted = list(dict.fromkeys(keys))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        ids: list[Any] = [uuid.UUID(k) for k in chunk] if model is Lead else [int(k) for k in chunk]
        for row in await model.filter(id__in=ids):
            out[str(row.pk)] = render(row, type_name)
    return out
