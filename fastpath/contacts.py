"""Plans for the `persons`, `organizations` and `viewer` roots.

A contact page is read by the domain's own query (domain.contact_query: the same search,
visibility and keyset cursors as the resolvers), and what its rows refer to (organizations,
owners) through the request loaders the ordinary fields use (loaders/: one statement each,
the same company and visibility rules). The writers are generated from the tables below over
the model instances; a field outside them raises :class:`Unsupported`. The viewer is written from
``schema.account.User.from_model``, so its permissions follow the type's own rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import FieldNode, SelectionSetNode, VariableValues, get_argument_values
from strawberry import Schema

from core.ids import decode_id
from core.pagination import page_size
from domain.contact_query import count_contacts, find_organizations, find_persons
from fastpath.compiler import (
    ORGANIZATION,
    PAGE_INFO,
    PERSON,
    Compiler,
    Page,
    Run,
    Unsupported,
    _list,
    _object,
    _total,
)


def _from_model(type_name: str) -> Callable[[Any], Any]:
    def convert(model: Any) -> Any:
        from schema.account import User
        from schema.deal import Pipeline, Stage

        return {"User": User, "Stage": Stage, "Pipeline": Pipeline}[type_name].from_model(model)

    return convert


# What a row may refer to: the request loader that reads it (the ordinary fields' own, with their
# company and visibility rules) and, for those written from the strawberry type, its from_model.
REFS: dict[str, tuple[str, Callable[[Any], Any] | None]] = {
    "organization": ("organization_by_id", None),
    "person": ("person_by_id", None),
    "user": ("user_by_id", _from_model("User")),
    "stage": ("stage_by_id", _from_model("Stage")),
    "pipeline": ("pipeline_by_id", _from_model("Pipeline")),
}


async def load_refs(context: Any, rows: list[Any], refs: dict[str, str], run: Run) -> None:
    """Every record the page's rows refer to, one loader call (one statement) per kind."""
    for kind, attribute in refs.items():
        loader_name, convert = REFS[kind]
        read = attrgetter(attribute)
        ids = sorted({read(r) for r in rows} - {None})
        found = await getattr(context.loaders, loader_name).load_many(ids)
        run.refs[kind] = {
            i: (record if convert is None else convert(record))
            for i, record in zip(ids, found, strict=True)
            if record is not None
        }


def _ref(type_name: str, table: Any, kind: str, id_attribute: str) -> Callable[..., str]:
    """A record a row refers to by id, loaded for the whole page (``run.refs[kind]``); ``table``
    may be a function of the strawberry schema (a derived table)."""

    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        compiler.refs[kind] = id_attribute
        function = compiler.writer(type_name, sub, table() if callable(table) else table)
        var = compiler.name("v")
        found = f"run.refs[{kind!r}].get(s.{id_attribute})"
        return f"(None if ({var} := {found}) is None else {function}({var}, run))"

    return make


ORGANIZATION_NODE: dict[str, Any] = ORGANIZATION


def user_table() -> dict[str, Any]:
    """The User type's own fields, over User.from_model (its permission rule included)."""
    from fastpath.derive import derived
    from schema import schema

    return derived(schema, "User")


LIST_ORGANIZATION: dict[str, Any] = {**ORGANIZATION, "owner": _ref("User", user_table, "user", "owner_id")}
LIST_PERSON: dict[str, Any] = {
    **PERSON,
    "organization": _ref("Organization", ORGANIZATION_NODE, "organization", "organization_id"),
    "owner": _ref("User", user_table, "user", "owner_id"),
}
PERMISSIONS: dict[str, Any] = {
    "convertDealsToLeads": "s.convert_deals_to_leads",
    "addProspectorLeads": "s.add_prospector_leads",
    "buyCredits": "s.buy_credits",
}
CHOICE: dict[str, Any] = {"id": "s.id", "label": "s.label", "color": "s.color"}
# Over schema.column.LeadColumn, made by its own ``of``.
LEAD_COLUMN: dict[str, Any] = {
    "key": "s.key",
    "label": "s.label",
    "type": "s.type.name",
    "source": "s.source.name",
    "sortable": "s.sortable",
    "filterable": "s.filterable",
    "options": _list("ColumnChoice", CHOICE, "s.options"),
}


def _viewer_columns(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    compiler.children.add("columns")
    return f"[{compiler.writer('LeadColumn', sub, LEAD_COLUMN)}(x, run) for x in run.refs['columns'][0]]"


# Over schema.account.User (the strawberry type, made by its from_model: the permission rule).
VIEWER: dict[str, Any] = {
    "id": "s.id",
    "name": "s.name",
    "email": "s.email",
    "role": "s.role.name",
    "isActive": "s.is_active",
    "permissions": _object("UserPermissions", PERMISSIONS, "s.permissions"),
    "leadColumns": _viewer_columns,
}


def connection_table(type_name: str, node_table: dict[str, Any]) -> dict[str, Any]:
    def nodes(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        return f"[{compiler.writer(type_name, sub, node_table)}(e[1], run) for e in s.edges]"

    edge = {"cursor": "s[0]", "node": _object(type_name, node_table, "s[1]")}
    return {
        "edges": _list(f"{type_name}Edge", edge, "s.edges"),
        "nodes": nodes,
        "pageInfo": _object("PageInfo", PAGE_INFO, "s"),
        "totalCount": _total,
    }


CONNECTIONS = {
    "persons": ("PersonConnection", connection_table("Person", LIST_PERSON)),
    "organizations": ("OrganizationConnection", connection_table("Organization", LIST_ORGANIZATION)),
}


@dataclass
class ContactsPlan:
    """A compiled `persons` or `organizations` root field."""

    field: str
    node: FieldNode
    connection: Callable[[Page, Run], dict[str, Any]]
    counts: bool
    refs: dict[str, str]

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        viewer = context.viewer
        query_type = schema._schema.query_type
        assert query_type is not None
        args = get_argument_values(query_type.fields[self.field], self.node, coerced)
        first, after, search = page_size(args.get("first")), args.get("after") or None, args.get("search")
        org_id = None
        if self.field == "persons":
            raw = args.get("organizationId")
            org_id = decode_id(raw, "Organization") if raw else None
            page = await find_persons(viewer, first, after, search, org_id)
        else:
            page = await find_organizations(viewer, first, after, search)
        run = Run(now=context.now)
        await load_refs(context, page.rows, self.refs, run)
        if self.counts:
            kind_name = "person" if self.field == "persons" else "organization"
            run.total_count = await count_contacts(viewer, kind_name, search, org_id)
        return self.connection(Page(list(zip(page.cursors, page.rows, strict=True)), page.has_next_page, after), run)


def compile_contacts(compiler: Compiler, node: FieldNode) -> ContactsPlan:
    name = node.name.value
    if node.selection_set is None:
        raise Unsupported(f"{name} without a selection")
    type_name, table = CONNECTIONS[name]
    connection = compiler.namespace[compiler.writer(type_name, [node.selection_set], table)]
    return ContactsPlan(name, node, connection, compiler.counts, compiler.refs)


@dataclass
class ViewerPlan:
    write: Callable[[Any, Run], dict[str, Any]]
    # Whether `leadColumns` is asked (the viewer's columns, as context.viewer_columns reads them).
    columns: bool

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        from models import User as UserModel
        from schema.account import User
        from schema.column import LeadColumn

        run = Run(now=context.now)
        if self.columns:
            run.refs["columns"] = {0: [LeadColumn.of(c) for c in await context.viewer_columns()]}
        return self.write(User.from_model(await UserModel.get(id=context.viewer.user_id)), run)


def compile_viewer(compiler: Compiler, node: FieldNode) -> ViewerPlan:
    if node.selection_set is None:
        raise Unsupported("viewer without a selection")
    write = compiler.namespace[compiler.writer("User", [node.selection_set], VIEWER)]
    return ViewerPlan(write, "columns" in compiler.children)
