"""`prospects`, saved prospect filters: decode, call the rules, shape the results."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import strawberry

from core.errors import DomainError, PublicError
from core.ids import decode_input_id
from core.pagination import page_size
from domain.prospector import filter as filters
from domain.prospector.credit import require_prospector
from domain.prospector.query import ProspectFilter, check_filter, search_prospects
from domain.viewer import Viewer
from models import ProspectKind
from resolvers.common import mutate
from schema.base import AFTER, FIRST, IdInput, InfoT, PageInfo
from schema.prospector.filter import (
    DeleteProspectFilterPayload,
    SavedProspectFilter,
    SaveProspectFilterInput,
    SaveProspectFilterPayload,
)
from schema.prospector.prospect import (
    ProspectConnection,
    ProspectEdge,
    ProspectFilterInput,
    ProspectKindEnum,
    ProspectOrganization,
    ProspectPerson,
)

T = TypeVar("T")


async def query_rule(work: Awaitable[T]) -> T:
    """A rule run for a query: its domain errors become top-level errors with their code."""
    try:
        return await work
    except DomainError as error:
        first = error.errors[0]
        raise PublicError(first.message, code=first.code.value) from error


async def find_prospects(
    viewer: Viewer, kind: ProspectKind, f: ProspectFilter, first: int | None, after: str | None
) -> ProspectConnection:
    await query_rule(require_prospector(viewer.company_id))
    f = await query_rule(_checked(kind, f))
    page = await search_prospects(viewer.company_id, kind, f, page_size(first), after)
    node_type = ProspectPerson if kind == ProspectKind.PERSON else ProspectOrganization
    edges = [
        ProspectEdge(cursor=cursor, node=node_type.from_row(row, row["id"] in page.owned))
        for row, cursor in zip(page.rows, page.cursors, strict=True)
    ]
    return ProspectConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
        _kind=kind,
        _filter=f,
    )


async def _checked(kind: ProspectKind, f: ProspectFilter) -> ProspectFilter:
    return check_filter(kind, f)


@strawberry.type
class ProspectQueries:
    @strawberry.field(
        description=(
            "Search the prospect database: persons or organizations, filtered, in a stable order, at most 500 a "
            "page. Needs the lead-generation add-on (else a PROSPECTOR_NOT_ENABLED error). Contact details are "
            "shown as has* flags until the company buys the prospect."
        )
    )
    async def prospects(
        self,
        info: InfoT,
        kind: Annotated[
            ProspectKindEnum,
            strawberry.argument(description="Persons (the default) or organizations."),
        ] = ProspectKind.PERSON,
        filter: Annotated[
            ProspectFilterInput | None,
            strawberry.argument(
                description="Search conditions (a top-level INVALID error when one does not fit the kind)."
            ),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> ProspectConnection:
        viewer = info.context.require_viewer()
        conditions = filter.to_filter() if filter else ProspectFilter()
        return await find_prospects(viewer, ProspectKind(kind), conditions, first, after or None)

    @strawberry.field(description="Your saved prospect filters, by name.")
    async def prospect_filters(
        self,
        info: InfoT,
        kind: Annotated[
            ProspectKindEnum | None,
            strawberry.argument(description="Only the filters of this kind; null: all."),
        ] = None,
    ) -> list[SavedProspectFilter]:
        viewer = info.context.require_viewer()
        rows = await query_rule(filters.saved_filters(viewer, ProspectKind(kind) if kind else None))
        return [SavedProspectFilter.from_model(r) for r in rows]


@strawberry.type
class ProspectFilterMutation:
    @strawberry.mutation(description="Save a prospect search under a name (or replace one of yours).")
    async def save_prospect_filter(
        self,
        info: InfoT,
        input: Annotated[SaveProspectFilterInput, strawberry.argument(description="The name, kind and conditions.")],
    ) -> SaveProspectFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            filter_id = decode_input_id(input.id, "SavedProspectFilter", "input", "id") if input.id else None
            row = await filters.save_filter(
                viewer,
                input.name,
                ProspectKind(input.kind),
                input.filter.to_filter(),
                filter_id,
            )
            return {"saved_filter": SavedProspectFilter.from_model(row)}

        return await mutate(SaveProspectFilterPayload, work)

    @strawberry.mutation(description="Delete one of your saved prospect filters.")
    async def delete_prospect_filter(
        self,
        info: InfoT,
        input: Annotated[IdInput, strawberry.argument(description="The saved prospect filter to delete.")],
    ) -> DeleteProspectFilterPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            filter_id = decode_input_id(input.id, "SavedProspectFilter", "input", "id")
            await filters.delete_filter(viewer, filter_id)
            return {"deleted_id": input.id}

        return await mutate(DeleteProspectFilterPayload, work)
