"""What a note, activity or email hangs on: a lead, a deal, a person or an organization."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from domain.deal import get_deal
from domain.lead import get_lead
from domain.organization import get_organization
from domain.person import get_person
from domain.viewer import Viewer


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


def target_of(row: Any) -> Target:
    for kind in ("lead", "deal", "person", "organization"):
        key = getattr(row, f"{kind}_id", None)
        if key is not None:
            return Target(kind, key)
    raise ValueError("row has no target")
