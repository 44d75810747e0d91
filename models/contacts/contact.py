"""Contacts: organizations and persons (SPEC §2)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.base import TimestampMixin, Visibility
from models.contacts.lead_status import Category, LeadStatus


class Organization(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="organizations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    # The name as duplicates are matched (domain.contacts.duplicate.match_key): kept by every write.
    name_key = fields.CharField(max_length=255, default="", db_default="")
    address_street = fields.CharField(max_length=255, null=True)
    address_city = fields.CharField(max_length=120, null=True)
    address_postal_code = fields.CharField(max_length=32, null=True)
    address_country = fields.CharField(max_length=120, null=True)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.COMPANY)
    custom_fields: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Raised by one on every update through the API; clients send it back as expectedVersion
    # to detect that someone else changed the record meanwhile (domain.versioned).
    version = fields.IntField(default=1, db_default=1)
    # Its persons inherit it; its group decides whether they have a lead status (SPEC §8).
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name=False, null=True, on_delete=fields.NO_ACTION
    )

    company_id: int
    owner_id: int | None
    category_id: int | None

    class Meta:
        table = "organization"
        indexes = (("company_id", "name"), ("company_id", "name_key"), ("company_id", "category_id"))


class Person(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="persons", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    # The name as duplicates are matched (domain.contacts.duplicate.match_key): kept by every write.
    name_key = fields.CharField(max_length=255, default="", db_default="")
    first_name = fields.CharField(max_length=120, null=True)
    last_name = fields.CharField(max_length=120, null=True)
    # Lists of {"value", "label", "primary"} (SPEC §2).
    emails: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    phones: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    # Denormalised from the lists above for search and the "with email / with phone" filters:
    # every address lower-cased, every number reduced to its digits, space separated.
    email_search = fields.TextField(default="")
    phone_search = fields.TextField(default="")
    job_title = fields.CharField(max_length=255, null=True)
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="persons", null=True, on_delete=fields.SET_NULL
    )
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.COMPANY)
    custom_fields: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Raised by one on every update through the API; clients send it back as expectedVersion
    # to detect that someone else changed the record meanwhile (domain.versioned).
    version = fields.IntField(default=1, db_default=1)
    # The stored lead status; shown only while the organization's category has lead status
    # enabled, and kept (hidden) when it has not (domain.contacts.lead_status).
    lead_status: fields.ForeignKeyNullableRelation[LeadStatus] = fields.ForeignKeyField(
        "models.LeadStatus", related_name=False, null=True, on_delete=fields.NO_ACTION
    )

    company_id: int
    organization_id: int | None
    owner_id: int | None
    lead_status_id: int | None

    class Meta:
        table = "person"
        indexes = (
            ("company_id", "name"),
            ("company_id", "name_key"),
            ("organization_id",),
            ("company_id", "lead_status_id"),
        )
