"""Saved filters of the inbox (SPEC §3.2): named, owned by a user, private or shared with the
company, and marked favourite by each user for themselves.

A private filter is its owner's alone: to anyone else, admins included, it does not exist
(NOT_FOUND, never listed). A shared one is listed to, used and marked favourite by everyone in
the company; only its owner changes or deletes it. The filter is stored as JSON
(:func:`query_to_json`): quick and predefined filters, search and the custom conditions; not the
archive flag or the sort, which the list being looked at decides.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, fail
from domain import changelog
from domain.columns.column import UnknownColumn
from domain.leads.conditions import PredefinedLeadFilter
from domain.leads.filter import InvalidFilter, compile_group, group_from_json
from domain.leads.query import LeadQuery, query_columns
from domain.refs import check_labels, check_owner_user, check_team
from domain.validation import text
from domain.viewer import Viewer
from models import LeadSource, SavedFilter, SavedFilterFavorite

ENTITY = "saved_filter"


def query_to_json(query: LeadQuery) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sources": [s.value for s in query.sources],
        "label_ids": list(query.label_ids),
        "owner_user_ids": list(query.owner_user_ids),
        "team_ids": list(query.team_ids),
        "predefined": [p.value for p in query.predefined],
        "search": query.search,
        "conditions": query.conditions.to_json() if query.conditions is not None else None,
    }
    if query.lead_status_ids:
        data["lead_status_ids"] = list(query.lead_status_ids)
    return data


def query_from_json(data: dict[str, Any]) -> LeadQuery:
    conditions = data.get("conditions")
    return LeadQuery(
        sources=[LeadSource(s) for s in data.get("sources", [])],
        label_ids=list(data.get("label_ids", [])),
        owner_user_ids=list(data.get("owner_user_ids", [])),
        team_ids=list(data.get("team_ids", [])),
        predefined=[PredefinedLeadFilter(p) for p in data.get("predefined", [])],
        lead_status_ids=list(data.get("lead_status_ids", [])),
        search=data.get("search"),
        conditions=group_from_json(conditions) if conditions else None,
    )


async def check_query(viewer: Viewer, query: LeadQuery, path: tuple[str, ...]) -> None:
    """Refuse a filter naming another company's labels, users or teams, or not fitting its columns."""
    if query.also:
        raise fail("A saved filter cannot use another saved filter.", ErrorCode.INVALID, *path, "saved_filter_id")
    await check_labels(viewer, query.label_ids, (*path, "label_ids"))
    for user_id in query.owner_user_ids:
        await check_owner_user(viewer, user_id, (*path, "owner_ids"))
    for team_id in query.team_ids:
        await check_team(viewer, team_id, (*path, "team_ids"))
    if query.conditions is None:
        return
    try:
        columns = await query_columns(viewer, query)
        compile_group(query.conditions, columns, viewer, dt.datetime.now(dt.UTC))
    except UnknownColumn as exc:
        raise fail(exc.message, ErrorCode.INVALID_FILTER, *path, "conditions") from exc
    except InvalidFilter as exc:
        raise fail(exc.detail, ErrorCode.INVALID_FILTER, *path, "conditions", *exc.path) from exc


def can_see_saved_filter(viewer: Viewer, saved: SavedFilter) -> bool:
    """A shared saved filter is the company's; a private one only its owner's."""
    return saved.owner_id == viewer.user_id or saved.shared


async def get_saved_filter(viewer: Viewer, filter_id: int, path: tuple[str, ...] = ("input", "id")) -> SavedFilter:
    saved = await SavedFilter.get_or_none(id=filter_id, company_id=viewer.company_id)
    if saved is None or not can_see_saved_filter(viewer, saved):
        raise fail("Saved filter not found.", ErrorCode.NOT_FOUND, *path)
    return saved


async def _own(viewer: Viewer, filter_id: int) -> SavedFilter:
    saved = await get_saved_filter(viewer, filter_id)
    if saved.owner_id != viewer.user_id:
        raise fail("Only its owner changes a saved filter.", ErrorCode.PERMISSION_DENIED, "input", "id")
    return saved


async def visible_filters(viewer: Viewer) -> list[SavedFilter]:
    """The viewer's own filters and those shared in the company, by name."""
    own = await SavedFilter.filter(company_id=viewer.company_id, owner_id=viewer.user_id)
    shared = await SavedFilter.filter(company_id=viewer.company_id, shared=True).exclude(owner_id=viewer.user_id)
    return sorted([*own, *shared], key=lambda f: (f.name.lower(), f.id))


async def favorite_ids(viewer: Viewer, filter_ids: list[int]) -> set[int]:
    rows = await SavedFilterFavorite.filter(user_id=viewer.user_id, saved_filter_id__in=filter_ids).values_list(
        "saved_filter_id", flat=True
    )
    return set(cast(list[int], rows))


def _name(name: str | None) -> str:
    cleaned, errors = text(name, ("input", "name"), required=True)
    if errors:
        raise DomainError(errors)
    assert cleaned is not None
    return cleaned


async def create_saved_filter(
    viewer: Viewer, name: str, query: LeadQuery, *, shared: bool = False, favorite: bool = False
) -> SavedFilter:
    cleaned = _name(name)
    await check_query(viewer, query, ("input", "filter"))
    async with in_transaction():
        saved = await SavedFilter.create(
            company_id=viewer.company_id,
            owner_id=viewer.user_id,
            name=cleaned,
            shared=shared,
            definition=query_to_json(query),
        )
        if favorite:
            await SavedFilterFavorite.create(saved_filter_id=saved.id, user_id=viewer.user_id)
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, saved.id, "CREATED", "name", None, cleaned)]
        )
    return saved


async def update_saved_filter(
    viewer: Viewer,
    filter_id: int,
    *,
    name: str | None = None,
    query: LeadQuery | None = None,
    shared: bool | None = None,
) -> SavedFilter:
    saved = await _own(viewer, filter_id)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _name(name)
    if query is not None:
        await check_query(viewer, query, ("input", "filter"))
        changes["definition"] = query_to_json(query)
    if shared is not None:
        changes["shared"] = shared
    before = {k: getattr(saved, k) for k in changes}
    async with in_transaction():
        for k, v in changes.items():
            setattr(saved, k, v)
        if changes:
            await saved.save()
            if shared is False:
                # Unshared: the others' favourite marks go with it, they can no longer see it.
                await SavedFilterFavorite.filter(saved_filter_id=saved.id).exclude(user_id=viewer.user_id).delete()
        await changelog.write(changelog.field_changes(viewer, viewer.company_id, ENTITY, saved.id, before, changes))
    return saved


async def delete_saved_filter(viewer: Viewer, filter_id: int) -> None:
    saved = await _own(viewer, filter_id)
    async with in_transaction():
        await saved.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, filter_id, "DELETED", "name", saved.name, None)]
        )


async def set_favorite(viewer: Viewer, filter_id: int, favorite: bool) -> SavedFilter:
    """Mark (or unmark) a filter the viewer can see as one of their favourites."""
    saved = await get_saved_filter(viewer, filter_id)
    if favorite:
        if not await SavedFilterFavorite.exists(saved_filter_id=saved.id, user_id=viewer.user_id):
            # Marked at the same moment by another request of the same user: marked either way.
            with contextlib.suppress(IntegrityError):
                await SavedFilterFavorite.create(saved_filter_id=saved.id, user_id=viewer.user_id)
    else:
        await SavedFilterFavorite.filter(saved_filter_id=saved.id, user_id=viewer.user_id).delete()
    return saved
