"""`savedFilters` and the saved filter mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

import models
from core.ids import decode_input_id
from domain.leads import saved_filter as rules
from resolvers.common import create_once, mutate
from schema.base import IDEMPOTENCY_KEY, IdInput, InfoT, given
from schema.leads.filter import lead_query
from schema.leads.saved_filter import (
    CreateSavedFilterInput,
    DeleteSavedFilterPayload,
    SavedFilter,
    SavedFilterPayload,
    SetSavedFilterFavoriteInput,
    UpdateSavedFilterInput,
)


async def _node(info: InfoT, saved: Any) -> SavedFilter:
    viewer = info.context.require_viewer()
    return SavedFilter.from_model(saved, saved.id in await rules.favorite_ids(viewer, [saved.id]))


def _id(value: strawberry.ID) -> int:
    return int(decode_input_id(value, "SavedFilter", "input", "id"))


@strawberry.type
class SavedFilterQueries:
    @strawberry.field(description="The caller's saved filters and those shared in the company, by name.")
    async def saved_filters(self, info: InfoT) -> list[SavedFilter]:
        viewer = info.context.require_viewer()
        found = await rules.visible_filters(viewer)
        favorites = await rules.favorite_ids(viewer, [f.id for f in found])
        return [SavedFilter.from_model(f, f.id in favorites) for f in found]


@strawberry.type
class SavedFilterMutation:
    @strawberry.mutation(description="Save a filter of the inbox under a name, private unless shared.")
    async def create_saved_filter(
        self,
        info: InfoT,
        input: Annotated[
            CreateSavedFilterInput, strawberry.argument(description="The name, the filter and who sees it.")
        ],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> SavedFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            query = await lead_query(viewer, input.filter, path=("input", "filter"))
            saved = await create_once(
                viewer,
                "createSavedFilter",
                idempotency_key,
                input,
                models.SavedFilter,
                lambda: rules.create_saved_filter(
                    viewer, input.name, query, shared=input.shared, favorite=input.favorite
                ),
            )
            return {"saved_filter": await _node(info, saved)}

        return await mutate(SavedFilterPayload, work)

    @strawberry.mutation(description="Rename, change or (un)share one of your saved filters.")
    async def update_saved_filter(
        self,
        info: InfoT,
        input: Annotated[UpdateSavedFilterInput, strawberry.argument(description="The saved filter and the changes.")],
    ) -> SavedFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            query = None
            if given(input.filter) and input.filter is not None:
                query = await lead_query(viewer, input.filter, path=("input", "filter"))
            saved = await rules.update_saved_filter(
                viewer,
                _id(input.id),
                name=input.name if given(input.name) else None,
                query=query,
                shared=input.shared if given(input.shared) else None,
            )
            return {"saved_filter": await _node(info, saved)}

        return await mutate(SavedFilterPayload, work)

    @strawberry.mutation(description="Delete one of your saved filters.")
    async def delete_saved_filter(
        self,
        info: InfoT,
        input: Annotated[IdInput, strawberry.argument(description="The saved filter to delete (yours).")],
    ) -> DeleteSavedFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            await rules.delete_saved_filter(viewer, _id(input.id))
            return {"deleted_id": input.id}

        return await mutate(DeleteSavedFilterPayload, work)

    @strawberry.mutation(description="Mark a saved filter (yours or a shared one) as a favourite, or unmark it.")
    async def set_saved_filter_favorite(
        self,
        info: InfoT,
        input: Annotated[
            SetSavedFilterFavoriteInput, strawberry.argument(description="The saved filter and the mark.")
        ],
    ) -> SavedFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            saved = await rules.set_favorite(viewer, _id(input.id), input.favorite)
            return {"saved_filter": await _node(info, saved)}

        return await mutate(SavedFilterPayload, work)
