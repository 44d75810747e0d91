"""Leads and their list (connection), filter and sort."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from core.errors import PublicError
from core.ids import to_global_id
from domain.columns.column import MAX_VALUE_COLUMNS
from domain.columns.custom_value import field_values
from domain.lead_fields import LEAD_FIELDS
from domain.leads.conditions import PredefinedLeadFilter
from domain.leads.query import LeadQuery, LeadSortField, SortDirection, count_leads
from domain.next_activity import activity_status
from domain.viewer import Viewer
from models import CustomField as CustomFieldModel
from models import CustomFieldEntity, LeadSource
from models import Lead as LeadModel
from models import LeadLabel as LeadLabelModel
from schema.accounts.account import Team, User
from schema.activity.activity import Activity, ActivityStatusEnum
from schema.activity.changelog import ChangeLogEntry
from schema.activity.note import Note
from schema.base import InfoT, Node, PageInfo, describe_values, node_type
from schema.columns.column import ColumnValue, column_value
from schema.columns.custom_field import CustomFieldValue
from schema.declared import declared_fields, read_fields
from schema.leads.label import LeadLabel

if TYPE_CHECKING:
    from schema.activity.email import Email
    from schema.contacts.organization import Organization
    from schema.contacts.person import Person
    from schema.deals.deal import Deal


PersonRef = Annotated["Person", strawberry.lazy("schema.contacts.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.contacts.organization")]
EmailRef = Annotated["Email", strawberry.lazy("schema.activity.email")]
DealRef = Annotated["Deal", strawberry.lazy("schema.deals.deal")]

LeadSourceEnum = LeadSource
strawberry.enum(
    LeadSourceEnum, name="LeadSource", description="How the lead was made; set by the path, never by the client."
)
LeadSortFieldEnum = LeadSortField
strawberry.enum(
    LeadSortFieldEnum,
    name="LeadSortField",
    description="The inbox's named sorts; `LeadSort.column` sorts by any column.",
)
SortDirectionEnum = SortDirection
strawberry.enum(SortDirectionEnum, name="SortDirection", description="A sort's direction.")
PredefinedLeadFilterEnum = PredefinedLeadFilter
strawberry.enum(
    PredefinedLeadFilterEnum,
    name="PredefinedLeadFilter",
    description=(
        "The inbox's ready-made filters. WITH_LINKED_PERSON: a person is linked (not only an "
        "organization). WITHOUT_ACTIVITY: no activity at all, done or planned. "
        "WITH_SCHEDULED_ACTIVITY: at least one activity not yet done."
    ),
)
describe_values(
    LeadSourceEnum,
    {
        "MANUAL": "Created in the sales team's own app (a token made with `create-token --app`).",
        "DEAL": "Converted from a deal (`convertDealsToLeads`).",
        "WEB_FORM": "Sent through a web form.",
        "PROSPECTOR": "Bought from the prospect database (`purchaseProspect`).",
        "CHATBOT": "Collected by a chatbot.",
        "LIVE_CHAT": "Collected in a live chat.",
        "IMPORT": "Imported from a CSV or XLSX file (`importLeads`).",
        "WEB_VISITORS": "Found among the website's visitors.",
        "WORKFLOW_AUTOMATION": "Created by a workflow automation.",
        "API": "Created through the API by a partner integration's token.",
    },
)
describe_values(
    LeadSortFieldEnum,
    {
        "TITLE": "The title, alphabetically.",
        "CREATED_AT": "When the lead was created.",
        "UPDATED_AT": "When the lead last changed.",
        "VALUE": "The value's amount (currencies are not converted).",
        "EXPECTED_CLOSE_DATE": "The expected close date.",
        "NEXT_ACTIVITY": "The due date of the next activity not yet done.",
        "SOURCE": "The source.",
        "OWNER": "The owner's name (a user's or a team's).",
        "PERSON_NAME": "The linked person's name.",
        "ORGANIZATION_NAME": "The linked organization's name.",
        "LABEL": "The alphabetically first of the lead's label names.",
        "ACTIVITY_STATUS": (
            "The activity status at the time of the query: planned, then due today, then overdue "
            "(DESC: overdue first); leads without an activity come last."
        ),
    },
)
describe_values(SortDirectionEnum, {"ASC": "Smallest, earliest or A first.", "DESC": "Largest, latest or Z first."})
describe_values(
    PredefinedLeadFilterEnum,
    {
        "ADDED_MORE_THAN_THREE_MONTHS_AGO": "Created more than three calendar months ago.",
        "WITH_LINKED_PERSON": "A person is linked.",
        "WITH_EMAIL": "The linked person has an email address.",
        "WITHOUT_ACTIVITY": "No activity at all, done or not.",
        "WITH_PHONE": "The linked person has a phone number.",
        "WITH_SCHEDULED_ACTIVITY": "At least one activity not yet done.",
        "WITH_VALUE": "A value is set.",
    },
)

LeadOwner = Annotated[User | Team, strawberry.union("LeadOwner", description="A lead is owned by a user or by a team.")]


@strawberry.type(
    description=(
        "A potential sale in the Leads Inbox, linked to a person and/or an organization and owned by a user or a "
        "team. Visible to you according to its `visibility`."
    )
)
@declared_fields(LEAD_FIELDS, after="uuid")
class Lead(Node):
    id: strawberry.ID = strawberry.field(description="The lead's global id (use `uuid` for the raw UUID).")
    uuid: UUID = strawberry.field(description="The lead's own UUID, as partners store it.")
    _person_id: strawberry.Private[int | None]
    _organization_id: strawberry.Private[int | None]
    _owner_user_id: strawberry.Private[int | None]
    _owner_team_id: strawberry.Private[int | None]
    _next_activity_id: strawberry.Private[int | None]
    _source_deal_id: strawberry.Private[int | None]
    _custom_fields: strawberry.Private[dict[str, Any]]
    _model: strawberry.Private[LeadModel]
    # Set on a merge preview only: the labels it would carry, and the other lead whose
    # notes, activities and emails it would inherit.
    _preview_labels: strawberry.Private[list[LeadLabelModel] | None] = None
    _also_lead_ids: strawberry.Private[tuple[UUID, ...]] = ()

    @staticmethod
    def global_id(lead_id: UUID) -> strawberry.ID:
        return strawberry.ID(to_global_id("Lead", lead_id))

    @classmethod
    def from_model(cls, lead: LeadModel) -> Lead:
        return cls(
            id=cls.global_id(lead.id),
            uuid=lead.id,
            **read_fields(LEAD_FIELDS, lead),
            _person_id=lead.person_id,
            _organization_id=lead.organization_id,
            _owner_user_id=lead.owner_user_id,
            _owner_team_id=lead.owner_team_id,
            _next_activity_id=lead.next_activity_id,
            _source_deal_id=lead.source_deal_id,
            _custom_fields=lead.custom_fields,
            _model=lead,
        )

    @classmethod
    def preview(cls, lead: LeadModel, labels: list[LeadLabelModel], also_lead_ids: tuple[UUID, ...]) -> Lead:
        """An unsaved lead (a merge's dry run) with the labels and history it would have."""
        node = cls.from_model(lead)
        node._preview_labels = labels
        node._also_lead_ids = also_lead_ids
        return node

    async def _with_others(self, loader: DataLoader[UUID, list[Any]]) -> list[Any]:
        rows = await loader.load(self.uuid)
        if self._also_lead_ids:
            for more in await loader.load_many(list(self._also_lead_ids)):
                rows = [*rows, *more]
        return rows

    @strawberry.field(description="The linked person; null when the lead is linked to an organization only.")
    async def person(self, info: InfoT) -> PersonRef | None:
        if self._person_id is None:
            return None
        person = await info.context.loaders.person_by_id.load(self._person_id)
        return node_type("Person").from_model(person) if person else None

    @strawberry.field(description="The linked organization; null when the lead is linked to a person only.")
    async def organization(self, info: InfoT) -> OrganizationRef | None:
        if self._organization_id is None:
            return None
        org = await info.context.loaders.organization_by_id.load(self._organization_id)
        return node_type("Organization").from_model(org) if org else None

    @strawberry.field(description="The user or team that owns the lead.")
    async def owner(self, info: InfoT) -> LeadOwner | None:
        loaders = info.context.loaders
        if self._owner_user_id is not None:
            user = await loaders.user_by_id.load(self._owner_user_id)
            return User.from_model(user) if user else None
        if self._owner_team_id is not None:
            team = await loaders.team_by_id.load(self._owner_team_id)
            return Team.from_model(team) if team else None
        return None

    @strawberry.field(description="The lead's labels, such as Hot, Warm or Cold.")
    async def labels(self, info: InfoT) -> list[LeadLabel]:
        if self._preview_labels is not None:
            return [LeadLabel.from_model(label) for label in self._preview_labels]
        return [LeadLabel.from_model(label) for label in await info.context.loaders.labels_by_lead_id.load(self.uuid)]

    @strawberry.field(description="The earliest activity not yet done.")
    async def next_activity(self, info: InfoT) -> Activity | None:
        if self._next_activity_id is None:
            return None
        activity = await info.context.loaders.activity_by_id.load(self._next_activity_id)
        return Activity.from_model(activity) if activity else None

    @strawberry.field(description="Where the next activity stands against today's date (UTC).")
    async def activity_status(self, info: InfoT) -> ActivityStatusEnum:
        if self._next_activity_id is None:
            return activity_status(None, None, info.context.now)
        activity = await info.context.loaders.activity_by_id.load(self._next_activity_id)
        if activity is None:
            return activity_status(None, None, info.context.now)
        return activity_status(activity.due_date, activity.due_time, info.context.now)

    @strawberry.field(description="Notes, newest first.")
    async def notes(self, info: InfoT) -> list[Note]:
        rows = await self._with_others(info.context.loaders.notes_by_lead_id)
        if self._also_lead_ids:
            rows.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return [Note.from_model(n) for n in rows]

    @strawberry.field(description="Activities: those not done first, each group by due date.")
    async def activities(
        self,
        info: InfoT,
        done: Annotated[
            bool | None, strawberry.argument(description="Only done (true) or not done (false) activities; null: all.")
        ] = None,
    ) -> list[Activity]:
        rows = await self._with_others(info.context.loaders.activities_by_lead_id)
        if self._also_lead_ids:
            rows.sort(key=lambda a: (a.done, a.due_date, a.due_time is not None, a.due_time or dt.time(), a.id))
        return [Activity.from_model(a) for a in rows if done is None or a.done == done]

    @strawberry.field(description="Emails linked to the lead, newest first.")
    async def emails(self, info: InfoT) -> list[EmailRef]:
        rows = await self._with_others(info.context.loaders.emails_by_lead_id)
        if self._also_lead_ids:
            rows.sort(key=lambda e: (e.sent_at, e.id), reverse=True)
        return [node_type("Email").from_model(e) for e in rows]

    @strawberry.field(
        description="The deal this lead was converted from (source DEAL); that deal is deleted but stays readable."
    )
    async def source_deal(self, info: InfoT) -> DealRef | None:
        if self._source_deal_id is None:
            return None
        deal = await info.context.loaders.deal_by_id.load(self._source_deal_id)
        return node_type("Deal").from_model(deal) if deal else None

    @strawberry.field(description="Every lead-and-deal custom field with this lead's value (formulas are deals only).")
    async def custom_fields(self, info: InfoT) -> list[CustomFieldValue]:
        fields = await info.context.loaders.custom_fields_by_entity.load(CustomFieldEntity.LEAD_DEAL)
        values = field_values(fields, self._custom_fields, deal_value=None, with_formulas=False)
        return [CustomFieldValue.from_value(v) for v in values]

    @strawberry.field(
        description=(
            "The lead's values for columns of the catalogue (`leadColumns`), in the order asked, null where it has "
            "none; without `columns`, the viewer's own columns. A page of leads costs the same few database "
            "statements whatever its size."
        )
    )
    async def values(
        self,
        info: InfoT,
        columns: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Column keys of `leadColumns`, at most 100; an unknown key is an error. Null: yours."
            ),
        ] = None,
    ) -> list[ColumnValue | None]:
        context = info.context
        keys = tuple(columns) if columns is not None else tuple(c.key for c in await context.viewer_columns())
        if len(keys) > MAX_VALUE_COLUMNS:
            raise PublicError(f"At most {MAX_VALUE_COLUMNS} columns.", code="TOO_MANY_COLUMNS")
        found = await context.column_values.load((self._model, keys))
        return [column_value(key, cell) for key, cell in zip(keys, found, strict=True)]

    @strawberry.field(description="What changed on the lead, newest first; done activities appear here too.")
    async def change_log(self, info: InfoT) -> list[ChangeLogEntry]:
        return [ChangeLogEntry.from_model(e) for e in await info.context.loaders.change_log_by_lead_id.load(self.uuid)]


@strawberry.type(description="One lead of a page, with its cursor.")
class LeadEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the leads after this one (in the same sort).")
    node: Lead = strawberry.field(description="The lead.")


@strawberry.type(description="A page of leads (keyset pagination: `first`/`after`).")
class LeadConnection:
    edges: list[LeadEdge] = strawberry.field(description="The page's leads with their cursors, in the sort asked for.")
    page_info: PageInfo = strawberry.field(description="Whether there are more leads, and the cursors to get them.")
    _viewer: strawberry.Private[Viewer]
    _query: strawberry.Private[LeadQuery]
    _now: strawberry.Private[dt.datetime]
    _definitions: strawberry.Private[list[CustomFieldModel] | None] = None

    @strawberry.field(description="The page's leads, without cursors.")
    def nodes(self) -> list[Lead]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many leads match the filter; computed only when asked for.")
    async def total_count(self) -> int:
        # The page's clock, so that "added more than three months ago" counts what it lists.
        return await count_leads(self._viewer, self._query, now=self._now, definitions=self._definitions)
