"""Bought prospects ("My prospects"), reports of incorrect ones, and their mutations' shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from domain.prospect_report import reportable_until
from models import ProspectKind, ReportReason, ReportStatus
from models import ProspectPurchase as ProspectPurchaseModel
from models import ProspectReport as ProspectReportModel
from schema.base import InfoT, Node, PageInfo, UserError
from schema.duplicate import DuplicateResolutionEnum
from schema.prospect import Prospect, ProspectKindEnum, ProspectOrganization, ProspectPerson

if TYPE_CHECKING:
    from schema.account import User
    from schema.lead import Lead
    from schema.organization import Organization
    from schema.person import Person

UserRef = Annotated["User", strawberry.lazy("schema.account")]
LeadRef = Annotated["Lead", strawberry.lazy("schema.lead")]
PersonRef = Annotated["Person", strawberry.lazy("schema.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.organization")]

ReportReasonEnum = strawberry.enum(ReportReason, name="ProspectReportReason")
ReportStatusEnum = strawberry.enum(
    ReportStatus, name="ProspectReportStatus", description="OPEN waits for the operator's review."
)


@strawberry.enum(name="ProspectReportState", description="Where a purchase stands with reports of incorrect data.")
class ReportState(Enum):
    NONE = "NONE"
    OPEN = "OPEN"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


@strawberry.type(description="A report that a bought prospect's details are incorrect.")
class ProspectReport(Node):
    id: strawberry.ID
    reason: ReportReasonEnum  # type: ignore[valid-type]
    details: str
    status: ReportStatusEnum  # type: ignore[valid-type]
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_note: str | None
    _reporter_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: ProspectReportModel) -> ProspectReport:
        return cls(
            id=strawberry.ID(to_global_id("ProspectReport", row.id)),
            reason=row.reason,
            details=row.details,
            status=row.status,
            created_at=row.created_at,
            reviewed_at=row.reviewed_at,
            review_note=row.review_note,
            _reporter_id=row.reporter_id,
        )

    @strawberry.field
    async def reporter(self, info: InfoT) -> UserRef | None:
        from schema.account import User

        if self._reporter_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._reporter_id)
        return User.from_model(user) if user else None


@strawberry.type(description="A prospect the company bought: in My prospects, with its lead and report state.")
class ProspectPurchase(Node):
    id: strawberry.ID
    kind: ProspectKindEnum  # type: ignore[valid-type]
    purchased_at: dt.datetime
    credits: int
    reportable_until: dt.datetime = strawberry.field(description="Reports of incorrect data are taken until then.")
    _id: strawberry.Private[int]
    _prospect_id: strawberry.Private[int]
    _buyer_id: strawberry.Private[int | None]
    _lead_id: strawberry.Private[uuid.UUID | None]
    _person_id: strawberry.Private[int | None]
    _organization_id: strawberry.Private[int | None]

    @staticmethod
    def global_id(key: int) -> strawberry.ID:
        return strawberry.ID(to_global_id("ProspectPurchase", key))

    @classmethod
    def from_model(cls, row: ProspectPurchaseModel) -> ProspectPurchase:
        prospect_id = row.prospect_person_id if row.kind == ProspectKind.PERSON else row.prospect_organization_id
        assert prospect_id is not None
        return cls(
            id=cls.global_id(row.id),
            kind=row.kind,
            purchased_at=row.created_at,
            credits=row.credits,
            reportable_until=reportable_until(row),
            _id=row.id,
            _prospect_id=prospect_id,
            _buyer_id=row.buyer_id,
            _lead_id=uuid.UUID(str(row.lead_id)) if row.lead_id else None,
            _person_id=row.person_id,
            _organization_id=row.organization_id,
        )

    @strawberry.field(description="The profile, with its details; null once the person was erased from the database.")
    async def prospect(self, info: InfoT) -> Prospect | None:
        loaders = info.context.loaders
        if self.kind == ProspectKind.PERSON:
            person = await loaders.prospect_person_by_id.load(self._prospect_id)
            return ProspectPerson.from_model(person, True) if person and person.erased_at is None else None
        org = await loaders.prospect_organization_by_id.load(self._prospect_id)
        return ProspectOrganization.from_model(org, True) if org else None

    @strawberry.field(description="Who bought it.")
    async def buyer(self, info: InfoT) -> UserRef | None:
        from schema.account import User

        if self._buyer_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._buyer_id)
        return User.from_model(user) if user else None

    @strawberry.field(description="The lead the purchase made; null once it was deleted or became a deal.")
    async def lead(self, info: InfoT) -> LeadRef | None:
        from schema.lead import Lead

        if self._lead_id is None:
            return None
        lead = await info.context.loaders.lead_by_id.load(self._lead_id)
        return Lead.from_model(lead) if lead else None

    @strawberry.field
    async def person(self, info: InfoT) -> PersonRef | None:
        from schema.person import Person

        if self._person_id is None:
            return None
        person = await info.context.loaders.person_by_id.load(self._person_id)
        return Person.from_model(person) if person else None

    @strawberry.field
    async def organization(self, info: InfoT) -> OrganizationRef | None:
        from schema.organization import Organization

        if self._organization_id is None:
            return None
        org = await info.context.loaders.organization_by_id.load(self._organization_id)
        return Organization.from_model(org) if org else None

    @strawberry.field(description="Its lead was converted to a deal (it can no longer be reported).")
    async def converted_to_deal(self, info: InfoT) -> bool:
        return await self._converted(info)

    async def _converted(self, info: InfoT) -> bool:
        if self._lead_id is None:
            return False
        return await info.context.loaders.deal_id_by_source_lead_id.load(self._lead_id) is not None

    @strawberry.field(description="The latest report of incorrect data, if any.")
    async def report(self, info: InfoT) -> ProspectReport | None:
        row = await info.context.loaders.latest_report_by_purchase_id.load(self._id)
        return ProspectReport.from_model(row) if row else None

    @strawberry.field(
        description="Whether it can be reported now: within the window, not a deal, no report open or confirmed."
    )
    async def can_report(self, info: InfoT) -> bool:
        if info.context.now >= self.reportable_until or await self._converted(info):
            return False
        row = await info.context.loaders.latest_report_by_purchase_id.load(self._id)
        return row is None or row.status == ReportStatus.REJECTED

    @strawberry.field
    async def report_state(self, info: InfoT) -> ReportState:
        row = await info.context.loaders.latest_report_by_purchase_id.load(self._id)
        return ReportState(row.status.value) if row else ReportState.NONE


@strawberry.type
class ProspectPurchaseEdge:
    cursor: str
    node: ProspectPurchase


@strawberry.type
class ProspectPurchaseConnection:
    edges: list[ProspectPurchaseEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[ProspectPurchase]:
        return [edge.node for edge in self.edges]


@strawberry.input(description="Duplicate decisions for one of the prospects bought.")
class ProspectResolutionInput:
    prospect_id: strawberry.ID
    person_duplicate: DuplicateResolutionEnum | None = None  # type: ignore[valid-type]
    link_person_id: strawberry.ID | None = None
    organization_duplicate: DuplicateResolutionEnum | None = None  # type: ignore[valid-type]
    link_organization_id: strawberry.ID | None = None


@strawberry.input(
    description=(
        "Buy prospects: one credit each, none for one the company owns already. Each becomes an organization, a "
        "person and a PROSPECTOR lead owned by you. A person or organization of the same name in your company is "
        "a DUPLICATE userError listing the candidates (nothing is bought) until you decide: personDuplicate "
        "LINK or CREATE, organizationDuplicate LINK (add to the existing one) or CREATE (keep them separate), "
        "for all prospects here or per prospect in `resolutions`. A retry with the same idempotencyKey returns "
        "the first result and is never charged again."
    )
)
class PurchaseProspectInput:
    prospect_ids: list[strawberry.ID]
    idempotency_key: str | None = None
    person_duplicate: DuplicateResolutionEnum | None = None  # type: ignore[valid-type]
    organization_duplicate: DuplicateResolutionEnum | None = None  # type: ignore[valid-type]
    resolutions: list[ProspectResolutionInput] | None = None


@strawberry.type
class ProspectPurchaseResult:
    prospect_id: strawberry.ID
    charged: bool = strawberry.field(description="False when the company owned the prospect already.")
    purchase: ProspectPurchase


@strawberry.type
class PurchaseProspectPayload:
    results: list[ProspectPurchaseResult] = strawberry.field(default_factory=list)
    credits_spent: int = 0
    balance: int | None = strawberry.field(default=None, description="The company's credits after the purchase.")
    replayed: bool = strawberry.field(default=False, description="True when the idempotency key was used before.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Report a bought prospect as incorrect: by its purchase or by its lead.")
class ReportIncorrectInput:
    reason: ReportReasonEnum  # type: ignore[valid-type]
    details: str | None = strawberry.field(default=None, description="Free text; required with OTHER.")
    purchase_id: strawberry.ID | None = None
    lead_id: strawberry.ID | None = None


@strawberry.type
class ReportIncorrectPayload:
    report: ProspectReport | None = None
    purchase: ProspectPurchase | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
