"""Saved filters of the inbox: named, private or shared with the company, favourites per user."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from core.ids import to_global_id
from models import SavedFilter as SavedFilterModel
from schema.account import User
from schema.base import InfoT, Node, UserError
from schema.lead import LeadFilter


@strawberry.type(description="A named filter of the inbox; use it with `leads(filter: {savedFilterId: ...})`.")
class SavedFilter(Node):
    id: strawberry.ID
    name: str
    shared: bool = strawberry.field(description="Shared with the company; otherwise only its owner sees it.")
    is_favorite: bool = strawberry.field(description="Marked favourite by the viewer.")
    filter: JSON = strawberry.field(description="The filter, in the shape of the `LeadFilter` input.")
    created_at: dt.datetime
    updated_at: dt.datetime
    _owner_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, saved: SavedFilterModel, favorite: bool) -> SavedFilter:
        from resolvers.lead_filter import filter_json

        return cls(
            id=strawberry.ID(to_global_id("SavedFilter", saved.id)),
            name=saved.name,
            shared=saved.shared,
            is_favorite=favorite,
            filter=filter_json(saved.definition),
            created_at=saved.created_at,
            updated_at=saved.updated_at,
            _owner_id=saved.owner_id,
        )

    @strawberry.field
    async def owner(self, info: InfoT) -> User | None:
        user = await info.context.loaders.user_by_id.load(self._owner_id)
        return User.from_model(user) if user else None


@strawberry.input(description="A new saved filter, private unless shared.")
class CreateSavedFilterInput:
    name: str
    filter: LeadFilter
    shared: bool = False
    favorite: bool = False


@strawberry.input(description="Changes to one of the caller's saved filters; only the fields given change.")
class UpdateSavedFilterInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    filter: LeadFilter | None = strawberry.UNSET
    shared: bool | None = strawberry.UNSET


@strawberry.input
class SetSavedFilterFavoriteInput:
    id: strawberry.ID
    favorite: bool


@strawberry.type
class SavedFilterPayload:
    saved_filter: SavedFilter | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteSavedFilterPayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
