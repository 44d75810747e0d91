"""Inbox columns: the catalogue (`LeadColumn`) and a lead's typed value for a column (`ColumnValue`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import column_values as cells
from domain.columns import Column, ColumnOption, ColumnSource, ColumnType
from schema.account import Team, User
from schema.base import UserError
from schema.label import LeadLabel

if TYPE_CHECKING:
    from schema.organization import Organization
    from schema.person import Person

PersonRef = Annotated["Person", strawberry.lazy("schema.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.organization")]

ColumnTypeEnum = strawberry.enum(
    ColumnType,
    name="ColumnType",
    description=(
        "What a column holds, which decides its value type and the filter operators it takes. OWNER is a "
        "user or a team; OPTION one choice of a fixed list, OPTIONS several; EMAIL and PHONE a person's "
        "addresses and numbers."
    ),
)
ColumnSourceEnum = strawberry.enum(
    ColumnSource,
    name="ColumnSource",
    description="Whose field a column shows: the lead's, its person's or its organization's.",
)


@strawberry.type(description="A choice of an OPTION or OPTIONS column.")
class ColumnChoice:
    id: strawberry.ID
    label: str
    color: str | None

    @classmethod
    def of(cls, option: ColumnOption) -> ColumnChoice:
        return cls(id=strawberry.ID(option.id), label=option.label, color=option.color)


@strawberry.type(description="A column of the inbox catalogue.")
class LeadColumn:
    key: str = strawberry.field(
        description=(
            "Stable: `lead.title`, `person.name`, `organization.address.city`, `cf.lead.<key>`, `cf.person.<key>`..."
        )
    )
    label: str
    type: ColumnTypeEnum  # type: ignore[valid-type]
    source: ColumnSourceEnum  # type: ignore[valid-type]
    sortable: bool
    filterable: bool
    options: list[ColumnChoice] = strawberry.field(description="The choices of an OPTION or OPTIONS column.")

    @classmethod
    def of(cls, column: Column) -> LeadColumn:
        return cls(
            key=column.key,
            label=column.label,
            type=column.type,
            source=column.source,
            sortable=column.sortable,
            filterable=column.filterable,
            options=[ColumnChoice.of(o) for o in column.options],
        )


@strawberry.interface(description="A lead's value in one column; null in `values` when the lead has none.")
class ColumnValue:
    column: str = strawberry.field(description="The column key.")
    display: str = strawberry.field(description="The value as a person reads it, e.g. `1200.00 EUR`, `Hot, Warm`.")


@strawberry.type
class TextValue(ColumnValue):
    text: str


@strawberry.type
class NumberValue(ColumnValue):
    number: Decimal


@strawberry.type
class MoneyValue(ColumnValue):
    amount: Decimal
    currency: str


@strawberry.type
class DateValue(ColumnValue):
    date: dt.date


@strawberry.type
class DateTimeValue(ColumnValue):
    date_time: dt.datetime


@strawberry.type
class TimeValue(ColumnValue):
    time: dt.time


@strawberry.type
class BooleanValue(ColumnValue):
    boolean: bool


@strawberry.type(description="One choice: a custom option, a source, a visibility, an activity status.")
class OptionValue(ColumnValue):
    id: strawberry.ID
    label: str
    color: str | None


@strawberry.type
class OptionsValue(ColumnValue):
    options: list[ColumnChoice]


@strawberry.type
class UserValue(ColumnValue):
    user: User


@strawberry.type
class TeamValue(ColumnValue):
    team: Team


@strawberry.type
class PersonValue(ColumnValue):
    person: PersonRef


@strawberry.type
class OrganizationValue(ColumnValue):
    organization: OrganizationRef


@strawberry.type
class LabelsValue(ColumnValue):
    labels: list[LeadLabel]


VALUE_TYPES = [
    TextValue,
    NumberValue,
    MoneyValue,
    DateValue,
    DateTimeValue,
    TimeValue,
    BooleanValue,
    OptionValue,
    OptionsValue,
    UserValue,
    TeamValue,
    PersonValue,
    OrganizationValue,
    LabelsValue,
]


def column_value(key: str, cell: cells.Cell | None) -> ColumnValue | None:
    """The GraphQL form of one cell."""
    if cell is None:
        return None
    shown = cell.display()
    if isinstance(cell, cells.TextCell):
        return TextValue(column=key, display=shown, text=cell.text)
    if isinstance(cell, cells.NumberCell):
        return NumberValue(column=key, display=shown, number=cell.number)
    if isinstance(cell, cells.MoneyCell):
        return MoneyValue(column=key, display=shown, amount=cell.amount, currency=cell.currency)
    if isinstance(cell, cells.DateCell):
        return DateValue(column=key, display=shown, date=cell.date)
    if isinstance(cell, cells.DateTimeCell):
        return DateTimeValue(column=key, display=shown, date_time=cell.moment)
    if isinstance(cell, cells.TimeCell):
        return TimeValue(column=key, display=shown, time=cell.time)
    if isinstance(cell, cells.BooleanCell):
        return BooleanValue(column=key, display=shown, boolean=cell.value)
    if isinstance(cell, cells.OptionCell):
        option = cell.option
        return OptionValue(
            column=key, display=shown, id=strawberry.ID(option.id), label=option.label, color=option.color
        )
    if isinstance(cell, cells.OptionsCell):
        return OptionsValue(column=key, display=shown, options=[ColumnChoice.of(o) for o in cell.options])
    if isinstance(cell, cells.UserCell):
        return UserValue(column=key, display=shown, user=User.from_model(cell.user))
    if isinstance(cell, cells.TeamCell):
        return TeamValue(column=key, display=shown, team=Team.from_model(cell.team))
    if isinstance(cell, cells.PersonCell):
        from schema.person import Person

        return PersonValue(column=key, display=shown, person=Person.from_model(cell.person))
    if isinstance(cell, cells.OrganizationCell):
        from schema.organization import Organization

        return OrganizationValue(column=key, display=shown, organization=Organization.from_model(cell.organization))
    assert isinstance(cell, cells.LabelsCell)
    return LabelsValue(column=key, display=shown, labels=[LeadLabel.from_model(label) for label in cell.labels])


@strawberry.input(description="The columns of the caller's inbox, in order; an empty list goes back to the defaults.")
class SetLeadColumnsInput:
    keys: list[str]


@strawberry.type
class SetLeadColumnsPayload:
    columns: list[LeadColumn] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
