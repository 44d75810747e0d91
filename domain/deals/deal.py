"""Deals: create, update (stage, status), soft delete and restore, participants; every change logged.

A deal sits in one stage of one pipeline and is OPEN, WON or LOST. The company's plan caps its
open deals (deleted ones do not count, leads never do): whatever would make one more open deal
past the cap, creating, reopening, restoring or converting a lead, is refused with
PLAN_LIMIT_REACHED (SPEC §4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.ids import to_global_id
from core.locks import lock_row
from domain import changelog
from domain.columns.custom_value import clean_values, merge
from domain.contacts.organization import get_organization
from domain.contacts.person import get_person
from domain.deals.pipeline import get_pipeline, placement
from domain.fold import fold_key
from domain.refs import check_owner_user
from domain.validation import money, text
from domain.versioned import check_version, write_changes, write_many
from domain.viewer import Viewer
from models import Company, CustomFieldEntity, Deal, DealParticipant, DealStatus, Organization, Person, Visibility

ENTITY = "deal"
# The title as searched and sorted (domain.fold): kept with the title, never logged.
DERIVED = frozenset({"title_key"})


@dataclass
class DealData:
    title: str | None = None
    person_id: int | None = None
    organization_id: int | None = None
    owner_id: int | None = None
    value_amount: Decimal | None = None
    value_currency: str | None = None
    expected_close_date: dt.date | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    visibility: Visibility | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def deal_global_id(deal_id: int) -> str:
    return to_global_id("Deal", deal_id)


def can_see_deal(viewer: Viewer, deal: Deal) -> bool:
    """Whether the viewer may see this deal of their company, deleted or not."""
    return viewer.can_see(deal.visibility, deal.owner_id)


async def get_deal(
    viewer: Viewer, deal_id: int, path: tuple[str, ...] = ("input", "id"), *, for_update: bool = False
) -> Deal:
    """The deal, deleted or not, if it is the viewer's company's and visible to them; else NOT_FOUND.

    ``for_update`` (inside a transaction) reads the row afresh and holds it against other
    writers until the transaction ends (core.locks), so that a conversion or an update racing
    with another one sees the deal as the first one left it.
    """
    if for_update:
        deal = await lock_row(Deal, deal_id, viewer.company_id)
    else:
        deal = await Deal.get_or_none(id=deal_id, company_id=viewer.company_id)
    if deal is None or not can_see_deal(viewer, deal):
        raise fail("Deal not found.", ErrorCode.NOT_FOUND, *path)
    return deal


async def get_live_deal(
    viewer: Viewer, deal_id: int, path: tuple[str, ...] = ("input", "id"), *, for_update: bool = False
) -> Deal:
    """:func:`get_deal` for changes: a deleted deal must be restored first."""
    deal = await get_deal(viewer, deal_id, path, for_update=for_update)
    if deal.deleted_at is not None:
        raise fail("The deal is deleted; restore it first.", ErrorCode.DELETED, *path)
    return deal


async def check_open_deal_capacity(company_id: int, path: tuple[str, ...]) -> None:
    """Refuse one more open deal past the plan's cap. Call inside the transaction that adds it.

    The company row is locked first (FOR UPDATE on PostgreSQL; SQLite has one writer at a
    time anyway), so that two conversions running at once cannot both take the last place.
    """
    company = await Company.select_for_update().get(id=company_id)
    open_deals = await Deal.filter(company_id=company_id, status=DealStatus.OPEN, deleted_at=None).count()
    if open_deals >= company.open_deals_limit:
        raise fail(
            f"Your plan allows {company.open_deals_limit} open deals and they are all in use; "
            "close or delete a deal, or upgrade the plan. Leads are not limited.",
            ErrorCode.PLAN_LIMIT_REACHED,
            *path,
        )


def _clean_scalars(changes: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = dict(changes)
    if "title" in out:
        out["title"], errs = text(out["title"], (*path, "title"), required=True)
        errors += errs
        out["title_key"] = fold_key(out["title"])
    if "value" in out:
        value = out.pop("value")
        amount, currency = value if value is not None else (None, None)
        out["value_amount"], out["value_currency"], errs = money(amount, currency, (*path, "value"))
        errors += errs
    if "lost_reason" in out:
        out["lost_reason"], errs = text(out["lost_reason"], (*path, "lost_reason"))
        errors += errs
    if errors:
        raise DomainError(errors)
    return out


async def _check_refs(viewer: Viewer, values: dict[str, Any], path: tuple[str, ...]) -> None:
    if "owner_id" in values:
        if values["owner_id"] is None:
            raise fail("A deal must have an owner.", ErrorCode.REQUIRED, *path, "owner_id")
        await check_owner_user(viewer, values["owner_id"], (*path, "owner_id"))
    if values.get("person_id") is not None:
        await get_person(viewer, values["person_id"], (*path, "person_id"))
    if values.get("organization_id") is not None:
        await get_organization(viewer, values["organization_id"], (*path, "organization_id"))


async def _default_title(values: dict[str, Any]) -> str:
    if values.get("person_id") is not None:
        person = await Person.get(id=values["person_id"])
        return f"{person.name} deal"
    organization = await Organization.get(id=values["organization_id"])
    return f"{organization.name} deal"


async def create_deal(viewer: Viewer, data: DealData, path: tuple[str, ...] = ("input",)) -> Deal:
    """Create an open deal; past the plan's cap of open deals it is PLAN_LIMIT_REACHED."""
    if data.person_id is None and data.organization_id is None:
        raise fail(
            "A deal must be linked to a person or an organization.", ErrorCode.CONTACT_REQUIRED, *path, "person_id"
        )
    scalars: dict[str, Any] = {
        "owner_id": data.owner_id if data.owner_id is not None else viewer.user_id,
        "person_id": data.person_id,
        "organization_id": data.organization_id,
    }
    if data.title is not None:
        scalars["title"] = data.title
    if data.value_amount is not None or data.value_currency is not None:
        scalars["value"] = (data.value_amount if data.value_amount is not None else Decimal(0), data.value_currency)
    values = _clean_scalars(scalars, path)
    await _check_refs(viewer, values, path)
    pipeline, stage = await placement(viewer, data.pipeline_id, data.stage_id, path)
    custom = merge(
        {}, await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, data.custom_fields, (*path, "custom_fields"))
    )
    if not values.get("title"):
        values["title"] = await _default_title(values)
        values["title_key"] = fold_key(values["title"])
    async with in_transaction():
        await check_open_deal_capacity(viewer.company_id, path)
        deal = await Deal.create(
            company_id=viewer.company_id,
            pipeline_id=pipeline.id,
            stage_id=stage.id,
            status=DealStatus.OPEN,
            visibility=data.visibility or Visibility.COMPANY,
            expected_close_date=data.expected_close_date,
            custom_fields=custom,
            **values,
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, deal.id, "CREATED", "title", None, deal.title)]
        )
    return deal


async def _placement_changes(viewer: Viewer, deal: Deal, changes: dict[str, Any]) -> dict[str, Any]:
    pipeline_id = changes.pop("pipeline_id", None)
    stage_id = changes.pop("stage_id", None)
    if stage_id is not None:
        pipeline, stage = await placement(viewer, pipeline_id, stage_id, ("input",))
        return {"pipeline_id": pipeline.id, "stage_id": stage.id}
    if pipeline_id is not None and pipeline_id != deal.pipeline_id:
        await get_pipeline(viewer, pipeline_id, ("input", "pipeline_id"))
        pipeline, stage = await placement(viewer, pipeline_id, None, ("input",))
        return {"pipeline_id": pipeline.id, "stage_id": stage.id}
    return {}


def _status_changes(deal: Deal, values: dict[str, Any]) -> dict[str, Any]:
    """The timestamps and reason that go with a status change (or with a new lost reason)."""
    status = DealStatus(values.get("status", deal.status))
    if "lost_reason" in values and values["lost_reason"] is not None and status != DealStatus.LOST:
        raise fail("Only a lost deal has a lost reason.", ErrorCode.INVALID, "input", "lost_reason")
    if "status" not in values or status == deal.status:
        values.pop("status", None)
        return values
    stamp = now()
    if status == DealStatus.WON:
        values.update(won_at=stamp, lost_at=None, lost_reason=None)
    elif status == DealStatus.LOST:
        values.update(lost_at=stamp, won_at=None)
        values.setdefault("lost_reason", None)
    else:
        values.update(won_at=None, lost_at=None, lost_reason=None)
    return values


async def update_deal(
    viewer: Viewer, deal_id: int, changes: dict[str, Any], expected_version: int | None = None
) -> Deal:
    """Apply the given changes (only the keys present) to one deal.

    ``changes`` may hold ``title``, ``value`` (``(amount, currency)`` or None), ``person_id``,
    ``organization_id``, ``owner_id``, ``visibility``, ``expected_close_date``, ``pipeline_id``,
    ``stage_id``, ``status``, ``lost_reason`` and ``custom_fields`` (values by key; None clears).
    The deal is changed under its row lock and only what changes is written (domain.versioned);
    with ``expected_version`` a deal changed meanwhile is a CONFLICT and nothing is written.
    """
    await get_live_deal(viewer, deal_id)
    changes = dict(changes)
    custom = changes.pop("custom_fields", None)
    moves: dict[str, Any] = {k: changes.pop(k) for k in ("pipeline_id", "stage_id") if k in changes}
    values = _clean_scalars(changes, ("input",))
    if "visibility" in values and values["visibility"] is None:
        raise fail("visibility cannot be empty.", ErrorCode.REQUIRED, "input", "visibility")
    if "status" in values and values["status"] is None:
        raise fail("status cannot be empty.", ErrorCode.REQUIRED, "input", "status")
    await _check_refs(viewer, values, ("input",))
    cleaned = (
        await clean_values(viewer, CustomFieldEntity.LEAD_DEAL, custom, ("input", "custom_fields"))
        if custom is not None
        else None
    )
    async with in_transaction():
        deal = await get_live_deal(viewer, deal_id, for_update=True)
        check_version(deal, expected_version, "deal")
        placed = await _placement_changes(viewer, deal, moves)
        if (
            values.get("person_id", deal.person_id) is None
            and values.get("organization_id", deal.organization_id) is None
        ):
            raise fail(
                "A deal must stay linked to a person or an organization.",
                ErrorCode.CONTACT_REQUIRED,
                "input",
                "person_id",
            )
        values = _status_changes(deal, values) | placed
        if cleaned is not None:
            values["custom_fields"] = merge(deal.custom_fields, cleaned)
        if values.get("status") == DealStatus.OPEN:
            await check_open_deal_capacity(viewer.company_id, ("input", "status"))
        before = {k: getattr(deal, k) for k in values}
        changed = await write_changes(deal, values)
        logged = {k: v for k, v in changed.items() if k not in DERIVED}
        await changelog.write(changelog.field_changes(viewer, viewer.company_id, ENTITY, deal.id, before, logged))
    return deal


async def delete_deal(viewer: Viewer, deal_id: int) -> Deal:
    """Soft-delete: the deal leaves every list but stays readable by id and can be restored."""
    deal = await get_live_deal(viewer, deal_id)
    async with in_transaction():
        deal.deleted_at = now()
        await write_many(Deal, [deal.id], deleted_at=deal.deleted_at)
        deal.version += 1
        await changelog.write([changelog.entry(viewer, viewer.company_id, ENTITY, deal.id, "DELETED")])
    return deal


async def restore_deal(viewer: Viewer, deal_id: int) -> Deal:
    """Bring a deleted deal back. A lead made from it when it was converted stays as it is."""
    deal = await get_deal(viewer, deal_id)
    if deal.deleted_at is None:
        raise fail("The deal is not deleted.", ErrorCode.CONFLICT, "input", "id")
    async with in_transaction():
        if deal.status == DealStatus.OPEN:
            await check_open_deal_capacity(viewer.company_id, ("input", "id"))
        deal.deleted_at = None
        await write_many(Deal, [deal.id], deleted_at=None)
        deal.version += 1
        await changelog.write([changelog.entry(viewer, viewer.company_id, ENTITY, deal.id, "RESTORED")])
    return deal


async def add_participant(viewer: Viewer, deal_id: int, person_id: int) -> Deal:
    deal = await get_live_deal(viewer, deal_id, ("input", "deal_id"))
    person = await get_person(viewer, person_id, ("input", "person_id"))
    if await DealParticipant.exists(deal_id=deal.id, person_id=person.id):
        raise fail(f"{person.name} already takes part in this deal.", ErrorCode.DUPLICATE, "input", "person_id")
    async with in_transaction():
        await DealParticipant.create(deal_id=deal.id, person_id=person.id)
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, ENTITY, deal.id, "PARTICIPANT_ADDED", "participants", None, person.name
                )
            ]
        )
    return deal


async def remove_participant(viewer: Viewer, deal_id: int, person_id: int) -> Deal:
    deal = await get_live_deal(viewer, deal_id, ("input", "deal_id"))
    person = await get_person(viewer, person_id, ("input", "person_id"))
    async with in_transaction():
        removed = await DealParticipant.filter(deal_id=deal.id, person_id=person.id).delete()
        if not removed:
            raise fail(f"{person.name} does not take part in this deal.", ErrorCode.NOT_FOUND, "input", "person_id")
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, ENTITY, deal.id, "PARTICIPANT_REMOVED", "participants", person.name, None
                )
            ]
        )
    return deal
