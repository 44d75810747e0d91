"""The `leads` query and the lead mutations: decode ids, call the rules, build the payload."""

from __future__ import annotations

from typing import Any

import strawberry

from core.ids import decode_id, decode_input_id
from core.pagination import page_size
from domain import lead as rules
from domain.duplicate import DuplicatePolicy
from domain.lead import LeadData
from domain.lead_query import LeadQuery, LeadSortField, SortDirection, find_leads
from resolvers.common import given, id_list, mutate, optional_id
from resolvers.organization import organization_data
from resolvers.person import person_data
from schema.base import InfoT, PageInfo
from schema.lead import Lead, LeadConnection, LeadEdge, LeadFilter, LeadSort
from schema.lead_input import (
    ArchiveLeadsPayload,
    BulkUpdateLeadsInput,
    CreateLeadInput,
    DeleteLeadsPayload,
    LeadIdsInput,
    LeadPayload,
    UpdateLeadInput,
    UtmInput,
)
from schema.lead_input import BulkUpdateLeadsPayload as BulkPayload


def lead_query(filter: LeadFilter | None, sort: LeadSort | None) -> LeadQuery:
    f = filter or LeadFilter()
    s = sort or LeadSort()
    return LeadQuery(
        archived=f.archived,
        sources=list(f.sources or []),
        label_ids=[decode_id(i, "LeadLabel") for i in f.label_ids or []],  # type: ignore[misc]
        owner_user_ids=[decode_id(i, "User") for i in f.owner_ids or []],  # type: ignore[misc]
        team_ids=[decode_id(i, "Team") for i in f.team_ids or []],  # type: ignore[misc]
        predefined=list(f.predefined or []),
        lead_status_ids=[decode_id(i, "LeadStatus") for i in f.lead_status_ids or []],  # type: ignore[misc]
        search=f.search,
        sort=LeadSortField(s.field),
        direction=SortDirection(s.direction),
    )


@strawberry.type
class LeadQueries:
    @strawberry.field(
        description="The Leads Inbox: active (or archived) leads, filtered, searched and sorted. At most 500 a page."
    )
    async def leads(
        self,
        info: InfoT,
        first: int | None = None,
        after: str | None = None,
        filter: LeadFilter | None = None,
        sort: LeadSort | None = None,
    ) -> LeadConnection:
        viewer = info.context.require_viewer()
        after = after or None  # an empty cursor is no cursor
        query = lead_query(filter, sort)
        page = await find_leads(viewer, query, page_size(first), after, now=info.context.now)
        edges = [LeadEdge(cursor=c, node=Lead.from_model(m)) for m, c in zip(page.leads, page.cursors, strict=True)]
        return LeadConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            _viewer=viewer,
            _query=query,
            _now=info.context.now,
        )


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
            from core.errors import ErrorCode, fail

            raise fail("visibility cannot be empty.", ErrorCode.REQUIRED, "input", "visibility")
        changes["visibility"] = data.visibility
    if given(data.label_ids):
        changes["label_ids"] = id_list(data.label_ids, "LeadLabel", "input", "label_ids")
    return changes


@strawberry.type
class LeadMutation:
    @strawberry.mutation(description="Create a lead. Its source is MANUAL from the app and API from a partner token.")
    async def create_lead(self, info: InfoT, input: CreateLeadInput) -> LeadPayload:
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
            lead = await rules.create_lead(viewer, data, viewer.lead_source)
            return {"lead": Lead.from_model(lead)}

        return await mutate(LeadPayload, work)

    @strawberry.mutation(description="Change one lead; only the fields given change.")
    async def update_lead(self, info: InfoT, input: UpdateLeadInput) -> LeadPayload:
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
            lead = await rules.update_lead(viewer, lead_id, changes)  # type: ignore[arg-type]
            return {"lead": Lead.from_model(lead)}

        return await mutate(LeadPayload, work)

    @strawberry.mutation(description="Apply the same changes to many leads, all or nothing (at most 500 ids).")
    async def bulk_update_leads(self, info: InfoT, input: BulkUpdateLeadsInput) -> BulkPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.ids, "Lead", "input", "ids")
            changes = _common_changes(input)
            if given(input.add_label_ids):
                changes["add_label_ids"] = id_list(input.add_label_ids, "LeadLabel", "input", "add_label_ids")
            if given(input.remove_label_ids):
                changes["remove_label_ids"] = id_list(input.remove_label_ids, "LeadLabel", "input", "remove_label_ids")
            return {"updated_count": await rules.bulk_update_leads(viewer, ids, changes)}

        return await mutate(BulkPayload, work)

    @strawberry.mutation(description="Delete leads with their notes, activities and emails, all or nothing.")
    async def delete_leads(self, info: InfoT, input: LeadIdsInput) -> DeleteLeadsPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            deleted = await rules.delete_leads(viewer, id_list(input.ids, "Lead", "input", "ids"))
            return {"deleted_ids": [Lead.global_id(i) for i in deleted], "deleted_count": len(deleted)}

        return await mutate(DeleteLeadsPayload, work)

    @strawberry.mutation(description="Move leads to the archive; they keep everything.")
    async def archive_leads(self, info: InfoT, input: LeadIdsInput) -> ArchiveLeadsPayload:
        return await _set_archived(info, input, True)

    @strawberry.mutation(description="Bring archived leads back to the inbox.")
    async def unarchive_leads(self, info: InfoT, input: LeadIdsInput) -> ArchiveLeadsPayload:
        return await _set_archived(info, input, False)


async def _set_archived(info: InfoT, input: LeadIdsInput, archived: bool) -> ArchiveLeadsPayload:
    viewer = info.context.require_viewer()

    async def work() -> dict[str, Any]:
        leads = await rules.set_archived(viewer, id_list(input.ids, "Lead", "input", "ids"), archived)
        return {"leads": [Lead.from_model(lead) for lead in leads]}

    return await mutate(ArchiveLeadsPayload, work)
