"""A person's lead status as shown (SPEC §8): visible only while its organization's category is
in a group with lead status enabled, kept but hidden otherwise.

One rule moves persons to the initial status ("Open"): whenever lead status becomes enabled
for a person, or its (inherited) category changes to one with lead status enabled, the person
starts at the initial status, whatever it held before. Every such change is logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.db import fetch
from domain import changelog
from domain.versioned import write_many
from domain.viewer import Viewer
from models import Category, LeadStatus, Person

PERSON_ENTITY = "person"


class HiddenReason(str, Enum):
    NO_ORGANIZATION = "NO_ORGANIZATION"
    NO_CATEGORY = "NO_CATEGORY"
    LEAD_STATUS_NOT_ENABLED = "LEAD_STATUS_NOT_ENABLED"


HIDDEN_MESSAGES = {
    HiddenReason.NO_ORGANIZATION: (
        "The person has no organization, so no category with lead status enabled:"
        " link it to such an organization to give it a lead status."
    ),
    HiddenReason.NO_CATEGORY: (
        "The person's organization has no category: give the organization a category in a group"
        " with lead status enabled."
    ),
    HiddenReason.LEAD_STATUS_NOT_ENABLED: (
        "The organization's category is in a group without lead status: the stored status is kept"
        " but hidden and cannot be changed. Move the organization to a category with lead status enabled."
    ),
}


def enabled_sql(group_alias: str) -> tuple[str, list[Any]]:
    """True when the group behind ``group_alias`` has lead status enabled; never NULL."""
    return f"({group_alias}.lead_status_enabled IS NOT NULL AND {group_alias}.lead_status_enabled = ?)", [True]


def person_joins(p: str = "p", o: str = "po", c: str = "pc", g: str = "pg") -> str:
    """Joins from a person to its organization, that organization's category and group."""
    return (
        f"LEFT JOIN organization {o} ON {o}.id = {p}.organization_id"
        f" LEFT JOIN category {c} ON {c}.id = {o}.category_id"
        f" LEFT JOIN category_group {g} ON {g}.id = {c}.group_id"
    )


def visible_status_sql(p: str = "p", g: str = "pg") -> tuple[str, list[Any]]:
    """The status a person shows: its stored one while enabled, NULL otherwise."""
    enabled, params = enabled_sql(g)
    return f"(CASE WHEN {enabled} THEN {p}.lead_status_id END)", params


@dataclass(frozen=True)
class LeadState:
    person_id: int
    organization_id: int | None
    category: Category | None
    enabled: bool
    stored: LeadStatus | None

    @property
    def visible(self) -> LeadStatus | None:
        return self.stored if self.enabled else None

    @property
    def hidden_reason(self) -> HiddenReason | None:
        if self.enabled:
            return None
        if self.organization_id is None:
            return HiddenReason.NO_ORGANIZATION
        if self.category is None:
            return HiddenReason.NO_CATEGORY
        return HiddenReason.LEAD_STATUS_NOT_ENABLED


def _prefixed(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}


async def lead_states(company_id: int, person_ids: list[int]) -> dict[int, LeadState]:
    """The lead state of each person, in one statement."""
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    enabled, enabled_params = enabled_sql("pg")
    rows = await fetch(
        f"SELECT p.id AS person_id, p.organization_id AS organization_id, {enabled} AS enabled,"
        " pc.id AS c_id, pc.company_id AS c_company_id, pc.group_id AS c_group_id, pc.name AS c_name,"
        " pc.position AS c_position, pc.created_at AS c_created_at, pc.updated_at AS c_updated_at,"
        " s.id AS s_id, s.company_id AS s_company_id, s.name AS s_name, s.description AS s_description,"
        " s.position AS s_position, s.is_initial AS s_is_initial, s.retired_at AS s_retired_at,"
        " s.created_at AS s_created_at, s.updated_at AS s_updated_at"
        f" FROM person p {person_joins()} LEFT JOIN lead_status s ON s.id = p.lead_status_id"
        f" WHERE p.company_id = ? AND p.id IN ({marks})",
        [*enabled_params, company_id, *person_ids],
    )
    out: dict[int, LeadState] = {}
    for row in rows:
        category = _prefixed(row, "c_")
        status = _prefixed(row, "s_")
        out[row["person_id"]] = LeadState(
            person_id=row["person_id"],
            organization_id=row["organization_id"],
            category=Category._init_from_db(**category) if category["id"] is not None else None,
            enabled=bool(row["enabled"]),
            stored=LeadStatus._init_from_db(**status) if status["id"] is not None else None,
        )
    return out


async def category_enabled(company_id: int, category_id: int | None) -> bool:
    """Whether persons of an organization with this category have lead status enabled."""
    if category_id is None:
        return False
    return await Category.exists(id=category_id, company_id=company_id, group__lead_status_enabled=True)


async def organization_category_id(company_id: int, organization_id: int | None) -> int | None:
    if organization_id is None:
        return None
    rows = await fetch(
        "SELECT category_id FROM organization WHERE id = ? AND company_id = ?", [organization_id, company_id]
    )
    return rows[0]["category_id"] if rows else None


async def start_at_initial(
    viewer: Viewer | None,
    company_id: int,
    *,
    person_ids: list[int] | None = None,
    organization_id: int | None = None,
    category_id: int | None = None,
    group_id: int | None = None,
) -> int:
    """Give the persons in scope the initial status, logging each one that changes; run it
    inside the caller's transaction. Returns how many persons changed."""
    initial = await LeadStatus.get_or_none(company_id=company_id, is_initial=True)
    if initial is None:
        return 0
    where = ["p.company_id = ?", "(p.lead_status_id IS NULL OR p.lead_status_id <> ?)"]
    params: list[Any] = [company_id, initial.id]
    if person_ids is not None:
        if not person_ids:
            return 0
        where.append(f"p.id IN ({','.join('?' * len(person_ids))})")
        params += person_ids
    if organization_id is not None:
        where.append("p.organization_id = ?")
        params.append(organization_id)
    if category_id is not None:
        where.append(
            "p.organization_id IN (SELECT so.id FROM organization so WHERE so.company_id = ? AND so.category_id = ?)"
        )
        params += [company_id, category_id]
    if group_id is not None:
        where.append(
            "p.organization_id IN (SELECT so.id FROM organization so JOIN category sc ON sc.id = so.category_id"
            " WHERE so.company_id = ? AND sc.group_id = ?)"
        )
        params += [company_id, group_id]
    rows = await fetch(
        "SELECT p.id AS id, s.name AS old FROM person p LEFT JOIN lead_status s ON s.id = p.lead_status_id"
        f" WHERE {' AND '.join(where)} ORDER BY p.id",
        params,
    )
    now = dt.datetime.now(dt.UTC)
    ids = [row["id"] for row in rows]
    await write_many(Person, ids, lead_status_id=initial.id, updated_at=now)
    await changelog.write(
        [
            changelog.entry(
                viewer, company_id, PERSON_ENTITY, row["id"], "UPDATED", "lead_status", row["old"], initial.name
            )
            for row in rows
        ]
    )
    return len(ids)


async def person_category_changed(
    viewer: Viewer, company_id: int, person_id: int, old_organization_id: int | None, new_organization_id: int | None
) -> None:
    """A person moved between organizations: it starts at the initial status when its category
    changes to one with lead status enabled."""
    old_category = await organization_category_id(company_id, old_organization_id)
    new_category = await organization_category_id(company_id, new_organization_id)
    if new_category != old_category and await category_enabled(company_id, new_category):
        await start_at_initial(viewer, company_id, person_ids=[person_id])
