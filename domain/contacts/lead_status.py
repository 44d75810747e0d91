"""The company's lead statuses (SPEC §8): an ordered list, each with a name and a tooltip.

Statuses are added, renamed, described, reordered and retired, never deleted: a retired one
can no longer be chosen but stays on the persons that hold it. One status is the initial one
("Open"), where a person starts when lead status becomes enabled for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import changelog
from domain.fold import folded_name_taken
from domain.validation import text
from domain.viewer import Viewer
from models import LeadStatus

ENTITY = "lead_status"
DEFAULT_STATUSES = (
    ("Open", "A new lead: nobody has worked on it yet."),
    ("Contacting", "You are trying to reach the lead."),
    ("Qualified", "The lead has the right profile and interest."),
    ("Disqualified", "The lead is not relevant."),
    ("Re-nurture", "Not now: follow up later."),
)
MAX_DESCRIPTION = 1000


async def create_default_statuses(company_id: int) -> None:
    await LeadStatus.bulk_create(
        [
            LeadStatus(company_id=company_id, name=name, description=description, position=i, is_initial=i == 0)
            for i, (name, description) in enumerate(DEFAULT_STATUSES)
        ]
    )


def require_admin(viewer: Viewer, path: tuple[str, ...]) -> None:
    """Statuses, categories and groups are the company's set-up: admins change them."""
    if not viewer.is_admin:
        raise fail("Only admins change the company's lead statuses and categories.", ErrorCode.PERMISSION_DENIED, *path)


async def list_statuses(viewer: Viewer, *, include_retired: bool = True) -> list[LeadStatus]:
    query = LeadStatus.filter(company_id=viewer.company_id)
    if not include_retired:
        query = query.filter(retired_at=None)
    return await query.order_by("position", "id")


async def get_status(viewer: Viewer, status_id: int, path: tuple[str, ...] = ("input", "id")) -> LeadStatus:
    status = await LeadStatus.get_or_none(id=status_id, company_id=viewer.company_id)
    if status is None:
        raise fail("Lead status not found.", ErrorCode.NOT_FOUND, *path)
    return status


async def initial_status_id(company_id: int) -> int | None:
    ids = await LeadStatus.filter(company_id=company_id, is_initial=True).limit(1).values_list("id", flat=True)
    return int(cast(list[int], ids)[0]) if ids else None


def _clean(name: str | None, description: str | None, *, creating: bool) -> dict[str, Any]:
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    if name is not None or creating:
        cleaned, errs = text(name, ("input", "name"), required=True, max_length=100)
        errors += errs
        if cleaned is not None:
            out["name"] = cleaned
    if description is not None:
        cleaned, errs = text(description, ("input", "description"), max_length=MAX_DESCRIPTION)
        errors += errs
        out["description"] = cleaned or ""
    if errors:
        raise DomainError(errors)
    return out


async def _check_unique(viewer: Viewer, name: str, except_id: int | None = None) -> None:
    if await folded_name_taken(LeadStatus.filter(company_id=viewer.company_id), name, except_id):
        raise fail(f"A lead status named {name!r} already exists.", ErrorCode.DUPLICATE, "input", "name")


async def create_status(viewer: Viewer, name: str, description: str | None = None) -> LeadStatus:
    """A new status at the end of the list."""
    require_admin(viewer, ("input",))
    values = _clean(name, description, creating=True)
    await _check_unique(viewer, values["name"])
    async with in_transaction():
        last = await LeadStatus.filter(company_id=viewer.company_id).order_by("-position").first()
        status = await LeadStatus.create(
            company_id=viewer.company_id, position=(last.position + 1) if last else 0, **values
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, status.id, "CREATED", "name", None, status.name)]
        )
    return status


async def update_status(
    viewer: Viewer,
    status_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    retired: bool | None = None,
    initial: bool | None = None,
) -> LeadStatus:
    """Rename, describe, retire or restore a status, or make it the initial one."""
    require_admin(viewer, ("input",))
    status = await get_status(viewer, status_id)
    values: dict[str, object] = dict(_clean(name, description, creating=False))
    if "name" in values:
        await _check_unique(viewer, str(values["name"]), except_id=status.id)
    if initial is False and status.is_initial:
        raise fail(
            "A company always has an initial status: make another status initial instead.",
            ErrorCode.INVALID,
            "input",
            "is_initial",
        )
    becomes_initial = initial is True and not status.is_initial
    retiring = retired is True and status.retired_at is None
    if retiring and (status.is_initial or becomes_initial):
        raise fail(
            "The initial status cannot be retired: persons start at it. Make another status initial first.",
            ErrorCode.CONFLICT,
            "input",
            "is_retired",
        )
    if becomes_initial and status.retired_at is not None and retired is not False:
        raise fail("A retired status cannot be the initial one.", ErrorCode.LEAD_STATUS_RETIRED, "input", "is_initial")
    before = {"name": status.name, "description": status.description, "retired_at": status.retired_at}
    if retiring:
        values["retired_at"] = dt.datetime.now(dt.UTC)
    elif retired is False:
        values["retired_at"] = None
    async with in_transaction():
        if becomes_initial:
            await LeadStatus.filter(company_id=viewer.company_id, is_initial=True).update(is_initial=False)
            values["is_initial"] = True
        for key, value in values.items():
            setattr(status, key, value)
        await status.save()
        after = {k: v for k, v in values.items() if k in before}
        entries = changelog.field_changes(viewer, viewer.company_id, ENTITY, status.id, before, after)
        if becomes_initial:
            entries.append(
                changelog.entry(viewer, viewer.company_id, ENTITY, status.id, "UPDATED", "is_initial", False, True)
            )
        await changelog.write(entries)
    return status


async def reorder_statuses(viewer: Viewer, status_ids: list[int]) -> list[LeadStatus]:
    """Put the statuses in the order given; every status of the company, retired ones too."""
    require_admin(viewer, ("input",))
    statuses = await list_statuses(viewer)
    known = {s.id: s for s in statuses}
    if len(set(status_ids)) != len(status_ids):
        raise fail("A status is listed twice.", ErrorCode.INVALID, "input", "ids")
    if set(status_ids) - known.keys():
        raise fail("Lead status not found.", ErrorCode.NOT_FOUND, "input", "ids")
    if set(status_ids) != known.keys():
        raise fail("List every lead status of the company, retired ones too.", ErrorCode.INVALID, "input", "ids")
    before = [s.id for s in statuses]
    async with in_transaction():
        for position, status_id in enumerate(status_ids):
            if known[status_id].position != position:
                known[status_id].position = position
                await LeadStatus.filter(id=status_id).update(position=position)
        if before != status_ids:
            await changelog.write(
                [changelog.entry(viewer, viewer.company_id, ENTITY, "*", "REORDERED", "position", before, status_ids)]
            )
    return [known[i] for i in status_ids]
