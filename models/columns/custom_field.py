"""Custom field definitions (SPEC §9): one set shared by leads and deals, one for persons, one
for organizations. Values live on the records themselves, in their ``custom_fields`` JSON, by key.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company
from models.base import TimestampMixin


class CustomFieldEntity(str, Enum):
    # Leads and deals share one set of definitions: values move between them on conversion.
    LEAD_DEAL = "LEAD_DEAL"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


class CustomFieldType(str, Enum):
    TEXT = "TEXT"
    LARGE_TEXT = "LARGE_TEXT"
    NUMBER = "NUMBER"
    MONETARY = "MONETARY"
    DATE = "DATE"
    TIME = "TIME"
    SINGLE_OPTION = "SINGLE_OPTION"
    MULTIPLE_OPTIONS = "MULTIPLE_OPTIONS"
    USER = "USER"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"
    # Computed on read from other fields of a deal; never stored, never on leads.
    FORMULA = "FORMULA"


class CustomField(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="custom_fields", on_delete=fields.CASCADE
    )
    entity = fields.CharEnumField(CustomFieldEntity, max_length=16)
    # Stable: renaming a field never changes its key, so stored values keep their meaning.
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=255)
    type = fields.CharEnumField(CustomFieldType, max_length=20)
    # For option fields: a list of {"id", "label", "color"}.
    options: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    position = fields.IntField(default=0)
    # For FORMULA fields: the expression, e.g. "{value} * {probability} / 100".
    formula = fields.TextField(null=True)
    # Deleting a field hides it; the values stay on the records until they are purged.
    deleted_at = fields.DatetimeField(null=True)

    company_id: int

    class Meta:
        table = "custom_field"
        unique_together = (("company", "entity", "key"),)
        indexes = (("company_id", "entity", "position"),)
