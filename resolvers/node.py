"""`node` and `nodes`: any object by its global id, within the viewer's company and visibility."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from tortoise.models import Model

from core.errors import DomainError, PublicError
from core.ids import decode_id, from_global_id
from domain.activity import get_activity
from domain.category import get_category, get_group
from domain.credit import prospector_enabled
from domain.deal import get_deal
from domain.label import get_label
from domain.lead import get_lead
from domain.lead_status import get_status
from domain.note import get_note
from domain.organization import get_organization
from domain.person import get_person
from domain.prospect_filter import get_saved_filter as get_saved_prospect_filter
from domain.prospect_query import owned_prospects
from domain.saved_filter import favorite_ids, get_saved_filter
from domain.selection import get_selection
from domain.viewer import Viewer
from jobs.runner import get_job
from models import CustomField as CustomFieldModel
from models import Notification as NotificationModel
from models import Pipeline as PipelineModel
from models import Product as ProductModel
from models import ProspectKind
from models import ProspectOrganization as ProspectOrganizationModel
from models import ProspectPerson as ProspectPersonModel
from models import ProspectPurchase as ProspectPurchaseModel
from models import ProspectReport as ProspectReportModel
from models import Stage as StageModel
from models import Team as TeamModel
from models import User as UserModel
from schema.account import Team, User
from schema.activity import Activity
from schema.base import InfoT, Node
from schema.custom_field import CustomField
from schema.deal import Deal, Pipeline, Product, Stage
from schema.job import Job, Notification
from schema.label import LeadLabel
from schema.lead import Lead
from schema.lead_status import Category, CategoryGroup, LeadStatus
from schema.note import Note
from schema.organization import Organization
from schema.person import Person
from schema.prospect import ProspectOrganization, ProspectPerson
from schema.prospect_filter import SavedProspectFilter
from schema.prospect_purchase import ProspectPurchase, ProspectReport
from schema.saved_filter import SavedFilter
from schema.selection import Selection

MAX_NODES = 100




Loader = Callable[[Viewer, Any], Awaitable[Any]]


def _row(model: type[Model], type_: Any, *, company: str = "company_id", own: bool = False) -> Loader:
    """A row by id within the viewer's company (``company``: the path to the row's company id;
    ``own``: the viewer's own rows only), as its type; None for anything else."""

    async def load(viewer: Viewer, key: Any) -> Any:
        scope: dict[str, Any] = {company: viewer.company_id}
        if own:
            scope["user_id"] = viewer.user_id
        row = await model.get_or_none(id=key, **scope)
        return type_.from_model(row) if row else None

    return load


def _via(getter: Callable[[Viewer, Any], Awaitable[Any]], type_: Any) -> Loader:
    async def load(viewer: Viewer, key: Any) -> Any:
        try:
            return type_.from_model(await getter(viewer, key))
        except DomainError:
            return None  # not found, another company's, or not visible: all look the same

    return load







async def _saved_filter(viewer: Viewer, key: Any) -> SavedFilter | None:
    try:
        saved = await get_saved_filter(viewer, key)
    except DomainError:
        return None  # another user's private filter looks exactly like a missing one
    return SavedFilter.from_model(saved, bool(await favorite_ids(viewer, [saved.id])))



async def _prospect_person(viewer: Viewer, key: Any) -> ProspectPerson | None:
    if not await prospector_enabled(viewer):
        return None
    row = await ProspectPersonModel.get_or_none(id=key, erased_at=None)
    if row is None:
        return None
    return ProspectPerson.from_model(row, bool(await owned_prospects(viewer.company_id, ProspectKind.PERSON, [key])))


async def _prospect_organization(viewer: Viewer, key: Any) -> ProspectOrganization | None:
    if not await prospector_enabled(viewer):
        return None
    row = await ProspectOrganizationModel.get_or_none(id=key)
    if row is None:
        return None
    owned = await owned_prospects(viewer.company_id, ProspectKind.ORGANIZATION, [key])
    return ProspectOrganization.from_model(row, bool(owned))





# Each Node type's lookup: a rule's getter (which checks visibility) where there is one, else the row
# within the company; the few with more to check have a function above.
LOADERS: dict[str, Loader] = {
    "Lead": _via(get_lead, Lead),
    "Person": _via(get_person, Person),
    "Organization": _via(get_organization, Organization),
    "LeadLabel": _via(get_label, LeadLabel),
    "Note": _via(get_note, Note),
    "Activity": _via(get_activity, Activity),
    "User": _row(UserModel, User),
    "Team": _row(TeamModel, Team),
    "Job": _via(get_job, Job),
    "Notification": _row(NotificationModel, Notification, own=True),
    # Deleted deals too: a lead converted from a deal links to it, and it can be restored.
    "Deal": _via(get_deal, Deal),
    "Pipeline": _row(PipelineModel, Pipeline),
    "Stage": _row(StageModel, Stage, company="pipeline__company_id"),
    "Product": _row(ProductModel, Product),
    "CustomField": _row(CustomFieldModel, CustomField),
    "SavedFilter": _saved_filter,
    "LeadStatus": _via(get_status, LeadStatus),
    "CategoryGroup": _via(get_group, CategoryGroup),
    "Category": _via(get_category, Category),
    # Another user's private selection is as missing as another company's.
    "Selection": _via(get_selection, Selection),
    "ProspectPerson": _prospect_person,
    "ProspectOrganization": _prospect_organization,
    "SavedProspectFilter": _via(get_saved_prospect_filter, SavedProspectFilter),
    "ProspectPurchase": _row(ProspectPurchaseModel, ProspectPurchase),
    "ProspectReport": _row(ProspectReportModel, ProspectReport),
}


async def resolve_node(viewer: Viewer, global_id: str) -> Any:
    type_name, _ = from_global_id(global_id)
    load = LOADERS.get(type_name)
    if load is None:
        return None
    return await load(viewer, decode_id(global_id, type_name))


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when it does not exist or is not yours to see.")
    async def node(
        self, info: InfoT, id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
    ) -> Node | None:
        return await resolve_node(info.context.require_viewer(), id)

    @strawberry.field(description="Several objects by global id, in the order asked, null for each one not found.")
    async def nodes(
        self,
        info: InfoT,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids, at most 100 (TOO_MANY_IDS).")],
    ) -> list[Node | None]:
        viewer = info.context.require_viewer()
        if len(ids) > MAX_NODES:
            raise PublicError(f"At most {MAX_NODES} ids per call.", code="TOO_MANY_IDS")
        return [await resolve_node(viewer, i) for i in ids]
