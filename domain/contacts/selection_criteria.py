"""The criteria of a selection: a list of conditions combined with AND, and their SQL.

Each condition names a field, an operator fitting its type, and the operand (ids, a text, a
date or a number of days). Every "not" operator is exactly the complement of its positive
form, so that "category group is one of A" and "is not one of A" split the persons in two:
an organization without a category, or a person without a visible status, is "not one of".

A person's lead status here is the status it shows: a stored status hidden by its
organization's category matches neither "is one of" nor the board's status columns.
Contacts the reader may not see are never members, and never make a condition match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.db import db_datetime
from core.errors import DomainError, ErrorCode, FieldError
from core.sql import like_escape
from domain.contacts.lead_state import enabled_sql, person_joins
from domain.fold import fold_key
from domain.viewer import Viewer
from models import Category, CategoryGroup, LeadStatus, SelectionEntity, User

MAX_CONDITIONS = 50
MAX_IDS = 500


class SelectionField(str, Enum):
    LEAD_STATUS = "LEAD_STATUS"
    CATEGORY_GROUP = "CATEGORY_GROUP"
    CATEGORY = "CATEGORY"
    LEAD_HAS_UTM_DATA = "LEAD_HAS_UTM_DATA"
    OWNER = "OWNER"
    NAME = "NAME"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    JOB_TITLE = "JOB_TITLE"
    ORGANIZATION_NAME = "ORGANIZATION_NAME"
    CITY = "CITY"
    COUNTRY = "COUNTRY"
    CREATED_AT = "CREATED_AT"


class SelectionOperator(str, Enum):
    IS_ONE_OF = "IS_ONE_OF"
    IS_NOT_ONE_OF = "IS_NOT_ONE_OF"
    EQUALS = "EQUALS"
    NOT_EQUALS = "NOT_EQUALS"
    CONTAINS = "CONTAINS"
    NOT_CONTAINS = "NOT_CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    IS_EMPTY = "IS_EMPTY"
    IS_NOT_EMPTY = "IS_NOT_EMPTY"
    IS_TRUE = "IS_TRUE"
    IS_FALSE = "IS_FALSE"
    BEFORE = "BEFORE"
    AFTER = "AFTER"
    IN_LAST_DAYS = "IN_LAST_DAYS"


F, Op = SelectionField, SelectionOperator
ID_OPERATORS = frozenset({Op.IS_ONE_OF, Op.IS_NOT_ONE_OF})
TEXT_OPERATORS = frozenset(
    {Op.EQUALS, Op.NOT_EQUALS, Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTS_WITH, Op.IS_EMPTY, Op.IS_NOT_EMPTY}
)
# Each negative operator and the positive one it is the complement of.
NEGATIONS = {
    Op.IS_NOT_ONE_OF: Op.IS_ONE_OF,
    Op.NOT_EQUALS: Op.EQUALS,
    Op.NOT_CONTAINS: Op.CONTAINS,
    Op.IS_NOT_EMPTY: Op.IS_EMPTY,
    Op.IS_FALSE: Op.IS_TRUE,
}
# What the ids of an id field are: the model (checked against the company) and the API type.
ID_FIELDS: dict[SelectionField, tuple[Any, str]] = {
    F.LEAD_STATUS: (LeadStatus, "LeadStatus"),
    F.CATEGORY_GROUP: (CategoryGroup, "CategoryGroup"),
    F.CATEGORY: (Category, "Category"),
    F.OWNER: (User, "User"),
}
TEXT_FIELDS = frozenset({F.NAME, F.EMAIL, F.PHONE, F.JOB_TITLE, F.ORGANIZATION_NAME, F.CITY, F.COUNTRY})
OPERATORS: dict[SelectionField, frozenset[SelectionOperator]] = {
    **{f: ID_OPERATORS for f in ID_FIELDS},
    **{f: TEXT_OPERATORS for f in TEXT_FIELDS},
    F.LEAD_HAS_UTM_DATA: frozenset({Op.IS_TRUE, Op.IS_FALSE}),
    F.CREATED_AT: frozenset({Op.BEFORE, Op.AFTER, Op.IN_LAST_DAYS}),
}
# Fields of a person alone: an organization selection cannot use them.
PERSON_ONLY = frozenset({F.EMAIL, F.PHONE, F.JOB_TITLE, F.ORGANIZATION_NAME})


@dataclass(frozen=True)
class Condition:
    field: SelectionField
    operator: SelectionOperator
    ids: tuple[int, ...] = ()
    value: str | None = None
    date: dt.date | None = None
    days: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field.value, "operator": self.operator.value}
        if self.ids:
            out["ids"] = list(self.ids)
        if self.value is not None:
            out["value"] = self.value
        if self.date is not None:
            out["date"] = self.date.isoformat()
        if self.days is not None:
            out["days"] = self.days
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Condition:
        return cls(
            field=SelectionField(data["field"]),
            operator=SelectionOperator(data["operator"]),
            ids=tuple(data.get("ids", ())),
            value=data.get("value"),
            date=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
            days=data.get("days"),
        )


async def check_conditions(
    viewer: Viewer, entity: SelectionEntity, conditions: list[Condition], path: tuple[str, ...]
) -> list[Condition]:
    """Validate conditions against their field's type and the company's ids; every problem at once."""
    errors: list[FieldError] = []
    if len(conditions) > MAX_CONDITIONS:
        raise DomainError(FieldError(f"At most {MAX_CONDITIONS} conditions.", ErrorCode.TOO_MANY_ITEMS, path))
    out: list[Condition] = []
    for i, condition in enumerate(conditions):
        where = (*path, str(i))
        field, operator = condition.field, condition.operator
        if operator not in OPERATORS[field]:
            allowed = ", ".join(sorted(o.value for o in OPERATORS[field]))
            errors.append(
                FieldError(f"{field.value} takes the operators {allowed}.", ErrorCode.INVALID, (*where, "operator"))
            )
            continue
        if entity is SelectionEntity.ORGANIZATION and field in PERSON_ONLY:
            errors.append(
                FieldError(f"{field.value} applies to person selections only.", ErrorCode.INVALID, (*where, "field"))
            )
            continue
        if field in ID_FIELDS:
            ids = tuple(dict.fromkeys(condition.ids))
            model, _ = ID_FIELDS[field]
            if not ids:
                errors.append(FieldError("Give at least one id.", ErrorCode.REQUIRED, (*where, "ids")))
            elif len(ids) > MAX_IDS:
                errors.append(FieldError(f"At most {MAX_IDS} ids.", ErrorCode.TOO_MANY_ITEMS, (*where, "ids")))
            elif await model.filter(id__in=list(ids), company_id=viewer.company_id).count() != len(ids):
                errors.append(
                    FieldError(f"{len(ids)} id(s) given, not all found.", ErrorCode.NOT_FOUND, (*where, "ids"))
                )
            out.append(Condition(field, operator, ids=ids))
        elif field in TEXT_FIELDS:
            value = (condition.value or "").strip()
            if operator in (Op.IS_EMPTY, Op.IS_NOT_EMPTY):
                out.append(Condition(field, operator))
                continue
            if field is F.PHONE:
                value = "".join(ch for ch in value if ch.isdigit())
            if not value:
                what = "digits of a phone number" if field is F.PHONE else "a value"
                errors.append(FieldError(f"Give {what} to compare with.", ErrorCode.REQUIRED, (*where, "value")))
            elif len(value) > 255:
                errors.append(FieldError("value is longer than 255 characters.", ErrorCode.TOO_LONG, (*where, "value")))
            out.append(Condition(field, operator, value=value))
        elif field is F.CREATED_AT:
            if operator is Op.IN_LAST_DAYS:
                if condition.days is None or not 0 < condition.days <= 36500:
                    errors.append(FieldError("days must be between 1 and 36500.", ErrorCode.INVALID, (*where, "days")))
                out.append(Condition(field, operator, days=condition.days))
            else:
                if condition.date is None:
                    errors.append(FieldError("Give a date.", ErrorCode.REQUIRED, (*where, "date")))
                out.append(Condition(field, operator, date=condition.date))
        else:
            out.append(Condition(field, operator))
    if errors:
        raise DomainError(errors)
    return out


# --- SQL -------------------------------------------------------------------------------------

# The aliases of the two member queries: a person with its organization, category and group;
# an organization with its category and group.
PERSON_FROM = f"person p {person_joins()}"
ORGANIZATION_FROM = (
    "organization o LEFT JOIN category oc ON oc.id = o.category_id LEFT JOIN category_group og ON og.id = oc.group_id"
)

Sql = tuple[str, list[Any]]


def _marks(values: tuple[Any, ...] | list[Any]) -> str:
    return ",".join("?" * len(values))


def _in(column: str, ids: tuple[int, ...]) -> Sql:
    return f"({column} IS NOT NULL AND {column} IN ({_marks(ids)}))", list(ids)


def _key(column: str) -> str:
    """A folded key column (domain.fold), never NULL."""
    return f"COALESCE({column}, '')"


def _visible_column(viewer: Viewer, alias: str, column: str) -> Sql:
    """A folded key column of a contact, or '' when the reader may not see that contact."""
    visible, params = viewer.visibility_sql(alias, "owner_id")
    if not visible:
        return _key(column), []
    return f"(CASE WHEN {visible} THEN {_key(column)} ELSE '' END)", params


def _text(expression: Sql, operator: SelectionOperator, value: str | None, *, multi: bool) -> Sql:
    """A positive text test on a never NULL expression: a folded key (domain.fold), compared
    with the folded value, so that "orebro" finds "Örebro" on both databases; or, ``multi``,
    several space-separated values (every email address lower-cased, every phone's digits)."""
    column, params = expression
    if operator is Op.IS_EMPTY:
        return f"({column} = '')", params
    assert value is not None
    wanted = value.lower() if multi else fold_key(value)
    pattern = like_escape(wanted)
    if operator is Op.CONTAINS:
        return f"({column} LIKE ? ESCAPE '\\')", [*params, f"%{pattern}%"]
    if multi:
        spaced = f"(' ' || {column} || ' ')"
        if operator is Op.EQUALS:
            return f"({spaced} LIKE ? ESCAPE '\\')", [*params, f"% {pattern} %"]
        return f"({spaced} LIKE ? ESCAPE '\\')", [*params, f"% {pattern}%"]
    if operator is Op.EQUALS:
        return f"({column} = ?)", [*params, wanted]
    return f"({column} LIKE ? ESCAPE '\\')", [*params, f"{pattern}%"]


def _utm_lead(viewer: Viewer, link: str) -> Sql:
    utm = " OR ".join(f"COALESCE(ul.utm_{k}, '') <> ''" for k in ("source", "medium", "campaign", "term", "content"))
    visible, params = viewer.visibility_sql("ul", "owner_user_id", "owner_team_id")
    extra = f" AND {visible}" if visible else ""
    return f"EXISTS (SELECT 1 FROM lead ul WHERE ul.company_id = ? AND ul.{link} AND ({utm}){extra})", [
        viewer.company_id,
        *params,
    ]


def _created(column: str, condition: Condition, now: dt.datetime) -> Sql:
    if condition.operator is Op.IN_LAST_DAYS:
        assert condition.days is not None
        return f"({column} >= ?)", [db_datetime(now - dt.timedelta(days=condition.days))]
    assert condition.date is not None
    midnight = dt.datetime.combine(condition.date, dt.time(), dt.UTC)
    if condition.operator is Op.BEFORE:
        return f"({column} < ?)", [db_datetime(midnight)]
    return f"({column} >= ?)", [db_datetime(midnight + dt.timedelta(days=1))]


def _person_positive(viewer: Viewer, c: Condition, now: dt.datetime) -> Sql:
    op = c.operator
    if c.field is F.LEAD_STATUS:
        enabled, params = enabled_sql("pg")
        ids_sql, ids = _in("p.lead_status_id", c.ids)
        return f"({enabled} AND {ids_sql})", [*params, *ids]
    if c.field is F.CATEGORY_GROUP:
        return _in("pc.group_id", c.ids)
    if c.field is F.CATEGORY:
        return _in("po.category_id", c.ids)
    if c.field is F.OWNER:
        return _in("p.owner_id", c.ids)
    if c.field is F.LEAD_HAS_UTM_DATA:
        return _utm_lead(viewer, "person_id = p.id")
    if c.field is F.CREATED_AT:
        return _created("p.created_at", c, now)
    columns: dict[SelectionField, tuple[Sql, bool]] = {
        F.NAME: ((_key("p.name_key"), []), False),
        F.EMAIL: (("p.email_search", []), True),
        F.PHONE: (("p.phone_search", []), True),
        F.JOB_TITLE: ((_key("p.job_title_key"), []), False),
        F.ORGANIZATION_NAME: (_visible_column(viewer, "po", "po.name_key"), False),
        F.CITY: (_visible_column(viewer, "po", "po.address_city_key"), False),
        F.COUNTRY: (_visible_column(viewer, "po", "po.address_country_key"), False),
    }
    expression, multi = columns[c.field]
    return _text(expression, op, c.value, multi=multi)


def _organization_positive(viewer: Viewer, c: Condition, now: dt.datetime) -> Sql:
    if c.field is F.LEAD_STATUS:
        # An organization with at least one person (the reader can see) showing one of them.
        enabled, params = enabled_sql("og")
        visible, visible_params = viewer.visibility_sql("sp", "owner_id")
        extra = f" AND {visible}" if visible else ""
        return (
            f"({enabled} AND EXISTS (SELECT 1 FROM person sp WHERE sp.company_id = ? AND sp.organization_id = o.id"
            f" AND sp.lead_status_id IN ({_marks(c.ids)}){extra}))",
            [*params, viewer.company_id, *c.ids, *visible_params],
        )
    if c.field is F.CATEGORY_GROUP:
        return _in("oc.group_id", c.ids)
    if c.field is F.CATEGORY:
        return _in("o.category_id", c.ids)
    if c.field is F.OWNER:
        return _in("o.owner_id", c.ids)
    if c.field is F.LEAD_HAS_UTM_DATA:
        return _utm_lead(viewer, "organization_id = o.id")
    if c.field is F.CREATED_AT:
        return _created("o.created_at", c, now)
    columns = {
        F.NAME: _key("o.name_key"),
        F.CITY: _key("o.address_city_key"),
        F.COUNTRY: _key("o.address_country_key"),
    }
    return _text((columns[c.field], []), c.operator, c.value, multi=False)


def condition_sql(viewer: Viewer, entity: SelectionEntity, condition: Condition, now: dt.datetime) -> Sql:
    positive_op = NEGATIONS.get(condition.operator)
    c = condition if positive_op is None else Condition(**{**condition.__dict__, "operator": positive_op})
    build = _person_positive if entity is SelectionEntity.PERSON else _organization_positive
    sql, params = build(viewer, c, now)
    return (f"NOT {sql}", params) if positive_op is not None else (sql, params)


def base_sql(viewer: Viewer, entity: SelectionEntity) -> tuple[str, list[str], list[Any]]:
    """FROM clause, and the tenancy and visibility conditions of a member query."""
    alias = "p" if entity is SelectionEntity.PERSON else "o"
    where, params = viewer.readable_sql(alias, "owner_id")
    return (PERSON_FROM if entity is SelectionEntity.PERSON else ORGANIZATION_FROM), where, params


def criteria_sql(
    viewer: Viewer, entity: SelectionEntity, conditions: list[Condition], now: dt.datetime
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for condition in conditions:
        sql, more = condition_sql(viewer, entity, condition, now)
        where.append(sql)
        params += more
    return where, params
