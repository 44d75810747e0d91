"""Merging two leads (SPEC §6): one survives, field by field it keeps its own value or takes
the other's, and it inherits everything that happened on the other lead.

A merge is planned first (:func:`plan_merge`: nothing written, the merged lead built in memory
for a dry run's preview) and then applied in one transaction (:func:`merge_leads`): the
survivor's fields change, the other lead's notes, activities and emails move to it, the labels
end as chosen (both leads' by default), the other lead is deleted, and the survivor's change log
says what happened. A failure at any step leaves both leads as they were.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, cast

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import changelog
from domain.contacts.organization import get_organization
from domain.contacts.person import get_person
from domain.fold import keyed
from domain.lead_fields import LEAD_FIELDS
from domain.leads.lead import ENTITY, get_lead
from domain.next_activity import earliest_pending, refresh_next_activity
from domain.refs import check_owner_user, check_team
from domain.versioned import write_many
from domain.viewer import Viewer
from models import Activity, Email, Lead, LeadLabel, LeadLabelLink, Note


class MergeField(str, Enum):
    TITLE = "TITLE"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    OWNER = "OWNER"
    VALUE = "VALUE"
    EXPECTED_CLOSE_DATE = "EXPECTED_CLOSE_DATE"
    VISIBILITY = "VISIBILITY"
    LABELS = "LABELS"
    UTM_SOURCE = "UTM_SOURCE"
    UTM_MEDIUM = "UTM_MEDIUM"
    UTM_CAMPAIGN = "UTM_CAMPAIGN"
    UTM_TERM = "UTM_TERM"
    UTM_CONTENT = "UTM_CONTENT"
    CUSTOM_FIELD = "CUSTOM_FIELD"


class MergeSide(str, Enum):
    SURVIVOR = "SURVIVOR"
    OTHER = "OTHER"


# The lead columns behind each field; a field's columns always travel together (an owner is a
# user or a team, a value is an amount with its currency). The lead's stored fields that a merge
# chooses (domain.lead_fields: those with a ``merge`` description) each name their MergeField
# member; the links are these.
_LINKS: dict[MergeField, tuple[str, ...]] = {
    MergeField.PERSON: ("person_id",),
    MergeField.ORGANIZATION: ("organization_id",),
    MergeField.OWNER: ("owner_user_id", "owner_team_id"),
}
_DECLARED = {MergeField[f.merge_name]: f.columns for f in LEAD_FIELDS if f.merge is not None}
COLUMNS: dict[MergeField, tuple[str, ...]] = {
    member: columns for member in MergeField if (columns := _LINKS.get(member) or _DECLARED.get(member))
}
ACTION = "MERGED"


@dataclass(frozen=True)
class FieldChoice:
    """Which lead's value one field keeps; ``key`` names the custom field for CUSTOM_FIELD."""

    field: MergeField
    take: MergeSide
    key: str | None = None


@dataclass(frozen=True)
class Taken:
    """A field whose merged value came from the other lead."""

    field: MergeField
    key: str | None = None


@dataclass
class MergePlan:
    survivor: Lead
    other: Lead
    # The survivor as it will be: an unsaved copy, with the next activity of both leads.
    merged: Lead
    # Column -> new value, only where the survivor changes.
    changes: dict[str, Any]
    label_ids: list[int]
    labels: list[LeadLabel]
    taken: list[Taken] = field(default_factory=list)
    # What the change log will say: (field, survivor's value, merged value).
    log: list[tuple[str, Any, Any]] = field(default_factory=list)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _check_choices(choices: Sequence[FieldChoice]) -> dict[tuple[MergeField, str | None], MergeSide]:
    errors: list[FieldError] = []
    chosen: dict[tuple[MergeField, str | None], MergeSide] = {}
    for i, choice in enumerate(choices):
        where = ("input", "fields", str(i))
        key = (choice.key or "").strip() or None
        if choice.field == MergeField.CUSTOM_FIELD and key is None:
            errors.append(FieldError("A custom field is named by its key.", ErrorCode.REQUIRED, (*where, "key")))
            continue
        if choice.field != MergeField.CUSTOM_FIELD and key is not None:
            errors.append(FieldError("Only CUSTOM_FIELD takes a key.", ErrorCode.INVALID, (*where, "key")))
            continue
        if (choice.field, key) in chosen:
            errors.append(FieldError("This field is chosen twice.", ErrorCode.CONFLICT, where))
            continue
        chosen[(choice.field, key)] = choice.take
    if errors:
        raise DomainError(errors)
    return chosen


def _pick(chosen: MergeSide | None, mine: Sequence[Any], theirs: Sequence[Any]) -> MergeSide:
    """The side a field is taken from: as chosen; by default the survivor's, unless it has no
    value and the other lead has one, so that a merge loses nothing nobody chose to drop."""
    if chosen is not None:
        return chosen
    if all(_empty(v) for v in mine) and not all(_empty(v) for v in theirs):
        return MergeSide.OTHER
    return MergeSide.SURVIVOR


async def _check_taken_refs(viewer: Viewer, changes: dict[str, Any]) -> None:
    """What the survivor takes from the other lead must still be valid for the viewer."""
    path = ("input", "fields")
    await check_owner_user(viewer, changes.get("owner_user_id"), path)
    await check_team(viewer, changes.get("owner_team_id"), path)
    if changes.get("person_id") is not None:
        await get_person(viewer, changes["person_id"], path)
    if changes.get("organization_id") is not None:
        await get_organization(viewer, changes["organization_id"], path)


async def _labels_of(lead_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[int]]:
    found: dict[uuid.UUID, set[int]] = {i: set() for i in lead_ids}
    for lead_id, label_id in await LeadLabelLink.filter(lead_id__in=list(lead_ids)).values_list("lead_id", "label_id"):
        found[uuid.UUID(str(lead_id))].add(label_id)
    return found


async def plan_merge(
    viewer: Viewer, survivor_id: uuid.UUID, other_id: uuid.UUID, choices: Sequence[FieldChoice] = ()
) -> MergePlan:
    """Work out the merged lead without writing anything."""
    if survivor_id == other_id:
        raise fail("A lead cannot be merged with itself.", ErrorCode.INVALID, "input", "other_id")
    chosen = _check_choices(choices)
    survivor = await get_lead(viewer, survivor_id, ("input", "survivor_id"))
    other = await get_lead(viewer, other_id, ("input", "other_id"))

    changes: dict[str, Any] = {}
    taken: list[Taken] = []
    log: list[tuple[str, Any, Any]] = []
    for merge_field, columns in COLUMNS.items():
        mine = [getattr(survivor, c) for c in columns]
        theirs = [getattr(other, c) for c in columns]
        if _pick(chosen.get((merge_field, None)), mine, theirs) == MergeSide.OTHER and mine != theirs:
            taken.append(Taken(merge_field))
            for column, old, new in zip(columns, mine, theirs, strict=True):
                if old != new:
                    changes[column] = new
                    log.append((column, old, new))

    custom = dict(survivor.custom_fields or {})
    theirs_custom = other.custom_fields or {}
    named = {k for f, k in chosen if f == MergeField.CUSTOM_FIELD and k is not None}
    for key in sorted(set(custom) | set(theirs_custom) | named):
        side = _pick(chosen.get((MergeField.CUSTOM_FIELD, key)), [custom.get(key)], [theirs_custom.get(key)])
        if side == MergeSide.OTHER and custom.get(key) != theirs_custom.get(key):
            taken.append(Taken(MergeField.CUSTOM_FIELD, key))
            log.append((f"custom_fields.{key}", custom.get(key), theirs_custom.get(key)))
            if key in theirs_custom:
                custom[key] = theirs_custom[key]
            else:
                custom.pop(key, None)
    if custom != (survivor.custom_fields or {}):
        changes["custom_fields"] = custom

    if (
        changes.get("person_id", survivor.person_id) is None
        and changes.get("organization_id", survivor.organization_id) is None
    ):
        raise fail(
            "The merged lead would have neither a person nor an organization.",
            ErrorCode.CONTACT_REQUIRED,
            "input",
            "fields",
        )
    await _check_taken_refs(viewer, changes)
    changes = keyed(Lead, changes)

    labels_by_lead = await _labels_of([survivor.id, other.id])
    mine_labels, theirs_labels = labels_by_lead[survivor.id], labels_by_lead[other.id]
    labels_side = chosen.get((MergeField.LABELS, None))
    if labels_side == MergeSide.SURVIVOR:
        label_ids = set(mine_labels)
    elif labels_side == MergeSide.OTHER:
        label_ids = set(theirs_labels)
    else:
        label_ids = mine_labels | theirs_labels
    known = {
        label.id: label
        for label in await LeadLabel.filter(id__in=sorted(mine_labels | theirs_labels), company_id=viewer.company_id)
    }
    labels = sorted((known[i] for i in label_ids), key=lambda label: (label.name_key, label.id))
    if label_ids != mine_labels:
        if label_ids & (theirs_labels - mine_labels):
            taken.append(Taken(MergeField.LABELS))
        log.append(("labels", sorted(known[i].name for i in mine_labels), sorted(known[i].name for i in label_ids)))

    merged = copy.copy(survivor)
    for column, value in changes.items():
        setattr(merged, column, value)
    merged.updated_at = dt.datetime.now(dt.UTC)
    nxt = await earliest_pending([survivor.id, other.id])
    merged.next_activity_id, merged.next_activity_date = nxt if nxt else (None, None)
    return MergePlan(survivor, other, merged, changes, sorted(label_ids), labels, taken, log)


async def merge_leads(
    viewer: Viewer,
    survivor_id: uuid.UUID,
    other_id: uuid.UUID,
    choices: Sequence[FieldChoice] = (),
    *,
    dry_run: bool = False,
) -> MergePlan:
    """Merge ``other_id`` into ``survivor_id``; with ``dry_run`` only plan it.

    In one transaction: the survivor takes the chosen values; the other lead's notes,
    activities and emails move to it; its labels become the chosen set; the other lead is
    deleted; the next activity is recomputed; the change log records the merge.
    """
    plan = await plan_merge(viewer, survivor_id, other_id, choices)
    if dry_run:
        return plan
    survivor, other = plan.survivor, plan.other
    async with in_transaction():
        # Move what happened on the other lead first: deleting it would cascade to them.
        for model in (Note, Activity, Email):
            await model.filter(lead_id=other.id, company_id=viewer.company_id).update(lead_id=survivor.id)
        await LeadLabelLink.filter(lead_id=survivor.id).exclude(label_id__in=plan.label_ids).delete()
        have = set(cast(list[int], await LeadLabelLink.filter(lead_id=survivor.id).values_list("label_id", flat=True)))
        missing = [i for i in plan.label_ids if i not in have]
        if missing:
            await LeadLabelLink.bulk_create([LeadLabelLink(lead_id=survivor.id, label_id=i) for i in missing])
        await Lead.filter(id=other.id, company_id=viewer.company_id).delete()
        await write_many(Lead, [survivor.id], **plan.changes, updated_at=plan.merged.updated_at)
        await refresh_next_activity([survivor.id])
        entries = [
            changelog.entry(
                viewer,
                viewer.company_id,
                ENTITY,
                survivor.id,
                ACTION,
                "lead",
                None,
                {"id": str(other.id), "title": other.title},
            ),
            *(
                changelog.entry(viewer, viewer.company_id, ENTITY, survivor.id, ACTION, name, old, new)
                for name, old, new in plan.log
            ),
            # The other lead's own history stays readable and ends by saying where it went.
            changelog.entry(
                viewer,
                viewer.company_id,
                ENTITY,
                other.id,
                "MERGED_INTO",
                "lead",
                None,
                {"id": str(survivor.id), "title": plan.merged.title},
            ),
        ]
        await changelog.write(entries)
    plan.merged = await Lead.get(id=survivor.id)
    return plan
