"""The `persons` and `organizations` lists."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.ids import decode_id
from core.pagination import page_size
from domain.contacts.query import count_contacts, find_organizations, find_persons
from schema.base import AFTER, FIRST, InfoT, PageInfo
from schema.contacts.organization import Organization, OrganizationConnection, OrganizationEdge
from schema.contacts.person import Person, PersonConnection, PersonEdge


@strawberry.type
class ContactQueries:
    @strawberry.field(description="Persons by name; `search` matches the name or an email address.")
    async def persons(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Text in the person's name or an email address.")
        ] = None,
        organization_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the persons of this organization.")
        ] = None,
    ) -> PersonConnection:
        viewer = info.context.require_viewer()
        after = after or None
        org_id = decode_id(organization_id, "Organization") if organization_id else None
        page = await find_persons(viewer, page_size(first), after, search, org_id)
        return PersonConnection(
            edges=[
                PersonEdge(cursor=c, node=Person.from_model(p)) for p, c in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page.cursors, page.has_next_page, after),
            _count=lambda: count_contacts(viewer, "person", search, org_id),
        )

    @strawberry.field(description="Organizations by name; `search` matches the name.")
    async def organizations(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: Annotated[str | None, strawberry.argument(description="Text in the organization's name.")] = None,
    ) -> OrganizationConnection:
        viewer = info.context.require_viewer()
        after = after or None
        page = await find_organizations(viewer, page_size(first), after, search)
        return OrganizationConnection(
            edges=[
                OrganizationEdge(cursor=c, node=Organization.from_model(o))
                for o, c in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page.cursors, page.has_next_page, after),
            _count=lambda: count_contacts(viewer, "organization", search),
        )
