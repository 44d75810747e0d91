"""The WHERE of the inbox's list: company and visibility, quick and predefined filters, free-text
search and custom conditions, each as SQL over ``lead l`` (see :mod:`domain.leads.query`)."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import TYPE_CHECKING

from core.db import db_datetime
from core.sql import Param, Sql, compose, join, like_pattern, marks, raw
from domain.columns.column import Column
from domain.columns.sql import JOIN_ORGANIZATION, JOIN_PERSON
from domain.contacts.lead_state import enabled_sql, person_joins
from domain.fold import key_pattern
from domain.leads.filter import compile_group
from domain.viewer import Viewer

if TYPE_CHECKING:
    # The query a caller built: a type only (domain.leads.query imports this module).
    from domain.leads.query import LeadQuery


class PredefinedLeadFilter(str, Enum):
    ADDED_MORE_THAN_THREE_MONTHS_AGO = "ADDED_MORE_THAN_THREE_MONTHS_AGO"
    WITH_LINKED_PERSON = "WITH_LINKED_PERSON"
    WITH_EMAIL = "WITH_EMAIL"
    WITHOUT_ACTIVITY = "WITHOUT_ACTIVITY"
    WITH_PHONE = "WITH_PHONE"
    WITH_SCHEDULED_ACTIVITY = "WITH_SCHEDULED_ACTIVITY"
    WITH_VALUE = "WITH_VALUE"


# The linked person's organization, category and group: whether its lead status shows.
JOIN_PERSON_CATEGORY = person_joins("p", "lpo", "lpc", "lpg")


def months_ago(now: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    day = min(
        now.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
            month - 1
        ],
    )
    return now.replace(year=year, month=month, day=day)


def _visible_only(viewer: Viewer, alias: str, condition: Sql) -> Sql:
    """``condition``, and only where the contact behind ``alias`` is visible."""
    visible, params = viewer.visibility_sql(alias, "owner_id")
    if not visible:
        return condition
    return compose("(", Sql(visible, tuple(params)), " AND ", condition, ")")


# Search text that reads as a phone number: digits with the usual separators, and enough digits
# to mean something. Only such text is matched against phone numbers; otherwise the digits of
# any word ("no-such-title-x7y7z7") would find every phone that holds them.
PHONE_LIKE = re.compile(r"^[0-9\s+\-()]+$")
PHONE_MIN_DIGITS = 5


def phone_digits(text: str) -> str | None:
    """The digits to look for in phone numbers when ``text`` looks like one, else None."""
    if not PHONE_LIKE.match(text):
        return None
    numbers = "".join(ch for ch in text if ch.isdigit())
    return numbers if len(numbers) >= PHONE_MIN_DIGITS else None


def _search(viewer: Viewer, text: str) -> Sql:
    # Titles and names are searched in their folded keys (domain.fold), so that "orebro" finds
    # "Örebro" on SQLite as on PostgreSQL; email addresses as they are, lower-cased.
    pattern = Param(key_pattern(text))
    person_parts = [
        raw("p.name_key LIKE ? ESCAPE '\\'", pattern.value),
        raw("p.email_search LIKE ? ESCAPE '\\'", like_pattern(text)),
    ]
    numbers = phone_digits(text)
    if numbers is not None:
        person_parts.append(raw("p.phone_search LIKE ?", f"%{numbers}%"))
    # A contact the viewer may not see must not make a lead match: the search would otherwise
    # confirm a hidden person's name, email or phone (SPEC §1 visibility).
    person = _visible_only(viewer, "p", compose("(", join(" OR ", person_parts), ")"))
    org = _visible_only(viewer, "o", raw("o.name_key LIKE ? ESCAPE '\\'", pattern.value))
    condition = compose("(l.title_key LIKE ", pattern, " ESCAPE '\\' OR ", person, " OR ", org, ")")
    return Sql(condition.text, condition.params, (JOIN_PERSON, JOIN_ORGANIZATION))


def _predefined(viewer: Viewer, predefined: PredefinedLeadFilter, now: dt.datetime) -> Sql:
    # The filters on the linked person count only a person the viewer may see: a hidden person
    # is no person, without email or phone (SPEC §1 visibility).
    if predefined is PredefinedLeadFilter.ADDED_MORE_THAN_THREE_MONTHS_AGO:
        return raw("l.created_at < ?", db_datetime(months_ago(now, 3)))
    if predefined is PredefinedLeadFilter.WITH_LINKED_PERSON:
        return _visible_only(viewer, "p", raw("p.id IS NOT NULL", joins=(JOIN_PERSON,)))
    if predefined is PredefinedLeadFilter.WITH_EMAIL:
        return _visible_only(viewer, "p", raw("p.email_search <> ''", joins=(JOIN_PERSON,)))
    if predefined is PredefinedLeadFilter.WITH_PHONE:
        return _visible_only(viewer, "p", raw("p.phone_search <> ''", joins=(JOIN_PERSON,)))
    if predefined is PredefinedLeadFilter.WITHOUT_ACTIVITY:
        return raw("NOT EXISTS (SELECT 1 FROM activity fa WHERE fa.lead_id = l.id)")
    if predefined is PredefinedLeadFilter.WITH_SCHEDULED_ACTIVITY:
        return raw("l.next_activity_id IS NOT NULL")
    return raw("l.value_amount IS NOT NULL")


def where_conditions(viewer: Viewer, query: LeadQuery, now: dt.datetime, columns: dict[str, Column]) -> list[Sql]:
    where = [raw("l.company_id = ?", viewer.company_id), raw("l.is_archived = ?", query.archived)]
    visible, params = viewer.visibility_sql("l", "owner_user_id", "owner_team_id")
    if visible:
        where.append(Sql(visible, tuple(params)))
    where += chosen_conditions(viewer, query, now, columns)
    for extra in query.also:
        where += chosen_conditions(viewer, extra, now, columns)
    return where


def chosen_conditions(viewer: Viewer, query: LeadQuery, now: dt.datetime, columns: dict[str, Column]) -> list[Sql]:
    """The conditions a user chose: quick filters, predefined filters, search and custom conditions."""
    where: list[Sql] = []
    if query.sources:
        where.append(compose("l.source IN (", marks([s.value for s in query.sources]), ")"))
    if query.label_ids:
        where.append(
            compose(
                "EXISTS (SELECT 1 FROM lead_label_link fl WHERE fl.lead_id = l.id AND fl.label_id IN (",
                marks(query.label_ids),
                "))",
            )
        )
    if query.owner_user_ids or query.team_ids:
        # A team stands for the leads it owns and those of its members.
        parts: list[Sql] = []
        if query.owner_user_ids:
            parts.append(compose("l.owner_user_id IN (", marks(query.owner_user_ids), ")"))
        if query.team_ids:
            parts.append(compose("l.owner_team_id IN (", marks(query.team_ids), ")"))
            parts.append(
                compose(
                    "l.owner_user_id IN (SELECT tm.user_id FROM team_member tm JOIN team t ON t.id = tm.team_id"
                    " WHERE t.company_id = ",
                    Param(viewer.company_id),
                    " AND tm.team_id IN (",
                    marks(query.team_ids),
                    "))",
                )
            )
        where.append(compose("(", join(" OR ", parts), ")"))
    if query.lead_status_ids:
        enabled, enabled_params = enabled_sql("lpg")
        # A status hidden by the organization's category does not count, nor does a person
        # the viewer may not see (its status would be told through the filter).
        status = compose(
            "(",
            Sql(enabled, tuple(enabled_params)),
            " AND p.lead_status_id IN (",
            marks(query.lead_status_ids),
            "))",
        )
        status = Sql(status.text, status.params, (JOIN_PERSON, JOIN_PERSON_CATEGORY))
        where.append(_visible_only(viewer, "p", status))
    where += [_predefined(viewer, p, now) for p in dict.fromkeys(query.predefined)]
    search = (query.search or "").strip()
    if search:
        where.append(_search(viewer, search))
    if query.conditions is not None:
        custom = compile_group(query.conditions, columns, viewer, now)
        if custom is not None:
            where.append(custom)
    return where
