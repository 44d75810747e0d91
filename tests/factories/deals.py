"""Small factories for the deal and conversion tests: each goes through the domain rules."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from core.ids import to_global_id
from domain.activity.activity import ActivityData, create_activity, set_done
from domain.activity.note import create_note
from domain.activity.target import Target
from domain.columns.custom_field import create_custom_field
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import PersonData, create_person
from domain.deals.deal import DealData, create_deal
from domain.leads.lead import LeadData, create_lead
from domain.viewer import Viewer
from models import (
    CustomFieldEntity,
    CustomFieldType,
    Deal,
    Email,
    Lead,
    LeadSource,
    Pipeline,
    Stage,
)


async def make_person(viewer: Viewer, name: str = "Anna Berg") -> int:
    return (await create_person(viewer, PersonData(name=name))).id


async def make_organization(viewer: Viewer, name: str = "Volvo") -> int:
    return (await create_organization(viewer, OrganizationData(name=name))).id


async def make_deal(viewer: Viewer, title: str = "Volvo fleet", **fields: Any) -> Deal:
    if "person_id" not in fields and "organization_id" not in fields:
        fields["organization_id"] = await make_organization(viewer)
    return await create_deal(viewer, DealData(title=title, **fields))


async def make_lead(viewer: Viewer, title: str = "Volvo lead", **fields: Any) -> Lead:
    if "person_id" not in fields and "organization_id" not in fields:
        fields["organization_id"] = await make_organization(viewer)
    return await create_lead(viewer, LeadData(title=title, **fields), LeadSource.MANUAL)


async def make_pipeline(company_id: int, name: str = "Partners", stages: int = 3) -> tuple[Pipeline, list[Stage]]:
    pipeline = await Pipeline.create(company_id=company_id, name=name, position=1)
    made = [await Stage.create(pipeline_id=pipeline.id, name=f"{name} {i}", position=i) for i in range(stages)]
    return pipeline, made


async def add_email(
    viewer: Viewer, subject: str, *, lead_id: uuid.UUID | None = None, deal_id: int | None = None
) -> Email:
    return await Email.create(
        company_id=viewer.company_id,
        lead_id=lead_id,
        deal_id=deal_id,
        from_address="anna@acme.test",
        to_addresses=["buyer@volvo.test"],
        subject=subject,
        sent_at=dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC),
    )


async def add_activity(viewer: Viewer, target: Target, subject: str, *, done: bool = False) -> int:
    activity = await create_activity(viewer, target, ActivityData(subject=subject, due_date=dt.date(2030, 1, 1)))
    if done:
        await set_done(viewer, activity.id, True)
    return activity.id


async def add_note(viewer: Viewer, target: Target, content: str) -> int:
    return (await create_note(viewer, target, content)).id


async def number_field(viewer: Viewer, name: str, key: str | None = None) -> str:
    field = await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, name, CustomFieldType.NUMBER, key=key)
    return field.key


async def formula_field(viewer: Viewer, name: str, formula: str) -> str:
    field = await create_custom_field(
        viewer, CustomFieldEntity.LEAD_DEAL, name, CustomFieldType.FORMULA, formula=formula
    )
    return field.key


def money(amount: str, currency: str = "EUR") -> tuple[Decimal, str]:
    return Decimal(amount), currency


TO_DEALS = """
mutation ($input: ConvertLeadsToDealsInput!) {
  convertLeadsToDeals(input: $input) {
    results {
      leadId
      deal {
        id title sourceLeadId visibility value { amount currency } pipeline { name } stage { name }
        person { name } organization { name } owner { name } customFields { key value }
        notes { content mentions { name } } activities { subject } emails { subject }
        changeLog { action oldValue newValue }
      }
      userErrors { field message code }
    }
    userErrors { field message code }
  }
}
"""
TO_LEADS = """
mutation ($input: ConvertDealsToLeadsInput!) {
  convertDealsToLeads(input: $input) {
    results {
      dealId
      lead {
        id title source value { amount currency } expectedCloseDate visibility owner { ... on User { name } }
        person { name } organization { name } customFields { key value }
        activities { subject done } emails { subject } notes { content }
        changeLog { action field newValue }
        sourceDeal { id title deletedAt activities { subject } products { product { name } } participants { name } }
      }
      userErrors { field message code }
    }
    warnings { dealId message code }
    job { id kind status total }
    userErrors { field message code }
  }
}
"""
LEADS = "query { leads { nodes { id title } } }"
DEALS = "query ($filter: DealFilter) { deals(filter: $filter) { nodes { id title } } }"
NODE = "query ($id: ID!) { node(id: $id) { ... on Deal { title deletedAt changeLog { action newValue } } } }"
RESTORE = "mutation ($input: IdInput!) { restoreDeal(input: $input) { deal { deletedAt } userErrors { code } } }"
JOB = "query ($id: ID!) { job(id: $id) { status total done failed result } }"


def lead_gid(lead_id: Any) -> str:
    return to_global_id("Lead", lead_id)


def deal_gid(deal_id: int) -> str:
    return to_global_id("Deal", deal_id)
