"""The values of a page of leads for a set of columns, typed, in a fixed number of statements.

:func:`page_values` reads what the columns need for the whole page at once through the
request's DataLoaders, stage by stage (the definitions; then the page's persons,
organizations, labels, next activities and owner teams; then the users and the contacts only
known from those), so a page of 5 leads and one of 500 cost the same statements, and the
loaders' caches serve any other field of the same request.

Each value is a :class:`Cell` (None when empty); ``display()`` is the text a person reads,
as an export writes it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.columns.cells import (
    BooleanCell,
    Cell,
    DateCell,
    DateTimeCell,
    LabelsCell,
    MoneyCell,
    NumberCell,
    OptionCell,
    OptionsCell,
    OrganizationCell,
    PersonCell,
    TeamCell,
    TextCell,
    TimeCell,
    UserCell,
)
from domain.columns.column import (
    ACTIVITY_STATUS_OPTIONS,
    DECLARED,
    Column,
    ColumnSource,
    ColumnType,
    is_custom,
    resolve,
)
from domain.emails_phones import primary_value
from domain.fields import InboxField, Kind
from domain.next_activity import activity_status
from domain.viewer import Viewer
from models import CustomFieldEntity, CustomFieldType, Lead, LeadLabel, Organization, Person, Team, User

if TYPE_CHECKING:
    # The caller's request loaders, passed in: a type only, the domain does not build them.
    from loaders import Loaders


REFERENCES = {CustomFieldType.USER: "user", CustomFieldType.PERSON: "person", CustomFieldType.ORGANIZATION: "org"}


def _ints(values: Iterable[Any]) -> list[int]:
    return sorted({v for v in values if isinstance(v, int) and not isinstance(v, bool)})


def _refs(columns: Sequence[Column], records: Iterable[Any], source: ColumnSource, kind: str) -> list[int]:
    """Ids held by the custom fields of ``records`` (leads, persons or organizations) of one reference kind."""
    keys = [
        c.custom_field.key
        for c in columns
        if c.custom_field is not None
        and c.source == source
        and REFERENCES.get(CustomFieldType(c.custom_field.type)) == kind
    ]
    if not keys:
        return []
    return _ints(r.custom_fields.get(k) for r in records if r is not None for k in keys)


async def _load(loader: Any, keys: Iterable[Any]) -> dict[Any, Any]:
    keys = [k for k in dict.fromkeys(keys) if k is not None]
    return dict(zip(keys, await loader.load_many(keys), strict=True)) if keys else {}


async def page_values(
    viewer: Viewer, leads: Sequence[Lead], keys: Sequence[str], loaders: Loaders, now: dt.datetime
) -> list[list[Cell | None]]:
    """One list per lead: the value of each column in ``keys``, in order (UnknownColumn for a bad key)."""
    definitions = []
    if any(is_custom(k) for k in keys):
        for found in await loaders.custom_fields_by_entity.load_many(list(CustomFieldEntity)):
            definitions += found
    columns = resolve(keys, definitions)
    sources = {c.source for c in columns}
    wanted = {c.key for c in columns}
    L, P, ORG = ColumnSource.LEAD, ColumnSource.PERSON, ColumnSource.ORGANIZATION

    # Stage 1: what the leads themselves point at.
    persons, orgs, labels, activities, teams = await asyncio.gather(
        _load(
            loaders.person_by_id,
            [*([le.person_id for le in leads] if P in sources else []), *_refs(columns, leads, L, "person")],
        ),
        _load(
            loaders.organization_by_id,
            [*([le.organization_id for le in leads] if ORG in sources else []), *_refs(columns, leads, L, "org")],
        ),
        _load(loaders.labels_by_lead_id, [le.id for le in leads] if "lead.labels" in wanted else []),
        _load(loaders.activity_by_id, [le.next_activity_id for le in leads] if "lead.activityStatus" in wanted else []),
        _load(loaders.team_by_id, [le.owner_team_id for le in leads] if "lead.owner" in wanted else []),
    )
    # Stage 2: what only the persons and organizations tell (their owners, organization, fields).
    contacts = [persons.get(le.person_id) for le in leads] + [orgs.get(le.organization_id) for le in leads]
    their_persons = [p for p in contacts if isinstance(p, Person)]
    their_orgs = [o for o in contacts if isinstance(o, Organization)]
    user_ids = [
        *([le.owner_user_id for le in leads] if "lead.owner" in wanted else []),
        *([le.created_by_id for le in leads] if "lead.createdBy" in wanted else []),
        *([p.owner_id for p in their_persons] if "person.owner" in wanted else []),
        *([o.owner_id for o in their_orgs] if "organization.owner" in wanted else []),
        *_refs(columns, leads, L, "user"),
        *_refs(columns, their_persons, P, "user"),
        *_refs(columns, their_orgs, ORG, "user"),
    ]
    more_persons, more_orgs, users = await asyncio.gather(
        _load(
            loaders.person_by_id,
            [*_refs(columns, their_persons, P, "person"), *_refs(columns, their_orgs, ORG, "person")],
        ),
        _load(
            loaders.organization_by_id,
            [
                *([p.organization_id for p in their_persons] if "person.organization" in wanted else []),
                *_refs(columns, their_persons, P, "org"),
                *_refs(columns, their_orgs, ORG, "org"),
            ],
        ),
        _load(loaders.user_by_id, user_ids),
    )
    refs = _Refs(users=users, teams=teams, persons={**persons, **more_persons}, orgs={**orgs, **more_orgs})
    readers = [cell_reader(column) for column in columns]
    out = []
    for lead in leads:
        person = persons.get(lead.person_id)
        org = orgs.get(lead.organization_id)
        context = _Row(lead, person, org, labels.get(lead.id, []), activities.get(lead.next_activity_id), now)
        out.append([read(context, refs) for read in readers])
    return out


@dataclass
class _Refs:
    users: dict[int, User | None]
    teams: dict[int, Team | None]
    persons: dict[int, Person | None]
    orgs: dict[int, Organization | None]


@dataclass
class _Row:
    lead: Lead
    person: Person | None
    org: Organization | None
    labels: list[LeadLabel]
    activity: Any
    now: dt.datetime


def _text(value: str | None) -> TextCell | None:
    return TextCell(value) if value else None


def _user(users: dict[int, User | None], user_id: int | None) -> UserCell | None:
    user = users.get(user_id) if user_id is not None else None
    return UserCell(user) if user is not None else None


def _option(column: Column, option_id: str) -> OptionCell | None:
    option = next((o for o in column.options if o.id == option_id), None)
    return OptionCell(option) if option else None


def declared_cell(declared: InboxField, column: Column, record: Any) -> Cell | None:
    """The cell of a stored field of the lead or of a lead's person or organization
    (domain.fields.InboxField), by its kind, from that record (None: the lead has no such contact)."""
    if record is None:
        return None
    if declared.kind == Kind.MONEY:
        amount, currency = (getattr(record, name) for name in declared.columns)
        return MoneyCell(amount, currency) if amount is not None and currency else None
    value = getattr(record, declared.column)
    if declared.kind == Kind.TEXT:
        return _text(value)
    if declared.kind == Kind.BOOLEAN:
        return BooleanCell(value)
    if value is None:
        return None
    if declared.kind == Kind.OPTION:
        return _option(column, value.value)
    if declared.kind == Kind.DATE:
        return DateCell(value)
    if declared.kind == Kind.DATETIME:
        return DateTimeCell(value)
    raise AssertionError(f"no cell for {declared.kind} ({column.key})")


SOURCE_ATTRIBUTES = {ColumnSource.LEAD: "lead", ColumnSource.PERSON: "person", ColumnSource.ORGANIZATION: "org"}


def _cell(column: Column, row: _Row, refs: _Refs) -> Cell | None:
    if column.custom_field is not None:
        record = {ColumnSource.LEAD: row.lead, ColumnSource.PERSON: row.person, ColumnSource.ORGANIZATION: row.org}[
            column.source
        ]
        return _custom_cell(column, record.custom_fields.get(column.custom_field.key) if record else None, refs)
    key, lead = column.key, row.lead
    if key == "lead.nextActivityDate":
        return DateCell(lead.next_activity_date) if lead.next_activity_date is not None else None
    if key == "lead.owner":
        if lead.owner_team_id is not None:
            team = refs.teams.get(lead.owner_team_id)
            return TeamCell(team) if team else None
        return _user(refs.users, lead.owner_user_id)
    if key == "lead.labels":
        return LabelsCell(tuple(row.labels)) if row.labels else None
    if key == "lead.activityStatus":
        activity = row.activity
        status = activity_status(
            activity.due_date if activity else None, activity.due_time if activity else None, row.now
        )
        return OptionCell(next(o for o in ACTIVITY_STATUS_OPTIONS if o.id == status.value))
    if key == "lead.createdBy":
        return _user(refs.users, lead.created_by_id)
    person, org = row.person, row.org
    if key in ("person.email", "person.phone"):
        return _text(primary_value(person.emails if key == "person.email" else person.phones)) if person else None
    if key == "person.owner":
        return _user(refs.users, person.owner_id) if person else None
    if key == "person.organization":
        found = refs.orgs.get(person.organization_id) if person and person.organization_id else None
        return OrganizationCell(found) if found else None
    if key == "organization.owner":
        return _user(refs.users, org.owner_id) if org else None
    raise AssertionError(f"no value for column {key}")


def _custom_cell(column: Column, value: Any, refs: _Refs) -> Cell | None:
    return None if value is None else _custom_reader(column)(value, refs)


CustomReader = Callable[[Any, _Refs], Cell | None]


def _custom_reader(column: Column) -> CustomReader:
    """How a custom field's stored value (never None) becomes a cell, decided once per column."""
    assert column.custom_field is not None
    kind = CustomFieldType(column.custom_field.type)
    if column.type in (ColumnType.TEXT, ColumnType.LARGE_TEXT, ColumnType.PHONE, ColumnType.ADDRESS):
        return lambda value, refs: _text(value if isinstance(value, str) else None)
    if kind == CustomFieldType.NUMBER:
        return lambda value, refs: NumberCell(Decimal(str(value)))
    if kind == CustomFieldType.MONETARY:
        return lambda value, refs: MoneyCell(Decimal(value["amount"]), value["currency"])
    if kind == CustomFieldType.DATE:
        return lambda value, refs: DateCell(dt.date.fromisoformat(value))
    if kind == CustomFieldType.TIME:
        return lambda value, refs: TimeCell(dt.time.fromisoformat(value))
    if kind == CustomFieldType.SINGLE_OPTION:
        # The column's options by id, looked up once per column (the first of an id, as _option).
        by_id: dict[str, OptionCell] = {}
        for option in column.options:
            by_id.setdefault(option.id, OptionCell(option))
        return lambda value, refs: by_id.get(str(value))
    if kind == CustomFieldType.MULTIPLE_OPTIONS:

        def options(value: Any, refs: _Refs) -> Cell | None:
            chosen = {str(v) for v in value}
            found = tuple(o for o in column.options if o.id in chosen)
            return OptionsCell(found) if found else None

        return options
    if kind == CustomFieldType.USER:
        return lambda value, refs: _user(refs.users, value)
    if kind == CustomFieldType.PERSON:

        def person(value: Any, refs: _Refs) -> Cell | None:
            found = refs.persons.get(value)
            return PersonCell(found) if found else None

        return person

    def organization(value: Any, refs: _Refs) -> Cell | None:
        found = refs.orgs.get(value)
        return OrganizationCell(found) if found else None

    return organization


def cell_reader(column: Column) -> Callable[[_Row, _Refs], Cell | None]:
    """The value of ``column`` as a function of a row and its references: the column's source and
    type looked at once, not for each lead (100 leads and 5 custom fields are 500 values)."""
    declared = DECLARED.get(column.key) if column.custom_field is None else None
    if declared is not None:
        source, field = declared
        attribute = SOURCE_ATTRIBUTES[source]
        return lambda row, refs: declared_cell(field, column, getattr(row, attribute))
    if column.custom_field is None:
        return functools.partial(_cell, column)
    read = _custom_reader(column)
    attribute, key = SOURCE_ATTRIBUTES[column.source], column.custom_field.key

    def custom(row: _Row, refs: _Refs) -> Cell | None:
        record = getattr(row, attribute)
        value = record.custom_fields.get(key) if record else None
        return None if value is None else read(value, refs)

    return custom


# For a caller that has the page's records already (the compiled inbox, fastpath/): the same
# cells (cell_reader) from any objects with the models' attributes, and the ids the columns refer to.
Row = _Row
Refs = _Refs

_NO_REFS = _Refs(users={}, teams={}, persons={}, orgs={})


def stored_value_reader(column: Column) -> Callable[[dict[str, Any]], Cell | None]:
    """For a custom field of the lead whose cell reads its stored value alone (not a user,
    person or organization field): the cell of ``column`` from a lead's ``custom_fields``, as
    :func:`cell_reader` reads it, with no row or references made for each lead."""
    assert column.custom_field is not None and column.source == ColumnSource.LEAD
    read = _custom_reader(column)
    key = column.custom_field.key

    def cell(custom_fields: dict[str, Any]) -> Cell | None:
        value = custom_fields.get(key)
        return None if value is None else read(value, _NO_REFS)

    return cell


def reference_ids(
    columns: Sequence[Column], leads: Sequence[Any], persons: Sequence[Any], orgs: Sequence[Any]
) -> tuple[list[int], list[int], list[int]]:
    """The users, persons and organizations that ``columns`` name beyond the page's own contacts
    (custom reference fields, owners, a person's organization, the creator), as page_values reads them."""
    wanted = {c.key for c in columns}
    user_ids = [
        *([le.created_by_id for le in leads] if "lead.createdBy" in wanted else []),
        *([p.owner_id for p in persons] if "person.owner" in wanted else []),
        *([o.owner_id for o in orgs] if "organization.owner" in wanted else []),
        *_refs(columns, leads, ColumnSource.LEAD, "user"),
        *_refs(columns, persons, ColumnSource.PERSON, "user"),
        *_refs(columns, orgs, ColumnSource.ORGANIZATION, "user"),
    ]
    person_ids = [
        *_refs(columns, leads, ColumnSource.LEAD, "person"),
        *_refs(columns, persons, ColumnSource.PERSON, "person"),
        *_refs(columns, orgs, ColumnSource.ORGANIZATION, "person"),
    ]
    org_ids = [
        *([p.organization_id for p in persons] if "person.organization" in wanted else []),
        *_refs(columns, leads, ColumnSource.LEAD, "org"),
        *_refs(columns, persons, ColumnSource.PERSON, "org"),
        *_refs(columns, orgs, ColumnSource.ORGANIZATION, "org"),
    ]

    def clean(ids: Iterable[int | None]) -> list[int]:
        return sorted({i for i in ids if i is not None})

    return clean(user_ids), clean(person_ids), clean(org_ids)
