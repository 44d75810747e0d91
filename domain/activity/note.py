"""Notes on leads and contacts, with @mentions of users, who are notified."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, fail
from domain import changelog
from domain.activity.target import Target, check_target, target_of
from domain.notification import notify
from domain.validation import text
from domain.viewer import Viewer, viewer_for_user
from models import Lead, Note, NoteMention, Organization, Person, User

MAX_NOTE_LENGTH = 100_000
# Characters besides letters and digits that may end the local part of an email address.
EMAIL_LOCAL_PUNCTUATION = "._%+-"


async def find_mentions(company_id: int, content: str) -> list[int]:
    """Users named after an ``@`` in the text: ``@Anna Berg`` mentions the user named Anna Berg.

    Matching ignores case and prefers the longest name, so ``@Anna Bergström`` is not taken for
    a user named "Anna Berg". An ``@`` inside a word is an email address, not a mention:
    ``help@support.com`` does not mention a user named "Support".
    """
    if "@" not in content:
        return []
    lowered = content.lower()
    users = await User.filter(company_id=company_id, is_active=True).values_list("id", "name")
    found: list[int] = []
    for position in [i for i, ch in enumerate(lowered) if ch == "@"]:
        if position > 0 and (lowered[position - 1].isalnum() or lowered[position - 1] in EMAIL_LOCAL_PUNCTUATION):
            continue
        after = lowered[position + 1 :]
        best: tuple[int, int] | None = None
        for user_id, name in users:
            candidate = name.lower()
            if candidate and after.startswith(candidate):
                end = len(candidate)
                if end < len(after) and after[end].isalnum():
                    continue
                if best is None or end > best[1]:
                    best = (user_id, end)
        if best and best[0] not in found:
            found.append(best[0])
    return found


def _clean_content(content: str) -> str:
    cleaned, errors = text(content, ("input", "content"), required=True, max_length=MAX_NOTE_LENGTH)
    if errors:
        raise fail(errors[0].message, errors[0].code, *(errors[0].field or ()))
    assert cleaned is not None
    return cleaned


async def create_note(viewer: Viewer, target: Target, content: str) -> Note:
    await check_target(viewer, target, ("input", "target_id"))
    cleaned = _clean_content(content)
    mentioned = await find_mentions(viewer.company_id, cleaned)
    async with in_transaction():
        note = await Note.create(
            company_id=viewer.company_id, author_id=viewer.user_id, content=cleaned, **target.columns()
        )
        if mentioned:
            await NoteMention.bulk_create([NoteMention(note_id=note.id, user_id=u) for u in mentioned])
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, target.kind, target.key, "NOTE_ADDED", "note", None, note.id)]
        )
        await _notify_mentioned(viewer, note, target, mentioned)
    return note


async def get_note(viewer: Viewer, note_id: int) -> Note:
    note = await Note.get_or_none(id=note_id, company_id=viewer.company_id)
    if note is None:
        raise fail("Note not found.", ErrorCode.NOT_FOUND, "input", "id")
    # A note is as visible as what it is attached to.
    await check_target(viewer, target_of(note), ("input", "id"))
    return note


def _check_author(viewer: Viewer, note: Note) -> None:
    if not viewer.is_admin and note.author_id != viewer.user_id:
        raise fail("Only the author or an admin can change this note.", ErrorCode.PERMISSION_DENIED, "input", "id")


async def update_note(viewer: Viewer, note_id: int, content: str) -> Note:
    note = await get_note(viewer, note_id)
    _check_author(viewer, note)
    cleaned = _clean_content(content)
    mentioned = await find_mentions(viewer.company_id, cleaned)
    async with in_transaction():
        note.content = cleaned
        await note.save()
        known = set(cast(list[int], await NoteMention.filter(note_id=note.id).values_list("user_id", flat=True)))
        await NoteMention.filter(note_id=note.id).exclude(user_id__in=mentioned).delete()
        new = [u for u in mentioned if u not in known]
        if new:
            await NoteMention.bulk_create([NoteMention(note_id=note.id, user_id=u) for u in new])
        target = target_of(note)
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, target.kind, target.key, "NOTE_UPDATED", "note", None, note.id)]
        )
        # Only those the edit mentions for the first time: an edit does not notify twice.
        await _notify_mentioned(viewer, note, target, new)
    return note


# What a note hangs on, by kind: the model and the column that names a row of it.
TARGET_NAMES: dict[str, tuple[type[Lead] | type[Person] | type[Organization], str]] = {
    "lead": (Lead, "title"),
    "person": (Person, "name"),
    "organization": (Organization, "name"),
}


async def _notify_mentioned(viewer: Viewer, note: Note, target: Target, user_ids: Iterable[int]) -> None:
    """Tell each user newly mentioned in the note, in the note's own transaction.

    Never the note's author nor the user writing (mentioning oneself tells nobody anything),
    and never a user who may not see what the note is on: the notification would show them
    its name.
    """
    recipients = [u for u in user_ids if u not in (viewer.user_id, note.author_id)]
    if not recipients:
        return
    what = f"a {target.kind}"
    if target.kind in TARGET_NAMES:
        model, column = TARGET_NAMES[target.kind]
        names = await model.filter(id=target.key).values_list(column, flat=True)
        if names:
            what = f'the {target.kind} "{names[0]}"'
    for user_id in recipients:
        if not await _can_see(await viewer_for_user(user_id), target):
            continue
        await notify(
            viewer.company_id,
            user_id,
            "MENTIONED",
            f"{viewer.name} mentioned you in a note on {what}.",
            subject_id=f"{target.kind.capitalize()}:{target.key}",
            data={"note_id": note.id, "author_id": viewer.user_id},
        )


async def _can_see(viewer: Viewer, target: Target) -> bool:
    try:
        await check_target(viewer, target, ())
    except DomainError:
        return False
    return True


async def delete_note(viewer: Viewer, note_id: int) -> None:
    note = await get_note(viewer, note_id)
    _check_author(viewer, note)
    target = target_of(note)
    async with in_transaction():
        await note.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, target.kind, target.key, "NOTE_DELETED", "note", note_id, None)]
        )
