"""Saved Prospector searches: named filters of one user, for persons or organizations."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.errors import ErrorCode, fail
from domain.fold import fold
from domain.prospector.credit import require_prospector
from domain.prospector.query import ProspectFilter, check_filter
from domain.validation import text
from domain.viewer import Viewer
from models import ProspectKind, SavedProspectFilter

MAX_FILTERS = 200


async def get_saved_filter(
    viewer: Viewer, filter_id: int, path: tuple[str, ...] = ("input", "id")
) -> SavedProspectFilter:
    """One of the viewer's own saved filters; anyone else's is NOT_FOUND."""
    row = await SavedProspectFilter.get_or_none(id=filter_id, user_id=viewer.user_id, company_id=viewer.company_id)
    if row is None:
        raise fail("Saved filter not found.", ErrorCode.NOT_FOUND, *path)
    return row


async def save_filter(
    viewer: Viewer, name: str, kind: ProspectKind, conditions: ProspectFilter, filter_id: int | None = None
) -> SavedProspectFilter:
    """Create a saved filter, or replace one of the viewer's (``filter_id``)."""
    await require_prospector(viewer.company_id)
    cleaned, errors = text(name, ("input", "name"), required=True, max_length=100)
    if errors:
        raise fail(errors[0].message, errors[0].code, *(errors[0].field or ()))
    conditions = check_filter(kind, conditions, ("input", "filter"))
    try:
        async with in_transaction():
            if filter_id is None:
                if await SavedProspectFilter.filter(user_id=viewer.user_id).count() >= MAX_FILTERS:
                    raise fail(f"At most {MAX_FILTERS} saved filters.", ErrorCode.TOO_MANY_ITEMS, "input")
                return await SavedProspectFilter.create(
                    company_id=viewer.company_id,
                    user_id=viewer.user_id,
                    name=cleaned,
                    kind=kind,
                    criteria=conditions.to_json(),
                )
            row = await get_saved_filter(viewer, filter_id)
            # cleaned is a str here: text(required=True) gives None only with errors, raised above.
            assert cleaned is not None
            row.name, row.kind, row.criteria = cleaned, kind, conditions.to_json()
            await row.save()
            return row
    except IntegrityError as exc:
        raise fail(f"You have a saved filter named {cleaned!r} already.", ErrorCode.DUPLICATE, "input", "name") from exc


async def delete_filter(viewer: Viewer, filter_id: int) -> None:
    await require_prospector(viewer.company_id)
    row = await get_saved_filter(viewer, filter_id)
    await row.delete()


async def saved_filters(viewer: Viewer, kind: ProspectKind | None = None) -> list[SavedProspectFilter]:
    await require_prospector(viewer.company_id)
    query = SavedProspectFilter.filter(user_id=viewer.user_id, company_id=viewer.company_id)
    if kind is not None:
        query = query.filter(kind=kind)
    # By folded name (domain.fold), the same on both databases.
    return sorted(await query, key=lambda f: (fold(f.name), f.id))
