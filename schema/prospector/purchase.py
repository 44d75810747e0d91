"""Bought prospects ("My prospects"), reports of incorrect ones, and their mutations' shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from domain.prospector.report import reportable_until
from models import ProspectKind, ReportReason, ReportStatus
from models import ProspectPurchase as ProspectPurchaseModel
from models import ProspectReport as ProspectReportModel
from schema.base import InfoT, Node, PageInfo, UserError, describe_values, node_type
from schema.contacts.duplicate import DuplicateResolutionEnum
from schema.prospector.prospect import Prospect, ProspectKindEnum, ProspectOrganization, ProspectPerson

if TYPE_CHECKING:
    from schema.accounts.account import User
    from schema.contacts.organization import Organization
    from schema.contacts.person import Person
    from schema.leads.lead import Lead

UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]
LeadRef = Annotated["Lead", strawberry.lazy("schema.leads.lead")]
PersonRef = Annotated["Person", strawberry.lazy("schema.contacts.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.contacts.organization")]

ReportReasonEnum = ReportReason
strawberry.enum(
    ReportReasonEnum, name="ProspectReportReason", description="What is wrong with a bought prospect's data."
)
describe_values(
    ReportReasonEnum,
    {
        "PHONE_NOT_IN_USE": "The phone number is not in use.",
        "EMAIL_BOUNCES": "Email to the address bounces.",
        "WRONG_COMPANY": "The person no longer works at the company given.",
        "WRONG_JOB_TITLE": "The job title is wrong.",
        "OTHER": "Something else; `details` must say what.",
    },
)
ReportStatusEnum = ReportStatus
strawberry.enum(ReportStatusEnum, name="ProspectReportStatus", description="OPEN waits for the operator's review.")
describe_values(
    ReportStatusEnum,
    {
        "OPEN": "Waiting for the operator's review.",
        "CONFIRMED": "The operator agreed: the credit was returned.",
        "REJECTED": "The operator disagreed: no credit back; the purchase may be reported again.",
    },
)


@strawberry.enum(name="ProspectReportState", description="Where a purchase stands with reports of incorrect data.")
class ReportState(Enum):
    NONE = strawberry.enum_value("NONE", description="Never reported.")
    OPEN = strawberry.enum_value("OPEN", description="The latest report waits for review.")
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="The latest report was confirmed and refunded.")
    REJECTED = strawberry.enum_value("REJECTED", description="The latest report was rejected.")


@strawberry.type(description="A report that a bought prospect's details are incorrect.")
class ProspectReport(Node):
    id: strawberry.ID = strawberry.field(description="The report's global id.")
    reason: ReportReasonEnum = strawberry.field(description="What is wrong.")
    details: str = strawberry.field(description="The reporter's free text; empty when none.")
    status: ReportStatusEnum = strawberry.field(description="OPEN, CONFIRMED or REJECTED.")
    created_at: dt.datetime = strawberry.field(description="When it was reported.")
    reviewed_at: dt.datetime | None = strawberry.field(description="When the operator decided; null while OPEN.")
    review_note: str | None = strawberry.field(description="The operator's note to the reporter; null when none.")
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

    @strawberry.field(description="Who reported it; null if that user was removed.")
    async def reporter(self, info: InfoT) -> UserRef | None:
        if self._reporter_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._reporter_id)
        return node_type("User").from_model(user) if user else None


@strawberry.type(description="A prospect the company bought: in My prospects, with its lead and report state.")
class ProspectPurchase(Node):
    id: strawberry.ID = strawberry.field(description="The purchase's global id.")
    kind: ProspectKindEnum = strawberry.field(description="A person or an organization.")
    purchased_at: dt.datetime = strawberry.field(description="When it was bought.")
    credits: int = strawberry.field(description="How many credits it cost.")
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
        if self._buyer_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._buyer_id)
        return node_type("User").from_model(user) if user else None

    @strawberry.field(description="The lead the purchase made; null once it was deleted or became a deal.")
    async def lead(self, info: InfoT) -> LeadRef | None:
        if self._lead_id is None:
            return None
        lead = await info.context.loaders.lead_by_id.load(self._lead_id)
        return node_type("Lead").from_model(lead) if lead else None

    @strawberry.field(
        description="The person the purchase created or linked; null for an organization or once deleted."
    )
    async def person(self, info: InfoT) -> PersonRef | None:
        if self._person_id is None:
            return None
        person = await info.context.loaders.person_by_id.load(self._person_id)
        return node_type("Person").from_model(person) if person else None

    @strawberry.field(description="The organization the purchase created or linked; null when none.")
    async def organization(self, info: InfoT) -> OrganizationRef | None:
        if self._organization_id is None:
            return None
        org = await info.context.loaders.organization_by_id.load(self._organization_id)
        return node_type("Organization").from_model(org) if org else None

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

    @strawberry.field(description="Where it stands with reports of incorrect data.")
    async def report_state(self, info: InfoT) -> ReportState:
        row = await info.context.loaders.latest_report_by_purchase_id.load(self._id)
        return ReportState(row.status.value) if row else ReportState.NONE


@strawberry.type(description="One purchase of a page, with its cursor.")
class ProspectPurchaseEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get older purchases.")
    node: ProspectPurchase = strawberry.field(description="The purchase.")


@strawberry.type(description="A page of My prospects, newest first.")
class ProspectPurchaseConnection:
    edges: list[ProspectPurchaseEdge] = strawberry.field(description="The page's purchases with their cursors.")
    page_info: PageInfo = strawberry.field(
        description="Whether there are older purchases, and the cursors to get them."
    )

    @strawberry.field(description="The page's purchases, without cursors.")
    def nodes(self) -> list[ProspectPurchase]:
        return [edge.node for edge in self.edges]


@strawberry.input(description="Duplicate decisions for one of the prospects bought.")
class ProspectResolutionInput:
    prospect_id: strawberry.ID = strawberry.field(description="One of `prospectIds`.")
    person_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="What to do when its person has duplicates."
    )
    link_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The existing person to link (implies LINK)."
    )
    organization_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="What to do when its organization has duplicates."
    )
    link_organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="The existing organization to link (implies LINK)."
    )


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
    prospect_ids: list[strawberry.ID] = strawberry.field(
        description="ProspectPerson or ProspectOrganization ids, 1 to 50."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Up to 128 characters; reusing it for other prospects is IDEMPOTENCY_KEY_REUSED."
    )
    person_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="For every prospect: what to do when its person has duplicates."
    )
    organization_duplicate: DuplicateResolutionEnum | None = strawberry.field(
        default=None, description="For every prospect: what to do when its organization has duplicates."
    )
    resolutions: list[ProspectResolutionInput] | None = strawberry.field(
        default=None, description="Decisions for single prospects, over the ones for all."
    )


@strawberry.type(description="What one prospect of a purchase became.")
class ProspectPurchaseResult:
    prospect_id: strawberry.ID = strawberry.field(description="The prospect.")
    charged: bool = strawberry.field(description="False when the company owned the prospect already.")
    purchase: ProspectPurchase = strawberry.field(description="The purchase, with its lead and contacts.")


@strawberry.type(description="The result of `purchaseProspect`.")
class PurchaseProspectPayload:
    results: list[ProspectPurchaseResult] = strawberry.field(
        default_factory=list, description="One result per prospect, in the order given."
    )
    credits_spent: int = strawberry.field(default=0, description="How many credits this purchase took.")
    balance: int | None = strawberry.field(default=None, description="The company's credits after the purchase.")
    replayed: bool = strawberry.field(default=False, description="True when the idempotency key was used before.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was bought: PERMISSION_DENIED (no addProspectorLeads), PROSPECTOR_NOT_ENABLED, REQUIRED, "
            "TOO_MANY_ITEMS, TOO_LONG, INVALID_ID, NOT_FOUND, INSUFFICIENT_CREDITS, DUPLICATE (with candidateIds), "
            "IDEMPOTENCY_KEY_REUSED. Empty on success."
        ),
    )


@strawberry.input(description="Report a bought prospect as incorrect: by its purchase or by its lead.")
class ReportIncorrectInput:
    reason: ReportReasonEnum = strawberry.field(description="What is wrong.")
    details: str | None = strawberry.field(default=None, description="Free text; required with OTHER.")
    purchase_id: strawberry.ID | None = strawberry.field(default=None, description="The purchase (or give `leadId`).")
    lead_id: strawberry.ID | None = strawberry.field(
        default=None, description="The lead the purchase made (or give `purchaseId`)."
    )


@strawberry.type(description="The result of `reportIncorrect`.")
class ReportIncorrectPayload:
    report: ProspectReport | None = strawberry.field(default=None, description="The new report, OPEN.")
    purchase: ProspectPurchase | None = strawberry.field(default=None, description="The purchase reported.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was reported: PERMISSION_DENIED (no addProspectorLeads), PROSPECTOR_NOT_ENABLED, REQUIRED, "
            "TOO_LONG (details over 2000 characters), INVALID_ID, NOT_FOUND, REPORT_WINDOW_CLOSED, LEAD_CONVERTED, "
            "ALREADY_REVIEWED (refunded already), REPORT_ALREADY_OPEN. Empty on success."
        ),
    )
