"""A record's stored fields, declared once: the declaration every record type's list is made of.

A :class:`Field` is one field of a GraphQL type read from its record's row: its GraphQL name (the
model's column is its snake case), what it holds (:class:`Kind`), its description and whether it
can be null. The lists are beside this module: ``LEAD_FIELDS`` (domain.lead_fields, whose
:class:`~domain.lead_fields.LeadField` adds where a lead's field appears in the inbox),
``DEAL_FIELDS`` (domain.deal_fields), ``PERSON_FIELDS`` and ``ORGANIZATION_FIELDS``
(domain.contact_fields). From a list, by each field's kind, derive:

- the GraphQL type's fields and ``from_model`` (schema.declared.declared_fields and ``read``);
- the SQL the read engine writes the JSON with (fastpath.sqltables.declared) and its Python
  writers where it writes from a record (fastpath.leads.declared);
- the folded key columns (domain.fold.KEYS), where ``folded``.

This module and the lists sit at the top of ``domain/`` (domain.fold, which every domain calls,
reads them) and import no domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """What a field holds; the names of the column types (domain.columns.column.ColumnType) where
    the field is an inbox column."""

    TEXT = "TEXT"
    # An amount and its currency, in the columns ``<column>_amount`` and ``<column>_currency``.
    MONEY = "MONEY"
    DATE = "DATE"
    DATETIME = "DATETIME"
    BOOLEAN = "BOOLEAN"
    # One value of ``enum`` (a model enum), written as its name.
    OPTION = "OPTION"
    INTEGER = "INTEGER"
    # The global id (core.ids) of a record of the type ``ref``, from the column holding its key.
    GLOBAL_ID = "GLOBAL_ID"


def snake(name: str) -> str:
    """``expectedCloseDate`` -> ``expected_close_date``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Field:
    # The GraphQL field's name; the model's column is its snake case.
    name: str
    kind: Kind
    # The GraphQL field's description.
    description: str
    # Whether the value can be empty (a nullable GraphQL field; an empty sort key sorts last).
    nullable: bool = True
    # Text filtered and sorted by its folded key column ``<column>_key`` (domain.fold).
    folded: bool = False
    # OPTION: the model enum (registered as a GraphQL enum).
    enum: type[Enum] | None = None
    # GLOBAL_ID: the GraphQL type whose global id the column's key makes.
    ref: str | None = None

    @property
    def column(self) -> str:
        """The model's column (for MONEY, the prefix of its two columns)."""
        return snake(self.name)

    @property
    def columns(self) -> tuple[str, ...]:
        """The model's columns holding the value (a money value's amount and currency travel together)."""
        if self.kind == Kind.MONEY:
            return (f"{self.column}_amount", f"{self.column}_currency")
        return (self.column,)

    @property
    def key_column(self) -> str | None:
        """The folded key's column, for a folded text."""
        return f"{self.column}_key" if self.folded else None


@dataclass(frozen=True)
class InboxField(Field):
    """A stored field that can be a column of the lead inbox (domain.columns): of the lead
    (domain.lead_fields.LeadField) or of a lead's person or organization (domain.contact_fields).
    The column's key is its record's name and the field's (``person.jobTitle``), its type the kind."""

    # The inbox column's label; None: not a column of the inbox.
    label: str | None = None
    sortable: bool = True
    filterable: bool = True
    # OPTION: each value's label, in the order the column lists them.
    options: Mapping[Enum, str] = field(default_factory=dict)


def folded_keys(declared: Iterable[Field]) -> dict[str, tuple[str, bool]]:
    """domain.fold.KEYS for one table: each folded field's column -> (its key column, whether the
    key is NULL where the text is empty)."""
    return {f.column: (key, f.nullable) for f in declared if (key := f.key_column) is not None}
