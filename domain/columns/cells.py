"""The typed value of one inbox cell: a :class:`Cell` per kind, ``display()`` the text a person
reads (as an export writes it). :mod:`domain.columns.values` makes them for a page of leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.columns.column import ColumnOption
from models import LeadLabel, Organization, Person, Team, User


class Cell:
    def display(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class TextCell(Cell):
    text: str

    def display(self) -> str:
        return self.text


@dataclass(frozen=True)
class NumberCell(Cell):
    number: Decimal

    def display(self) -> str:
        return format(self.number.normalize(), "f") if self.number == self.number.to_integral() else str(self.number)


@dataclass(frozen=True)
class MoneyCell(Cell):
    amount: Decimal
    currency: str

    def display(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


@dataclass(frozen=True)
class DateCell(Cell):
    date: dt.date

    def display(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class DateTimeCell(Cell):
    moment: dt.datetime

    def display(self) -> str:
        return self.moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class TimeCell(Cell):
    time: dt.time

    def display(self) -> str:
        return self.time.isoformat(timespec="minutes" if self.time.second == 0 else "seconds")


@dataclass(frozen=True)
class BooleanCell(Cell):
    value: bool

    def display(self) -> str:
        return "Yes" if self.value else "No"


@dataclass(frozen=True)
class OptionCell(Cell):
    option: ColumnOption

    def display(self) -> str:
        return self.option.label


@dataclass(frozen=True)
class OptionsCell(Cell):
    options: tuple[ColumnOption, ...]

    def display(self) -> str:
        return ", ".join(o.label for o in self.options)


@dataclass(frozen=True)
class UserCell(Cell):
    user: User

    def display(self) -> str:
        return self.user.name


@dataclass(frozen=True)
class TeamCell(Cell):
    team: Team

    def display(self) -> str:
        return self.team.name


@dataclass(frozen=True)
class PersonCell(Cell):
    person: Person

    def display(self) -> str:
        return self.person.name


@dataclass(frozen=True)
class OrganizationCell(Cell):
    organization: Organization

    def display(self) -> str:
        return self.organization.name


@dataclass(frozen=True)
class LabelsCell(Cell):
    labels: tuple[LeadLabel, ...]

    def display(self) -> str:
        return ", ".join(label.name for label in self.labels)
