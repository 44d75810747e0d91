"""What companies did with the prospect database: purchases, their idempotent requests,
reports of incorrect prospects, and saved search filters. All of it is tenant data."""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.contacts.contact import Organization, Person
from models.prospector.prospect import ProspectOrganization, ProspectPerson


class ProspectKind(str, Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


class ReportReason(str, Enum):
    PHONE_NOT_IN_USE = "PHONE_NOT_IN_USE"
    EMAIL_BOUNCES = "EMAIL_BOUNCES"
    WRONG_COMPANY = "WRONG_COMPANY"
    WRONG_JOB_TITLE = "WRONG_JOB_TITLE"
    OTHER = "OTHER"


class ReportStatus(str, Enum):
    OPEN = "OPEN"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


class ProspectPurchase(Model):
    """A prospect a company bought: once per company and prospect, whoever bought it."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ProspectKind, max_length=16)
    prospect_person: fields.ForeignKeyNullableRelation[ProspectPerson] = fields.ForeignKeyField(
        "models.ProspectPerson", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    prospect_organization: fields.ForeignKeyNullableRelation[ProspectOrganization] = fields.ForeignKeyField(
        "models.ProspectOrganization", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    buyer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Not a foreign key: a lead converted to a deal is deleted, and the purchase must still
    # know which lead it made (the deal records it as its source lead).
    lead_id = fields.UUIDField(null=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    credits = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    prospect_person_id: int | None
    prospect_organization_id: int | None
    buyer_id: int | None
    person_id: int | None
    organization_id: int | None

    class Meta:
        table = "prospect_purchase"
        unique_together = (("company", "prospect_person"), ("company", "prospect_organization"))
        indexes = (("company_id", "created_at", "id"), ("company_id", "lead_id"))


class ProspectPurchaseRequest(Model):
    """A purchase made with an idempotency key, and what it returned: a retry with the same
    key gets the same answer and is never charged again."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=128)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The prospects asked for, in order: the same key with other prospects is refused.
    fingerprint = fields.CharField(max_length=64)
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int

    class Meta:
        table = "prospect_purchase_request"
        unique_together = (("company", "key"),)


class ProspectReport(Model):
    """A report that a bought prospect is incorrect, waiting for (or after) the operator's review."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    purchase: fields.ForeignKeyRelation[ProspectPurchase] = fields.ForeignKeyField(
        "models.ProspectPurchase", related_name=False, on_delete=fields.CASCADE
    )
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharEnumField(ReportReason, max_length=24)
    details = fields.TextField(default="")
    status = fields.CharEnumField(ReportStatus, max_length=16, default=ReportStatus.OPEN)
    # The purchase id while the report is open, NULL once reviewed: unique, so that a
    # purchase has at most one open report even when two are filed at the same moment.
    open_key = fields.IntField(null=True, unique=True)
    reviewed_at = fields.DatetimeField(null=True)
    reviewer = fields.CharField(max_length=200, null=True)
    review_note = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    purchase_id: int
    reporter_id: int | None

    class Meta:
        table = "prospect_report"
        indexes = (("status", "created_at", "id"), ("purchase_id", "id"))


class SavedProspectFilter(Model):
    """A named Prospector search of one user."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(ProspectKind, max_length=16)
    criteria: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: int
    user_id: int

    class Meta:
        table = "saved_prospect_filter"
        unique_together = (("user", "name"),)
