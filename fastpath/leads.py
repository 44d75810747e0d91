"""The `leads` root's tables: each Lead-family object written from a page record.

The source of a Lead writer is a fastpath.records.PageRecords (the page row split into the
lead, its person, organization, owner, next activity and labels); its `values` are the cells of
domain.columns.values, each written by its value type's table. :func:`compile_leads` makes the
plan fastpath.execute answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import FieldNode, SelectionSetNode

from domain.columns import cells
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.fields import Field, Kind
from domain.lead_fields import LEAD_FIELDS
from fastpath.compiler import PAGE_INFO, Compiler, LeadsPlan, Run, Unsupported, _list, _object, _total
from fastpath.pages import sql_connection
from fastpath.sqljson import Counted, LeadJson, compile_lead_json, count_objects
from fastpath.sqltables import lead_table


def _nodes(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    return f"[{compiler.writer('Lead', sub, LEAD)}(e[1], run) for e in s.edges]"


# --- Lead (source: fastpath.records.PageRecords) -------------------------------------------


def _owner(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    user = compiler.writer("User", sub, USER)
    team = compiler.writer("Team", sub, TEAM)
    return f"owner_value(s, run, {user}, {team})"


def _values(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
    index = len(compiler.values_nodes)
    compiler.values_nodes.append(nodes[0])
    names = {name: compiler.writer(name, sub, VALUE_TABLES[name]) for name in VALUE_TABLES}
    writers = {kind: compiler.namespace[names[name]] for kind, name in CELL_TYPES.items()}
    # The cell types whose objects hold no other object: one each in the count of objects.
    flat = frozenset(kind for kind, name in CELL_TYPES.items() if names[name] in compiler.flat)

    def values(row: Any, run: Run) -> Counted:
        found = row.cells
        out = Counted()
        objects = 0
        for key in run.value_keys[index]:
            cell = found[key]
            if cell is None:
                out.append(None)
                continue
            kind = type(cell)
            value = writers[kind]((key, cell), run)
            out.append(value)
            objects += 1 if kind in flat else count_objects(value)
        out.objects = objects
        return out

    return f"{compiler.add(values, 'values')}(s, run)"


def _children(kind: str, type_name: str) -> Callable[..., str]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
        if any(n.arguments for n in nodes):
            raise Unsupported(f"arguments of {kind}")
        compiler.children.add(kind)
        return f"[{compiler.writer(type_name, sub, TABLES[type_name])}(x, run) for x in s.{kind}]"

    return make


# How each kind of declared field (domain.fields) is written from its column of ``source``.
DECLARED_KINDS: dict[Kind, str] = {
    Kind.TEXT: "{}.{}",
    Kind.INTEGER: "{}.{}",
    Kind.BOOLEAN: "{}.{}",
    Kind.DATE: "iso({}.{})",
    Kind.DATETIME: "iso({}.{})",
    Kind.OPTION: "{}.{}.name",
}


def declared(declared_fields: Iterable[Field], source: str) -> dict[str, Any]:
    """The writer entries of a type's declared stored fields, read from the record ``source``."""
    table: dict[str, Any] = {}
    for f in declared_fields:
        if f.kind == Kind.MONEY:
            amount, currency = f.columns
            money = {"amount": f"str(s.{amount})", "currency": f"s.{currency}"}
            found = f"({source} if {source}.{amount} is not None and {source}.{currency} else None)"
            table[f.name] = _object("Money", money, found)
        elif f.kind == Kind.GLOBAL_ID:
            # As schema.declared.read: no id for an empty key.
            column = f"{source}.{f.column}"
            table[f.name] = f"(gid({f.ref!r}, {column}) if {column} else None)"
        else:
            table[f.name] = DECLARED_KINDS[f.kind].format(source, f.column)
    return table


USER: dict[str, Any] = {"id": "gid('User', s.id)", "name": "s.name"}
TEAM: dict[str, Any] = {"id": "gid('Team', s.id)", "name": "s.name"}
LABEL: dict[str, Any] = {"id": "gid('LeadLabel', s.id)", "name": "s.name", "color": "s.color"}
CONTACT_VALUE: dict[str, Any] = {"value": "s['value']", "label": "s['label']", "primary": "s['primary']"}
# A person or organization a custom field refers to is read with its id and name only.
REF_PERSON: dict[str, Any] = {"id": "gid('Person', s.id)", "name": "s.name"}
REF_ORGANIZATION: dict[str, Any] = {"id": "gid('Organization', s.id)", "name": "s.name"}
# A lead's person and organization (fastpath.records' columns): their declared fields and the rest.
PERSON: dict[str, Any] = {
    **REF_PERSON,
    **declared(PERSON_FIELDS, "s"),
    "primaryEmail": "primary(s.emails)",
    "primaryPhone": "primary(s.phones)",
    "emails": _list("ContactValue", CONTACT_VALUE, "contact_values(s.emails)"),
    "phones": _list("ContactValue", CONTACT_VALUE, "contact_values(s.phones)"),
}
ADDRESS: dict[str, Any] = {
    "street": "s.address_street",
    "city": "s.address_city",
    "postalCode": "s.address_postal_code",
    "country": "s.address_country",
    "latitude": "dec(s.latitude)",
    "longitude": "dec(s.longitude)",
}
ORGANIZATION: dict[str, Any] = {
    **REF_ORGANIZATION,
    **declared(ORGANIZATION_FIELDS, "s"),
    "address": _object("Address", ADDRESS, "s"),
}
ACTIVITY: dict[str, Any] = {
    "id": "gid('Activity', s.id)",
    "type": "s.type.name",
    "subject": "s.subject",
    "dueDate": "iso(s.due_date)",
    "dueTime": "iso(s.due_time)",
    "durationMinutes": "s.duration_minutes",
    "note": "s.note",
    "done": "s.done",
    "doneAt": "iso(s.done_at)",
    "createdAt": "iso(s.created_at)",
}
# A lead's own notes and activities (fastpath.records.fill_children) carry their user as ``s.user``.
NOTE: dict[str, Any] = {
    "id": "gid('Note', s.id)",
    "content": "s.content",
    "createdAt": "iso(s.created_at)",
    "updatedAt": "iso(s.updated_at)",
    "author": _object("User", USER, "s.user"),
}
LEAD_ACTIVITY: dict[str, Any] = {**ACTIVITY, "assignee": _object("User", USER, "s.user")}
TABLES: dict[str, dict[str, Any]] = {"Note": NOTE, "Activity": LEAD_ACTIVITY}
LEAD: dict[str, Any] = {
    "id": "gid('Lead', s.lead.id)",
    "uuid": "str(s.lead.id)",
    **declared(LEAD_FIELDS, "s.lead"),
    "person": _object("Person", PERSON, "(s.person if s.lead.person_id is not None else None)"),
    "organization": _object("Organization", ORGANIZATION, "(s.org if s.lead.organization_id is not None else None)"),
    "owner": _owner,
    "labels": _list("LeadLabel", LABEL, "s.labels"),
    "nextActivity": _object("Activity", ACTIVITY, "(s.activity if s.lead.next_activity_id is not None else None)"),
    "activityStatus": "status_name(s, run)",
    "values": _values,
    "notes": _children("notes", "Note"),
    "activities": _children("activities", "Activity"),
}
EDGE: dict[str, Any] = {"cursor": "s[0]", "node": _object("Lead", LEAD, "s[1]")}
CONNECTION: dict[str, Any] = {
    "edges": _list("LeadEdge", EDGE, "s.edges"),
    "nodes": _nodes,
    "pageInfo": _object("PageInfo", PAGE_INFO, "s"),
    "totalCount": _total,
}

# --- Column values (source: (column key, cell)) -----------------------------------------

CHOICE: dict[str, Any] = {"id": "s.id", "label": "s.label", "color": "s.color"}
COMMON: dict[str, Any] = {"column": "s[0]", "display": "s[1].display()"}
VALUE_TABLES: dict[str, dict[str, Any]] = {
    "TextValue": {**COMMON, "text": "s[1].text"},
    "NumberValue": {**COMMON, "number": "str(s[1].number)"},
    "MoneyValue": {**COMMON, "amount": "str(s[1].amount)", "currency": "s[1].currency"},
    "DateValue": {**COMMON, "date": "s[1].date.isoformat()"},
    "DateTimeValue": {**COMMON, "dateTime": "s[1].moment.isoformat()"},
    "TimeValue": {**COMMON, "time": "s[1].time.isoformat()"},
    "BooleanValue": {**COMMON, "boolean": "s[1].value"},
    "OptionValue": {**COMMON, "id": "s[1].option.id", "label": "s[1].option.label", "color": "s[1].option.color"},
    "OptionsValue": {**COMMON, "options": _list("ColumnChoice", CHOICE, "s[1].options")},
    "UserValue": {**COMMON, "user": _object("User", USER, "s[1].user")},
    "TeamValue": {**COMMON, "team": _object("Team", TEAM, "s[1].team")},
    "PersonValue": {**COMMON, "person": _object("Person", REF_PERSON, "s[1].person")},
    "OrganizationValue": {**COMMON, "organization": _object("Organization", REF_ORGANIZATION, "s[1].organization")},
    "LabelsValue": {**COMMON, "labels": _list("LeadLabel", LABEL, "s[1].labels")},
}
CELL_TYPES: dict[type, str] = {
    cells.TextCell: "TextValue",
    cells.NumberCell: "NumberValue",
    cells.MoneyCell: "MoneyValue",
    cells.DateCell: "DateValue",
    cells.DateTimeCell: "DateTimeValue",
    cells.TimeCell: "TimeValue",
    cells.BooleanCell: "BooleanValue",
    cells.OptionCell: "OptionValue",
    cells.OptionsCell: "OptionsValue",
    cells.UserCell: "UserValue",
    cells.TeamCell: "TeamValue",
    cells.PersonCell: "PersonValue",
    cells.OrganizationCell: "OrganizationValue",
    cells.LabelsCell: "LabelsValue",
}


def compile_leads(compiler: Compiler, node: FieldNode) -> LeadsPlan:
    """The plan of a `leads` root field; :class:`Unsupported` when it asks what is not planned.

    The database writes the leads' JSON (fastpath/sqljson.py) when it can write every Lead field
    selected but ``values``; otherwise the Python writers of this module write every lead."""
    if node.selection_set is None:
        raise Unsupported("leads without a selection")
    if SQL_JSON:
        fresh = Compiler(compiler.schema, compiler.fragments, compiler.variables)
        try:
            return _compile(fresh, node, sql=True)
        except Unsupported:
            pass
    return _compile(compiler, node, sql=False)


# Whether the database writes the leads' JSON when it can (off: the Python writers, to compare).
SQL_JSON = True


def _compile(compiler: Compiler, node: FieldNode, *, sql: bool) -> LeadsPlan:
    assert node.selection_set is not None
    sites: list[LeadJson] | None = None
    table = CONNECTION
    if sql:
        sites = []
        table = _sql_connection(sites)
    connection = compiler.namespace[compiler.writer("LeadConnection", [node.selection_set], table)]
    return LeadsPlan(
        node,
        connection,
        compiler.values_nodes,
        compiler.counts,
        "\n".join(compiler.sources),
        frozenset(compiler.children),
        sites,
    )


def _sql_connection(sites: list[LeadJson]) -> dict[str, Any]:
    """CONNECTION with each Lead written by the page statement (a site of fastpath.sqljson)."""

    def site(compiler: Compiler, sub: list[SelectionSetNode]) -> LeadJson:
        def python(_key: str, nodes: list[FieldNode]) -> str:
            # The Python writer of the key, over the page record (a hole of the SQL object).
            name = nodes[0].name.value
            entry = LEAD[name]
            inner = [n.selection_set for n in nodes if n.selection_set is not None]
            return entry if isinstance(entry, str) else entry(compiler, inner, nodes)

        return compile_lead_json(compiler, sub, lead_table("l"), python)

    return sql_connection("Lead", CONNECTION, sites, site)
