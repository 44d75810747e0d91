"""Saved prospect filters: named searches of one user."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.ids import to_global_id
from domain.prospect_query import ProspectFilter
from models import SavedProspectFilter as SavedProspectFilterModel
from schema.base import Node, UserError
from schema.prospect import ProspectFilterInput, ProspectFilterValues, ProspectKindEnum


@strawberry.type(description="A named prospect search of yours.")
class SavedProspectFilter(Node):
    id: strawberry.ID
    name: str
    kind: ProspectKindEnum  # type: ignore[valid-type]
    filter: ProspectFilterValues
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_model(cls, row: SavedProspectFilterModel) -> SavedProspectFilter:
        return cls(
            id=strawberry.ID(to_global_id("SavedProspectFilter", row.id)),
            name=row.name,
            kind=row.kind,
            filter=ProspectFilterValues.from_filter(ProspectFilter.from_json(row.criteria)),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.input(description="Save a prospect search under a name; give `id` to replace one of yours.")
class SaveProspectFilterInput:
    name: str
    kind: ProspectKindEnum  # type: ignore[valid-type]
    filter: ProspectFilterInput
    id: strawberry.ID | None = None


@strawberry.type
class SaveProspectFilterPayload:
    saved_filter: SavedProspectFilter | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteProspectFilterPayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
