"""Lead status per contact (SPEC §8): category groups, categories and the ordered statuses.

An organization has a category; a category belongs to a group; a group has lead status
enabled or not. A person's stored status (``Person.lead_status``) is shown only while the
category of its organization is in a group with lead status enabled.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company
from models.base import TimestampMixin


class CategoryGroup(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="category_groups", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    # Persons of organizations whose category is in this group have a visible, editable status.
    lead_status_enabled = fields.BooleanField(default=False)
    position = fields.IntField(default=0)

    company_id: int

    class Meta:
        table = "category_group"
        unique_together = (("company", "name"),)


class Category(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="categories", on_delete=fields.CASCADE
    )
    group: fields.ForeignKeyRelation[CategoryGroup] = fields.ForeignKeyField(
        "models.CategoryGroup", related_name="categories", on_delete=fields.NO_ACTION
    )
    name = fields.CharField(max_length=100)
    position = fields.IntField(default=0)

    company_id: int
    group_id: int

    class Meta:
        table = "category"
        unique_together = (("company", "name"),)
        indexes = (("group_id",),)


class LeadStatus(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="lead_statuses", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    # What a client shows as the status's tooltip.
    description = fields.TextField(default="")
    position = fields.IntField(default=0)
    # The status a person starts at when lead status becomes enabled for it ("Open"):
    # exactly one per company, never a retired one.
    is_initial = fields.BooleanField(default=False)
    # A retired status can no longer be chosen but stays on the persons that hold it.
    retired_at = fields.DatetimeField(null=True)

    company_id: int

    class Meta:
        table = "lead_status"
        unique_together = (("company", "name"),)
