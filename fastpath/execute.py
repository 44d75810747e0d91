"""Answer a planned `leads` operation for a viewer: the same rules, fewer steps.

The variables (coerced by graphql-core, fastpath.extension) are turned into the resolver's inputs by strawberry
(the same calls the ordinary execution makes), then schema.leads.filter.lead_query builds the
domain query and domain.leads.query.page_statement writes the page's SQL: filters, sorts, cursors and
visibility are the ordinary path's code. Statements: the custom field definitions when a column
or the query names a custom field (or the viewer's saved columns are used), unless this process
read them under the company's present stamp (domain.columns.custom_field.viewer_definitions), the viewer's saved
columns when ``columns`` is null, the page, the records the values refer to when a column needs
any (custom user, person or organization fields, owners of contacts, creator), and the count
when ``totalCount`` is selected.

Anything that would be an error on the ordinary path (a bad variable, cursor, id, page size or
column) raises here, and the caller answers with the ordinary execution instead, so errors are
exactly what they have always been.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, VariableValues, get_argument_values
from strawberry import Schema

from core.db import is_postgres
from core.pagination import page_size
from core.sql import Sql, compose
from domain.columns import values as column_values
from domain.columns.column import Column, ColumnSource, is_custom, resolve
from domain.columns.custom_field import viewer_definitions
from domain.columns.preference import saved_keys, usable
from domain.leads.query import count_leads, page_cursors, page_statement
from domain.viewer import Viewer
from fastpath.compiler import LeadsPlan, Page, Run, root_arguments
from fastpath.pages import Edges, Statement, json_columns, json_page, read_page
from fastpath.records import (
    PageRecords,
    converters,
    fill_children,
    page_records,
    page_select,
    referenced,
)
from fastpath.sqlexpr import Ctx
from fastpath.sqljson import JsonRow, LeadJson
from models import CustomField, CustomFieldType, Lead
from schema.leads.filter import lead_query
from schema.leads.lead import MAX_VALUE_COLUMNS


class Declined(Exception):
    """The compiled path will not answer this request; the ordinary execution will."""


async def answer(
    schema: Schema, plan: LeadsPlan, viewer: Viewer, coerced: VariableValues, now: dt.datetime
) -> dict[str, Any]:
    """The `leads` connection of a plan, with the request's coerced variables."""
    gschema = schema._schema
    args = root_arguments(schema, plan.leads_node, coerced)

    after = args.get("after") or None  # an empty cursor is no cursor
    first = page_size(args.get("first"))
    query = await lead_query(viewer, args.get("filter"), args.get("sort"))

    lead_type = gschema.get_type("Lead")
    assert isinstance(lead_type, GraphQLObjectType)
    asked: list[list[str] | None] = [
        get_argument_values(lead_type.fields["values"], node, coerced).get("columns") for node in plan.values_nodes
    ]
    definitions: list[CustomField] | None = None
    explicit = [k for keys in asked if keys is not None for k in keys]
    if query.names_custom_columns() or any(is_custom(k) for k in explicit) or any(k is None for k in asked):
        definitions = await viewer_definitions(viewer)
    viewer_keys: list[str] | None = None
    if any(keys is None for keys in asked):
        viewer_keys = [c.key for c in usable(await saved_keys(viewer), definitions or [])]
    value_keys = [tuple(keys if keys is not None else viewer_keys or []) for keys in asked]
    if any(len(keys) > MAX_VALUE_COLUMNS for keys in value_keys):
        raise Declined("too many columns")
    wanted = list(dict.fromkeys(k for keys in value_keys for k in keys))
    columns = resolve(wanted, definitions or [])  # UnknownColumn: the ordinary path says so

    run = Run(now=now, value_keys=value_keys)
    page = LeadPage(viewer, query, first, after, now, definitions, columns)
    if plan.json_sites is not None:
        edges, has_next_page = await _json_page(plan.json_sites, page)
    else:
        edges, has_next_page = await _records_page(plan, page)
    if plan.counts:
        run.total_count = await count_leads(viewer, query, now=now, definitions=definitions)
    return plan.connection(Page(edges, has_next_page, after), run)


@dataclass
class LeadPage:
    """What one request's page of leads is read with."""

    viewer: Viewer
    query: Any
    first: int
    after: str | None
    now: dt.datetime
    definitions: list[CustomField] | None
    columns: list[Column]

    async def statement(self, extra: Sql | None, base: str = "l.*") -> Statement:
        return await page_statement(
            self.viewer,
            self.query,
            self.first,
            self.after,
            now=self.now,
            definitions=self.definitions,
            extra=extra,
            base=base,
        )


async def _records_page(plan: LeadsPlan, page: LeadPage) -> tuple[Edges, bool]:
    """The page as records the Python writers read (fastpath.records)."""
    found = await read_page(await page.statement(page_select()), page.first, 0)
    rows = page_records(found.keys, found.rows, page.viewer)
    cursors = []
    if found.rows:
        sort_at, id_at = found.at("sort_key"), found.at("id")
        # The lead id as its record converted it (the writers read it too).
        cursor = page_cursors(page.query)
        cursors = [cursor(row[sort_at], r.lead.id) for row, r in zip(found.rows, rows, strict=True)]
        for kind in sorted(plan.children):
            await fill_children(page.viewer, rows, [row[id_at] for row in found.rows], kind)
    if page.columns:
        await _fill_cells(page.viewer, rows, page.columns, page.now)
    return list(zip(cursors, rows, strict=True)), found.has_next_page


async def _json_page(sites: list[LeadJson], page: LeadPage) -> tuple[Edges, bool]:
    """The page whose leads' JSON the page statement writes (fastpath.sqljson); the records of
    the rows are read too only when a hole (``values``) needs them."""
    ctx = Ctx(is_postgres(), page.viewer)
    cursor = page_cursors(page.query)
    if not any(site.needs_records for site in sites):
        # No hole: the ids, sort keys and JSON alone (none at all for pageInfo or totalCount only).
        def ids_statement(extra: Sql | None) -> Awaitable[Statement]:
            return page.statement(extra, "l.id")

        return await json_page(sites, ctx, page.now, (), page.first, ids_statement, cursor)
    narrow = all(_own_value(c) for c in page.columns)
    extra, width = json_columns(sites, ctx, (), page.now)  # the relations are lookups (fastpath.sqltables.lead_table)
    if narrow:
        # The holes' values read the lead's own custom fields only: that column, no records.
        statement = await page.statement(extra, "l.id, l.custom_fields")
    else:
        statement = await page.statement(compose(page_select(), ", ", extra) if extra is not None else page_select())
    found = await read_page(statement, page.first, width)
    if not found.rows:
        return [], found.has_next_page
    sort_at, id_at = found.at("sort_key"), found.at("id")
    rows: list[Any]  # records of the lead's own values, or whole page records
    if narrow:
        custom_at, convert = found.at("custom_fields"), converters(Lead)["custom_fields"]
        assert convert is not None
        readers = [(c.key, column_values.stored_value_reader(c)) for c in dict.fromkeys(page.columns)]
        rows = []
        for row in found.rows:
            custom = convert(row[custom_at])
            rows.append(_OwnCells({key: read(custom) for key, read in readers}))
        ids = [row[id_at] for row in found.rows]
    else:
        rows = page_records(found.keys, found.rows, page.viewer)
        ids = [r.lead.id for r in rows]  # as the records converted them
        if page.columns:
            await _fill_cells(page.viewer, rows, page.columns, page.now)
    start = found.at("x__j0") if found.width else 0
    end = start + found.width
    out: Edges = [
        (cursor(row[sort_at], lead_id), JsonRow(row[start:end], r))
        for row, lead_id, r in zip(found.rows, ids, rows, strict=True)
    ]
    return out, found.has_next_page


# Custom field types whose cells read the stored value alone (no user, person or organization).
OWN_VALUE_TYPES = frozenset(CustomFieldType) - {
    CustomFieldType.USER,
    CustomFieldType.PERSON,
    CustomFieldType.ORGANIZATION,
}


def _own_value(column: Column) -> bool:
    """Whether a column's cell is read from the lead's own custom fields alone."""
    field = column.custom_field
    return field is not None and column.source == ColumnSource.LEAD and CustomFieldType(field.type) in OWN_VALUE_TYPES


class _OwnCells:
    """A page row whose cells all read the lead's own custom fields (:func:`_own_value`): its
    cells alone, what the ``values`` hole reads (fastpath.leads)."""

    __slots__ = ("cells",)

    def __init__(self, cells: dict[str, Any]) -> None:
        self.cells = cells


async def _fill_cells(viewer: Viewer, rows: list[PageRecords], columns: list[Column], now: Any) -> None:
    leads = [r.lead for r in rows]
    persons = [r.person for r in rows if r.person is not None]
    orgs = [r.org for r in rows if r.org is not None]
    user_ids, person_ids, org_ids = column_values.reference_ids(columns, leads, persons, orgs)
    users, more_persons, more_orgs = await referenced(viewer, user_ids, person_ids, org_ids)
    # Records stand in for the models column_values reads (attribute for attribute): to the
    # checker they are other types, hence the ignores below.
    for r in rows:
        if r.owner_user is not None:
            users.setdefault(r.owner_user.id, r.owner_user)  # type: ignore[arg-type]  # a record too
    refs = column_values.Refs(
        users=users,  # type: ignore[arg-type]  # records for users
        teams={r.owner_team.id: r.owner_team for r in rows if r.owner_team is not None},  # type: ignore[misc]  # records
        persons={**{p.id: p for p in persons}, **more_persons},  # type: ignore[misc, dict-item]  # records for persons
        orgs={**{o.id: o for o in orgs}, **more_orgs},  # type: ignore[misc, dict-item]  # records for organizations
    )
    readers = [(c.key, column_values.cell_reader(c)) for c in dict.fromkeys(columns)]
    for r in rows:
        context = column_values.Row(r.lead, r.person, r.org, r.labels, r.activity, now)  # type: ignore[arg-type]  # records for the models
        r.cells = {key: read(context, refs) for key, read in readers}
