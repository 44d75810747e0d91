"""The prospect database (SPEC §7): person and organization profiles shared by every company.

This is not tenant data: the operator loads it, every company searches the same rows, and a
company gets its own copy (person, organization, lead) only by buying a profile. Search
filters each have an index ending in ``id``, so that a filtered page in id order is an index
range scan whichever filter is the most selective.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Seniority(str, Enum):
    ENTRY = "ENTRY"
    SENIOR = "SENIOR"
    MANAGER = "MANAGER"
    DIRECTOR = "DIRECTOR"
    VP = "VP"
    C_LEVEL = "C_LEVEL"
    OWNER = "OWNER"
    PARTNER = "PARTNER"


class Department(str, Enum):
    EXECUTIVE = "EXECUTIVE"
    SALES = "SALES"
    MARKETING = "MARKETING"
    ENGINEERING = "ENGINEERING"
    PRODUCT = "PRODUCT"
    IT = "IT"
    FINANCE = "FINANCE"
    HUMAN_RESOURCES = "HUMAN_RESOURCES"
    OPERATIONS = "OPERATIONS"
    CUSTOMER_SUCCESS = "CUSTOMER_SUCCESS"
    LEGAL = "LEGAL"
    PURCHASING = "PURCHASING"


class EmployeeRange(str, Enum):
    """Company size by head count."""

    EMPLOYEES_1_10 = "1-10"
    EMPLOYEES_11_50 = "11-50"
    EMPLOYEES_51_200 = "51-200"
    EMPLOYEES_201_500 = "201-500"
    EMPLOYEES_501_1000 = "501-1000"
    EMPLOYEES_1001_5000 = "1001-5000"
    EMPLOYEES_5001_10000 = "5001-10000"
    EMPLOYEES_10001_PLUS = "10001+"


class RevenueRange(str, Enum):
    """Yearly revenue in US dollars."""

    REVENUE_UNDER_1M = "0-1M"
    REVENUE_1M_10M = "1M-10M"
    REVENUE_10M_50M = "10M-50M"
    REVENUE_50M_100M = "50M-100M"
    REVENUE_100M_500M = "100M-500M"
    REVENUE_500M_1B = "500M-1B"
    REVENUE_1B_PLUS = "1B+"


class ProspectOrganization(Model):
    id = fields.IntField(primary_key=True)
    # The id in the source the profile was loaded from; loading the same id again updates it.
    external_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    # domain.contacts.duplicate.match_key of the name: the "name starts with" filter reads it.
    name_key = fields.CharField(max_length=255)
    domain = fields.CharField(max_length=255, null=True)
    industry = fields.CharField(max_length=100, null=True)
    employee_range = fields.CharEnumField(EmployeeRange, max_length=16, null=True)
    revenue_range = fields.CharEnumField(RevenueRange, max_length=16, null=True)
    # ISO 3166-1 alpha-2.
    country = fields.CharField(max_length=2, null=True)
    city = fields.CharField(max_length=120, null=True)
    street = fields.CharField(max_length=255, null=True)
    postal_code = fields.CharField(max_length=32, null=True)
    phones: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "prospect_organization"
        indexes = (
            ("industry", "id"),
            ("employee_range", "id"),
            ("revenue_range", "id"),
            ("country", "id"),
            ("city", "id"),
            ("name_key", "id"),
        )


class ProspectTitle(Model):
    """Every distinct job title, by its match key: "job title contains" looks through these
    (thousands) rather than through the persons (millions), then picks persons by title id."""

    id = fields.IntField(primary_key=True)
    title_key = fields.CharField(max_length=255, unique=True)

    class Meta:
        table = "prospect_title"


class ProspectPerson(Model):
    id = fields.IntField(primary_key=True)
    external_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    first_name = fields.CharField(max_length=120, null=True)
    last_name = fields.CharField(max_length=120, null=True)
    job_title = fields.CharField(max_length=255, null=True)
    title: fields.ForeignKeyNullableRelation[ProspectTitle] = fields.ForeignKeyField(
        "models.ProspectTitle", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    seniority = fields.CharEnumField(Seniority, max_length=16, null=True)
    department = fields.CharEnumField(Department, max_length=24, null=True)
    country = fields.CharField(max_length=2, null=True)
    city = fields.CharField(max_length=120, null=True)
    organization: fields.ForeignKeyNullableRelation[ProspectOrganization] = fields.ForeignKeyField(
        "models.ProspectOrganization", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The employer as the profile names it, and the employer's industry and size copied from
    # its organization profile: filters on a person never need a join.
    company_name = fields.CharField(max_length=255, null=True)
    company_name_key = fields.CharField(max_length=255, default="")
    industry = fields.CharField(max_length=100, null=True)
    employee_range = fields.CharEnumField(EmployeeRange, max_length=16, null=True)
    # The details a buyer gets; before purchase only whether each exists is shown.
    work_email = fields.CharField(max_length=254, null=True)
    other_emails: fields.JSONField[list[str]] = fields.JSONField(default=list)
    direct_phone = fields.CharField(max_length=64, null=True)
    mobile_phone = fields.CharField(max_length=64, null=True)
    secondary_phones: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    linkedin_url = fields.CharField(max_length=255, null=True)
    # [{"company", "title", "start", "end"}], latest first.
    work_history: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    # Erased on the person's request: the row stays as a tombstone without personal data,
    # so that search never finds it and a reload of the same source never brings it back.
    erased_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    title_id: int | None
    organization_id: int | None

    class Meta:
        table = "prospect_person"
        indexes = (
            ("seniority", "id"),
            ("department", "id"),
            ("country", "id"),
            ("city", "id"),
            ("industry", "id"),
            ("employee_range", "id"),
            ("title_id", "id"),
            ("company_name_key", "id"),
            ("organization_id",),
        )


class ProspectSuppression(Model):
    """Digests of the work email and LinkedIn URL of every erased person: a profile carrying
    one of them is never loaded again, whatever id its source gives it."""

    id = fields.IntField(primary_key=True)
    digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "prospect_suppression"
