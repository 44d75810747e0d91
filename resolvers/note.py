"""Note mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from core.errors import ErrorCode, fail
from core.ids import InvalidId, decode_input_id, from_global_id
from domain import note as rules
from domain.target import Target
from resolvers.common import mutate
from schema.base import IdInput, InfoT, UserError
from schema.note import Note

TARGET_TYPES = {"Lead": "lead", "Deal": "deal", "Person": "person", "Organization": "organization"}


def decode_target(global_id: strawberry.ID) -> Target:
    """A lead, person or organization id as a :class:`Target`, or an INVALID_ID user error."""
    try:
        type_name, _ = from_global_id(global_id)
    except InvalidId as exc:
        raise fail(exc.message, ErrorCode.INVALID_ID, "input", "target_id") from exc
    kind = TARGET_TYPES.get(type_name)
    if kind is None:
        raise fail(
            "targetId must be a lead, deal, person or organization id.", ErrorCode.INVALID_ID, "input", "target_id"
        )
    return Target(kind, decode_input_id(global_id, type_name, "input", "target_id"))


@strawberry.input
class CreateNoteInput:
    target_id: strawberry.ID = strawberry.field(description="The lead, deal, person or organization the note is on.")
    content: str


@strawberry.input
class UpdateNoteInput:
    id: strawberry.ID
    content: str


@strawberry.type
class NotePayload:
    note: Note | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class NoteMutation:
    @strawberry.mutation(description="Add a note; `@Full Name` of a user in the text mentions them.")
    async def create_note(self, info: InfoT, input: CreateNoteInput) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            return {
                "note": Note.from_model(await rules.create_note(viewer, decode_target(input.target_id), input.content))
            }

        return await mutate(NotePayload, work)

    @strawberry.mutation(description="Change a note's text (its author or an admin).")
    async def update_note(self, info: InfoT, input: UpdateNoteInput) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            note_id = decode_input_id(input.id, "Note", "input", "id")
            return {"note": Note.from_model(await rules.update_note(viewer, note_id, input.content))}  # type: ignore[arg-type]

        return await mutate(NotePayload, work)

    @strawberry.mutation(description="Delete a note (its author or an admin).")
    async def delete_note(self, info: InfoT, input: IdInput) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_note(viewer, decode_input_id(input.id, "Note", "input", "id"))  # type: ignore[arg-type]
            return {}

        return await mutate(NotePayload, work)
