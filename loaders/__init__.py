"""Per-request DataLoaders, one ``IN (...)`` query each, all scoped to the viewer's company.

They are built for each request (:func:`make_loaders`) and never shared: a loader caches what
it loaded, and that cache must not outlive the request or cross users.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from core.db import fetch
from domain.contacts.lead_state import LeadState
from domain.contacts.organization import can_see_organization
from domain.contacts.person import can_see_person
from domain.contacts.query import ContactPage
from domain.contacts.selection import count_members_of, find_members_of
from domain.integration.webhook import DeliveryRow
from domain.integration.webhook import deliveries as webhook_deliveries
from domain.leads.label import label_order
from domain.viewer import Viewer
from loaders.deal import SINGLE, deal_fetchers
from loaders.job import ReportPageKey, report_counts, report_pages
from loaders.lead_status import SINGLE as LEAD_STATUS_SINGLE
from loaders.lead_status import lead_status_fetchers
from loaders.prospect import prospect_fetchers
from models import (
    Activity,
    Category,
    CategoryGroup,
    ChangeLogEntry,
    CustomField,
    CustomFieldEntity,
    Deal,
    DealProduct,
    Email,
    JobItem,
    JobItemStatus,
    JobReportEntry,
    Lead,
    LeadColumnPreference,
    LeadLabel,
    LeadLabelLink,
    Note,
    NoteMention,
    Organization,
    Person,
    Pipeline,
    Product,
    ProspectKind,
    ProspectOrganization,
    ProspectPerson,
    ProspectReport,
    Selection,
    Stage,
    Team,
    TeamMember,
    User,
)


def _one(fetch: Callable[[list[Any]], Awaitable[dict[Any, Any]]]) -> Callable[[list[Any]], Awaitable[list[Any]]]:
    async def load(keys: list[Any]) -> list[Any]:
        found = await fetch(keys)
        return [found.get(k) for k in keys]

    return load


def _many(
    fetch: Callable[[list[Any]], Awaitable[dict[Any, list[Any]]]],
) -> Callable[[list[Any]], Awaitable[list[list[Any]]]]:
    async def load(keys: list[Any]) -> list[list[Any]]:
        found = await fetch(keys)
        return [found.get(k, []) for k in keys]

    return load


def _lead_key(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@dataclass
class Loaders:
    person_by_id: DataLoader[int, Person | None]
    organization_by_id: DataLoader[int, Organization | None]
    user_by_id: DataLoader[int, User | None]
    team_by_id: DataLoader[int, Team | None]
    activity_by_id: DataLoader[int, Activity | None]
    labels_by_lead_id: DataLoader[uuid.UUID, list[LeadLabel]]
    notes_by_lead_id: DataLoader[uuid.UUID, list[Note]]
    activities_by_lead_id: DataLoader[uuid.UUID, list[Activity]]
    emails_by_lead_id: DataLoader[uuid.UUID, list[Email]]
    change_log_by_lead_id: DataLoader[uuid.UUID, list[ChangeLogEntry]]
    mentions_by_note_id: DataLoader[int, list[int]]
    team_members_by_team_id: DataLoader[int, list[int]]
    deal_by_id: DataLoader[int, Deal | None]
    pipeline_by_id: DataLoader[int, Pipeline | None]
    stage_by_id: DataLoader[int, Stage | None]
    stages_by_pipeline_id: DataLoader[int, list[Stage]]
    notes_by_deal_id: DataLoader[int, list[Note]]
    activities_by_deal_id: DataLoader[int, list[Activity]]
    emails_by_deal_id: DataLoader[int, list[Email]]
    change_log_by_deal_id: DataLoader[int, list[ChangeLogEntry]]
    participant_ids_by_deal_id: DataLoader[int, list[int]]
    products_by_deal_id: DataLoader[int, list[DealProduct]]
    product_by_id: DataLoader[int, Product | None]
    custom_fields_by_entity: DataLoader[CustomFieldEntity, list[CustomField]]
    # A user's saved inbox column keys (None: never saved, the defaults apply).
    lead_columns_by_user_id: DataLoader[int, list[str] | None]
    lead_state_by_person_id: DataLoader[int, LeadState | None]
    category_by_id: DataLoader[int, Category | None]
    category_group_by_id: DataLoader[int, CategoryGroup | None]
    categories_by_group_id: DataLoader[int, list[Category]]
    change_log_by_person_id: DataLoader[int, list[ChangeLogEntry]]
    # The Prospector (loaders/prospect.py): one row or value per key.
    prospect_person_by_id: DataLoader[int, ProspectPerson | None]
    prospect_organization_by_id: DataLoader[int, ProspectOrganization | None]
    owned_prospect: DataLoader[tuple[ProspectKind, int], bool]
    lead_by_id: DataLoader[uuid.UUID, Lead | None]
    latest_report_by_purchase_id: DataLoader[int, ProspectReport | None]
    deal_id_by_source_lead_id: DataLoader[uuid.UUID, int | None]
    # A job's failed items in order, at most so many: keyed (job id, how many); the job is one
    # the viewer may see, checked where it was loaded.
    failed_items_by_job: DataLoader[tuple[int, int], list[JobItem]]
    # A page of a job's report and the report's length (loaders/job.py), for jobs checked likewise.
    report_page_by_job: DataLoader[ReportPageKey, list[JobReportEntry]]
    report_count_by_job: DataLoader[int, int]
    # A webhook's newest deliveries, keyed (webhook id, how many): one batch for a list of webhooks.
    deliveries_by_webhook: DataLoader[tuple[int, int], list[DeliveryRow]]
    # A selection's page of members and its member count, keyed with the request's clock (dynamic
    # selections are evaluated at it): one statement for a list of selections.
    selection_members: DataLoader[tuple[Selection, int, str | None, dt.datetime], ContactPage]
    selection_member_count: DataLoader[tuple[Selection, dt.datetime], int]


def make_loaders(viewer: Viewer) -> Loaders:
    company_id = viewer.company_id

    async def selection_members(
        keys: Sequence[tuple[Selection, int, str | None, dt.datetime]],
    ) -> list[ContactPage]:
        # One request's keys share its clock.
        return await find_members_of(viewer, [(s, first, after) for s, first, after, _ in keys], now=keys[0][3])

    async def selection_member_counts(keys: Sequence[tuple[Selection, dt.datetime]]) -> list[int]:
        return await count_members_of(viewer, [s for s, _ in keys], now=keys[0][1])

    async def newest_deliveries(keys: Sequence[tuple[int, int]]) -> list[list[DeliveryRow]]:
        # The webhooks of a list are all asked with the same ``first``: one batch a distinct value.
        pages: dict[int, dict[int, list[DeliveryRow]]] = {}
        for first in {first for _, first in keys}:
            pages[first] = await webhook_deliveries(viewer, [i for i, f in keys if f == first], first)
        return [pages[first][webhook_id] for webhook_id, first in keys]

    async def persons(keys: Sequence[int]) -> dict[int, Person]:
        rows = await Person.filter(id__in=list(keys), company_id=company_id)
        return {p.id: p for p in rows if can_see_person(viewer, p)}

    async def organizations(keys: Sequence[int]) -> dict[int, Organization]:
        rows = await Organization.filter(id__in=list(keys), company_id=company_id)
        return {o.id: o for o in rows if can_see_organization(viewer, o)}

    async def users(keys: Sequence[int]) -> dict[int, User]:
        return {u.id: u for u in await User.filter(id__in=list(keys), company_id=company_id)}

    async def teams(keys: Sequence[int]) -> dict[int, Team]:
        return {t.id: t for t in await Team.filter(id__in=list(keys), company_id=company_id)}

    async def activities(keys: Sequence[int]) -> dict[int, Activity]:
        return {a.id: a for a in await Activity.filter(id__in=list(keys), company_id=company_id)}

    async def labels(keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[LeadLabel]]:
        rows = await LeadLabelLink.filter(lead_id__in=list(keys), label__company_id=company_id).values(
            "lead_id", "label_id", "label__name", "label__name_key", "label__color"
        )
        out: dict[uuid.UUID, list[LeadLabel]] = defaultdict(list)
        for row in rows:
            label = LeadLabel(
                id=row["label_id"],
                company_id=company_id,
                name=row["label__name"],
                name_key=row["label__name_key"],
                color=row["label__color"],
            )
            out[_lead_key(row["lead_id"])].append(label)
        for found in out.values():
            found.sort(key=lambda label: label_order(label.name_key, label.id))
        return out

    def by_lead(model: Any, order: Sequence[str]) -> Callable[[list[uuid.UUID]], Awaitable[dict[uuid.UUID, list[Any]]]]:
        async def fetch(keys: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
            out: dict[uuid.UUID, list[Any]] = defaultdict(list)
            for row in await model.filter(lead_id__in=keys, company_id=company_id).order_by(*order):
                out[_lead_key(row.lead_id)].append(row)
            return out

        return fetch

    async def change_log(keys: list[uuid.UUID]) -> dict[uuid.UUID, list[ChangeLogEntry]]:
        out: dict[uuid.UUID, list[ChangeLogEntry]] = defaultdict(list)
        rows = await ChangeLogEntry.filter(
            company_id=company_id, entity_type="lead", entity_id__in=[str(k) for k in keys]
        ).order_by("-created_at", "-id")
        for row in rows:
            out[uuid.UUID(row.entity_id)].append(row)
        return out

    async def mentions(keys: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for note_id, user_id in await NoteMention.filter(note_id__in=keys).values_list("note_id", "user_id"):
            out[note_id].append(user_id)
        return out

    async def team_members(keys: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        rows = await TeamMember.filter(team_id__in=keys, team__company_id=company_id).values_list("team_id", "user_id")
        for team_id, user_id in rows:
            out[team_id].append(user_id)
        return out

    async def lead_columns(keys: list[int]) -> dict[int, list[str]]:
        rows = await LeadColumnPreference.filter(user_id__in=keys, company_id=company_id).values_list(
            "user_id", "columns"
        )
        return {user_id: list(columns) for user_id, columns in rows}

    async def failed_items(keys: list[tuple[int, int]]) -> list[list[JobItem]]:
        # One statement for every job asked about: each job's first failed items, numbered in
        # its own order (a job may have failed on many more items than are asked for).
        job_ids = sorted({job_id for job_id, _ in keys})
        rows = await fetch(
            "SELECT job_id, position, key, code, error FROM ("
            "SELECT job_id, position, key, code, error,"
            " ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY position) AS n"
            f" FROM job_item WHERE status = ? AND job_id IN ({', '.join('?' * len(job_ids))})"
            ") AS failed WHERE n <= ? ORDER BY job_id, position",
            [JobItemStatus.FAILED.value, *job_ids, max(limit for _, limit in keys)],
        )
        by_job: dict[int, list[JobItem]] = defaultdict(list)
        for row in rows:
            by_job[row["job_id"]].append(JobItem(**row))
        return [by_job[job_id][:limit] for job_id, limit in keys]

    return Loaders(
        failed_items_by_job=DataLoader(failed_items),
        report_page_by_job=DataLoader(report_pages),
        report_count_by_job=DataLoader(report_counts),
        deliveries_by_webhook=DataLoader(newest_deliveries),
        selection_members=DataLoader(selection_members),
        selection_member_count=DataLoader(selection_member_counts),
        person_by_id=DataLoader(_one(persons)),
        organization_by_id=DataLoader(_one(organizations)),
        user_by_id=DataLoader(_one(users)),
        team_by_id=DataLoader(_one(teams)),
        activity_by_id=DataLoader(_one(activities)),
        labels_by_lead_id=DataLoader(_many(labels)),
        notes_by_lead_id=DataLoader(_many(by_lead(Note, ("-created_at", "-id")))),
        activities_by_lead_id=DataLoader(_many(by_lead(Activity, ("done", "due_date", "due_time", "id")))),
        emails_by_lead_id=DataLoader(_many(by_lead(Email, ("-sent_at", "-id")))),
        change_log_by_lead_id=DataLoader(_many(change_log)),
        mentions_by_note_id=DataLoader(_many(mentions)),
        team_members_by_team_id=DataLoader(_many(team_members)),
        lead_columns_by_user_id=DataLoader(_one(lead_columns)),
        **{
            name: DataLoader(_one(fetch) if name in SINGLE else _many(fetch))
            for name, fetch in deal_fetchers(viewer).items()
        },
        **{
            name: DataLoader(_one(fetch) if name in LEAD_STATUS_SINGLE else _many(fetch))
            for name, fetch in lead_status_fetchers(viewer).items()
        },
        **{name: DataLoader(_one(fetch)) for name, fetch in prospect_fetchers(viewer).items()},
    )
