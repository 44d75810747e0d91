"""What the database writes for each type (fastpath/sqljson.py's tables): field name -> the SQL
expression of its JSON over a row alias.

A table is a function of the row's alias giving ``{field name: entry}``: a plain entry makes its
expression (a column written as strawberry writes that scalar), a :func:`fastpath.sqljson.nested`
one compiles the field's sub-selection (an object or a list of the row's relations, read as the
loaders read them: of the viewer's company, a contact only where the viewer may see it). The
lead's tables are over ``l`` (domain.leads.query.page_statement), a person's over ``p`` and an
organization's over ``o`` (domain.contacts.query.page_statement), a deal's over ``d``
(domain.deals.query.page_statement); the joins each page adds for its relations are here too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from graphql import FieldNode, SelectionSetNode

from core.sql import Sql, compose
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.deal_fields import DEAL_FIELDS
from domain.fields import Field, Kind, snake
from domain.lead_fields import LEAD_FIELDS
from domain.next_activity import activity_status_case, activity_status_values
from fastpath.sqlexpr import (
    Ctx,
    Expr,
    boolean,
    clock,
    clocked,
    day,
    decimal,
    enum_name,
    global_id,
    json_list,
    lookup,
    moment,
    of_company,
    param,
    plain,
    sql_text,
    uuid_text,
    visible,
    when,
)
from fastpath.sqljson import JsonCompiler, nested
from models import ActivityType

Table = Callable[[str], dict[str, Any]]
# The expression makers a table names by kind (each over one column).
KINDS: dict[str, Callable[[str], Expr]] = {
    "plain": plain,
    "boolean": boolean,
    "moment": moment,
    "day": day,
    "decimal": decimal,
    "clock": clock,
    "uuid": uuid_text,
}


def fields(type_name: str | None = None, **kinds: Any) -> Table:
    """A table of plain entries over an alias: ``kind="fieldA fieldB"`` reads each field's column
    (its name in snake case) with the maker of that kind; ``columns={field: column}`` names a
    column otherwise; ``enums={field: Enum}``; ``type_name`` adds ``id``, the row's global id."""
    columns: dict[str, str] = kinds.pop("columns", {})
    enums: dict[str, Any] = kinds.pop("enums", {})
    makers: dict[str, Callable[[str], Expr]] = {}
    if type_name is not None:
        makers["id"] = functools.partial(global_id, type_name)
        columns = {"id": "id", **columns}
    for kind, names in kinds.items():
        makers.update(dict.fromkeys(names.split(), KINDS[kind]))
    for name, kind in enums.items():
        makers[name] = functools.partial(enum_name, kind=kind)

    def table(a: str) -> dict[str, Callable[[], Expr]]:
        return {
            name: functools.partial(make, f"{a}.{columns.get(name) or snake(name)}") for name, make in makers.items()
        }

    return table


def merged(*tables: Table) -> Table:
    return lambda a: {name: entry for table in tables for name, entry in table(a).items()}


# The maker of each kind of declared field (domain.fields); OPTION, MONEY and GLOBAL_ID below.
DECLARED_KINDS = {
    Kind.TEXT: plain,
    Kind.INTEGER: plain,
    Kind.BOOLEAN: boolean,
    Kind.DATE: day,
    Kind.DATETIME: moment,
}


def declared(declared_fields: Iterable[Field]) -> Table:
    """A table of a type's declared stored fields (domain.fields), each by its kind."""
    listed = tuple(declared_fields)

    def table(a: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in listed:
            if f.kind == Kind.MONEY:
                # The Money table (shared by the lead's and the deal's value) reads these two columns.
                assert f.columns == ("value_amount", "value_currency"), f.name
                out[f.name] = _money(a)
            elif f.kind == Kind.OPTION:
                assert f.enum is not None, f.name
                out[f.name] = functools.partial(enum_name, f"{a}.{f.column}", kind=f.enum)
            elif f.kind == Kind.GLOBAL_ID:
                assert f.ref is not None, f.name
                out[f.name] = functools.partial(global_id, f.ref, f"{a}.{f.column}")
            else:
                out[f.name] = functools.partial(DECLARED_KINDS[f.kind], f"{a}.{f.column}")
        return out

    return table


USER = fields("User", plain="name")
TEAM = fields("Team", plain="name")
LABEL = fields("LeadLabel", plain="name color")
ADDRESS = fields(
    plain="street city postalCode country",
    decimal="latitude longitude",
    columns={name: f"address_{snake(name)}" for name in ("street", "city", "postalCode", "country")},
)
MONEY = fields(decimal="amount", plain="currency", columns={"amount": "value_amount", "currency": "value_currency"})


def _primary(kind: str) -> Callable[[str], Expr]:
    """domain.emails_phones.primary_value in SQL: the value of the first entry flagged primary, else null."""

    def make(a: str) -> Expr:
        column = f"{a}.{kind}"
        # SQLite: the first entry read straight when it is the one flagged primary (the usual
        # case: domain.emails_phones flags the first unless the client flags another), the
        # entries walked only otherwise. json_each for every person cost a Q1 page (100 leads)
        # ~0.2-0.3 ms of its ~2.4 ms in SQLite.
        scan = (
            f"(SELECT json_extract(t.value, '$.value') FROM json_each({column}) AS t"
            " WHERE json_type(t.value, '$.primary') = 'true' ORDER BY t.key LIMIT 1)"
        )
        # PostgreSQL: a JSON path's first match, in the entries' order (the same value as a
        # subquery over jsonb_array_elements for all of 100,005 lists compared; 51 ms against
        # 115 ms for 100,000 lists of three). The path's filter mark is written \x3f: a ``?`` is
        # a parameter's place in our SQL (core.sql).
        return sql_text(
            f"(jsonb_path_query_first({column}, E'$[*] \\x3f (@.primary == true)') ->> 'value')",
            f"CASE WHEN json_type({column}, '$[0].primary') = 'true' THEN json_extract({column}, '$[0].value')"
            f" ELSE {scan} END",
        )

    return make


PRIMARY = {"primaryEmail": "emails", "primaryPhone": "phones"}
PERSON = merged(
    fields("Person"),
    declared(PERSON_FIELDS),
    lambda a: {name: functools.partial(_primary(kind), a) for name, kind in PRIMARY.items()},
)
ORGANIZATION_PLAIN = merged(fields("Organization"), declared(ORGANIZATION_FIELDS))
ACTIVITY = fields(
    "Activity",
    plain="subject durationMinutes note",
    day="dueDate",
    clock="dueTime",
    boolean="done",
    moment="doneAt createdAt",
    enums={"type": ActivityType},
)
LEAD_PLAIN = merged(fields("Lead", uuid="uuid", columns={"uuid": "id"}), declared(LEAD_FIELDS))


def _organization_table(a: str) -> dict[str, Any]:
    table: dict[str, Any] = ORGANIZATION_PLAIN(a)
    table["address"] = nested(lambda json, sub, _n: json.object("Address", sub, ADDRESS, a))
    return table


def related(type_name: str, table: Any, alias: str, condition: Callable[[Ctx], Sql]) -> Any:
    """An object field: the row of ``alias`` where ``condition`` holds, else null."""
    return nested(lambda json, sub, _n: when(condition, json.object(type_name, sub, table, alias)))


def looked_up(
    type_name: str, table: Any, alias: str, source: str, key: str, condition: Callable[[Ctx], Sql], joined: str = ""
) -> Any:
    """An object field read by a lookup (fastpath.sqlexpr.lookup): the row of ``source`` whose id is
    ``key``, as ``alias``, where ``condition`` holds, else null."""

    def make(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
        return lookup(source, alias, key, condition, json.object(type_name, sub, table, alias), joined)

    return nested(make)


def _owner(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    """fastpath.compiler.owner_value: the owning user, else the owning team (of the company)."""
    user = lookup(
        "app_user", "ou", "l.owner_user_id", of_company("ou", "l.owner_user_id"), json.object("User", sub, USER, "ou")
    )
    team = lookup(
        "team", "ot", "l.owner_team_id", of_company("ot", "l.owner_team_id"), json.object("Team", sub, TEAM, "ot")
    )
    return when(
        sql_text("l.owner_user_id IS NOT NULL"),
        user,
        otherwise=(sql_text("l.owner_team_id IS NOT NULL"), team),
    )


def _labels(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    """The lead's labels of its company, in the labels loader's order (folded name, id)."""
    return json_list(
        json.object("LeadLabel", sub, LABEL, "ll"),
        "FROM lead_label_link lll JOIN lead_label ll ON ll.id = lll.label_id"
        " WHERE lll.lead_id = l.id AND ll.company_id = l.company_id",
        ("ll.name_key, ll.id", "ll.name_key, ll.id"),
    )


def _activity_status() -> Expr:
    """domain.next_activity.activity_status_sql over the lead's next activity (of its company):
    its text, and its values read at the request's moment."""

    def make(ctx: Ctx) -> Sql:
        postgres = ctx.postgres
        case = activity_status_case("na.due_date", "na.due_time", postgres)
        # The rule never answers null: no activity of the company is NONE.
        return compose(
            "COALESCE((SELECT ",
            clocked(case, lambda now: activity_status_values(now, postgres)),
            " FROM activity na WHERE na.id = l.next_activity_id AND na.company_id = ",
            param(ctx.viewer.company_id),
            "), 'NONE')",
        )

    return make


def _money(alias: str) -> Any:
    return related(
        "Money",
        MONEY,
        alias,
        sql_text(
            f"{alias}.value_amount IS NOT NULL AND {alias}.value_currency IS NOT NULL AND {alias}.value_currency <> ''"
        ),
    )


def _valued(row: str, person: str, organization: str) -> dict[str, Any]:
    """A lead's or a deal's value, person and organization over the row's alias and the aliases of
    its person and organization lookups (shown where the viewer may see them)."""
    person_id, organization_id = f"{row}.person_id", f"{row}.organization_id"
    return {
        "value": _money(row),
        "person": looked_up("Person", PERSON, person, "person", person_id, visible(person, person_id)),
        "organization": looked_up(
            "Organization",
            _organization_table,
            organization,
            "organization",
            organization_id,
            visible(organization, organization_id),
        ),
    }


def lead_table(a: str) -> dict[str, Any]:
    """A lead's fields over ``l``; its relations are lookups (no joins: fastpath.sqlexpr.lookup)."""
    assert a == "l"
    table: dict[str, Any] = LEAD_PLAIN(a)
    table.update(
        _valued("l", "p", "o"),
        owner=nested(_owner),
        labels=nested(_labels),
        nextActivity=looked_up(
            "Activity", ACTIVITY, "na", "activity", "l.next_activity_id", of_company("na", "l.next_activity_id")
        ),
        activityStatus=_activity_status,
    )
    return table


# --- the persons and organizations roots (alias p, o: domain.contacts.query.page_statement) ----

# What a contact's row joins for its organization and owner (read as the loaders read them: of
# the viewer's company, the organization only where the viewer may see it).
CONTACT_JOINS = {
    "p": (
        "LEFT JOIN organization po ON po.id = p.organization_id",
        "LEFT JOIN app_user pu ON pu.id = p.owner_id",
    ),
    "o": ("LEFT JOIN app_user ou ON ou.id = o.owner_id",),
}


def person_row_table(a: str) -> dict[str, Any]:
    assert a == "p"
    table: dict[str, Any] = PERSON(a)
    table["organization"] = related("Organization", _organization_table, "po", visible("po", "p.organization_id"))
    table["owner"] = related("User", USER, "pu", of_company("pu", "p.owner_id"))
    return table


def organization_row_table(a: str) -> dict[str, Any]:
    assert a == "o"
    table = _organization_table(a)
    table["owner"] = related("User", USER, "ou", of_company("ou", "o.owner_id"))
    return table


# --- the deals root (alias d: domain.deals.query.page_statement) ---------------------------------

# The deal's person, organization, owner, pipeline and stage are lookups (fastpath.sqlexpr.lookup),
# read as the loaders read them: of the viewer's company; a person or organization only where the
# viewer may see it. Their aliases differ from the page's own search joins (p, o).
STAGE = fields("Stage", plain="name position probability")
PIPELINE = fields("Pipeline", plain="name position", boolean="isDefault")
DEAL_PLAIN = merged(fields("Deal"), declared(DEAL_FIELDS))


def _stage_of_company() -> Callable[[Ctx], Sql]:
    return lambda ctx: compose("d.stage_id IS NOT NULL AND dsp.company_id = ", param(ctx.viewer.company_id))


def deal_row_table(a: str) -> dict[str, Any]:
    """A deal's fields over ``d``; its relations are lookups (no joins)."""
    assert a == "d"
    table: dict[str, Any] = DEAL_PLAIN(a)
    table.update(
        _valued("d", "dp", "dorg"),
        owner=looked_up("User", USER, "du", "app_user", "d.owner_id", of_company("du", "d.owner_id")),
        pipeline=looked_up(
            "Pipeline", PIPELINE, "dpl", "pipeline", "d.pipeline_id", of_company("dpl", "d.pipeline_id")
        ),
        stage=looked_up(
            "Stage",
            STAGE,
            "ds",
            "stage",
            "d.stage_id",
            _stage_of_company(),
            " JOIN pipeline dsp ON dsp.id = ds.pipeline_id",
        ),
    )
    return table
