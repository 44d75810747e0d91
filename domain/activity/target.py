"""What a note, activity or email hangs on: a lead, a deal, a person or an organization."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from domain.contacts.organization import can_see_organization, get_organization
from domain.contacts.person import can_see_person, get_person
from domain.deals.deal import can_see_deal, get_deal
from domain.leads.lead import can_see_lead, get_lead
from domain.viewer import Viewer
from models import Deal, Lead, Organization, Person


@dataclass(frozen=True)
class Target:
    kind: str  # "lead", "deal", "person" or "organization"
    key: Any

    def columns(self) -> dict[str, Any]:
        return {f"{self.kind}_id": self.key}


async def check_target(viewer: Viewer, target: Target, path: tuple[str, ...]) -> None:
    """Raise NOT_FOUND unless the target is the viewer's and visible to them."""
    if target.kind == "lead":
        await get_lead(viewer, uuid.UUID(str(target.key)), path)
    elif target.kind == "deal":
        await get_deal(viewer, int(target.key), path)
    elif target.kind == "person":
        await get_person(viewer, int(target.key), path)
    elif target.kind == "organization":
        await get_organization(viewer, int(target.key), path)
    else:
        raise ValueError(target.kind)


# Each kind of target: its model and who may see a row of it (the rules check_target applies).
_KINDS: dict[str, tuple[type[Any], Callable[[Viewer, Any], bool]]] = {
    "lead": (Lead, can_see_lead),
    "deal": (Deal, can_see_deal),
    "person": (Person, can_see_person),
    "organization": (Organization, can_see_organization),
}


async def visible_targets(viewer: Viewer, targets: Iterable[Target]) -> set[tuple[str, str]]:
    """Which of these targets :func:`check_target` would let through, as (kind, key as text):
    one query per kind of target, whatever their number."""
    keys: dict[str, dict[str, Any]] = {}
    for target in targets:
        keys.setdefault(target.kind, {})[str(target.key)] = target.key
    seen: set[tuple[str, str]] = set()
    for kind, wanted in keys.items():
        model, can_see = _KINDS[kind]
        for row in await model.filter(id__in=list(wanted.values()), company_id=viewer.company_id):
            if can_see(viewer, row):
                seen.add((kind, str(row.id)))
    return seen


def target_of(row: Any) -> Target:
    for kind in ("lead", "deal", "person", "organization"):
        key = getattr(row, f"{kind}_id", None)
        if key is not None:
            return Target(kind, key)
    raise ValueError("row has no target")
