"""The inbox's columns: the catalogue a user picks from, and the column keys.

Column keys are stable strings, saved per user and sent by clients:

- ``lead.<field>``: the lead's own fields, e.g. ``lead.title``, ``lead.value``, ``lead.owner``,
  ``lead.labels``, ``lead.expectedCloseDate``, ``lead.createdAt``;
- ``person.<field>``: the linked person's, e.g. ``person.name``, ``person.email``;
- ``organization.<field>``: the linked organization's, e.g. ``organization.name``,
  ``organization.address.city``;
- ``cf.lead.<key>``, ``cf.person.<key>``, ``cf.organization.<key>``: a custom field of the lead
  (lead-and-deal set), of the person or of the organization, by the field's stable key.

:func:`catalogue` lists every column of a company; :func:`resolve` turns keys into
:class:`Column` objects (``UNKNOWN_COLUMN`` for a key that names none, such as a deleted field).

The values of a page of leads for a set of column keys come from
:func:`domain.columns.values.page_values` ``(viewer, leads, keys, loaders, now)``: one list per
lead, a typed :class:`domain.columns.values.Cell` (or None for an empty value) per key in the order
given, in a fixed number of statements whatever the page size; ``cell.display()`` is the text a
person reads (labels' names, option labels, money with its currency). Filtering and sorting on a
column are :mod:`domain.leads.filter` and :mod:`domain.columns.sql`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from core.errors import PublicError
from domain.columns.custom_field import all_definitions, live_options
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.fields import InboxField, Kind
from domain.lead_fields import LEAD_FIELDS
from models import CustomField, CustomFieldEntity, CustomFieldType


class ColumnType(str, Enum):
    TEXT = "TEXT"
    LARGE_TEXT = "LARGE_TEXT"
    NUMBER = "NUMBER"
    MONEY = "MONEY"
    DATE = "DATE"
    DATETIME = "DATETIME"
    TIME = "TIME"
    BOOLEAN = "BOOLEAN"
    OPTION = "OPTION"
    OPTIONS = "OPTIONS"
    USER = "USER"
    OWNER = "OWNER"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    LABELS = "LABELS"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"


class ColumnSource(str, Enum):
    LEAD = "LEAD"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


@dataclass(frozen=True)
class ColumnOption:
    id: str
    label: str
    color: str | None = None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: ColumnType
    source: ColumnSource
    sortable: bool = True
    filterable: bool = True
    options: tuple[ColumnOption, ...] = ()
    # The definition behind a custom-field column.
    custom_field: CustomField | None = field(default=None, compare=False, hash=False)


class UnknownColumn(PublicError):
    def __init__(self, key: str) -> None:
        super().__init__(f"There is no column {key!r}; `leadColumns` lists them.", code="UNKNOWN_COLUMN")
        self.key = key


L, P, ORG = ColumnSource.LEAD, ColumnSource.PERSON, ColumnSource.ORGANIZATION
# The most columns one read of lead values may ask for (`Lead.values(columns:)`, the inbox and the
# read engine alike): each is read and converted for every lead of the page.
MAX_VALUE_COLUMNS = 100

T = ColumnType

# Activity status as the inbox shows it: overdue red, due today green, planned grey.
ACTIVITY_STATUS_OPTIONS = (
    ColumnOption("NONE", "No activity", None),
    ColumnOption("PLANNED", "Planned", "grey"),
    ColumnOption("TODAY", "Due today", "green"),
    ColumnOption("OVERDUE", "Overdue", "red"),
)


def _enum_options(labels: Mapping[Enum, str]) -> tuple[ColumnOption, ...]:
    return tuple(ColumnOption(str(k.value), v) for k, v in labels.items())


def declared_key(source: ColumnSource, declared: InboxField) -> str:
    """The column key of a stored field of the lead, its person or its organization: ``lead.title``,
    ``person.jobTitle``."""
    return f"{source.value.lower()}.{declared.name}"


# The organization's address parts (an object of the Organization type, no declared field of it)
# are columns read and shown as the declared folded texts of their ``address_*`` columns.
_ADDRESS = {
    f"organization.address.{part}": InboxField(
        f"address{part[0].upper()}{part[1:]}", Kind.TEXT, f"The address's {label}.", folded=True, label=label
    )
    for part, label in (
        ("street", "Organization street"),
        ("city", "Organization city"),
        ("postalCode", "Organization postal code"),
        ("country", "Organization country"),
    )
}
# Each inbox column that is one stored field (domain.fields.InboxField with a label): its key ->
# its source and the field, in the order of the declarations.
DECLARED: dict[str, tuple[ColumnSource, InboxField]] = {
    **{
        declared_key(source, f): (source, f)
        for source, listed in ((L, LEAD_FIELDS), (P, PERSON_FIELDS), (ORG, ORGANIZATION_FIELDS))
        for f in listed
        if f.label is not None
    },
    **{key: (ORG, f) for key, f in _ADDRESS.items()},
}


def declared_column(declared: InboxField, source: ColumnSource = L, key: str | None = None) -> Column:
    """The inbox column of a stored field of the lead, or of a lead's person or organization
    (``key``: where it is not :func:`declared_key`'s)."""
    assert declared.label is not None
    return Column(
        key or declared_key(source, declared),
        declared.label,
        ColumnType(declared.kind.value),
        source,
        declared.sortable,
        declared.filterable,
        _enum_options(declared.options),
    )


def _in_order(source: ColumnSource, order: tuple[str, ...], others: dict[str, Column]) -> tuple[Column, ...]:
    """A source's columns: those ``order`` names (its declared ones and ``others``, its columns that
    are no one stored field), then the declared ones it does not name, in declaration order."""
    declared = {key: declared_column(f, source, key) for key, (s, f) in DECLARED.items() if s == source}
    every = others | declared
    return (*(every[key] for key in order), *(c for key, c in declared.items() if key not in order))


LEAD_COLUMNS: tuple[Column, ...] = _in_order(
    L,
    (
        "lead.title",
        "lead.value",
        "lead.owner",
        "lead.labels",
        "lead.source",
        "lead.activityStatus",
        "lead.nextActivityDate",
        "lead.expectedCloseDate",
        "lead.visibility",
        "lead.wasSeen",
        "lead.createdAt",
        "lead.updatedAt",
        "lead.archivedAt",
        "lead.createdBy",
    ),
    {
        "lead.owner": Column("lead.owner", "Owner", T.OWNER, L),
        "lead.labels": Column("lead.labels", "Labels", T.LABELS, L),
        "lead.activityStatus": Column(
            "lead.activityStatus", "Activity status", T.OPTION, L, True, False, ACTIVITY_STATUS_OPTIONS
        ),
        "lead.nextActivityDate": Column("lead.nextActivityDate", "Next activity date", T.DATE, L),
        "lead.createdBy": Column("lead.createdBy", "Creator", T.USER, L),
    },
)
PERSON_COLUMNS: tuple[Column, ...] = _in_order(
    P,
    (
        "person.name",
        "person.firstName",
        "person.lastName",
        "person.email",
        "person.phone",
        "person.jobTitle",
        "person.owner",
        "person.organization",
    ),
    {
        "person.email": Column("person.email", "Person email", T.EMAIL, P),
        "person.phone": Column("person.phone", "Person phone", T.PHONE, P),
        "person.owner": Column("person.owner", "Person owner", T.USER, P),
        "person.organization": Column("person.organization", "Person's organization", T.ORGANIZATION, P),
    },
)
ORGANIZATION_COLUMNS: tuple[Column, ...] = _in_order(
    ORG,
    ("organization.name", *_ADDRESS, "organization.owner"),
    {"organization.owner": Column("organization.owner", "Organization owner", T.USER, ORG)},
)
STATIC_COLUMNS: tuple[Column, ...] = (*LEAD_COLUMNS, *PERSON_COLUMNS, *ORGANIZATION_COLUMNS)
STATIC_BY_KEY = {c.key: c for c in STATIC_COLUMNS}

# The list as a new user sees it (seed 003): title, activity status, labels, source, creation
# date and owner.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "lead.title",
    "lead.activityStatus",
    "lead.labels",
    "lead.source",
    "lead.createdAt",
    "lead.owner",
)

CF_PREFIX = {
    CustomFieldEntity.LEAD_DEAL: "cf.lead.",
    CustomFieldEntity.PERSON: "cf.person.",
    CustomFieldEntity.ORGANIZATION: "cf.organization.",
}
CF_SOURCE = {
    CustomFieldEntity.LEAD_DEAL: ColumnSource.LEAD,
    CustomFieldEntity.PERSON: ColumnSource.PERSON,
    CustomFieldEntity.ORGANIZATION: ColumnSource.ORGANIZATION,
}
CF_LABEL_SUFFIX = {
    CustomFieldEntity.LEAD_DEAL: "",
    CustomFieldEntity.PERSON: " (person)",
    CustomFieldEntity.ORGANIZATION: " (organization)",
}
CF_TYPES = {
    CustomFieldType.TEXT: T.TEXT,
    CustomFieldType.LARGE_TEXT: T.LARGE_TEXT,
    CustomFieldType.NUMBER: T.NUMBER,
    CustomFieldType.MONETARY: T.MONEY,
    CustomFieldType.DATE: T.DATE,
    CustomFieldType.TIME: T.TIME,
    CustomFieldType.SINGLE_OPTION: T.OPTION,
    CustomFieldType.MULTIPLE_OPTIONS: T.OPTIONS,
    CustomFieldType.USER: T.USER,
    CustomFieldType.PERSON: T.PERSON,
    CustomFieldType.ORGANIZATION: T.ORGANIZATION,
    CustomFieldType.PHONE: T.PHONE,
    CustomFieldType.ADDRESS: T.ADDRESS,
}


# What an import (domain.integration.lead_import) may write: the catalogue's columns that a file's cell can
# fill. The rest are kept by the service (source, dates, activity) or follow from others (a
# person's organization is the row's organization). The owner is given as a user's email.
IMPORTABLE_KEYS = frozenset(
    {
        *(f.key for f in LEAD_FIELDS if f.importable),
        "lead.owner",
        "lead.labels",
        "person.name",
        "person.firstName",
        "person.lastName",
        "person.email",
        "person.phone",
        "person.jobTitle",
        "organization.name",
        "organization.address.street",
        "organization.address.city",
        "organization.address.postalCode",
        "organization.address.country",
    }
)
# Import targets that are no column of their own: the list shows the currency inside "Value".
IMPORT_ONLY_COLUMNS: dict[str, Column] = {
    "lead.valueCurrency": Column("lead.valueCurrency", "Value currency", T.TEXT, L, False, False),
}
# Custom fields whose cell text says what to store; references to users, persons and
# organizations by database id are not something a spreadsheet holds.
IMPORTABLE_CUSTOM_TYPES = frozenset(
    {
        CustomFieldType.TEXT,
        CustomFieldType.LARGE_TEXT,
        CustomFieldType.NUMBER,
        CustomFieldType.MONETARY,
        CustomFieldType.DATE,
        CustomFieldType.TIME,
        CustomFieldType.SINGLE_OPTION,
        CustomFieldType.MULTIPLE_OPTIONS,
        CustomFieldType.PHONE,
        CustomFieldType.ADDRESS,
    }
)


def importable(column: Column) -> bool:
    """Whether an import may write this column."""
    if column.custom_field is not None:
        return CustomFieldType(column.custom_field.type) in IMPORTABLE_CUSTOM_TYPES
    return column.key in IMPORTABLE_KEYS or column.key in IMPORT_ONLY_COLUMNS


def is_custom(key: str) -> bool:
    return key.startswith("cf.")


def custom_column(definition: CustomField) -> Column | None:
    """The column of a custom field; None for formula fields, which leads do not hold."""
    kind = CF_TYPES.get(CustomFieldType(definition.type))
    if kind is None:
        return None
    entity = CustomFieldEntity(definition.entity)
    return Column(
        key=CF_PREFIX[entity] + definition.key,
        label=definition.name + CF_LABEL_SUFFIX[entity],
        type=kind,
        source=CF_SOURCE[entity],
        sortable=kind != T.LARGE_TEXT,
        options=tuple(ColumnOption(str(o["id"]), o["label"], o.get("color")) for o in live_options(definition)),
        custom_field=definition,
    )


def catalogue(definitions: Iterable[CustomField]) -> list[Column]:
    """Every column: the lead's, person's and organization's fields, then custom fields of each."""
    custom = [c for d in definitions if d.deleted_at is None and (c := custom_column(d)) is not None]
    order = {ColumnSource.LEAD: 0, ColumnSource.PERSON: 1, ColumnSource.ORGANIZATION: 2}
    custom.sort(key=lambda c: order[c.source])
    return [*STATIC_COLUMNS, *custom]


def resolve(keys: Sequence[str], definitions: Iterable[CustomField]) -> list[Column]:
    """The columns named by ``keys``, in order; :class:`UnknownColumn` for the first unknown key."""
    custom: dict[str, Column] = {}
    if any(is_custom(k) for k in keys):
        custom = {c.key: c for d in definitions if d.deleted_at is None and (c := custom_column(d)) is not None}
    out = []
    for key in keys:
        column = STATIC_BY_KEY.get(key) or custom.get(key)
        if column is None:
            raise UnknownColumn(key)
        out.append(column)
    return out


async def load_columns(company_id: int, keys: Sequence[str]) -> dict[str, Column]:
    """:func:`resolve` for code without loaders: reads the definitions only when a key needs them."""
    definitions = await all_definitions(company_id) if any(is_custom(k) for k in keys) else []
    return {c.key: c for c in resolve(list(dict.fromkeys(keys)), definitions)}
