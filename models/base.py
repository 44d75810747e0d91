"""Shared pieces of the data model: enums and the timestamp mixin."""

from __future__ import annotations

from enum import Enum

from tortoise import fields


class Role(str, Enum):
    ADMIN = "ADMIN"
    REGULAR = "REGULAR"


class Visibility(str, Enum):
    OWNER = "OWNER"
    TEAM = "TEAM"
    COMPANY = "COMPANY"


class TimestampMixin:
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
