"""Plans for the `persons`, `organizations` and `viewer` roots, and records rows refer to.

A contact page is read by the domain's own query (domain.contacts.query: the same search,
visibility and keyset cursors as the resolvers); each row becomes the strawberry type's own
instance (``Person.from_model``, ``Organization.from_model``) and is written by the table
fastpath.derive derives from that type. What a row refers to (organization, owner, category,
and for deals person, pipeline, stage) is read through the request loaders the ordinary fields
use (loaders/: one statement a kind, the same company and visibility rules) and written the same
way. The viewer is ``User.from_model``, its permission rule included; its ``leadColumns`` are
``context.viewer_columns()`` as ``LeadColumn.of`` makes them. A field outside a table raises
:class:`Unsupported`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import FieldNode, SelectionSetNode, VariableValues, get_argument_values
from strawberry import Schema

from core.db import is_postgres
from core.ids import decode_id
from core.pagination import page_size
from core.sql import Sql
from domain.contacts.query import contact_cursor, count_contacts, find_organizations, find_persons
from domain.contacts.query import page_statement as contact_page_statement
from fastpath.compiler import (
    PAGE_INFO,
    Compiler,
    Page,
    Run,
    Unsupported,
    _list,
    _object,
    _total,
)
from fastpath.derive import derived
from fastpath.pages import Statement, json_page, sql_connection
from fastpath.sqlexpr import Ctx
from fastpath.sqljson import LeadJson, compile_json
from fastpath.sqltables import CONTACT_JOINS, organization_row_table, person_row_table
from models import User as UserModel
from schema import schema as built_schema
from schema.accounts.account import User
from schema.columns.column import LeadColumn


def derived_table(type_name: str, **extra: Any) -> Callable[[], dict[str, Any]]:
    """The table fastpath.derive derives from the strawberry type, with ``extra`` entries."""

    def table() -> dict[str, Any]:
        return {**derived(built_schema, type_name), **extra}

    return table


def from_model(type_name: str) -> Callable[[Any], Any]:
    """The strawberry type's own constructor from its model."""

    def convert(model: Any) -> Any:
        definition = built_schema.get_type_by_name(type_name)
        return definition.origin.from_model(model)  # type: ignore[union-attr]  # an object type: its class

    return convert


# What a row may refer to: the request loader that reads it (the ordinary fields' own, with their
# company and visibility rules) and the type it is written as, made by that type's from_model.
REFS: dict[str, tuple[str, str]] = {
    "organization": ("organization_by_id", "Organization"),
    "person": ("person_by_id", "Person"),
    "user": ("user_by_id", "User"),
    "stage": ("stage_by_id", "Stage"),
    "pipeline": ("pipeline_by_id", "Pipeline"),
    "category": ("category_by_id", "Category"),
}


async def load_refs(context: Any, rows: list[Any], refs: dict[str, str], run: Run) -> None:
    """Every record the page's rows refer to, one loader call (one statement) per kind."""
    for kind, attribute in refs.items():
        loader_name, type_name = REFS[kind]
        read, convert = attrgetter(attribute), from_model(type_name)
        ids = sorted({read(r) for r in rows} - {None})
        found = await getattr(context.loaders, loader_name).load_many(ids)
        run.refs[kind] = {i: convert(record) for i, record in zip(ids, found, strict=True) if record is not None}


def ref(kind: str, id_attribute: str) -> Callable[..., str]:
    """A record a row refers to by id (``s.<id_attribute>``), loaded for the whole page
    (``run.refs[kind]``) and written by its type's derived table."""
    type_name = REFS[kind][1]

    def make(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
        compiler.refs[kind] = id_attribute
        function = compiler.writer(type_name, sub, derived_table(type_name))
        var = compiler.name("v")
        found = f"run.refs[{kind!r}].get(s.{id_attribute})"
        return f"(None if ({var} := {found}) is None else {function}({var}, run))"

    return make


# Over schema.contacts.person.Person and schema.contacts.organization.Organization (their from_model).
LIST_PERSON = derived_table(
    "Person", organization=ref("organization", "_organization_id"), owner=ref("user", "_owner_id")
)
LIST_ORGANIZATION = derived_table(
    "Organization", owner=ref("user", "_owner_id"), category=ref("category", "_category_id")
)


def _viewer_columns(compiler: Compiler, sub: list[SelectionSetNode], _nodes: list[FieldNode]) -> str:
    compiler.children.add("columns")
    function = compiler.writer("LeadColumn", sub, derived_table("LeadColumn"))
    return f"[{function}(x, run) for x in run.refs['columns'][0]]"


# Over schema.accounts.account.User (its from_model: the permission rule) and schema.columns.column.LeadColumn.
VIEWER = derived_table("User", leadColumns=_viewer_columns)


def connection_table(type_name: str, node_table: Any) -> dict[str, Any]:
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
# The database writes each contact's JSON (fastpath/sqljson.py) when it can write the selection.
SQL_TABLES = {
    "persons": ("Person", "p", person_row_table),
    "organizations": ("Organization", "o", organization_row_table),
}


def sql_connection_table(type_name: str, alias: str, row_table: Any, sites: list[LeadJson]) -> dict[str, Any]:
    """The connection of ``type_name`` with each node written by the page statement (its JSON
    over the row of ``alias``, by ``row_table``); the sites are collected in ``sites``."""
    return sql_connection(
        type_name,
        connection_table(type_name, {}),
        sites,
        lambda compiler, sub: compile_json(compiler, type_name, sub, row_table, alias),
    )


@dataclass
class ConnectionPlan:
    """A compiled connection root (`persons`, `organizations`, `deals`)."""

    node: FieldNode
    connection: Callable[[Page, Run], dict[str, Any]]
    counts: bool
    refs: dict[str, str]
    # SQL mode (fastpath/sqljson.py): where the selection writes a node; None: Python writers.
    sites: list[LeadJson] | None = None


@dataclass
class ContactsPlan(ConnectionPlan):
    """A compiled `persons` or `organizations` root field."""

    @property
    def field(self) -> str:
        return self.node.name.value

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:
        viewer = context.viewer
        query_type = schema._schema.query_type
        assert query_type is not None
        args = get_argument_values(query_type.fields[self.field], self.node, coerced)
        first, after, search = page_size(args.get("first")), args.get("after") or None, args.get("search")
        org_id = None
        if self.field == "persons":
            raw_id = args.get("organizationId")
            org_id = decode_id(raw_id, "Organization") if raw_id else None
        run = Run(now=context.now)
        if self.sites is not None:
            edges, has_next_page = await self._json_page(viewer, context.now, first, after, search, org_id)
        else:
            if self.field == "persons":
                page = await find_persons(viewer, first, after, search, org_id)
            else:
                page = await find_organizations(viewer, first, after, search)
            rows = [from_model("Person" if self.field == "persons" else "Organization")(r) for r in page.rows]
            await load_refs(context, rows, self.refs, run)
            edges, has_next_page = list(zip(page.cursors, rows, strict=True)), page.has_next_page
        if self.counts:
            kind_name = "person" if self.field == "persons" else "organization"
            run.total_count = await count_contacts(viewer, kind_name, search, org_id)
        return self.connection(Page(edges, has_next_page, after), run)

    async def _json_page(
        self, viewer: Any, now: Any, first: int, after: str | None, search: str | None, org_id: int | None
    ) -> tuple[list[tuple[str, Any]], bool]:
        """The page whose contacts' JSON the page statement writes (domain.contacts.query's)."""
        assert self.sites is not None
        _, alias, _ = SQL_TABLES[self.field]

        async def statement(extra: Sql | None) -> Statement:
            return contact_page_statement(viewer, alias, first, after, search, org_id, base=f"{alias}.id", extra=extra)

        ctx = Ctx(is_postgres(), viewer)
        return await json_page(self.sites, ctx, now, CONTACT_JOINS[alias], first, statement, contact_cursor)


def compile_contacts(compiler: Compiler, node: FieldNode) -> ContactsPlan:
    name = node.name.value
    if node.selection_set is None:
        raise Unsupported(f"{name} without a selection")
    type_name, table = CONNECTIONS[name]
    fresh = Compiler(compiler.schema, compiler.fragments, compiler.variables)
    sites: list[LeadJson] = []
    try:
        write = fresh.namespace[
            fresh.writer(type_name, [node.selection_set], sql_connection_table(*SQL_TABLES[name], sites))
        ]
        return ContactsPlan(node, write, fresh.counts, fresh.refs, sites)
    except Unsupported:
        pass
    connection = compiler.namespace[compiler.writer(type_name, [node.selection_set], table)]
    return ContactsPlan(node, connection, compiler.counts, compiler.refs)


@dataclass
class ViewerPlan:
    write: Callable[[Any, Run], dict[str, Any]]
    # Whether `leadColumns` is asked (the viewer's columns, as context.viewer_columns reads them).
    columns: bool

    async def answer(self, schema: Schema, context: Any, coerced: VariableValues) -> Any:

        run = Run(now=context.now)
        if self.columns:
            run.refs["columns"] = {0: [LeadColumn.of(c) for c in await context.viewer_columns()]}
        return self.write(User.from_model(await UserModel.get(id=context.viewer.user_id)), run)


def compile_viewer(compiler: Compiler, node: FieldNode) -> ViewerPlan:
    if node.selection_set is None:
        raise Unsupported("viewer without a selection")
    write = compiler.namespace[compiler.writer("User", [node.selection_set], VIEWER)]
    return ViewerPlan(write, "columns" in compiler.children)
