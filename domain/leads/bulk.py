"""Bulk edit and bulk delete of leads: the ones named by id, or every lead a filter matches.

Either way the change is all or nothing, in one transaction; it answers with the number of
leads changed. A filter reaches only what the viewer's list shows (their company, their
visibility) and at most :data:`MAX_BULK_FILTER` leads, so a request stays a request. The
statements do not grow with the number of leads beyond one per 500 (see :func:`chunks`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from tortoise.transactions import in_transaction

from core.db import db_uuid, execute, is_postgres
from core.errors import ErrorCode, fail
from core.sql import Param, Sql, compose, marks
from domain import changelog
from domain.columns.custom_value import clean_values, merge, value_changes
from domain.fold import custom_keys, keyed
from domain.leads.filter import filter_errors
from domain.leads.label_links import chunks, replace_labels
from domain.leads.lead import ENTITY, _check_refs, _clean_scalars, _owner_exclusive, now, visible_leads
from domain.leads.query import LeadQuery, matching_leads
from domain.refs import check_labels
from domain.versioned import write_many
from domain.viewer import Viewer
from models import ChangeLogEntry, CustomFieldEntity, Lead

MAX_BULK_FILTER = 10_000


async def target_leads(
    viewer: Viewer, ids: Sequence[uuid.UUID] | None, query: LeadQuery | None, path: tuple[str, ...] = ("input",)
) -> list[Lead]:
    """The leads a bulk operation acts on: those named (every one must be found) or a filter's."""
    if (ids is None) == (query is None):
        raise fail("Give either ids or a filter.", ErrorCode.REQUIRED, *path, "ids")
    if ids is not None:
        return await visible_leads(viewer, ids, (*path, "ids"))
    assert query is not None
    with filter_errors(*path, "filter"):
        leads = await matching_leads(viewer, query, MAX_BULK_FILTER + 1)
    if len(leads) > MAX_BULK_FILTER:
        raise fail(
            f"The filter matches more than {MAX_BULK_FILTER} leads; narrow it down.",
            ErrorCode.TOO_MANY_ITEMS,
            *path,
            "filter",
        )
    return leads


def _patch(column: str, values: dict[str, Any]) -> Sql:
    """``column`` (a JSON document) with ``values`` merged in by key; None removes a key."""
    if is_postgres():
        removed = [k for k, v in values.items() if v is None]
        kept = {k: v for k, v in values.items() if v is not None}
        return compose(f"({column} - ", Param(removed), "::text[]) || ", Param(orjson.dumps(kept).decode()), "::jsonb")
    # A JSON merge patch: a null removes the key, anything else replaces it whole.
    return compose(f"json_patch({column}, ", Param(orjson.dumps(values).decode()), ")")


async def _patch_custom_fields(lead_ids: list[uuid.UUID], cleaned: dict[str, Any]) -> None:
    """Apply the same custom field values to many leads in one UPDATE per 500 (None removes),
    and their folded forms to ``custom_keys`` (domain.fold.custom_keys) in the same statement."""
    folded = custom_keys(cleaned)
    keys = {k: folded.get(k) for k in cleaned}
    for chunk in chunks(lead_ids):
        ids = marks([db_uuid(i) for i in chunk])
        statement = compose(
            "UPDATE lead SET custom_fields = ",
            _patch("custom_fields", cleaned),
            ", custom_keys = ",
            _patch("custom_keys", keys),
            " WHERE id IN (",
            ids,
            ")",
        )
        await execute(statement.text, statement.params)


async def bulk_update_leads(
    viewer: Viewer, ids: Sequence[uuid.UUID] | None, changes: dict[str, Any], *, query: LeadQuery | None = None
) -> int:
    """Apply owner, visibility, value, close date, label and custom field changes to many leads.

    ``changes`` may hold ``owner_user_id``, ``owner_team_id``, ``visibility``, ``value``,
    ``expected_close_date``, ``label_ids`` (replace), ``add_label_ids``, ``remove_label_ids`` and
    ``custom_fields`` (values by key; None clears). Returns the number of leads changed.
    """
    changes = dict(changes)
    label_ids = changes.pop("label_ids", None)
    add = changes.pop("add_label_ids", None) or []
    remove = changes.pop("remove_label_ids", None) or []
    custom = changes.pop("custom_fields", None) or {}
    values = _clean_scalars(changes, ("input",))
    _owner_exclusive(values)
    if (
        "owner_user_id" in values
        and "owner_team_id" in values
        and values["owner_user_id"] is None
        and values["owner_team_id"] is None
    ):
        raise fail("A lead must have an owner: a user or a team.", ErrorCode.REQUIRED, "input", "owner_id")
    await _check_refs(viewer, values, ("input",))
    await check_labels(viewer, label_ids or [], ("input", "label_ids"))
    await check_labels(viewer, add, ("input", "add_label_ids"))
    await check_labels(viewer, remove, ("input", "remove_label_ids"))
    cleaned = await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, custom, ("input", "custom_fields"))
    if not values and label_ids is None and not add and not remove and not cleaned:
        raise fail("Nothing to change.", ErrorCode.REQUIRED, "input")

    changed: set[uuid.UUID] = set()
    stamped: set[uuid.UUID] = set()
    async with in_transaction():
        # Read inside the transaction: the leads changed are the leads the filter matched.
        leads = await target_leads(viewer, ids, query)
        stamp = now()
        entries: list[ChangeLogEntry] = []
        if values:
            rewritten = []
            for lead in leads:
                before = {k: getattr(lead, k) for k in values}
                diff = changelog.field_changes(viewer, viewer.company_id, ENTITY, lead.id, before, values)
                if diff:
                    rewritten.append(lead.id)
                    entries += diff
            for chunk in chunks(rewritten):
                await Lead.filter(id__in=chunk).update(**keyed(Lead, values), updated_at=stamp)
            changed.update(rewritten)
            stamped.update(rewritten)
        if cleaned:
            patched = []
            for lead in leads:
                diff = value_changes(viewer, ENTITY, lead.id, lead.custom_fields, merge(lead.custom_fields, cleaned))
                if diff:
                    patched.append(lead.id)
                    entries += diff
            await _patch_custom_fields(patched, cleaned)
            changed.update(patched)
        if label_ids is not None or add or remove:
            label_entries = await replace_labels([lead.id for lead in leads], label_ids, viewer, add=add, remove=remove)
            changed.update(uuid.UUID(e.entity_id) for e in label_entries)
            entries += label_entries
        # A change of labels or custom fields is a change of the lead: it moves up in "last updated",
        # and every lead changed gets a new version (a client's expectedVersion sees the change).
        await write_many(Lead, sorted(changed, key=str), updated_at=stamp)
        await changelog.write(entries)
    return len(changed)


async def delete_leads(
    viewer: Viewer, ids: Sequence[uuid.UUID] | None, *, query: LeadQuery | None = None
) -> list[uuid.UUID]:
    """Delete leads with their notes, activities, emails and label links, all or nothing."""
    async with in_transaction():
        leads = await target_leads(viewer, ids, query)
        lead_ids = [lead.id for lead in leads]
        for chunk in chunks(lead_ids):
            await Lead.filter(id__in=chunk, company_id=viewer.company_id).delete()
        await changelog.write(
            [
                changelog.entry(viewer, viewer.company_id, ENTITY, lead.id, "DELETED", "title", lead.title, None)
                for lead in leads
            ]
        )
    return lead_ids
