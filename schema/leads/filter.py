"""Custom filters of the inbox: a tree of conditions over columns, as GraphQL input."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from domain.leads.filter import FilterOp, FilterOperator
from schema.base import describe_values

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
