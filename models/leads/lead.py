"""The Leads Inbox: leads and their company-wide labels (SPEC §3.1)."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, Team, User
from models.base import TimestampMixin, Visibility
from models.contacts.contact import Organization, Person

if TYPE_CHECKING:
    from models.deals.deal import Deal


class LeadSource(str, Enum):
    MANUAL = "MANUAL"
    DEAL = "DEAL"
    WEB_FORM = "WEB_FORM"
    PROSPECTOR = "PROSPECTOR"
    CHATBOT = "CHATBOT"
    LIVE_CHAT = "LIVE_CHAT"
    IMPORT = "IMPORT"
    WEB_VISITORS = "WEB_VISITORS"
    WORKFLOW_AUTOMATION = "WORKFLOW_AUTOMATION"
    API = "API"


class LeadLabel(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="lead_labels", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    color = fields.CharField(max_length=16)

    company_id: int

    class Meta:
        table = "lead_label"
        unique_together = (("company", "name"),)


class Lead(TimestampMixin, Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="leads", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    # The title as duplicates are matched (domain.contacts.duplicate.match_key): kept by every write.
    title_key = fields.CharField(max_length=255, default="", db_default="")
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="leads", null=True, on_delete=fields.SET_NULL
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="leads", null=True, on_delete=fields.SET_NULL
    )
    # A lead is owned by a user or by a team: exactly one of the two is set.
    owner_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    value_amount = fields.DecimalField(max_digits=18, decimal_places=2, null=True)
    value_currency = fields.CharField(max_length=3, null=True)
    expected_close_date = fields.DateField(null=True)
    source = fields.CharEnumField(LeadSource, max_length=32)
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.COMPANY)
    custom_fields: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Raised by one on every update through the API; clients send it back as expectedVersion
    # to detect that someone else changed the record meanwhile (domain.versioned).
    version = fields.IntField(default=1, db_default=1)
    was_seen = fields.BooleanField(default=False)
    is_archived = fields.BooleanField(default=False)
    archived_at = fields.DatetimeField(null=True)
    # The earliest activity not yet done, kept up to date by domain.activity so that the
    # inbox can filter and sort on it without a subquery per row.
    next_activity_id = fields.IntField(null=True)
    next_activity_date = fields.DateField(null=True)
    utm_source = fields.CharField(max_length=255, null=True)
    utm_medium = fields.CharField(max_length=255, null=True)
    utm_campaign = fields.CharField(max_length=255, null=True)
    utm_term = fields.CharField(max_length=255, null=True)
    utm_content = fields.CharField(max_length=255, null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The deal this lead was converted from (source DEAL); that deal is soft-deleted and
    # stays readable through this link.
    source_deal: fields.ForeignKeyNullableRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    company_id: int
    person_id: int | None
    organization_id: int | None
    owner_user_id: int | None
    owner_team_id: int | None
    created_by_id: int | None
    source_deal_id: int | None

    class Meta:
        table = "lead"
        # One index per sort the inbox offers, each led by the tenant and the archive flag
        # so that a page is an index range scan; plus the quick-filter columns.
        indexes = (
            ("company_id", "is_archived", "created_at", "id"),
            ("company_id", "is_archived", "updated_at", "id"),
            ("company_id", "is_archived", "title", "id"),
            ("company_id", "is_archived", "value_amount", "id"),
            ("company_id", "is_archived", "expected_close_date", "id"),
            ("company_id", "is_archived", "next_activity_date", "id"),
            ("company_id", "is_archived", "source", "id"),
            ("company_id", "title_key"),
            # An owner filter with the default (newest first) sort reads its page in index order.
            ("company_id", "owner_user_id", "is_archived", "created_at", "id"),
            ("company_id", "owner_team_id", "is_archived", "created_at", "id"),
            ("person_id",),
            ("organization_id",),
        )


class LeadLabelLink(Model):
    id = fields.IntField(primary_key=True)
    lead: fields.ForeignKeyRelation[Lead] = fields.ForeignKeyField(
        "models.Lead", related_name="label_links", on_delete=fields.CASCADE
    )
    label: fields.ForeignKeyRelation[LeadLabel] = fields.ForeignKeyField(
        "models.LeadLabel", related_name="lead_links", on_delete=fields.CASCADE
    )

    lead_id: object
    label_id: int

    class Meta:
        table = "lead_label_link"
        unique_together = (("lead", "label"),)
        indexes = (("label_id", "lead_id"),)
