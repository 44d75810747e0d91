"""Selections (SPEC §8): saved searches over persons or organizations, static or dynamic."""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.base import TimestampMixin
from models.contacts.contact import Organization, Person


class SelectionEntity(str, Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


class SelectionKind(str, Enum):
    # The members found when the selection was saved, kept as they were.
    STATIC = "STATIC"
    # The criteria, evaluated again on every read.
    DYNAMIC = "DYNAMIC"


class Selection(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="selections", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    entity = fields.CharEnumField(SelectionEntity, max_length=16)
    kind = fields.CharEnumField(SelectionKind, max_length=16)
    # A list of conditions, combined with AND (domain.contacts.selection_criteria).
    criteria: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Shared selections are read by everyone in the company; the others by their owner only.
    is_shared = fields.BooleanField(default=False)
    # When the members of a static selection were taken.
    members_saved_at = fields.DatetimeField(null=True)

    company_id: int
    owner_id: int | None

    class Meta:
        table = "selection"
        indexes = (("company_id", "name"),)


class SelectionMember(Model):
    """One member of a static selection: a person or an organization."""

    id = fields.BigIntField(primary_key=True)
    selection: fields.ForeignKeyRelation[Selection] = fields.ForeignKeyField(
        "models.Selection", related_name="members", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )

    selection_id: int
    person_id: int | None
    organization_id: int | None

    class Meta:
        table = "selection_member"
        indexes = (
            ("selection_id", "person_id"),
            ("selection_id", "organization_id"),
            ("person_id",),
            ("organization_id",),
        )
