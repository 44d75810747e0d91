"""`node` and `nodes`: any object by its global id, within the viewer's company and visibility."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from tortoise.models import Model

from core.errors import PublicError
from core.ids import decode_id, from_global_id
from domain.activity.target import target_of, visible_targets
from domain.contacts.organization import can_see_organization
from domain.contacts.person import can_see_person
from domain.contacts.selection import can_see_selection
from domain.deals.deal import can_see_deal
from domain.leads.lead import can_see_lead
from domain.leads.saved_filter import can_see_saved_filter, favorite_ids
from domain.prospector.credit import prospector_enabled
from domain.prospector.query import owned_prospects
from domain.viewer import Viewer
from jobs.runner import can_see_job
from models import Activity as ActivityModel
from models import Category as CategoryModel
from models import CategoryGroup as CategoryGroupModel
from models import CustomField as CustomFieldModel
from models import Deal as DealModel
from models import Job as JobModel
from models import Lead as LeadModel
from models import LeadLabel as LeadLabelModel
from models import LeadStatus as LeadStatusModel
from models import Note as NoteModel
from models import Notification as NotificationModel
from models import Organization as OrganizationModel
from models import Person as PersonModel
from models import Pipeline as PipelineModel
from models import Product as ProductModel
from models import ProspectKind
from models import ProspectOrganization as ProspectOrganizationModel
from models import ProspectPerson as ProspectPersonModel
from models import ProspectPurchase as ProspectPurchaseModel
from models import ProspectReport as ProspectReportModel
from models import SavedFilter as SavedFilterModel
from models import SavedProspectFilter as SavedProspectFilterModel
from models import Selection as SelectionModel
from models import Stage as StageModel
from models import Team as TeamModel
from models import User as UserModel
from schema.accounts.account import Team, User
from schema.activity.activity import Activity
from schema.activity.note import Note
from schema.base import InfoT, Node
from schema.columns.custom_field import CustomField
from schema.contacts.lead_status import Category, CategoryGroup, LeadStatus
from schema.contacts.organization import Organization
from schema.contacts.person import Person
from schema.contacts.selection import Selection
from schema.deals.deal import Deal, Pipeline, Product, Stage
from schema.integration.job import Job, Notification
from schema.leads.label import LeadLabel
from schema.leads.lead import Lead
from schema.leads.saved_filter import SavedFilter
from schema.prospector.filter import SavedProspectFilter
from schema.prospector.prospect import ProspectOrganization, ProspectPerson
from schema.prospector.purchase import ProspectPurchase, ProspectReport

MAX_NODES = 100

# Each Node type's lookup: the objects among these keys that exist in the viewer's company and
# that they may see, keyed by the key as text. One query per type whatever the number of keys.
Batch = Callable[[Viewer, list[Any]], Awaitable[dict[str, Any]]]


def _rows(
    model: type[Model],
    type_: Any,
    *,
    company: str = "company_id",
    own: bool = False,
    visible: Callable[[Viewer, Any], bool] | None = None,
) -> Batch:
    """Rows by id within the viewer's company (``company``: the path to the row's company id;
    ``own``: the viewer's own rows only; ``visible``: the rule that says who may see a row), as
    their type."""

    async def load(viewer: Viewer, keys: list[Any]) -> dict[str, Any]:
        scope: dict[str, Any] = {company: viewer.company_id}
        if own:
            scope["user_id"] = viewer.user_id
        rows = await model.filter(id__in=keys, **scope)
        return {str(row.pk): type_.from_model(row) for row in rows if visible is None or visible(viewer, row)}

    return load


def _attached(model: type[Model], type_: Any) -> Batch:
    """Notes and activities: as visible as what each is attached to (domain/activity/target.py)."""

    async def load(viewer: Viewer, keys: list[Any]) -> dict[str, Any]:
        rows = await model.filter(id__in=keys, company_id=viewer.company_id)
        targets = {row.pk: target_of(row) for row in rows}
        seen = await visible_targets(viewer, targets.values())
        return {
            str(row.pk): type_.from_model(row)
            for row in rows
            if (targets[row.pk].kind, str(targets[row.pk].key)) in seen
        }

    return load


async def _saved_filters(viewer: Viewer, keys: list[Any]) -> dict[str, Any]:
    # Another user's private filter looks exactly like a missing one.
    rows = [
        row
        for row in await SavedFilterModel.filter(id__in=keys, company_id=viewer.company_id)
        if can_see_saved_filter(viewer, row)
    ]
    favorites = await favorite_ids(viewer, [row.id for row in rows]) if rows else set()
    return {str(row.id): SavedFilter.from_model(row, row.id in favorites) for row in rows}


async def _prospect_persons(viewer: Viewer, keys: list[Any]) -> dict[str, Any]:
    if not await prospector_enabled(viewer):
        return {}
    rows = await ProspectPersonModel.filter(id__in=keys, erased_at=None)
    owned = await owned_prospects(viewer.company_id, ProspectKind.PERSON, [row.id for row in rows])
    return {str(row.id): ProspectPerson.from_model(row, row.id in owned) for row in rows}


async def _prospect_organizations(viewer: Viewer, keys: list[Any]) -> dict[str, Any]:
    if not await prospector_enabled(viewer):
        return {}
    rows = await ProspectOrganizationModel.filter(id__in=keys)
    owned = await owned_prospects(viewer.company_id, ProspectKind.ORGANIZATION, [row.id for row in rows])
    return {str(row.id): ProspectOrganization.from_model(row, row.id in owned) for row in rows}


# The scope and visibility of each are those of the rule's getter (get_lead, get_job, ...): the
# company's rows, filtered by the same can_see_* rule.
LOADERS: dict[str, Batch] = {
    "Lead": _rows(LeadModel, Lead, visible=can_see_lead),
    "Person": _rows(PersonModel, Person, visible=can_see_person),
    "Organization": _rows(OrganizationModel, Organization, visible=can_see_organization),
    "LeadLabel": _rows(LeadLabelModel, LeadLabel),
    "Note": _attached(NoteModel, Note),
    "Activity": _attached(ActivityModel, Activity),
    "User": _rows(UserModel, User),
    "Team": _rows(TeamModel, Team),
    "Job": _rows(JobModel, Job, visible=can_see_job),
    "Notification": _rows(NotificationModel, Notification, own=True),
    # Deleted deals too: a lead converted from a deal links to it, and it can be restored.
    "Deal": _rows(DealModel, Deal, visible=can_see_deal),
    "Pipeline": _rows(PipelineModel, Pipeline),
    "Stage": _rows(StageModel, Stage, company="pipeline__company_id"),
    "Product": _rows(ProductModel, Product),
    "CustomField": _rows(CustomFieldModel, CustomField),
    "SavedFilter": _saved_filters,
    "LeadStatus": _rows(LeadStatusModel, LeadStatus),
    "CategoryGroup": _rows(CategoryGroupModel, CategoryGroup),
    "Category": _rows(CategoryModel, Category),
    # Another user's private selection is as missing as another company's.
    "Selection": _rows(SelectionModel, Selection, visible=can_see_selection),
    "ProspectPerson": _prospect_persons,
    "ProspectOrganization": _prospect_organizations,
    # Only the viewer's own saved prospect filters.
    "SavedProspectFilter": _rows(SavedProspectFilterModel, SavedProspectFilter, own=True),
    "ProspectPurchase": _rows(ProspectPurchaseModel, ProspectPurchase),
    "ProspectReport": _rows(ProspectReportModel, ProspectReport),
}


async def resolve_nodes(viewer: Viewer, global_ids: list[str]) -> list[Any]:
    """The objects these global ids name, in their order; None for each that is unknown, another
    company's or not the viewer's to see. The ids are grouped by type, each type loaded at once."""
    wanted: list[tuple[str, Any] | None] = []
    by_type: dict[str, list[Any]] = {}
    for global_id in global_ids:
        type_name, _ = from_global_id(global_id)
        if type_name not in LOADERS:
            wanted.append(None)
            continue
        key = decode_id(global_id, type_name)
        wanted.append((type_name, key))
        by_type.setdefault(type_name, []).append(key)
    found = {
        type_name: await LOADERS[type_name](viewer, list(dict.fromkeys(keys))) for type_name, keys in by_type.items()
    }
    return [None if w is None else found[w[0]].get(str(w[1])) for w in wanted]


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when it does not exist or is not yours to see.")
    async def node(
        self, info: InfoT, id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
    ) -> Node | None:
        return (await resolve_nodes(info.context.require_viewer(), [id]))[0]

    @strawberry.field(description="Several objects by global id, in the order asked, null for each one not found.")
    async def nodes(
        self,
        info: InfoT,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids, at most 100 (TOO_MANY_IDS).")],
    ) -> list[Node | None]:
        viewer = info.context.require_viewer()
        if len(ids) > MAX_NODES:
            raise PublicError(f"At most {MAX_NODES} ids per call.", code="TOO_MANY_IDS")
        return await resolve_nodes(viewer, list(ids))
