"""Pipelines, stages, deals and the persons taking part in a deal (SPEC §4)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.base import TimestampMixin, Visibility
from models.contacts.contact import Organization, Person


class DealStatus(str, Enum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


class Pipeline(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="pipelines", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    is_default = fields.BooleanField(default=False)

    company_id: int

    class Meta:
        table = "pipeline"


class Stage(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    pipeline: fields.ForeignKeyRelation[Pipeline] = fields.ForeignKeyField(
        "models.Pipeline", related_name="stages", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    probability = fields.IntField(default=100)

    pipeline_id: int

    class Meta:
        table = "stage"
        indexes = (("pipeline_id", "position"),)


class Deal(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="deals", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    # The title folded (domain.fold): what the deals list searches and sorts.
    title_key = fields.CharField(max_length=255, default="", db_default="")
    value_amount = fields.DecimalField(max_digits=18, decimal_places=2, null=True)
    value_currency = fields.CharField(max_length=3, null=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="deals", null=True, on_delete=fields.SET_NULL
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="deals", null=True, on_delete=fields.SET_NULL
    )
    pipeline: fields.ForeignKeyRelation[Pipeline] = fields.ForeignKeyField(
        "models.Pipeline", related_name="deals", on_delete=fields.RESTRICT
    )
    stage: fields.ForeignKeyRelation[Stage] = fields.ForeignKeyField(
        "models.Stage", related_name="deals", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(DealStatus, max_length=8, default=DealStatus.OPEN)
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.COMPANY)
    expected_close_date = fields.DateField(null=True)
    custom_fields: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Raised by one on every update through the API; clients send it back as expectedVersion
    # to detect that someone else changed the record meanwhile (domain.versioned).
    version = fields.IntField(default=1, db_default=1)
    # The lead this deal was converted from, kept after the lead leaves the inbox.
    source_lead_id = fields.UUIDField(null=True)
    won_at = fields.DatetimeField(null=True)
    lost_at = fields.DatetimeField(null=True)
    lost_reason = fields.CharField(max_length=255, null=True)
    deleted_at = fields.DatetimeField(null=True)

    company_id: int
    person_id: int | None
    organization_id: int | None
    pipeline_id: int
    stage_id: int
    owner_id: int | None

    class Meta:
        table = "deal"
        indexes = (
            ("company_id", "deleted_at", "status"),
            ("company_id", "stage_id"),
            ("company_id", "title_key"),
            ("person_id",),
            ("organization_id",),
        )


class DealParticipant(Model):
    """A person taking part in a deal besides its main contact."""

    id = fields.IntField(primary_key=True)
    deal: fields.ForeignKeyRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name="participants", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="deal_participations", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    deal_id: int
    person_id: int

    class Meta:
        table = "deal_participant"
        unique_together = (("deal", "person"),)
