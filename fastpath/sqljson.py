"""The database writes the JSON: a Lead selection compiled to SQL that builds each object's text.

For the `leads` root, :func:`compile_lead_json` turns the Lead selection (wherever the connection
asks for it: ``edges.node``, ``nodes``) into SQL expressions that build each lead's JSON object in
the page statement itself: ``json_build_object``/``json_agg`` on PostgreSQL, ``json_object``/
``json_group_array`` on SQLite. The page statement stays domain.lead_query.page_statement (company
scope, visibility, filters, sort, cursor and limit are its own); only its select list is made
here. The text the database returns is spliced into the response as it is (core.json_text),
never parsed.

What SQL does not write is a *hole* the Python writers fill: a lead's ``values`` (the cells of
domain.column_values, with their display rules) are written by the compiled Python writer of
fastpath/leads.py and spliced between the object's SQL parts. A field with no SQL form here
(notes, activities, a person's contact lists) raises :class:`fastpath.compiler.Unsupported`, and
the root is compiled with the Python writers instead (fastpath/leads.py), so every selection is
still answered.

The serialisation is strawberry's, written in SQL: a date as ISO text, a moment as
``isoformat()`` in UTC (``+00:00``, microseconds only when there are any), a decimal as its text,
an enum by its name, a global id as core.ids writes it (base64url without padding: PostgreSQL's
``encode(..., 'base64')``; on SQLite a function registered on the connection,
:func:`register_functions`, calling core.ids itself), booleans as JSON booleans. The rules that
decide values are the domain's: an activity's status is domain.activity.activity_status_sql
(held to the Python rule by tests), a contact's visibility is domain.viewer.visibility_sql, the
labels' order is the labels loader's (name, case-folded, then id).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from graphql import FieldNode, SelectionSetNode

from core.ids import to_global_id
from core.json_text import JsonText
from core.sql import Sql, compose, join, raw
from domain.activity import activity_status_sql
from domain.viewer import Viewer
from fastpath.compiler import Compiler, Run, Unsupported
from models import ActivityType, DealStatus, LeadSource, Visibility

# PostgreSQL's functions take at most 100 arguments: 50 keys a json_build_object.
MAX_KEYS = 50


@dataclass
class Ctx:
    """What a request adds to the compiled expressions: dialect, viewer and clock."""

    postgres: bool
    viewer: Viewer
    now: dt.datetime


Expr = Callable[[Ctx], Sql]
# A table entry: a fixed expression maker, or a function of (json compiler, sub-selections, nodes).
Entry = Callable[..., Expr]


# --- values as JSON ------------------------------------------------------------------------


def _fixed(text_pg: str, text_lite: str | None = None) -> Expr:
    pg, lite = raw(text_pg), raw(text_pg if text_lite is None else text_lite)
    return lambda ctx: pg if ctx.postgres else lite


def plain(column: str) -> Expr:
    """Text and integers: the driver's JSON is strawberry's."""
    return _fixed(column)


def boolean(column: str) -> Expr:
    return _fixed(column, f"json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END)")


def moment(column: str) -> Expr:
    """A timestamp as ``datetime.isoformat()`` in UTC (tortoise stores ISO text on SQLite)."""
    return _fixed(
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN to_char({column}, 'US') = '000000' THEN '' ELSE '.' || to_char({column}, 'US') END"
        " || '+00:00')",
        f"(substr({column}, 1, 10) || 'T' || substr({column}, 12))",
    )


def day(column: str) -> Expr:
    return _fixed(f"to_char({column}, 'YYYY-MM-DD')", column)


def clock(column: str) -> Expr:
    """A ``time with time zone`` as ``time.isoformat()`` (SQLite keeps that text)."""
    micro = f"(extract(microseconds from {column})::bigint % 1000000)"
    zone = f"extract(timezone from {column})"
    return _fixed(
        f"(substr({column}::text, 1, 8)"
        f" || CASE WHEN {micro} = 0 THEN '' ELSE '.' || lpad({micro}::text, 6, '0') END"
        f" || CASE WHEN {zone} < 0 THEN '-' ELSE '+' END"
        f" || to_char(make_interval(secs => abs({zone})), 'HH24:MI'))",
        column,
    )


def decimal(column: str) -> Expr:
    return _fixed(f"({column})::text", column)


def uuid_text(column: str) -> Expr:
    return _fixed(f"({column})::text", column)


def enum_name(column: str, kind: type[Enum]) -> Expr:
    """An enum by its member's name (the column holds the value)."""
    if all(m.name == m.value for m in kind):
        return _fixed(column)
    cases = " ".join(f"WHEN '{m.value}' THEN '{m.name}'" for m in kind)
    return _fixed(f"CASE {column} {cases} END")


def global_id(type_name: str, column: str) -> Expr:
    """core.ids.to_global_id in SQL: base64url of ``Type:key`` without padding."""
    return _fixed(
        f"translate(encode(convert_to('{type_name}:' || ({column})::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')",
        f"lbx_gid('{type_name}', {column})",
    )


def literal(text: str) -> Expr:
    assert "'" not in text and "?" not in text
    return _fixed(f"'{text}'")


def json_object(pairs: list[tuple[str, Expr]]) -> Expr:
    """One JSON object of the pairs, keys in order (response keys: GraphQL names)."""
    if len(pairs) > MAX_KEYS:
        raise Unsupported("more keys than one SQL call takes")

    def make(ctx: Ctx) -> Sql:
        parts: list[Any] = ["json_build_object(" if ctx.postgres else "json_object("]
        for i, (key, value) in enumerate(pairs):
            parts += [", " if i else "", f"'{key}', ", value(ctx)]
        parts.append(")")
        return compose(*parts)

    return make


def when(condition: Callable[[Ctx], Sql], value: Expr) -> Expr:
    """``value`` where ``condition`` holds, else null."""

    def make(ctx: Ctx) -> Sql:
        inner = compose("CASE WHEN ", condition(ctx), " THEN ", value(ctx), " END")
        return inner if ctx.postgres else compose("json(", inner, ")")

    return make


# --- tables: field name -> function(alias) -> entry ------------------------------------------


def _fields(**entries: Callable[[str], Expr]) -> Callable[[str], dict[str, Callable[[], Expr]]]:
    """A table of plain entries over an alias."""
    return lambda a: {name: functools.partial(make, a) for name, make in entries.items()}


USER = _fields(id=lambda a: global_id("User", f"{a}.id"), name=lambda a: plain(f"{a}.name"))
TEAM = _fields(id=lambda a: global_id("Team", f"{a}.id"), name=lambda a: plain(f"{a}.name"))
LABEL = _fields(
    id=lambda a: global_id("LeadLabel", f"{a}.id"),
    name=lambda a: plain(f"{a}.name"),
    color=lambda a: plain(f"{a}.color"),
)
ADDRESS = _fields(
    street=lambda a: plain(f"{a}.address_street"),
    city=lambda a: plain(f"{a}.address_city"),
    postalCode=lambda a: plain(f"{a}.address_postal_code"),
    country=lambda a: plain(f"{a}.address_country"),
    latitude=lambda a: decimal(f"{a}.latitude"),
    longitude=lambda a: decimal(f"{a}.longitude"),
)
STAMPS = {"createdAt": lambda a: moment(f"{a}.created_at"), "updatedAt": lambda a: moment(f"{a}.updated_at")}


def _primary(kind: str) -> Callable[[str], Expr]:
    """fastpath.compiler.primary: the value of the first entry flagged primary, else null."""

    def make(a: str) -> Expr:
        return _fixed(
            f"(SELECT t.e ->> 'value' FROM jsonb_array_elements({a}.{kind}) WITH ORDINALITY AS t(e, n)"
            " WHERE t.e -> 'primary' = 'true'::jsonb ORDER BY t.n LIMIT 1)",
            f"(SELECT json_extract(t.value, '$.value') FROM json_each({a}.{kind}) AS t"
            " WHERE json_type(t.value, '$.primary') = 'true' ORDER BY t.key LIMIT 1)",
        )

    return make


PERSON = _fields(
    id=lambda a: global_id("Person", f"{a}.id"),
    name=lambda a: plain(f"{a}.name"),
    firstName=lambda a: plain(f"{a}.first_name"),
    lastName=lambda a: plain(f"{a}.last_name"),
    jobTitle=lambda a: plain(f"{a}.job_title"),
    primaryEmail=_primary("emails"),
    primaryPhone=_primary("phones"),
    visibility=lambda a: enum_name(f"{a}.visibility", Visibility),
    version=lambda a: plain(f"{a}.version"),
    **STAMPS,
)
ORGANIZATION_PLAIN = _fields(
    id=lambda a: global_id("Organization", f"{a}.id"),
    name=lambda a: plain(f"{a}.name"),
    visibility=lambda a: enum_name(f"{a}.visibility", Visibility),
    version=lambda a: plain(f"{a}.version"),
    **STAMPS,
)
ACTIVITY = _fields(
    id=lambda a: global_id("Activity", f"{a}.id"),
    type=lambda a: enum_name(f"{a}.type", ActivityType),
    subject=lambda a: plain(f"{a}.subject"),
    dueDate=lambda a: day(f"{a}.due_date"),
    dueTime=lambda a: clock(f"{a}.due_time"),
    durationMinutes=lambda a: plain(f"{a}.duration_minutes"),
    note=lambda a: plain(f"{a}.note"),
    done=lambda a: boolean(f"{a}.done"),
    doneAt=lambda a: moment(f"{a}.done_at"),
    createdAt=lambda a: moment(f"{a}.created_at"),
)
MONEY = _fields(amount=lambda a: decimal(f"{a}.value_amount"), currency=lambda a: plain(f"{a}.value_currency"))
LEAD_PLAIN = _fields(
    id=lambda a: global_id("Lead", f"{a}.id"),
    uuid=lambda a: uuid_text(f"{a}.id"),
    title=lambda a: plain(f"{a}.title"),
    expectedCloseDate=lambda a: day(f"{a}.expected_close_date"),
    source=lambda a: enum_name(f"{a}.source", LeadSource),
    visibility=lambda a: enum_name(f"{a}.visibility", Visibility),
    wasSeen=lambda a: boolean(f"{a}.was_seen"),
    isArchived=lambda a: boolean(f"{a}.is_archived"),
    archivedAt=lambda a: moment(f"{a}.archived_at"),
    createdAt=lambda a: moment(f"{a}.created_at"),
    updatedAt=lambda a: moment(f"{a}.updated_at"),
    version=lambda a: plain(f"{a}.version"),
    utmSource=lambda a: plain(f"{a}.utm_source"),
    utmMedium=lambda a: plain(f"{a}.utm_medium"),
    utmCampaign=lambda a: plain(f"{a}.utm_campaign"),
    utmTerm=lambda a: plain(f"{a}.utm_term"),
    utmContent=lambda a: plain(f"{a}.utm_content"),
)


def _sql(text: str) -> Callable[[Ctx], Sql]:
    fixed = raw(text)
    return lambda ctx: fixed


def _of_company(alias: str, reference: str) -> Callable[[Ctx], Sql]:
    """The lead refers to a row of ``alias`` and it is of the viewer's company (as the loaders read)."""
    return lambda ctx: compose(
        f"{reference} IS NOT NULL AND {alias}.id IS NOT NULL AND {alias}.company_id = ", _param(ctx.viewer.company_id)
    )


def _param(value: Any) -> Sql:
    return Sql("?", (value,))


def _visible(alias: str, reference: str) -> Callable[[Ctx], Sql]:
    """Of the viewer's company and visible to the viewer: domain.viewer.visibility_sql."""
    company = _of_company(alias, reference)

    def make(ctx: Ctx) -> Sql:
        visible, params = ctx.viewer.visibility_sql(alias, "owner_id")
        if not visible:
            return company(ctx)
        return compose(company(ctx), " AND ", Sql(visible, tuple(params)))

    return make


class JsonCompiler:
    """Compiles selections to SQL JSON expressions; ``compiler`` merges the selections."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler

    def object(self, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> Expr:
        """The JSON object of ``type_name``'s selection over the row of ``alias``."""
        return json_object(self.pairs(type_name, sets, table, alias))

    def pairs(self, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> list[tuple[str, Expr]]:
        entries = table(alias) if callable(table) else table
        out: list[tuple[str, Expr]] = []
        for key, nodes in self.compiler.collect(type_name, sets).items():
            out.append((key, self.entry(type_name, entries, key, nodes, alias)))
        return out

    def entry(self, type_name: str, entries: dict[str, Any], key: str, nodes: list[FieldNode], alias: str) -> Expr:
        name = nodes[0].name.value
        if name == "__typename":
            return literal(type_name)
        make = entries.get(name)
        if make is None:
            raise Unsupported(f"{type_name}.{name} in SQL")
        sub = [n.selection_set for n in nodes if n.selection_set is not None]
        if getattr(make, "takes_selection", False):
            return make(self, sub, nodes)
        return make()


def nested(make: Callable[[JsonCompiler, list[SelectionSetNode], list[FieldNode]], Expr]) -> Any:
    make.takes_selection = True  # type: ignore[attr-defined]  # a mark on the function, read with getattr above
    return make


def _person(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    return when(_visible("p", "l.person_id"), json.object("Person", sub, PERSON, "p"))


def _organization_table(a: str) -> dict[str, Any]:
    table: dict[str, Any] = ORGANIZATION_PLAIN(a)
    table["address"] = nested(lambda json, sub, _n: json.object("Address", sub, ADDRESS, a))
    return table


def _organization(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    return when(_visible("o", "l.organization_id"), json.object("Organization", sub, _organization_table, "o"))


def _owner(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    """fastpath.compiler.owner_value: the owning user, else the owning team (of the company)."""
    user = json.object("User", sub, USER, "ou")
    team = json.object("Team", sub, TEAM, "ot")
    user_of = _of_company("ou", "l.owner_user_id")
    team_of = _of_company("ot", "l.owner_team_id")

    def make(ctx: Ctx) -> Sql:
        inner = compose(
            "CASE WHEN l.owner_user_id IS NOT NULL THEN CASE WHEN ",
            user_of(ctx),
            " THEN ",
            user(ctx),
            " END WHEN ",
            team_of(ctx),
            " THEN ",
            team(ctx),
            " END",
        )
        return inner if ctx.postgres else compose("json(", inner, ")")

    return make


def _labels(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    """The lead's labels of its company, in the labels loader's order (name case-folded, id)."""
    item = json.object("LeadLabel", sub, LABEL, "ll")
    tables = "FROM lead_label_link lll JOIN lead_label ll ON ll.id = lll.label_id"
    where = "WHERE lll.lead_id = l.id AND ll.company_id = l.company_id"

    def make(ctx: Ctx) -> Sql:
        if ctx.postgres:
            return compose(
                "COALESCE((SELECT json_agg(",
                item(ctx),
                f" ORDER BY lower(ll.name) COLLATE \"C\", ll.id) {tables} {where}), '[]'::json)",
            )
        return compose(
            "json((SELECT json_group_array(json(x.j)) FROM (SELECT ",
            item(ctx),
            f" AS j {tables} {where} ORDER BY lbx_lower(ll.name), ll.id) AS x))",
        )

    return make


def _next_activity(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
    return when(_of_company("na", "l.next_activity_id"), json.object("Activity", sub, ACTIVITY, "na"))


def _activity_status() -> Expr:
    """domain.activity.activity_status_sql over the lead's next activity (of its company)."""

    def make(ctx: Ctx) -> Sql:
        text, params = activity_status_sql("na.due_date", "na.due_time", ctx.now, ctx.postgres)
        return compose(
            "CASE WHEN l.next_activity_id IS NULL OR na.id IS NULL OR na.company_id <> ",
            _param(ctx.viewer.company_id),
            " THEN 'NONE' ELSE ",
            Sql(text, tuple(params)),
            " END",
        )

    return make


def _money() -> Any:
    def make(json: JsonCompiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Expr:
        return when(
            _sql("l.value_amount IS NOT NULL AND l.value_currency IS NOT NULL AND l.value_currency <> ''"),
            json.object("Money", sub, MONEY, "l"),
        )

    return nested(make)


def lead_table(a: str) -> dict[str, Any]:
    assert a == "l"
    table: dict[str, Any] = LEAD_PLAIN(a)
    table.update(
        value=_money(),
        person=nested(_person),
        organization=nested(_organization),
        owner=nested(_owner),
        labels=nested(_labels),
        nextActivity=nested(_next_activity),
        activityStatus=_activity_status,
    )
    return table


# --- a lead: SQL parts and Python holes -----------------------------------------------------


@dataclass
class Hole:
    """A key the Python writers fill: its expression over the page record (fastpath.leads)."""

    key: str
    write: Callable[[Any, Run], Any]


@dataclass
class LeadJson:
    """One place the selection writes a Lead: its parts in key order, SQL objects and holes."""

    parts: list[Expr | Hole]

    @property
    def needs_records(self) -> bool:
        return any(isinstance(p, Hole) for p in self.parts)

    @property
    def width(self) -> int:
        """How many columns of the page statement this site reads."""
        return sum(1 for p in self.parts if not isinstance(p, Hole))

    def columns(self, ctx: Ctx) -> list[Sql]:
        return [p(ctx) for p in self.parts if not isinstance(p, Hole)]

    def writer(self, first_column: int) -> Callable[[Any, Run], JsonText]:
        """The node of a row (:class:`JsonRow`) from its texts (and its records for the holes)."""
        parts = self.parts
        if len(parts) == 1 and not isinstance(parts[0], Hole):
            return lambda row, run: JsonText(row.texts[first_column])
        plan: list[tuple[int, str, Callable[[Any, Run], Any] | None]] = []
        at = first_column
        for part in parts:
            if isinstance(part, Hole):
                plan.append((-1, orjson.dumps(part.key).decode() + ":", part.write))
            else:
                plan.append((at, "", None))
                at += 1
        dumps = orjson.dumps

        def write(row: Any, run: Run) -> JsonText:
            pieces = []
            for index, key, hole in plan:
                if hole is None:
                    # An object's text without its braces (PostgreSQL writes spaces inside).
                    inner = row.texts[index].strip()[1:-1].strip()
                    if inner:
                        pieces.append(inner)
                else:
                    pieces.append(key + dumps(hole(row.records, run)).decode())
            return JsonText("{" + ",".join(pieces) + "}")

        return write


# Lead fields the Python writers fill in SQL mode (their writers read the page's records).
PYTHON_HOLES = ("values",)


def compile_lead_json(
    compiler: Compiler, sets: list[SelectionSetNode], python: Callable[[str, list[FieldNode]], str]
) -> LeadJson:
    """The Lead selection as SQL parts, with a :class:`Hole` for each key in :data:`PYTHON_HOLES`
    (``python`` gives the Python expression of such a key over ``s``, the page record)."""
    json = JsonCompiler(compiler)
    table = lead_table("l")
    parts: list[Expr | Hole] = []
    pending: list[tuple[str, Expr]] = []
    for key, nodes in compiler.collect("Lead", sets).items():
        if nodes[0].name.value in PYTHON_HOLES:
            if pending:
                parts.append(json_object(pending))
                pending = []
            expression = python(key, nodes)
            function = compiler.name("hole")
            source = f"def {function}(s, run):\n    return {expression}\n"
            exec(compile(source, f"<fastpath {function}>", "exec"), compiler.namespace)
            compiler.sources.append(source)
            parts.append(Hole(key, compiler.namespace[function]))
            continue
        pending.append((key, json.entry("Lead", table, key, nodes, "l")))
    if pending or not parts:
        parts.append(json_object(pending))
    return LeadJson(parts)


def compile_json(compiler: Compiler, type_name: str, sets: list[SelectionSetNode], table: Any, alias: str) -> LeadJson:
    """A selection of ``type_name`` over the row of ``alias``, all in SQL (no holes)."""
    return LeadJson([JsonCompiler(compiler).object(type_name, sets, table, alias)])


# --- the persons and organizations roots (alias p, o: domain.contact_query.page_statement) ----

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
    table["organization"] = nested(
        lambda json, sub, _n: when(
            _visible("po", "p.organization_id"), json.object("Organization", sub, _organization_table, "po")
        )
    )
    table["owner"] = nested(
        lambda json, sub, _n: when(_of_company("pu", "p.owner_id"), json.object("User", sub, USER, "pu"))
    )
    return table


def organization_row_table(a: str) -> dict[str, Any]:
    assert a == "o"
    table = _organization_table(a)
    table["owner"] = nested(
        lambda json, sub, _n: when(_of_company("ou", "o.owner_id"), json.object("User", sub, USER, "ou"))
    )
    return table


# --- the deals root (alias d: domain.deal_query.page_statement) ---------------------------------

# The deal's person, organization, owner, pipeline and stage, as the loaders read them (of the
# viewer's company; a person or organization only where the viewer may see it). The aliases
# differ from the page's own search joins (p, o).
DEAL_JOINS = (
    "LEFT JOIN person dp ON dp.id = d.person_id",
    "LEFT JOIN organization dorg ON dorg.id = d.organization_id",
    "LEFT JOIN app_user du ON du.id = d.owner_id",
    "LEFT JOIN pipeline dpl ON dpl.id = d.pipeline_id",
    "LEFT JOIN stage ds ON ds.id = d.stage_id LEFT JOIN pipeline dsp ON dsp.id = ds.pipeline_id",
)
STAGE = _fields(
    id=lambda a: global_id("Stage", f"{a}.id"),
    name=lambda a: plain(f"{a}.name"),
    position=lambda a: plain(f"{a}.position"),
    probability=lambda a: plain(f"{a}.probability"),
)
PIPELINE = _fields(
    id=lambda a: global_id("Pipeline", f"{a}.id"),
    name=lambda a: plain(f"{a}.name"),
    position=lambda a: plain(f"{a}.position"),
    isDefault=lambda a: boolean(f"{a}.is_default"),
)
DEAL_PLAIN = _fields(
    id=lambda a: global_id("Deal", f"{a}.id"),
    title=lambda a: plain(f"{a}.title"),
    status=lambda a: enum_name(f"{a}.status", DealStatus),
    visibility=lambda a: enum_name(f"{a}.visibility", Visibility),
    expectedCloseDate=lambda a: day(f"{a}.expected_close_date"),
    wonAt=lambda a: moment(f"{a}.won_at"),
    lostAt=lambda a: moment(f"{a}.lost_at"),
    lostReason=lambda a: plain(f"{a}.lost_reason"),
    deletedAt=lambda a: moment(f"{a}.deleted_at"),
    createdAt=lambda a: moment(f"{a}.created_at"),
    updatedAt=lambda a: moment(f"{a}.updated_at"),
    version=lambda a: plain(f"{a}.version"),
    sourceLeadId=lambda a: global_id("Lead", f"{a}.source_lead_id"),
)


def _stage_of_company() -> Callable[[Ctx], Sql]:
    return lambda ctx: compose(
        "d.stage_id IS NOT NULL AND ds.id IS NOT NULL AND dsp.company_id = ", _param(ctx.viewer.company_id)
    )


def deal_row_table(a: str) -> dict[str, Any]:
    assert a == "d"
    table: dict[str, Any] = DEAL_PLAIN(a)
    table.update(
        value=nested(
            lambda json, sub, _n: when(
                _sql("d.value_amount IS NOT NULL AND d.value_currency IS NOT NULL AND d.value_currency <> ''"),
                json.object("Money", sub, MONEY, "d"),
            )
        ),
        person=nested(
            lambda json, sub, _n: when(_visible("dp", "d.person_id"), json.object("Person", sub, PERSON, "dp"))
        ),
        organization=nested(
            lambda json, sub, _n: when(
                _visible("dorg", "d.organization_id"), json.object("Organization", sub, _organization_table, "dorg")
            )
        ),
        owner=nested(lambda json, sub, _n: when(_of_company("du", "d.owner_id"), json.object("User", sub, USER, "du"))),
        pipeline=nested(
            lambda json, sub, _n: when(
                _of_company("dpl", "d.pipeline_id"), json.object("Pipeline", sub, PIPELINE, "dpl")
            )
        ),
        stage=nested(lambda json, sub, _n: when(_stage_of_company(), json.object("Stage", sub, STAGE, "ds"))),
    )
    return table


class JsonRow:
    """A page row in SQL mode: the texts the database wrote, and the records when holes need them."""

    __slots__ = ("records", "texts")

    def __init__(self, texts: Any, records: Any) -> None:
        self.texts = texts
        self.records = records


def select_list(sites: list[LeadJson], ctx: Ctx) -> tuple[Sql, int]:
    """The JSON columns of every site, named ``x__j0``, ``x__j1`` ...; and how many."""
    columns = [c for site in sites for c in site.columns(ctx)]
    return join(", ", [compose(c, f" AS x__j{i}") for i, c in enumerate(columns)]), len(columns)


# --- SQLite: the functions the SQL above calls ----------------------------------------------


@functools.lru_cache(maxsize=8192)
def _gid(type_name: str, key: Any) -> str | None:
    return None if key is None else to_global_id(type_name, key)


def _lower(text: Any) -> Any:
    return text.lower() if isinstance(text, str) else text


async def register_functions(connection: Any) -> None:
    """Give an aiosqlite connection the functions the SQL calls (once per connection)."""
    if getattr(connection, "_leadbox_json_functions", False):
        return
    await connection.create_function("lbx_gid", 2, _gid, deterministic=True)
    await connection.create_function("lbx_lower", 1, _lower, deterministic=True)
    connection._leadbox_json_functions = True
