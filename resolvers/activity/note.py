"""Note mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.errors import ErrorCode, fail
from core.ids import InvalidId, decode_input_id, from_global_id
from domain.activity import note as rules
from domain.activity.target import Target
from resolvers.common import create_once, mutate
from schema.activity.note import Note
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, UserError

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


@strawberry.input(description="A new note on a record you can see.")
class CreateNoteInput:
    target_id: strawberry.ID = strawberry.field(description="The lead, deal, person or organization the note is on.")
    content: str = strawberry.field(
        description="The text, 1 to 100,000 characters; `@Full Name` mentions and notifies an active user."
    )


@strawberry.input(description="A note's new text.")
class UpdateNoteInput:
    id: strawberry.ID = strawberry.field(description="The note.")
    content: str = strawberry.field(description="The new text, 1 to 100,000 characters.")


@strawberry.type(description="The result of a note mutation.")
class NotePayload:
    note: Note | None = strawberry.field(
        default=None, description="The note as saved; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID_ID, NOT_FOUND, PERMISSION_DENIED (not the author nor "
            "an admin). Empty on success."
        ),
    )


@strawberry.type
class NoteMutation:
    @strawberry.mutation(description="Add a note; `@Full Name` of a user in the text mentions them.")
    async def create_note(
        self,
        info: InfoT,
        input: Annotated[CreateNoteInput, strawberry.argument(description="The note and what it is on.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            target = decode_target(input.target_id)
            return {
                "note": Note.from_model(
                    await create_once(
                        viewer,
                        "createNote",
                        idempotency_key,
                        input,
                        models.Note,
                        lambda: rules.create_note(viewer, target, input.content),
                    )
                )
            }

        return await mutate(NotePayload, work)

    @strawberry.mutation(description="Change a note's text (its author or an admin).")
    async def update_note(
        self,
        info: InfoT,
        input: Annotated[UpdateNoteInput, strawberry.argument(description="The note and its new text.")],
    ) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            note_id = decode_input_id(input.id, "Note", "input", "id")
            return {"note": Note.from_model(await rules.update_note(viewer, note_id, input.content))}

        return await mutate(NotePayload, work)

    @strawberry.mutation(description="Delete a note (its author or an admin).")
    async def delete_note(
        self, info: InfoT, input: Annotated[IdInput, strawberry.argument(description="The note to delete.")]
    ) -> NotePayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_note(viewer, decode_input_id(input.id, "Note", "input", "id"))
            return {}

        return await mutate(NotePayload, work)
