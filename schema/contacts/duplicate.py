"""Duplicates: the candidates a would-be contact or lead has, and how a caller resolves them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.contacts.duplicate import Resolution
from schema.base import describe_values
from schema.contacts.organization import Organization
from schema.contacts.person import Person

if TYPE_CHECKING:
    from schema.leads.lead import Lead

# A lead links contacts: the leads' type is above this module, named lazily.
LeadRef = Annotated["Lead", strawberry.lazy("schema.leads.lead")]

DuplicateResolutionEnum = Resolution
strawberry.enum(
    DuplicateResolutionEnum,
    name="DuplicateResolution",
    description=(
        "What to do with a found duplicate. LINK: use the existing record (the one named by id, or "
        "the only candidate; a new one is created when nothing matches). CREATE: add the new one anyway."
    ),
)
describe_values(
    DuplicateResolutionEnum,
    {
        "LINK": "Use the existing record instead of creating one.",
        "CREATE": "Create the new record although it has duplicates.",
    },
)


@strawberry.type(
    description=(
        "Existing records a new one would double, visible to you: organizations and persons by name, "
        "leads by title together with the person's name. Case, accents and extra spaces are ignored."
    )
)
class DuplicateCandidates:
    organizations: list[Organization] = strawberry.field(
        description="Organizations with the same name as `organizationName`; empty when not asked."
    )
    persons: list[Person] = strawberry.field(
        description="Persons with the same name as `personName`; empty when not asked."
    )
    leads: list[LeadRef] = strawberry.field(
        description="Leads with the title `leadTitle` whose person is named `personName`; empty when not asked."
    )
