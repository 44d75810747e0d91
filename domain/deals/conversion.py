"""Conversions between leads and deals, both ways (SPEC §5), one transaction per record.

Lead → deal: the deal takes the lead's title, contacts, value, custom-field values and close
date (the caller may choose pipeline, stage, visibility and value); notes (with their
mentions), activities and emails move over; the deal remembers its source lead, and the lead
leaves the inbox.

Deal → lead (needs the ``convertDealsToLeads`` permission): the converting user owns the new
lead, whose source is DEAL; standard and custom fields (not formulas, which leads cannot hold),
contacts, activities not yet done, emails and notes move over; done activities, products,
participants and the deal's history stay with the deal, which is soft-deleted and can be
restored (the lead stays either way).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.ids import to_global_id
from domain import changelog
from domain.columns.custom_field import definitions
from domain.columns.custom_value import formula_values, without_formulas
from domain.contacts.duplicate import DuplicatePolicy, Resolution, check_lead
from domain.deals.deal import ENTITY as DEAL_ENTITY
from domain.deals.deal import check_open_deal_capacity, deal_global_id, get_live_deal
from domain.deals.pipeline import placement
from domain.fold import keyed
from domain.leads.lead import ENTITY as LEAD_ENTITY
from domain.next_activity import refresh_next_activity
from domain.validation import money
from domain.versioned import write_many
from domain.viewer import Viewer
from models import (
    Activity,
    CustomField,
    CustomFieldEntity,
    Deal,
    DealStatus,
    Email,
    Lead,
    LeadSource,
    Note,
    Person,
    Pipeline,
    Stage,
    Visibility,
)

K = TypeVar("K")
MAX_IDS = 100
FORMULA_WARNING = "Formula fields were not carried over: leads have no formula fields."


def lead_global_id(lead_id: uuid.UUID) -> str:
    return to_global_id("Lead", lead_id)


def check_ids(ids: Sequence[K], path: tuple[str, ...]) -> list[K]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise fail("Give at least one id.", ErrorCode.REQUIRED, *path)
    if len(wanted) > MAX_IDS:
        raise fail(f"At most {MAX_IDS} ids per call.", ErrorCode.TOO_MANY_ITEMS, *path)
    return wanted


# ---------------------------------------------------------------------------------------------
# Lead → deal


@dataclass
class LeadToDealOptions:
    """What the caller chose; anything left None is taken from each lead (or the default pipeline)."""

    pipeline_id: int | None = None
    stage_id: int | None = None
    visibility: Visibility | None = None
    value: tuple[Decimal, str] | None = None


@dataclass
class LeadConversion:
    lead_id: uuid.UUID
    deal: Deal | None = None
    errors: list[FieldError] = field(default_factory=list)


async def _checked_options(
    viewer: Viewer, options: LeadToDealOptions, path: tuple[str, ...]
) -> tuple[Pipeline, Stage, tuple[Decimal, str] | None]:
    pipeline, stage = await placement(viewer, options.pipeline_id, options.stage_id, path)
    value = None
    if options.value is not None:
        amount, currency, errors = money(options.value[0], options.value[1], (*path, "value"))
        if errors:
            raise DomainError(errors)
        assert amount is not None and currency is not None
        value = (amount, currency)
    return pipeline, stage, value


async def _locked_lead(viewer: Viewer, lead_id: uuid.UUID, path: tuple[str, ...]) -> Lead:
    """The lead, row-locked until the transaction ends (PostgreSQL): of two conversions of one
    lead racing, the second waits and then finds it gone. NOT_FOUND like :func:`get_lead`."""
    lead = await Lead.select_for_update().get_or_none(id=lead_id, company_id=viewer.company_id)
    if lead is None or not viewer.can_see(lead.visibility, lead.owner_user_id, lead.owner_team_id):
        raise fail("Lead not found.", ErrorCode.NOT_FOUND, *path)
    return lead


async def convert_lead_to_deal(
    viewer: Viewer,
    lead_id: uuid.UUID,
    options: LeadToDealOptions | None = None,
    path: tuple[str, ...] = ("input",),
    *,
    item_path: tuple[str, ...] | None = None,
) -> Deal:
    """Turn one lead into an open deal, all or nothing."""
    options = options or LeadToDealOptions()
    pipeline, stage, value = await _checked_options(viewer, options, path)
    where = item_path or (*path, "id")
    async with in_transaction():
        lead = await _locked_lead(viewer, lead_id, where)
        await check_open_deal_capacity(viewer.company_id, where)
        amount, currency = value or (lead.value_amount, lead.value_currency)
        deal = await Deal.create(
            company_id=viewer.company_id,
            value_amount=amount,
            value_currency=currency,
            person_id=lead.person_id,
            organization_id=lead.organization_id,
            pipeline_id=pipeline.id,
            stage_id=stage.id,
            status=DealStatus.OPEN,
            # A team-owned lead becomes the converting user's deal: a deal is owned by a user.
            owner_id=lead.owner_user_id or viewer.user_id,
            visibility=options.visibility or lead.visibility,
            expected_close_date=lead.expected_close_date,
            source_lead_id=lead.id,
            # Leads and deals share their field definitions, so values keep their keys.
            **keyed(Deal, {"title": lead.title, "custom_fields": dict(lead.custom_fields)}),
        )
        moved = {"deal_id": deal.id, "lead_id": None}
        await Note.filter(lead_id=lead.id).update(**moved)
        await Activity.filter(lead_id=lead.id).update(**moved)
        await Email.filter(lead_id=lead.id).update(**moved)
        deal_id = deal_global_id(deal.id)
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, LEAD_ENTITY, lead.id, "CONVERTED_TO_DEAL", "deal", None, deal_id
                ),
                changelog.entry(viewer, viewer.company_id, DEAL_ENTITY, deal.id, "CREATED", "title", None, deal.title),
                changelog.entry(
                    viewer,
                    viewer.company_id,
                    DEAL_ENTITY,
                    deal.id,
                    "CONVERTED_TO_DEAL",
                    "lead",
                    lead_global_id(lead.id),
                    deal_id,
                ),
            ]
        )
        # Everything worth keeping has moved; the label links go with the lead.
        await Lead.filter(id=lead.id, company_id=viewer.company_id).delete()
    return deal


async def convert_leads_to_deals(
    viewer: Viewer, ids: Sequence[uuid.UUID], options: LeadToDealOptions | None = None
) -> list[LeadConversion]:
    """Convert each lead in its own transaction; one lead's failure leaves the others converted.

    Problems with the request itself (no ids, too many, a bad pipeline, stage or value) are
    raised before anything is converted.
    """
    options = options or LeadToDealOptions()
    wanted = check_ids(ids, ("input", "ids"))
    await _checked_options(viewer, options, ("input",))
    results: list[LeadConversion] = []
    for i, lead_id in enumerate(wanted):
        try:
            deal = await convert_lead_to_deal(viewer, lead_id, options, ("input",), item_path=("input", "ids", str(i)))
            results.append(LeadConversion(lead_id, deal))
        except DomainError as error:
            results.append(LeadConversion(lead_id, errors=error.errors))
    return results


# ---------------------------------------------------------------------------------------------
# Deal → lead


@dataclass
class DealConversion:
    deal_id: int
    lead: Lead | None = None
    errors: list[FieldError] = field(default_factory=list)
    # The deal had formula values, which the lead could not take.
    formula_not_carried: bool = False


def check_convert_permission(viewer: Viewer, path: tuple[str, ...] = ("input",)) -> None:
    if not (viewer.is_admin or viewer.can_convert_deals_to_leads):
        raise fail(
            "Converting deals to leads needs the 'convert deals to leads' permission.",
            ErrorCode.PERMISSION_DENIED,
            *path,
        )


async def deal_field_definitions(viewer: Viewer) -> list[CustomField]:
    return await definitions(viewer.company_id, CustomFieldEntity.LEAD_DEAL)


async def convert_deal_to_lead(
    viewer: Viewer,
    deal_id: int,
    path: tuple[str, ...] = ("input", "id"),
    *,
    fields: list[CustomField] | None = None,
    lead_duplicate: Resolution | None = None,
) -> DealConversion:
    """Turn one deal into a lead owned by the viewer and soft-delete the deal, all or nothing.

    This is the rule both the ``convertDealsToLeads`` mutation and the filter-wide job use.
    ``fields`` (the LEAD_DEAL field definitions) may be passed in by a caller converting many.
    """
    check_convert_permission(viewer, path)
    if fields is None:
        fields = await deal_field_definitions(viewer)
    async with in_transaction():
        deal = await get_live_deal(viewer, deal_id, path, for_update=True)
        # The new lead is checked like any other (SPEC §6): a lead with the same title and
        # person is reported as DUPLICATE unless the caller accepts it.
        person_name = (await Person.get(id=deal.person_id)).name if deal.person_id is not None else None
        await check_lead(viewer, deal.title, person_name, DuplicatePolicy(lead=lead_duplicate), (*path, "title"))
        computed = formula_values(fields, deal.custom_fields, deal.value_amount)
        lead = await Lead.create(
            company_id=viewer.company_id,
            person_id=deal.person_id,
            organization_id=deal.organization_id,
            owner_user_id=viewer.user_id,
            value_amount=deal.value_amount,
            value_currency=deal.value_currency,
            expected_close_date=deal.expected_close_date,
            source=LeadSource.DEAL,
            visibility=deal.visibility,
            created_by_id=viewer.user_id,
            source_deal_id=deal.id,
            **keyed(Lead, {"title": deal.title, "custom_fields": without_formulas(fields, deal.custom_fields)}),
        )
        moved = {"lead_id": lead.id, "deal_id": None}
        await Activity.filter(deal_id=deal.id, done=False).update(**moved)
        await Email.filter(deal_id=deal.id).update(**moved)
        await Note.filter(deal_id=deal.id).update(**moved)
        await refresh_next_activity([lead.id])
        deal.deleted_at = dt.datetime.now(dt.UTC)
        await write_many(Deal, [deal.id], deleted_at=deal.deleted_at)
        deal_gid, lead_gid = deal_global_id(deal.id), lead_global_id(lead.id)
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, LEAD_ENTITY, lead.id, "CREATED", "source", None, LeadSource.DEAL
                ),
                changelog.entry(
                    viewer, viewer.company_id, LEAD_ENTITY, lead.id, "CONVERTED_FROM_DEAL", "deal", None, deal_gid
                ),
                changelog.entry(
                    viewer, viewer.company_id, DEAL_ENTITY, deal.id, "CONVERTED_TO_LEAD", "lead", None, lead_gid
                ),
                changelog.entry(viewer, viewer.company_id, DEAL_ENTITY, deal.id, "DELETED"),
            ]
        )
    return DealConversion(deal.id, lead, formula_not_carried=any(v is not None for v in computed.values()))


async def convert_deals_to_leads(
    viewer: Viewer, ids: Sequence[int], lead_duplicate: Resolution | None = None
) -> list[DealConversion]:
    """Convert at most 100 deals, each in its own transaction, reporting each one's outcome."""
    check_convert_permission(viewer)
    wanted = check_ids(ids, ("input", "ids"))
    fields = await deal_field_definitions(viewer)
    results: list[DealConversion] = []
    for i, deal_id in enumerate(wanted):
        try:
            path = ("input", "ids", str(i))
            results.append(
                await convert_deal_to_lead(viewer, deal_id, path, fields=fields, lead_duplicate=lead_duplicate)
            )
        except DomainError as error:
            results.append(DealConversion(deal_id, errors=error.errors))
    return results
