"""Saved filters of the inbox: named, private or shared with the company, favourites per user."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.ids import to_global_id
from models import SavedFilter as SavedFilterModel
from schema.accounts.account import User
from schema.base import InfoT, Node, UserError
from schema.leads.filter import LeadFilter


def filter_json(definition: dict[str, Any]) -> dict[str, Any]:
    """A stored filter in the shape of the `LeadFilter` input, ready to send back as it is."""
    out: dict[str, Any] = {
        "sources": definition.get("sources", []),
        "labelIds": [to_global_id("LeadLabel", i) for i in definition.get("label_ids", [])],
        "ownerIds": [to_global_id("User", i) for i in definition.get("owner_user_ids", [])],
        "teamIds": [to_global_id("Team", i) for i in definition.get("team_ids", [])],
        "predefined": definition.get("predefined", []),
        "search": definition.get("search"),
    }
    if definition.get("lead_status_ids"):
        out["leadStatusIds"] = [to_global_id("LeadStatus", i) for i in definition["lead_status_ids"]]
    if definition.get("conditions"):
        out["conditions"] = definition["conditions"]
    return out


@strawberry.type(description="A named filter of the inbox; use it with `leads(filter: {savedFilterId: ...})`.")
class SavedFilter(Node):
    id: strawberry.ID = strawberry.field(description="The saved filter's global id.")
    name: str = strawberry.field(description="Its name, at most 255 characters.")
    shared: bool = strawberry.field(description="Shared with the company; otherwise only its owner sees it.")
    is_favorite: bool = strawberry.field(description="Marked favourite by the viewer.")
    filter: JSON = strawberry.field(description="The filter, in the shape of the `LeadFilter` input.")
    created_at: dt.datetime = strawberry.field(description="When it was saved.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    _owner_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, saved: SavedFilterModel, favorite: bool) -> SavedFilter:
        return cls(
            id=strawberry.ID(to_global_id("SavedFilter", saved.id)),
            name=saved.name,
            shared=saved.shared,
            is_favorite=favorite,
            filter=JSON(filter_json(saved.definition)),
            created_at=saved.created_at,
            updated_at=saved.updated_at,
            _owner_id=saved.owner_id,
        )

    @strawberry.field(description="The user who saved it; only they can change it.")
    async def owner(self, info: InfoT) -> User | None:
        user = await info.context.loaders.user_by_id.load(self._owner_id)
        return User.from_model(user) if user else None


@strawberry.input(description="A new saved filter, private unless shared.")
class CreateSavedFilterInput:
    name: str = strawberry.field(description="Required, at most 255 characters.")
    filter: LeadFilter = strawberry.field(
        description="The filter to save (`archived` and the sort are not kept); it may not name another saved filter."
    )
    shared: bool = strawberry.field(default=False, description="Share it with everyone in the company.")
    favorite: bool = strawberry.field(default=False, description="Mark it as one of your favourites.")


@strawberry.input(description="Changes to one of the caller's saved filters; only the fields given change.")
class UpdateSavedFilterInput:
    id: strawberry.ID = strawberry.field(description="The saved filter (yours).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name; cannot be emptied.")
    filter: LeadFilter | None = strawberry.field(default=strawberry.UNSET, description="The filter to save instead.")
    shared: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Share it with the company (true) or make it private (false)."
    )


@strawberry.input(description="A saved filter to mark or unmark as your favourite.")
class SetSavedFilterFavoriteInput:
    id: strawberry.ID = strawberry.field(description="Your saved filter or a shared one.")
    favorite: bool = strawberry.field(description="True to mark, false to unmark.")


@strawberry.type(description="The result of a saved filter mutation.")
class SavedFilterPayload:
    saved_filter: SavedFilter | None = strawberry.field(
        default=None, description="The saved filter as it is now; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID, INVALID_FILTER, INVALID_ID, NOT_FOUND, "
            "PERMISSION_DENIED (not its owner). Empty on success."
        ),
    )


@strawberry.type(description="The result of `deleteSavedFilter`.")
class DeleteSavedFilterPayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The deleted filter's id.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was deleted: INVALID_ID, NOT_FOUND, PERMISSION_DENIED (not its owner).",
    )
