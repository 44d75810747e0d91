"""Custom filters of the inbox: a tree of conditions over columns, as GraphQL input."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from domain.lead_filter import FilterOp, FilterOperator

FilterOperatorEnum = strawberry.enum(
    FilterOperator,
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
FilterGroupOperatorEnum = strawberry.enum(FilterOp, name="FilterGroupOperator")


@strawberry.input(description="One condition: a column (a key of `leadColumns`), an operator and its value(s).")
class ConditionInput:
    column: str
    operator: FilterOperatorEnum  # type: ignore[valid-type]
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
    op: FilterGroupOperatorEnum = FilterOp.AND  # type: ignore[valid-type]
    conditions: list[ConditionInput] | None = None
    groups: list[FilterGroupInput] | None = None
