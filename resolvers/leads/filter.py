"""From the `LeadFilter` and `LeadSort` inputs to a domain LeadQuery, and back to JSON for saved filters.

In a query a malformed id or an unknown saved filter is a top-level error; in a mutation
(``path`` given) it is a userError at that path, as mutation input errors are.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.errors import DomainError, PublicError
from core.ids import decode_id, decode_input_id
from domain.columns.filter_refs import FilterRef, check_filter_refs
from domain.leads.filter import Condition, FilterGroup, FilterOp, FilterOperator
from domain.leads.query import LeadQuery, LeadSortField, SortDirection
from domain.leads.saved_filter import get_saved_filter, query_from_json
from domain.viewer import Viewer
from schema.base import user_errors
from schema.leads.filter import FilterGroupInput, LeadFilter, LeadSort


def group_from_input(group: FilterGroupInput) -> FilterGroup:
    return FilterGroup(
        op=FilterOp(group.op),
        conditions=[
            Condition(c.column, FilterOperator(c.operator), c.value, list(c.values) if c.values is not None else None)
            for c in group.conditions or []
        ],
        groups=[group_from_input(g) for g in group.groups or []],
    )


async def check_refs(viewer: Viewer, refs: list[FilterRef], *, as_user_error: bool) -> None:
    """Another company's or an unknown id in a filter: a userError in a mutation, a top-level
    NOT_FOUND error naming the field in a query."""
    try:
        await check_filter_refs(viewer, refs)
    except DomainError as exc:
        if as_user_error:
            raise
        raise PublicError(" ".join(e.message for e in user_errors(exc)), code="NOT_FOUND") from exc


def _ids(values: list[strawberry.ID] | None, type_name: str, path: tuple[str, ...] | None, name: str) -> list[Any]:
    if path is None:
        return [decode_id(v, type_name) for v in values or []]
    return [decode_input_id(v, type_name, *path, name) for v in values or []]


async def lead_query(
    viewer: Viewer, filter: LeadFilter | None, sort: LeadSort | None = None, *, path: tuple[str, ...] | None = None
) -> LeadQuery:
    f = filter or LeadFilter()
    s = sort or LeadSort()
    query = LeadQuery(
        archived=f.archived,
        sources=list(f.sources or []),
        label_ids=_ids(f.label_ids, "LeadLabel", path, "label_ids"),
        owner_user_ids=_ids(f.owner_ids, "User", path, "owner_ids"),
        team_ids=_ids(f.team_ids, "Team", path, "team_ids"),
        predefined=list(f.predefined or []),
        lead_status_ids=_ids(f.lead_status_ids, "LeadStatus", path, "lead_status_ids"),
        search=f.search,
        conditions=group_from_input(f.conditions) if f.conditions is not None else None,
        sort=LeadSortField(s.field),
        sort_column=s.column,
        direction=SortDirection(s.direction),
    )
    await check_refs(
        viewer,
        [
            FilterRef("LeadLabel", query.label_ids, (*(path or ("filter",)), "label_ids")),
            FilterRef("User", query.owner_user_ids, (*(path or ("filter",)), "owner_ids")),
            FilterRef("Team", query.team_ids, (*(path or ("filter",)), "team_ids")),
            FilterRef("LeadStatus", query.lead_status_ids, (*(path or ("filter",)), "lead_status_ids")),
        ],
        as_user_error=path is not None,
    )
    if f.saved_filter_id:
        where = (*(path or ()), "saved_filter_id")
        if path is None:
            try:
                saved = await get_saved_filter(viewer, int(decode_id(f.saved_filter_id, "SavedFilter")), where)
            except DomainError as exc:
                raise PublicError(exc.errors[0].message, code="NOT_FOUND") from exc
        else:
            saved_id = decode_input_id(f.saved_filter_id, "SavedFilter", *where)
            saved = await get_saved_filter(viewer, int(saved_id), where)
        query.also.append(query_from_json(saved.definition))
    return query

