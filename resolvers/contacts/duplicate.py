"""The `duplicates` query."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import PublicError
from domain.contacts.duplicate import find_duplicates
from schema.base import InfoT
from schema.contacts.duplicate import DuplicateCandidates
from schema.contacts.organization import Organization
from schema.contacts.person import Person
from schema.leads.lead import Lead


@strawberry.type
class DuplicateQueries:
    @strawberry.field(
        description=(
            "Existing records that a new organization, person or lead would double; ask before creating. "
            "`leadTitle` is matched together with `personName`. At most 20 candidates of each kind, oldest first."
        )
    )
    async def duplicates(
        self,
        info: InfoT,
        organization_name: Annotated[
            str | None, strawberry.argument(description="The name of an organization you are about to create.")
        ] = None,
        person_name: Annotated[
            str | None, strawberry.argument(description="The name of a person you are about to create.")
        ] = None,
        lead_title: Annotated[
            str | None,
            strawberry.argument(description="The title of a lead you are about to create; needs `personName`."),
        ] = None,
    ) -> DuplicateCandidates:
        viewer = info.context.require_viewer()
        if lead_title is not None and not (person_name or "").strip():
            raise PublicError("leadTitle is matched together with personName: give both.", code="BAD_REQUEST")
        found = await find_duplicates(
            viewer, organization_name=organization_name, person_name=person_name, lead_title=lead_title
        )
        return DuplicateCandidates(
            organizations=[Organization.from_model(o) for o in found.organizations],
            persons=[Person.from_model(p) for p in found.persons],
            leads=[Lead.from_model(lead) for lead in found.leads],
        )
