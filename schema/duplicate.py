"""Duplicates: the candidates a would-be contact or lead has, and how a caller resolves them."""

from __future__ import annotations

import strawberry

from domain.duplicate import Resolution
from schema.lead import Lead
from schema.organization import Organization
from schema.person import Person

DuplicateResolutionEnum = strawberry.enum(
    Resolution,
    name="DuplicateResolution",
    description=(
        "What to do with a found duplicate. LINK: use the existing record (the one named by id, or "
        "the only candidate; a new one is created when nothing matches). CREATE: add the new one anyway."
    ),
)


@strawberry.type(
    description=(
        "Existing records a new one would double, visible to you: organizations and persons by name, "
        "leads by title together with the person's name. Case, accents and extra spaces are ignored."
    )
)
class DuplicateCandidates:
    organizations: list[Organization]
    persons: list[Person]
    leads: list[Lead]
