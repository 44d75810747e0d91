"""How each user looks at the inbox: their chosen columns and their saved filters (SPEC §3.2)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.base import TimestampMixin


class LeadColumnPreference(TimestampMixin, Model):
    """The inbox columns a user chose, in order, by column key (domain.columns). None saved: the defaults."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE, unique=True
    )
    columns: fields.JSONField[list[Any]] = fields.JSONField(default=list)

    company_id: int
    user_id: int

    class Meta:
        table = "lead_column_preference"


class SavedFilter(TimestampMixin, Model):
    """A named inbox filter, owned by a user, private to them or shared with the company."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    shared = fields.BooleanField(default=False)
    # The filter in its stored form (domain.leads.saved_filter): quick, predefined and custom conditions.
    definition: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    company_id: int
    owner_id: int

    class Meta:
        table = "saved_filter"
        indexes = (("company_id", "owner_id"), ("company_id", "shared"))


class SavedFilterFavorite(Model):
    """A favourite mark a user put on a saved filter (their own or a shared one), for quick access."""

    id = fields.IntField(primary_key=True)
    saved_filter: fields.ForeignKeyRelation[SavedFilter] = fields.ForeignKeyField(
        "models.SavedFilter", related_name="favorites", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    saved_filter_id: int
    user_id: int

    class Meta:
        table = "saved_filter_favorite"
        unique_together = (("saved_filter", "user"),)
        indexes = (("user_id", "saved_filter_id"),)
