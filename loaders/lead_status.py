"""DataLoaders of lead status: each person's lead state, categories, groups, a person's log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from domain.contacts.lead_state import LeadState, lead_states
from domain.viewer import Viewer
from models import Category, CategoryGroup, ChangeLogEntry

Fetch = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


def lead_status_fetchers(viewer: Viewer) -> dict[str, Fetch]:
    company_id = viewer.company_id

    async def states(keys: Sequence[int]) -> dict[int, LeadState]:
        # One statement for the persons' organizations, categories, groups and statuses.
        return await lead_states(company_id, list(keys))

    async def categories(keys: Sequence[int]) -> dict[int, Category]:
        return {c.id: c for c in await Category.filter(id__in=list(keys), company_id=company_id)}

    async def groups(keys: Sequence[int]) -> dict[int, CategoryGroup]:
        return {g.id: g for g in await CategoryGroup.filter(id__in=list(keys), company_id=company_id)}

    async def categories_by_group(keys: list[int]) -> dict[int, list[Category]]:
        out: dict[int, list[Category]] = defaultdict(list)
        rows = await Category.filter(group_id__in=keys, company_id=company_id).order_by("position", "id")
        for row in rows:
            out[row.group_id].append(row)
        return out

    async def change_log(keys: list[int]) -> dict[int, list[ChangeLogEntry]]:
        out: dict[int, list[ChangeLogEntry]] = defaultdict(list)
        rows = await ChangeLogEntry.filter(
            company_id=company_id, entity_type="person", entity_id__in=[str(k) for k in keys]
        ).order_by("-created_at", "-id")
        for row in rows:
            out[int(row.entity_id)].append(row)
        return out

    return {
        "lead_state_by_person_id": states,
        "category_by_id": categories,
        "category_group_by_id": groups,
        "categories_by_group_id": categories_by_group,
        "change_log_by_person_id": change_log,
    }


SINGLE = frozenset({"lead_state_by_person_id", "category_by_id", "category_group_by_id"})
