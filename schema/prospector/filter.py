"""Saved prospect filters: named searches of one user."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.ids import to_global_id
from domain.prospector.query import ProspectFilter
from models import SavedProspectFilter as SavedProspectFilterModel
from schema.base import Node, UserError
from schema.prospector.prospect import ProspectFilterInput, ProspectFilterValues, ProspectKindEnum


@strawberry.type(description="A named prospect search of yours.")
class SavedProspectFilter(Node):
    id: strawberry.ID = strawberry.field(description="The saved filter's global id.")
    name: str = strawberry.field(description="Its name, unique among yours; at most 100 characters.")
    kind: ProspectKindEnum = strawberry.field(description="Whether it searches persons or organizations.")
    filter: ProspectFilterValues = strawberry.field(description="The search conditions.")
    created_at: dt.datetime = strawberry.field(description="When it was saved.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")

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
    name: str = strawberry.field(description="Required, at most 100 characters, unique among your saved filters.")
    kind: ProspectKindEnum = strawberry.field(description="PERSON or ORGANIZATION.")
    filter: ProspectFilterInput = strawberry.field(description="The search conditions, fitting the kind.")
    id: strawberry.ID | None = strawberry.field(
        default=None, description="One of your saved filters to replace; a new one when left out."
    )


@strawberry.type(description="The result of `saveProspectFilter`.")
class SaveProspectFilterPayload:
    saved_filter: SavedProspectFilter | None = strawberry.field(
        default=None, description="The saved filter; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was saved: PROSPECTOR_NOT_ENABLED, REQUIRED, TOO_LONG, INVALID (a condition the kind does "
            "not take), TOO_MANY_ITEMS (over 50 values, or 200 saved filters), DUPLICATE (name), INVALID_ID, "
            "NOT_FOUND. Empty on success."
        ),
    )


@strawberry.type(description="The result of `deleteProspectFilter`.")
class DeleteProspectFilterPayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The deleted filter's id.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was deleted: INVALID_ID, NOT_FOUND. Empty on success."
    )
