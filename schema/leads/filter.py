"""The inbox's filter and sort as GraphQL input: quick and predefined filters, search, and custom
filters (a tree of conditions over columns); and :func:`lead_query`, which turns them into the
domain's LeadQuery for every caller that takes them (the inbox, saved filters, exports,
conversions, the read engine).

In a query a malformed id or an unknown saved filter is a top-level error; in a mutation
(``path`` given) it is a userError at that path, as mutation input errors are.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.errors import DomainError, PublicError
from core.ids import decode_id, decode_input_id
from domain.columns.filter_refs import FilterRef, check_filter_refs
from domain.leads.filter import Condition, FilterGroup, FilterOp, FilterOperator
from domain.leads.query import LeadQuery, LeadSortField, SortDirection
from domain.leads.saved_filter import get_saved_filter, query_from_json
from domain.viewer import Viewer
from schema.base import describe_values, user_errors
from schema.leads.lead import LeadSortFieldEnum, LeadSourceEnum, PredefinedLeadFilterEnum, SortDirectionEnum

FilterOperatorEnum = FilterOperator
strawberry.enum(
    FilterOperatorEnum,
    name="FilterOperator",
    description=(
        "How a condition compares its column. Text: EQUALS, NOT_EQUALS, CONTAINS, STARTS_WITH, IS_ONE_OF, "
        "IS_NOT_ONE_OF (case-insensitive). Numbers and money: EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN, "
        "BETWEEN. Dates and times: EQUALS, NOT_EQUALS, BEFORE, AFTER, BETWEEN, IN_LAST_DAYS (dates only). "
        "Options, labels, users, persons, organizations and owners, by id: EQUALS, NOT_EQUALS, IS_ONE_OF, "
        "IS_NOT_ONE_OF (for labels and multiple options: has any of / has none of). Every filterable column: "
        "IS_EMPTY, IS_NOT_EMPTY. NOT_EQUALS and IS_NOT_ONE_OF include records without a value."
    ),
)
FilterGroupOperatorEnum = FilterOp
strawberry.enum(
    FilterGroupOperatorEnum, name="FilterGroupOperator", description="How a group combines its conditions and groups."
)
describe_values(FilterGroupOperatorEnum, {"AND": "All must match.", "OR": "At least one must match."})
describe_values(
    FilterOperatorEnum,
    {
        "EQUALS": "The value equals `value` (text ignores case).",
        "NOT_EQUALS": "The value differs from `value`, or there is none.",
        "CONTAINS": "The text contains `value`, ignoring case.",
        "STARTS_WITH": "The text starts with `value`, ignoring case.",
        "IS_EMPTY": "There is no value.",
        "IS_NOT_EMPTY": "There is a value.",
        "GREATER_THAN": "The number is greater than `value`.",
        "LESS_THAN": "The number is less than `value`.",
        "BETWEEN": "Between `values[0]` and `values[1]`, both included.",
        "IS_ONE_OF": "Equals one of `values` (for lists: has any of them).",
        "IS_NOT_ONE_OF": "Equals none of `values` (for lists: has none of them), or there is no value.",
        "BEFORE": "The date or time is before `value`.",
        "AFTER": "The date or time is after `value`.",
        "IN_LAST_DAYS": "The date is within the last `value` days up to today (UTC).",
    },
)


@strawberry.input(description="One condition: a column (a key of `leadColumns`), an operator and its value(s).")
class ConditionInput:
    column: str = strawberry.field(description="A filterable column key of `leadColumns`, e.g. `person.name`.")
    operator: FilterOperatorEnum = strawberry.field(
        description="An operator the column's type takes (see FilterOperator)."
    )
    value: JSON | None = strawberry.field(
        default=None,
        description=(
            "For one-value operators: text, a number, a date `YYYY-MM-DD` (or a time with its offset for "
            "time stamps), `HH:MM`, an option id, a global id, true/false; a number of days for IN_LAST_DAYS."
        ),
    )
    values: list[JSON] | None = strawberry.field(
        default=None, description="For IS_ONE_OF and IS_NOT_ONE_OF: the values; for BETWEEN: [lower, upper]."
    )


@strawberry.input(description="Conditions and nested groups, all combined with `op` (AND by default).")
class FilterGroupInput:
    op: FilterGroupOperatorEnum = strawberry.field(default=FilterOp.AND, description="AND (all) or OR (any).")
    conditions: list[ConditionInput] | None = strawberry.field(default=None, description="The group's conditions.")
    groups: list[FilterGroupInput] | None = strawberry.field(default=None, description="Nested groups.")


@strawberry.input(
    description=(
        "The inbox's quick filters, predefined filters, search, custom conditions and a saved filter, "
        "combined with AND. An id of a label, user, team or lead status that the company does not have "
        "is NOT_FOUND naming the field (a top-level error in a query, a userError in a mutation)."
    )
)
class LeadFilter:
    archived: bool = strawberry.field(default=False, description="The archived list instead of the active one.")
    sources: list[LeadSourceEnum] | None = strawberry.field(
        default=None,
        description="Leads with any of these sources.",
    )
    label_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leads carrying any of these labels."
    )
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leads owned by any of these users."
    )
    team_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leads owned by any of these teams or by one of their members."
    )
    predefined: list[PredefinedLeadFilterEnum] | None = strawberry.field(
        default=None,
        description="Ready-made filters; a lead must match all of them.",
    )
    lead_status_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "Leads whose linked person shows any of these lead statuses (a status hidden by the "
            "organization's category does not count)."
        ),
    )
    search: str | None = strawberry.field(
        default=None, description="Text in the title, person or organization name, an email or a phone number."
    )
    conditions: FilterGroupInput | None = strawberry.field(
        default=None, description="A custom filter: AND/OR groups of conditions over any column of `leadColumns`."
    )
    saved_filter_id: strawberry.ID | None = strawberry.field(
        default=None, description="A saved filter (`savedFilters`) applied as well, combined with AND."
    )


@strawberry.input(description="One sort column and a direction; ties are broken by id, empty values come last.")
class LeadSort:
    field: LeadSortFieldEnum = strawberry.field(
        default=LeadSortField.CREATED_AT,
        description="What to sort by; ignored when `column` is given.",
    )
    column: str | None = strawberry.field(
        default=None,
        description=(
            "Any sortable column of `leadColumns` (person, organization and custom fields too), instead of `field`."
        ),
    )
    direction: SortDirectionEnum = strawberry.field(
        default=SortDirection.DESC,
        description="ASC or DESC; newest first by default.",
    )


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

