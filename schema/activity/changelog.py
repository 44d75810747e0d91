"""Change-log entries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import orjson
import strawberry
from strawberry.scalars import JSON

from models import ChangeLogEntry as ChangeLogEntryModel
from schema.base import InfoT, node_type

if TYPE_CHECKING:
    from schema.accounts.account import User


UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]


@strawberry.type(description="One change: who changed which field from what to what, and when.")
class ChangeLogEntry:
    action: str = strawberry.field(description="CREATED, UPDATED, ARCHIVED, UNARCHIVED, NOTE_ADDED, ACTIVITY_DONE, ...")
    field: str | None = strawberry.field(
        description=(
            "The field that changed (as stored, e.g. `title`, `owner_user_id`, `custom_fields.<key>`); null for a "
            "whole-record action."
        ),
    )
    old_value: JSON | None = strawberry.field(
        description="The value before the change, as JSON; null when there was none.",
    )
    new_value: JSON | None = strawberry.field(
        description="The value after the change, as JSON; null when it was cleared.",
    )
    created_at: dt.datetime = strawberry.field(description="When the change was made.")
    _actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, entry: ChangeLogEntryModel) -> ChangeLogEntry:
        return cls(
            action=entry.action,
            field=entry.field,
            old_value=orjson.loads(entry.old_value) if entry.old_value is not None else None,
            new_value=orjson.loads(entry.new_value) if entry.new_value is not None else None,
            created_at=entry.created_at,
            _actor_id=entry.actor_id,
        )

    @strawberry.field(description="Who made the change; none for the system.")
    async def actor(self, info: InfoT) -> UserRef | None:
        if self._actor_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._actor_id)
        return node_type("User").from_model(user) if user else None
