"""The `leads` query and the lead mutations: decode ids, call the rules, build the payload."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection

import models
from core.errors import ErrorCode, fail
from core.ids import decode_input_id
from core.pagination import page_size
from domain.columns.column import is_custom, resolve
from domain.contacts.duplicate import DuplicatePolicy
from domain.leads import bulk as lead_bulk
from domain.leads import lead as rules
from domain.leads.lead import LeadData
from domain.leads.query import LeadQuery, find_leads
from domain.viewer import Viewer
from models import CustomFieldEntity
from resolvers.common import create_once, mutate
from schema.base import AFTER, FIRST, IDEMPOTENCY_KEY, InfoT, PageInfo, given, id_list, optional_id
from schema.columns.custom_field import custom_values
from schema.contacts.organization_input import organization_data
from schema.contacts.person_input import person_data
from schema.leads.filter import LeadFilter, LeadSort, lead_query
from schema.leads.input import (
    ArchiveLeadsPayload,
    BulkUpdateLeadsInput,
    CreateLeadInput,
    DeleteLeadsInput,
    DeleteLeadsPayload,
    LeadIdsInput,
    LeadPayload,
    UpdateLeadInput,
    UtmInput,
)
from schema.leads.input import BulkUpdateLeadsPayload as BulkPayload
from schema.leads.lead import Lead, LeadConnection, LeadEdge


def requested_columns(selections: list[Selection]) -> list[str]:
    """The column keys the `values(columns:)` fields of a leads page ask for (through edges or nodes)."""
    keys: list[str] = []
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == "values":
            keys += selection.arguments.get("columns") or []
        elif selection.selections:
            keys += requested_columns(selection.selections)
    return list(dict.fromkeys(keys))


@strawberry.type
class LeadQueries:
    @strawberry.field(
        description="The Leads Inbox: active (or archived) leads, filtered, searched and sorted. At most 500 a page."
    )
    async def leads(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: Annotated[
            LeadFilter | None, strawberry.argument(description="Which leads; the active inbox when left out.")
        ] = None,
        sort: Annotated[
            LeadSort | None, strawberry.argument(description="The order; newest first when left out.")
        ] = None,
    ) -> LeadConnection:
        viewer = info.context.require_viewer()
        after = after or None  # an empty cursor is no cursor
        query = await lead_query(viewer, filter, sort)
        asked = requested_columns(info.selected_fields)
        definitions = None
        if query.names_custom_columns() or any(is_custom(k) for k in asked):
            # Through the request's loader: the values of the page's custom columns reuse what it read.
            found = await info.context.loaders.custom_fields_by_entity.load_many(list(CustomFieldEntity))
            definitions = [d for entity in found for d in entity]
        # An unknown column is one clear error here, rather than one per lead of the page.
        resolve(asked, definitions or [])
        page = await find_leads(viewer, query, page_size(first), after, now=info.context.now, definitions=definitions)
        edges = [LeadEdge(cursor=c, node=Lead.from_model(m)) for m, c in zip(page.leads, page.cursors, strict=True)]
        return LeadConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
            _viewer=viewer,
            _query=query,
            _now=info.context.now,
            _definitions=definitions,
        )


async def _targets(
    viewer: Viewer, ids: list[strawberry.ID] | None, filter: LeadFilter | None
) -> tuple[list[Any] | None, LeadQuery | None]:
    """The leads a bulk mutation names: ids, or a filter (the same LeadFilter as the list's)."""
    if ids is not None and filter is not None:
        raise fail("Give either ids or a filter, not both.", ErrorCode.CONFLICT, "input", "filter")
    if filter is not None:
        return None, await lead_query(viewer, filter, path=("input", "filter"))
    return id_list(ids, "Lead", "input", "ids") if ids is not None else None, None


def _utm(utm: UtmInput | None) -> dict[str, str | None]:
    if utm is None:
        return {f"utm_{k}": None for k in ("source", "medium", "campaign", "term", "content")}
    return {f"utm_{k}": getattr(utm, k) for k in ("source", "medium", "campaign", "term", "content")}


def _common_changes(data: UpdateLeadInput | BulkUpdateLeadsInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if given(data.owner_id):
        changes["owner_user_id"] = optional_id(data.owner_id, "User", "input", "owner_id")
    if given(data.owner_team_id):
        changes["owner_team_id"] = optional_id(data.owner_team_id, "Team", "input", "owner_team_id")
    if given(data.value):
        changes["value"] = (data.value.amount, data.value.currency) if data.value else None
    if given(data.expected_close_date):
        changes["expected_close_date"] = data.expected_close_date
    if given(data.visibility):
        if data.visibility is None:
            raise fail("visibility cannot be empty.", ErrorCode.REQUIRED, "input", "visibility")
        changes["visibility"] = data.visibility
    if given(data.label_ids):
        changes["label_ids"] = id_list(data.label_ids, "LeadLabel", "input", "label_ids")
    if given(data.custom_fields):
        changes["custom_fields"] = custom_values(data.custom_fields, "input")
    return changes


@strawberry.type
class LeadMutation:
    @strawberry.mutation(
        description=(
            "Create a lead, and its new person and organization when given inline. Its source is MANUAL from the "
            "app and API from a partner token; the caller owns it unless an owner is given."
        )
    )
    async def create_lead(
        self,
        info: InfoT,
        input: Annotated[
            CreateLeadInput, strawberry.argument(description="The lead, its contacts and what to do with duplicates.")
        ],
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
    ) -> LeadPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            data = LeadData(
                title=input.title,
                person_id=optional_id(input.person_id, "Person", "input", "person_id"),
                person=person_data(input.person, "input", "person") if input.person else None,
                organization_id=optional_id(input.organization_id, "Organization", "input", "organization_id"),
                organization=organization_data(input.organization, "input", "organization")
                if input.organization
                else None,
                owner_user_id=optional_id(input.owner_id, "User", "input", "owner_id"),
                owner_team_id=optional_id(input.owner_team_id, "Team", "input", "owner_team_id"),
                value_amount=input.value.amount if input.value else None,
                value_currency=input.value.currency if input.value else None,
                expected_close_date=input.expected_close_date,
                label_ids=id_list(input.label_ids, "LeadLabel", "input", "label_ids"),
                visibility=input.visibility,
                was_seen=input.was_seen,
                utm=_utm(input.utm),
                custom_fields=custom_values(input.custom_fields, "input"),
                duplicates=DuplicatePolicy(
                    person=input.person_duplicate,
                    person_id=optional_id(input.link_person_id, "Person", "input", "link_person_id"),
                    organization=input.organization_duplicate,
                    organization_id=optional_id(
                        input.link_organization_id, "Organization", "input", "link_organization_id"
                    ),
                    lead=input.lead_duplicate,
                ),
            )
            lead = await create_once(
                viewer,
                "createLead",
                idempotency_key,
                input,
                models.Lead,
                lambda: rules.create_lead(viewer, data, viewer.lead_source),
            )
            return {"lead": Lead.from_model(lead)}

        return await mutate(LeadPayload, work)

    @strawberry.mutation(
        description="Change one lead; only the fields given change. Any user who sees the lead may change it."
    )
    async def update_lead(
        self,
        info: InfoT,
        input: Annotated[UpdateLeadInput, strawberry.argument(description="The lead and the fields to change.")],
    ) -> LeadPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            lead_id = decode_input_id(input.id, "Lead", "input", "id")
            changes = _common_changes(input)
            if given(input.title):
                changes["title"] = input.title
            if given(input.person_id):
                changes["person_id"] = optional_id(input.person_id, "Person", "input", "person_id")
            if given(input.organization_id):
                changes["organization_id"] = optional_id(
                    input.organization_id, "Organization", "input", "organization_id"
                )
            if given(input.was_seen) and input.was_seen is not None:
                changes["was_seen"] = input.was_seen
            if given(input.utm):
                changes |= _utm(input.utm)
            lead = await rules.update_lead(viewer, lead_id, changes, input.expected_version)
            return {"lead": Lead.from_model(lead)}

        return await mutate(LeadPayload, work)

    @strawberry.mutation(description="Apply the same changes to many leads, all or nothing (at most 500 ids).")
    async def bulk_update_leads(
        self,
        info: InfoT,
        input: Annotated[
            BulkUpdateLeadsInput, strawberry.argument(description="The leads (ids or a filter) and the changes.")
        ],
    ) -> BulkPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids, query = await _targets(viewer, input.ids, input.filter)
            changes = _common_changes(input)
            if given(input.add_label_ids):
                changes["add_label_ids"] = id_list(input.add_label_ids, "LeadLabel", "input", "add_label_ids")
            if given(input.remove_label_ids):
                changes["remove_label_ids"] = id_list(input.remove_label_ids, "LeadLabel", "input", "remove_label_ids")
            return {"updated_count": await lead_bulk.bulk_update_leads(viewer, ids, changes, query=query)}

        return await mutate(BulkPayload, work)

    @strawberry.mutation(
        description="Delete leads (by id or by filter) with their notes, activities and emails, all or nothing."
    )
    async def delete_leads(
        self,
        info: InfoT,
        input: Annotated[DeleteLeadsInput, strawberry.argument(description="The leads to delete: ids or a filter.")],
    ) -> DeleteLeadsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids, query = await _targets(viewer, input.ids, input.filter)
            deleted = await lead_bulk.delete_leads(viewer, ids, query=query)
            return {"deleted_ids": [Lead.global_id(i) for i in deleted], "deleted_count": len(deleted)}

        return await mutate(DeleteLeadsPayload, work)

    @strawberry.mutation(
        description="Move leads (at most 500) to the archive; they keep everything. Archived ones are left as they are."
    )
    async def archive_leads(
        self, info: InfoT, input: Annotated[LeadIdsInput, strawberry.argument(description="The leads to archive.")]
    ) -> ArchiveLeadsPayload:
        return await _set_archived(info, input, True)

    @strawberry.mutation(description="Bring archived leads back to the inbox.")
    async def unarchive_leads(
        self, info: InfoT, input: Annotated[LeadIdsInput, strawberry.argument(description="The leads to bring back.")]
    ) -> ArchiveLeadsPayload:
        return await _set_archived(info, input, False)


async def _set_archived(info: InfoT, input: LeadIdsInput, archived: bool) -> ArchiveLeadsPayload:
    viewer = info.context.require_viewer()

    async def work() -> dict[str, Any]:
        leads = await rules.set_archived(viewer, id_list(input.ids, "Lead", "input", "ids"), archived)
        return {"leads": [Lead.from_model(lead) for lead in leads]}

    return await mutate(ArchiveLeadsPayload, work)
