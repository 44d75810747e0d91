"""Each user's chosen inbox columns, in order (SPEC §3.2): saved per user, defaults until set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain.columns.column import DEFAULT_COLUMNS, Column, UnknownColumn, catalogue, resolve
from domain.columns.custom_field import all_definitions
from domain.viewer import Viewer
from models import CustomField, LeadColumnPreference

MAX_COLUMNS = 50


def usable(saved: Sequence[str] | None, definitions: Iterable[CustomField]) -> list[Column]:
    """The saved columns that still exist (a deleted custom field drops out), or the defaults."""
    known = {c.key: c for c in catalogue(definitions)}
    if saved is None:
        return [known[k] for k in DEFAULT_COLUMNS]
    return [known[k] for k in saved if k in known]


async def saved_keys(viewer: Viewer) -> list[str] | None:
    row = await LeadColumnPreference.get_or_none(user_id=viewer.user_id, company_id=viewer.company_id)
    return list(row.columns) if row is not None else None


async def set_lead_columns(viewer: Viewer, keys: Sequence[str]) -> list[Column]:
    """Save the viewer's columns in the order given; an empty list goes back to the defaults."""
    definitions = await all_definitions(viewer.company_id)
    if len(keys) > MAX_COLUMNS:
        raise fail(f"At most {MAX_COLUMNS} columns.", ErrorCode.TOO_MANY_ITEMS, "input", "keys")
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, key in enumerate(keys):
        try:
            resolve([key], definitions)
        except UnknownColumn as exc:
            errors.append(FieldError(exc.message, ErrorCode.UNKNOWN_COLUMN, ("input", "keys", str(i))))
        if key in seen:
            errors.append(FieldError(f"{key} is listed twice.", ErrorCode.DUPLICATE, ("input", "keys", str(i))))
        seen.add(key)
    if errors:
        raise DomainError(errors)
    async with in_transaction():
        if not keys:
            await LeadColumnPreference.filter(user_id=viewer.user_id).delete()
            return usable(None, definitions)
        updated = await LeadColumnPreference.filter(user_id=viewer.user_id).update(columns=list(keys))
        if not updated:
            await LeadColumnPreference.create(company_id=viewer.company_id, user_id=viewer.user_id, columns=list(keys))
    return resolve(list(keys), definitions)
