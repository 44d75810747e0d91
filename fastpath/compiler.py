"""From a validated `leads` document to a plan: which values it needs and how to write each one.

:func:`compile_operation` walks the operation's selection (fragments and inline fragments
resolved, fields merged by response key, in the order graphql-core would write them) and builds,
for each object type of the Lead family, a list of ``(response key, getter)``: a getter reads one
value from the records of a page row (fastpath.records) and returns it in its JSON form, with the
serialisation strawberry's scalars use (``isoformat`` for dates and times, ``str`` for decimals,
global ids through core.ids, an enum by its name). Writing a row is then one dict comprehension
per object, with no per-value completion.

Whatever the compiler does not know (another root field, a directive, a field outside the table
below such as ``notes`` or ``customFields``) raises :class:`Unsupported`: that document is not
registered and keeps the ordinary execution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    is_abstract_type,
)

from core.ids import to_global_id
from domain import column_values as cells
from domain.activity import activity_status

Getter = Callable[[Any, "Run"], Any]
Fields = list[tuple[str, Getter]]


class Unsupported(Exception):
    """The document asks for something the compiled path does not write."""


@dataclass
class Run:
    """What the getters need beyond the row: the request's clock and the keys of each ``values``."""

    now: dt.datetime
    value_keys: list[tuple[str, ...]] = field(default_factory=list)
    total_count: int | None = None


@dataclass
class Page:
    edges: list[tuple[str, Any]]
    has_next_page: bool
    after: str | None


@dataclass
class Plan:
    """A compiled `leads` operation."""

    operation: OperationDefinitionNode
    leads_node: FieldNode
    response_key: str
    connection: Fields
    # The `values` fields of the Lead selection, in the order their getters index Run.value_keys.
    values_nodes: list[FieldNode]
    counts: bool

    def write(self, page: Page, run: Run) -> dict[str, Any]:
        return {"data": {self.response_key: obj(self.connection, page, run)}}


def obj(fields: Fields, source: Any, run: Run) -> dict[str, Any]:
    return {key: get(source, run) for key, get in fields}


def _iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _name(value: Enum) -> str:
    return value.name


class Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.values_nodes: list[FieldNode] = []
        self.counts = False

    # --- selections ------------------------------------------------------------------

    def collect(self, type_name: str, sets: list[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on an object type, by response key in order, merged across fragments."""
        concrete = self.schema.get_type(type_name)
        assert isinstance(concrete, GraphQLObjectType)
        out: dict[str, list[FieldNode]] = {}

        def applies(condition: Any) -> bool:
            if condition is None:
                return True
            named = self.schema.get_type(condition.name.value)
            if named is concrete:
                return True
            return is_abstract_type(named) and self.schema.is_sub_type(named, concrete)  # type: ignore[arg-type]

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives:
                    raise Unsupported("directives")
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    out.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if applies(selection.type_condition):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    if applies(fragment.type_condition):
                        visit(fragment.selection_set)

        for selection_set in sets:
            visit(selection_set)
        return out

    def fields(self, type_name: str, sets: list[SelectionSetNode], table: dict[str, Any]) -> Fields:
        out: Fields = []
        for key, nodes in self.collect(type_name, sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                out.append((key, lambda _s, _r, t=type_name: t))
                continue
            make = table.get(name)
            if make is None:
                raise Unsupported(f"{type_name}.{name}")
            sub = [n.selection_set for n in nodes if n.selection_set is not None]
            out.append((key, make(self, sub, nodes)))
        return out

    # --- the connection ----------------------------------------------------------------

    def connection(self, sets: list[SelectionSetNode]) -> Fields:
        return self.fields("LeadConnection", sets, CONNECTION)

    def lead(self, sets: list[SelectionSetNode]) -> Fields:
        return self.fields("Lead", sets, LEAD)


def _leaf(read: Callable[[Any], Any]) -> Callable[..., Getter]:
    return lambda _c, _sub, _nodes: lambda source, _run: read(source)


def _object(type_name: str, table_name: str, pick: Callable[[Any], Any]) -> Callable[..., Getter]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
        fields = compiler.fields(type_name, sub, TABLES[table_name])

        def get(source: Any, run: Run) -> Any:
            found = pick(source)
            return None if found is None else {key: g(found, run) for key, g in fields}

        return get

    return make


def _list(type_name: str, table_name: str, pick: Callable[[Any], Any]) -> Callable[..., Getter]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
        fields = compiler.fields(type_name, sub, TABLES[table_name])
        return lambda source, run: [{key: g(item, run) for key, g in fields} for item in pick(source)]

    return make


# --- Connection, edge, page info ------------------------------------------------------


def _edges(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    fields = compiler.fields("LeadEdge", sub, EDGE)
    return lambda page, run: [obj(fields, edge, run) for edge in page.edges]


def _nodes(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    fields = compiler.lead(sub)
    return lambda page, run: [obj(fields, row, run) for _, row in page.edges]


def _node(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    fields = compiler.lead(sub)
    return lambda edge, run: obj(fields, edge[1], run)


def _total(compiler: Compiler, _sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    compiler.counts = True
    return lambda _page, run: run.total_count


CONNECTION: dict[str, Any] = {
    "edges": _edges,
    "nodes": _nodes,
    "pageInfo": _object("PageInfo", "PageInfo", lambda page: page),
    "totalCount": _total,
}
EDGE: dict[str, Any] = {"cursor": _leaf(lambda edge: edge[0]), "node": _node}
PAGE_INFO: dict[str, Any] = {
    "hasNextPage": _leaf(lambda page: page.has_next_page),
    "hasPreviousPage": _leaf(lambda page: page.after is not None),
    "startCursor": _leaf(lambda page: page.edges[0][0] if page.edges else None),
    "endCursor": _leaf(lambda page: page.edges[-1][0] if page.edges else None),
}

# --- Lead -------------------------------------------------------------------------------


def _money(lead: Any) -> Any:
    return lead if lead.value_amount is not None and lead.value_currency else None


def _owner(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    user = compiler.fields("User", sub, USER)
    team = compiler.fields("Team", sub, TEAM)

    def get(row: Any, run: Run) -> Any:
        lead = row.lead
        if lead.owner_user_id is not None:
            return None if row.owner_user is None else obj(user, row.owner_user, run)
        if lead.owner_team_id is not None:
            return None if row.owner_team is None else obj(team, row.owner_team, run)
        return None

    return get


def _next_activity(row: Any) -> Any:
    return row.activity if row.lead.next_activity_id is not None else None


def _activity_status(row: Any, run: Run) -> str:
    activity = row.activity if row.lead.next_activity_id is not None else None
    if activity is None:
        return activity_status(None, None, run.now).name
    return activity_status(activity.due_date, activity.due_time, run.now).name


def _values(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> Getter:
    index = len(compiler.values_nodes)
    compiler.values_nodes.append(nodes[0])
    by_type = {name: compiler.fields(name, sub, VALUE_TABLES[name]) for name in VALUE_TABLES}

    def get(row: Any, run: Run) -> Any:
        out = []
        found = row.cells
        for key in run.value_keys[index]:
            cell = found[key]
            out.append(None if cell is None else obj(by_type[CELL_TYPES[type(cell)]], (key, cell), run))
        return out

    return get


def _gid(type_name: str) -> Callable[[Any], str]:
    return lambda record: to_global_id(type_name, record.id)


LEAD: dict[str, Any] = {
    "id": _leaf(lambda row: to_global_id("Lead", row.lead.id)),
    "uuid": _leaf(lambda row: str(row.lead.id)),
    "title": _leaf(lambda row: row.lead.title),
    "value": _object("Money", "Money", lambda row: _money(row.lead)),
    "expectedCloseDate": _leaf(lambda row: _iso(row.lead.expected_close_date)),
    "source": _leaf(lambda row: _name(row.lead.source)),
    "visibility": _leaf(lambda row: _name(row.lead.visibility)),
    "wasSeen": _leaf(lambda row: row.lead.was_seen),
    "isArchived": _leaf(lambda row: row.lead.is_archived),
    "archivedAt": _leaf(lambda row: _iso(row.lead.archived_at)),
    "createdAt": _leaf(lambda row: _iso(row.lead.created_at)),
    "updatedAt": _leaf(lambda row: _iso(row.lead.updated_at)),
    "utmSource": _leaf(lambda row: row.lead.utm_source),
    "utmMedium": _leaf(lambda row: row.lead.utm_medium),
    "utmCampaign": _leaf(lambda row: row.lead.utm_campaign),
    "utmTerm": _leaf(lambda row: row.lead.utm_term),
    "utmContent": _leaf(lambda row: row.lead.utm_content),
    "person": _object("Person", "Person", lambda row: row.person if row.lead.person_id is not None else None),
    "organization": _object(
        "Organization", "Organization", lambda row: row.org if row.lead.organization_id is not None else None
    ),
    "owner": _owner,
    "labels": _list("LeadLabel", "LeadLabel", lambda row: row.labels),
    "nextActivity": _object("Activity", "Activity", _next_activity),
    "activityStatus": lambda _c, _sub, _nodes: _activity_status,
    "values": _values,
}
MONEY: dict[str, Any] = {
    "amount": _leaf(lambda lead: str(lead.value_amount)),
    "currency": _leaf(lambda lead: lead.value_currency),
}


def _primary(items: list[dict[str, Any]] | None) -> str | None:
    return next((i["value"] for i in items or [] if i.get("primary")), None)


def _contact_values(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"value": i["value"], "label": i.get("label", ""), "primary": bool(i.get("primary"))} for i in items or []]


def _contact_list(pick: Callable[[Any], Any]) -> Callable[..., Getter]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
        fields = compiler.fields("ContactValue", sub, CONTACT_VALUE)
        return lambda person, run: [obj(fields, item, run) for item in _contact_values(pick(person))]

    return make


CONTACT_VALUE: dict[str, Any] = {
    "value": _leaf(lambda item: item["value"]),
    "label": _leaf(lambda item: item["label"]),
    "primary": _leaf(lambda item: item["primary"]),
}
# A person or organization a custom field refers to is read with its id and name only.
REF_PERSON: dict[str, Any] = {"id": _leaf(_gid("Person")), "name": _leaf(lambda p: p.name)}
REF_ORGANIZATION: dict[str, Any] = {"id": _leaf(_gid("Organization")), "name": _leaf(lambda o: o.name)}
PERSON: dict[str, Any] = {
    **REF_PERSON,
    "firstName": _leaf(lambda p: p.first_name),
    "lastName": _leaf(lambda p: p.last_name),
    "jobTitle": _leaf(lambda p: p.job_title),
    "primaryEmail": _leaf(lambda p: _primary(p.emails)),
    "primaryPhone": _leaf(lambda p: _primary(p.phones)),
    "emails": _contact_list(lambda p: p.emails),
    "phones": _contact_list(lambda p: p.phones),
    "visibility": _leaf(lambda p: _name(p.visibility)),
}
ADDRESS: dict[str, Any] = {
    "street": _leaf(lambda o: o.address_street),
    "city": _leaf(lambda o: o.address_city),
    "postalCode": _leaf(lambda o: o.address_postal_code),
    "country": _leaf(lambda o: o.address_country),
    "latitude": _leaf(lambda o: _dec(o.latitude)),
    "longitude": _leaf(lambda o: _dec(o.longitude)),
}
ORGANIZATION: dict[str, Any] = {
    **REF_ORGANIZATION,
    "address": _object("Address", "Address", lambda o: o),
    "visibility": _leaf(lambda o: _name(o.visibility)),
}
USER: dict[str, Any] = {"id": _leaf(_gid("User")), "name": _leaf(lambda u: u.name)}
TEAM: dict[str, Any] = {"id": _leaf(_gid("Team")), "name": _leaf(lambda t: t.name)}
LABEL: dict[str, Any] = {
    "id": _leaf(_gid("LeadLabel")),
    "name": _leaf(lambda label: label.name),
    "color": _leaf(lambda label: label.color),
}
ACTIVITY: dict[str, Any] = {
    "id": _leaf(_gid("Activity")),
    "type": _leaf(lambda a: _name(a.type)),
    "subject": _leaf(lambda a: a.subject),
    "dueDate": _leaf(lambda a: _iso(a.due_date)),
    "dueTime": _leaf(lambda a: _iso(a.due_time)),
    "durationMinutes": _leaf(lambda a: a.duration_minutes),
    "note": _leaf(lambda a: a.note),
    "done": _leaf(lambda a: a.done),
    "doneAt": _leaf(lambda a: _iso(a.done_at)),
    "createdAt": _leaf(lambda a: _iso(a.created_at)),
}

# --- Column values (source: (column key, cell)) -----------------------------------------


def _cell(read: Callable[[Any], Any]) -> Callable[..., Getter]:
    return _leaf(lambda pair: read(pair[1]))


def _cell_object(type_name: str, table: dict[str, Any], pick: Callable[[Any], Any]) -> Callable[..., Getter]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
        fields = compiler.fields(type_name, sub, table)
        return lambda pair, run: obj(fields, pick(pair[1]), run)

    return make


def _choices(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    fields = compiler.fields("ColumnChoice", sub, CHOICE)
    return lambda pair, run: [obj(fields, option, run) for option in pair[1].options]


def _labels_cell(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> Getter:
    fields = compiler.fields("LeadLabel", sub, LABEL)
    return lambda pair, run: [obj(fields, label, run) for label in pair[1].labels]


CHOICE: dict[str, Any] = {
    "id": _leaf(lambda option: option.id),
    "label": _leaf(lambda option: option.label),
    "color": _leaf(lambda option: option.color),
}
COMMON: dict[str, Any] = {"column": _leaf(lambda pair: pair[0]), "display": _cell(lambda c: c.display())}
VALUE_TABLES: dict[str, dict[str, Any]] = {
    "TextValue": {**COMMON, "text": _cell(lambda c: c.text)},
    "NumberValue": {**COMMON, "number": _cell(lambda c: str(c.number))},
    "MoneyValue": {**COMMON, "amount": _cell(lambda c: str(c.amount)), "currency": _cell(lambda c: c.currency)},
    "DateValue": {**COMMON, "date": _cell(lambda c: c.date.isoformat())},
    "DateTimeValue": {**COMMON, "dateTime": _cell(lambda c: c.moment.isoformat())},
    "TimeValue": {**COMMON, "time": _cell(lambda c: c.time.isoformat())},
    "BooleanValue": {**COMMON, "boolean": _cell(lambda c: c.value)},
    "OptionValue": {
        **COMMON,
        "id": _cell(lambda c: c.option.id),
        "label": _cell(lambda c: c.option.label),
        "color": _cell(lambda c: c.option.color),
    },
    "OptionsValue": {**COMMON, "options": _choices},
    "UserValue": {**COMMON, "user": _cell_object("User", USER, lambda c: c.user)},
    "TeamValue": {**COMMON, "team": _cell_object("Team", TEAM, lambda c: c.team)},
    "PersonValue": {**COMMON, "person": _cell_object("Person", REF_PERSON, lambda c: c.person)},
    "OrganizationValue": {
        **COMMON,
        "organization": _cell_object("Organization", REF_ORGANIZATION, lambda c: c.organization),
    },
    "LabelsValue": {**COMMON, "labels": _labels_cell},
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
TABLES: dict[str, dict[str, Any]] = {
    "PageInfo": PAGE_INFO,
    "Money": MONEY,
    "Person": PERSON,
    "Organization": ORGANIZATION,
    "Address": ADDRESS,
    "LeadLabel": LABEL,
    "Activity": ACTIVITY,
}


def compile_operation(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Plan:
    """The plan of a query whose only root field is `leads`; :class:`Unsupported` otherwise."""
    if operation.operation.value != "query":
        raise Unsupported("not a query")
    compiler = Compiler(schema, fragments)
    assert schema.query_type is not None
    root = compiler.collect(schema.query_type.name, [operation.selection_set])
    if len(root) != 1:
        raise Unsupported("one root field only")
    ((key, nodes),) = root.items()
    if len(nodes) != 1 or nodes[0].name.value != "leads" or nodes[0].selection_set is None:
        raise Unsupported("the root field is not leads")
    connection = compiler.connection([nodes[0].selection_set])
    return Plan(operation, nodes[0], key, connection, compiler.values_nodes, compiler.counts)
