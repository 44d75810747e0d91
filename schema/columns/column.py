"""Inbox columns: the catalogue (`LeadColumn`) and a lead's typed value for a column (`ColumnValue`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.columns import cells
from domain.columns.column import Column, ColumnOption, ColumnSource, ColumnType
from schema.base import UserError, describe_values, node_type

if TYPE_CHECKING:
    from schema.accounts.account import Team, User
    from schema.contacts.organization import Organization
    from schema.contacts.person import Person
    from schema.leads.label import LeadLabel

# schema.accounts.account lists a user's columns: the types this module returns from there are lazy.
# So are the other domains' (the columns are below them all: a lead's labels are the leads').
UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]
TeamRef = Annotated["Team", strawberry.lazy("schema.accounts.account")]
PersonRef = Annotated["Person", strawberry.lazy("schema.contacts.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.contacts.organization")]
LeadLabelRef = Annotated["LeadLabel", strawberry.lazy("schema.leads.label")]

ColumnTypeEnum = ColumnType
strawberry.enum(
    ColumnTypeEnum,
    name="ColumnType",
    description=(
        "What a column holds, which decides its value type and the filter operators it takes. OWNER is a "
        "user or a team; OPTION one choice of a fixed list, OPTIONS several; EMAIL and PHONE a person's "
        "addresses and numbers."
    ),
)
ColumnSourceEnum = ColumnSource
strawberry.enum(
    ColumnSourceEnum,
    name="ColumnSource",
    description="Whose field a column shows: the lead's, its person's or its organization's.",
)
describe_values(
    ColumnTypeEnum,
    {
        "TEXT": "Short text (TextValue).",
        "LARGE_TEXT": "Long text (TextValue); filters take CONTAINS and STARTS_WITH.",
        "NUMBER": "A number (NumberValue).",
        "MONEY": "An amount and currency (MoneyValue); filters compare the amount.",
        "DATE": "A date (DateValue).",
        "DATETIME": "A moment in UTC (DateTimeValue).",
        "TIME": "A time of day (TimeValue).",
        "BOOLEAN": "True or false (BooleanValue).",
        "OPTION": "One choice of `options` (OptionValue).",
        "OPTIONS": "Several choices of `options` (OptionsValue).",
        "USER": "A user (UserValue).",
        "OWNER": "A user or a team (UserValue or TeamValue).",
        "PERSON": "A person (PersonValue).",
        "ORGANIZATION": "An organization (OrganizationValue).",
        "LABELS": "Lead labels (LabelsValue).",
        "PHONE": "A phone number (TextValue: the primary one for a person).",
        "EMAIL": "An email address (TextValue: the primary one).",
        "ADDRESS": "An address as text (TextValue).",
    },
)
describe_values(
    ColumnSourceEnum,
    {
        "LEAD": "The lead's own field.",
        "PERSON": "The linked person's field.",
        "ORGANIZATION": "The linked organization's field.",
    },
)


@strawberry.type(description="A choice of an OPTION or OPTIONS column.")
class ColumnChoice:
    id: strawberry.ID = strawberry.field(
        description="The value a filter condition takes for this choice (an option id, a source name...)."
    )
    label: str = strawberry.field(description="What the choice reads.")
    color: str | None = strawberry.field(description="Its colour; null when it has none.")

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
    label: str = strawberry.field(description="The column's heading.")
    type: ColumnTypeEnum = strawberry.field(
        description="What it holds: decides the value type and the filter operators."
    )
    source: ColumnSourceEnum = strawberry.field(description="LEAD, PERSON or ORGANIZATION.")
    sortable: bool = strawberry.field(description="Whether `LeadSort.column` may name it.")
    filterable: bool = strawberry.field(description="Whether filter conditions may name it.")
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


@strawberry.type(description="A text value.")
class TextValue(ColumnValue):
    text: str = strawberry.field(description="The text; for email and phone columns, the primary one.")


@strawberry.type(description="A number.")
class NumberValue(ColumnValue):
    number: Decimal = strawberry.field(description="The number.")


@strawberry.type(description="An amount of money.")
class MoneyValue(ColumnValue):
    amount: Decimal = strawberry.field(description="The amount.")
    currency: str = strawberry.field(description="The ISO 4217 currency code.")


@strawberry.type(description="A date.")
class DateValue(ColumnValue):
    date: dt.date = strawberry.field(description="The date.")


@strawberry.type(description="A moment in time.")
class DateTimeValue(ColumnValue):
    date_time: dt.datetime = strawberry.field(description="The moment, in UTC.")


@strawberry.type(description="A time of day.")
class TimeValue(ColumnValue):
    time: dt.time = strawberry.field(description="The time of day.")


@strawberry.type(description="True or false.")
class BooleanValue(ColumnValue):
    boolean: bool = strawberry.field(description="The value.")


@strawberry.type(description="One choice: a custom option, a source, a visibility, an activity status.")
class OptionValue(ColumnValue):
    id: strawberry.ID = strawberry.field(description="The choice's id, as filter conditions take it.")
    label: str = strawberry.field(description="What the choice reads.")
    color: str | None = strawberry.field(description="Its colour; null when it has none.")


@strawberry.type(description="Several choices of a multiple-options field.")
class OptionsValue(ColumnValue):
    options: list[ColumnChoice] = strawberry.field(description="The chosen options.")


@strawberry.type(description="A user.")
class UserValue(ColumnValue):
    user: UserRef = strawberry.field(description="The user.")


@strawberry.type(description="A team (an owning team).")
class TeamValue(ColumnValue):
    team: TeamRef = strawberry.field(description="The team.")


@strawberry.type(description="A person.")
class PersonValue(ColumnValue):
    person: PersonRef = strawberry.field(description="The person.")


@strawberry.type(description="An organization.")
class OrganizationValue(ColumnValue):
    organization: OrganizationRef = strawberry.field(description="The organization.")


@strawberry.type(description="The lead's labels.")
class LabelsValue(ColumnValue):
    labels: list[LeadLabelRef] = strawberry.field(description="The labels, by name.")


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
        return UserValue(column=key, display=shown, user=node_type("User").from_model(cell.user))
    if isinstance(cell, cells.TeamCell):
        return TeamValue(column=key, display=shown, team=node_type("Team").from_model(cell.team))
    if isinstance(cell, cells.PersonCell):
        return PersonValue(column=key, display=shown, person=node_type("Person").from_model(cell.person))
    if isinstance(cell, cells.OrganizationCell):
        organization = node_type("Organization").from_model(cell.organization)
        return OrganizationValue(column=key, display=shown, organization=organization)
    assert isinstance(cell, cells.LabelsCell)
    labels = [node_type("LeadLabel").from_model(label) for label in cell.labels]
    return LabelsValue(column=key, display=shown, labels=labels)


@strawberry.input(description="The columns of the caller's inbox, in order; an empty list goes back to the defaults.")
class SetLeadColumnsInput:
    keys: list[str] = strawberry.field(description="Column keys of `leadColumns`, at most 50, each once.")


@strawberry.type(description="The result of `setLeadColumns`.")
class SetLeadColumnsPayload:
    columns: list[LeadColumn] = strawberry.field(
        default_factory=list, description="Your columns from now on, in order."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing changed: TOO_MANY_ITEMS, UNKNOWN_COLUMN, DUPLICATE (a key twice). Empty on success.",
    )
