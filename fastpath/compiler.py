"""From a validated `leads` document to a plan: which values it needs and the code that writes them.

:func:`compile_leads` walks the `leads` field's selection (fragments and inline fragments
resolved, fields merged by response key, in the order graphql-core writes them) and generates,
for each selected object of the Lead family, one Python function returning that object's dict:
one expression per response key over the source record (fastpath.records), with the
serialisation strawberry's scalars use (``isoformat`` for dates and times, ``str`` for decimals,
global ids through core.ids, an enum by its name). Writing a page is then a few plain function
calls per row, with no per-value completion. ``Plan.source`` holds the generated code.

The generated text holds only response keys (GraphQL names, checked by the parser, written with
``repr``), type names and the fixed expressions of the tables below. `@skip` and `@include` are
read with the values the plan is made for (fastpath.plans keys plans by them). Whatever the
compiler does not know (another root field, another directive, a field outside the tables such as
``customFields``) raises :class:`Unsupported`: that document keeps the ordinary execution.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    VariableValues,
    get_directive_values,
    is_abstract_type,
)

from core.ids import to_global_id
from domain import column_values as cells
from domain.activity import activity_status

Fields = list[tuple[str, Any]]


class Unsupported(Exception):
    """The document asks for something the compiled path does not write."""


@dataclass
class Run:
    """What the writers need beyond the row: the request's clock and the keys of each ``values``."""

    now: dt.datetime
    value_keys: list[tuple[str, ...]] = field(default_factory=list)
    total_count: int | None = None
    # Records the rows refer to, by kind and id (fastpath.contacts: "organization", "user").
    refs: dict[str, dict[int, Any]] = field(default_factory=dict)


@dataclass
class Page:
    edges: list[tuple[str, Any]]
    has_next_page: bool
    after: str | None


@dataclass
class LeadsPlan:
    """A compiled `leads` root field."""

    leads_node: FieldNode
    connection: Callable[[Page, Run], dict[str, Any]]
    # The `values` fields of the Lead selection, in the order their writers index Run.value_keys.
    values_nodes: list[FieldNode]
    counts: bool
    # The generated Python, for reading and debugging.
    source: str
    # What each lead lists besides its own row: "notes", "activities" (one statement each).
    children: frozenset[str] = frozenset()


def iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def primary(items: list[dict[str, Any]] | None) -> str | None:
    for item in items or ():
        if item.get("primary"):
            return item["value"]  # type: ignore[no-any-return]
    return None


def contact_values(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"value": i["value"], "label": i.get("label", ""), "primary": bool(i.get("primary"))} for i in items or []]


def owner_value(row: Any, run: Run, user: Callable[..., Any], team: Callable[..., Any]) -> Any:
    lead = row.lead
    if lead.owner_user_id is not None:
        return None if row.owner_user is None else user(row.owner_user, run)
    if lead.owner_team_id is not None:
        return None if row.owner_team is None else team(row.owner_team, run)
    return None


def status_name(row: Any, run: Run) -> str:
    activity = row.activity if row.lead.next_activity_id is not None else None
    if activity is None:
        return activity_status(None, None, run.now).name
    return activity_status(activity.due_date, activity.due_time, run.now).name


HELPERS: dict[str, Any] = {
    # Users, teams, labels and options repeat across rows and requests; a lead's id does not
    # repeat within a page, and the cache stays small.
    "gid": functools.lru_cache(maxsize=8192)(to_global_id),
    "iso": iso,
    "dec": dec,
    "primary": primary,
    "contact_values": contact_values,
    "owner_value": owner_value,
    "status_name": status_name,
    "ename": lambda value: None if value is None else value.name,
}


class Compiler:
    """Generates one Python function per selected object: ``def w3_Person(s, run): return {...}``
    with one expression per response key, over the source ``s`` (fastpath.records)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        # The coerced values of the variables `@skip` and `@include` read (fastpath.plans keys
        # plans by them, so a plan holds for every request with the same values).
        self.variables = variables
        self.values_nodes: list[FieldNode] = []
        self.counts = False
        # Lists of each lead read by one more statement: "notes", "activities".
        self.children: set[str] = set()
        # Records the rows refer to, loaded for the page (fastpath.contacts.REFS): kind -> the
        # attribute of a row holding the id.
        self.refs: dict[str, str] = {}
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.sources: list[str] = []
        self.names = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def add(self, value: Any, prefix: str = "h") -> str:
        """Make ``value`` reachable from generated code; its name there."""
        name = self.name(prefix)
        self.namespace[name] = value
        return name

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
                if selection.directives and not self.included(selection):
                    continue
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

    def included(self, node: Any) -> bool:
        """Whether `@skip` / `@include` keep ``node`` (graphql-core's own reading of them)."""
        for directive in node.directives:
            if directive.name.value not in ("skip", "include"):
                raise Unsupported(f"@{directive.name.value}")
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip["if"] is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include["if"] is False)

    def writer(self, type_name: str, sets: list[SelectionSetNode], table: dict[str, Any]) -> str:
        """The name of a generated function writing ``type_name``'s selection from a source."""
        parts = []
        for key, nodes in self.collect(type_name, sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                expression = repr(type_name)
            else:
                entry = table.get(name)
                if entry is None:
                    raise Unsupported(f"{type_name}.{name}")
                sub = [n.selection_set for n in nodes if n.selection_set is not None]
                expression = entry if isinstance(entry, str) else entry(self, sub, nodes)
            parts.append(f"        {key!r}: {expression},")
        function = self.name(f"w_{type_name}_")
        source = f"def {function}(s, run):\n    return {{\n" + "\n".join(parts) + "\n    }\n"
        exec(compile(source, f"<fastpath {function}>", "exec"), self.namespace)
        self.sources.append(source)
        return function


def _object(type_name: str, table: dict[str, Any], pick: str) -> Callable[..., str]:
    """An object field (null when ``pick`` is None)."""

    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        function = compiler.writer(type_name, sub, table)
        if pick == "s":
            return f"{function}(s, run)"
        var = compiler.name("v")
        return f"(None if ({var} := {pick}) is None else {function}({var}, run))"

    return make


def _list(type_name: str, table: dict[str, Any], items: str) -> Callable[..., str]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        return f"[{compiler.writer(type_name, sub, table)}(x, run) for x in {items}]"

    return make


# --- Connection, edge, page info ------------------------------------------------------


def _total(compiler: Compiler, _sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    compiler.counts = True
    return "run.total_count"


def _nodes(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    return f"[{compiler.writer('Lead', sub, LEAD)}(e[1], run) for e in s.edges]"


PAGE_INFO: dict[str, Any] = {
    "hasNextPage": "s.has_next_page",
    "hasPreviousPage": "s.after is not None",
    "startCursor": "(s.edges[0][0] if s.edges else None)",
    "endCursor": "(s.edges[-1][0] if s.edges else None)",
}

# --- Lead (source: fastpath.records.PageRecords) -------------------------------------------


def _owner(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    user = compiler.writer("User", sub, USER)
    team = compiler.writer("Team", sub, TEAM)
    return f"owner_value(s, run, {user}, {team})"


def _values(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
    index = len(compiler.values_nodes)
    compiler.values_nodes.append(nodes[0])
    by_type = {name: compiler.namespace[compiler.writer(name, sub, VALUE_TABLES[name])] for name in VALUE_TABLES}
    writers = {kind: by_type[name] for kind, name in CELL_TYPES.items()}

    def values(row: Any, run: Run) -> list[Any]:
        found = row.cells
        out = []
        for key in run.value_keys[index]:
            cell = found[key]
            out.append(None if cell is None else writers[type(cell)]((key, cell), run))
        return out

    return f"{compiler.add(values, 'values')}(s, run)"


def _children(kind: str, type_name: str) -> Callable[..., str]:
    def make(compiler: Compiler, sub: list[SelectionSetNode], nodes: list[FieldNode]) -> str:
        if any(n.arguments for n in nodes):
            raise Unsupported(f"arguments of {kind}")
        compiler.children.add(kind)
        return f"[{compiler.writer(type_name, sub, TABLES[type_name])}(x, run) for x in s.{kind}]"

    return make


USER: dict[str, Any] = {"id": "gid('User', s.id)", "name": "s.name"}
TEAM: dict[str, Any] = {"id": "gid('Team', s.id)", "name": "s.name"}
LABEL: dict[str, Any] = {"id": "gid('LeadLabel', s.id)", "name": "s.name", "color": "s.color"}
MONEY: dict[str, Any] = {"amount": "str(s.value_amount)", "currency": "s.value_currency"}
CONTACT_VALUE: dict[str, Any] = {"value": "s['value']", "label": "s['label']", "primary": "s['primary']"}
# A person or organization a custom field refers to is read with its id and name only.
REF_PERSON: dict[str, Any] = {"id": "gid('Person', s.id)", "name": "s.name"}
REF_ORGANIZATION: dict[str, Any] = {"id": "gid('Organization', s.id)", "name": "s.name"}
STAMPS: dict[str, Any] = {"createdAt": "iso(s.created_at)", "updatedAt": "iso(s.updated_at)"}
PERSON: dict[str, Any] = {
    **REF_PERSON,
    "firstName": "s.first_name",
    "lastName": "s.last_name",
    "jobTitle": "s.job_title",
    "primaryEmail": "primary(s.emails)",
    "primaryPhone": "primary(s.phones)",
    "emails": _list("ContactValue", CONTACT_VALUE, "contact_values(s.emails)"),
    "phones": _list("ContactValue", CONTACT_VALUE, "contact_values(s.phones)"),
    "visibility": "s.visibility.name",
    "version": "s.version",
    **STAMPS,
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
    "address": _object("Address", ADDRESS, "s"),
    "visibility": "s.visibility.name",
    "version": "s.version",
    **STAMPS,
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
    "title": "s.lead.title",
    "value": _object("Money", MONEY, "(s.lead if s.lead.value_amount is not None and s.lead.value_currency else None)"),
    "expectedCloseDate": "iso(s.lead.expected_close_date)",
    "source": "s.lead.source.name",
    "visibility": "s.lead.visibility.name",
    "wasSeen": "s.lead.was_seen",
    "isArchived": "s.lead.is_archived",
    "archivedAt": "iso(s.lead.archived_at)",
    "createdAt": "iso(s.lead.created_at)",
    "updatedAt": "iso(s.lead.updated_at)",
    "version": "s.lead.version",
    "utmSource": "s.lead.utm_source",
    "utmMedium": "s.lead.utm_medium",
    "utmCampaign": "s.lead.utm_campaign",
    "utmTerm": "s.lead.utm_term",
    "utmContent": "s.lead.utm_content",
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
    """The plan of a `leads` root field; :class:`Unsupported` when it asks what is not planned."""
    if node.selection_set is None:
        raise Unsupported("leads without a selection")
    connection = compiler.namespace[compiler.writer("LeadConnection", [node.selection_set], CONNECTION)]
    return LeadsPlan(
        node,
        connection,
        compiler.values_nodes,
        compiler.counts,
        "\n".join(compiler.sources),
        frozenset(compiler.children),
    )
