"""Notes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from models import Note as NoteModel
from schema.base import InfoT, Node, node_type

if TYPE_CHECKING:
    from schema.accounts.account import User


UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]


@strawberry.type(description="A note on a lead or contact. `@Full Name` in the text mentions a user.")
class Note(Node):
    id: strawberry.ID = strawberry.field(description="The note's global id.")
    content: str = strawberry.field(description="The text, at most 100,000 characters.")
    created_at: dt.datetime = strawberry.field(description="When the note was written.")
    updated_at: dt.datetime = strawberry.field(description="When the note was last changed.")
    _id: strawberry.Private[int]
    _author_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, note: NoteModel) -> Note:
        return cls(
            id=strawberry.ID(to_global_id("Note", note.id)),
            content=note.content,
            created_at=note.created_at,
            updated_at=note.updated_at,
            _id=note.id,
            _author_id=note.author_id,
        )

    @strawberry.field(description="Who wrote the note; null if that user was removed.")
    async def author(self, info: InfoT) -> UserRef | None:
        if self._author_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._author_id)
        return node_type("User").from_model(user) if user else None

    @strawberry.field(description="The users mentioned in the note.")
    async def mentions(self, info: InfoT) -> list[UserRef]:
        loaders = info.context.loaders
        users = await loaders.user_by_id.load_many(await loaders.mentions_by_note_id.load(self._id))
        return [node_type("User").from_model(u) for u in users if u is not None]
