"""The operator's side of incorrect-prospect reports: the open list and the review.

Reached with an operator token (``X-Operator-Token`` or a ``Bearer lbo_...`` token); a
company's users, admins included, are refused: a company never reviews its own refund.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

import strawberry

from core.errors import ErrorCode, NotAuthenticated, PublicError, fail
from core.ids import decode_input_id, to_global_id
from domain.accounts.operator import Operator
from domain.prospector import report as reports
from models import Company, ProspectOrganization, ProspectPerson, ProspectPurchase, ReportStatus
from models import ProspectReport as ProspectReportModel
from resolvers.common import mutate
from schema.base import InfoT, UserError
from schema.prospector.purchase import ReportReasonEnum, ReportStatusEnum


@strawberry.enum(name="ProspectReportDecision", description="The operator's verdict on a report.")
class Decision(Enum):
    CONFIRM = strawberry.enum_value("CONFIRM", description="The data was wrong: one credit goes back to the company.")
    REJECT = strawberry.enum_value("REJECT", description="The data was right: no credit back.")


@strawberry.type(description="A report as the operator sees it: from any company.")
class ReviewableProspectReport:
    id: strawberry.ID = strawberry.field(description="The report's global id.")
    company_name: str = strawberry.field(description="The reporting company.")
    prospect_name: str = strawberry.field(description="The reported profile's name.")
    reason: ReportReasonEnum = strawberry.field(description="What is wrong.")
    details: str = strawberry.field(description="The reporter's free text.")
    status: ReportStatusEnum = strawberry.field(description="OPEN, CONFIRMED or REJECTED.")
    created_at: dt.datetime = strawberry.field(description="When it was reported.")
    purchased_at: dt.datetime = strawberry.field(description="When the prospect was bought.")
    reviewed_at: dt.datetime | None = strawberry.field(description="When it was decided; null while OPEN.")
    reviewer: str | None = strawberry.field(description="The operator who decided; null while OPEN.")
    review_note: str | None = strawberry.field(description="The operator's note; null when none.")


async def _reviewable(rows: list[ProspectReportModel]) -> list[ReviewableProspectReport]:
    """The reports with their company and prospect names, in four statements whatever the count."""
    purchases = {p.id: p for p in await ProspectPurchase.filter(id__in=[r.purchase_id for r in rows])}
    companies = dict(await Company.filter(id__in=[r.company_id for r in rows]).values_list("id", "name"))
    person_ids = [p.prospect_person_id for p in purchases.values() if p.prospect_person_id]
    org_ids = [p.prospect_organization_id for p in purchases.values() if p.prospect_organization_id]
    persons = dict(await ProspectPerson.filter(id__in=person_ids).values_list("id", "name"))
    orgs = dict(await ProspectOrganization.filter(id__in=org_ids).values_list("id", "name"))
    out = []
    for r in rows:
        purchase = purchases[r.purchase_id]
        name = (
            persons.get(purchase.prospect_person_id)
            if purchase.prospect_person_id
            else orgs.get(purchase.prospect_organization_id)
        )
        out.append(
            ReviewableProspectReport(
                id=strawberry.ID(to_global_id("ProspectReport", r.id)),
                company_name=str(companies.get(r.company_id, "")),
                prospect_name=str(name or ""),
                reason=r.reason,
                details=r.details,
                status=r.status,
                created_at=r.created_at,
                purchased_at=purchase.created_at,
                reviewed_at=r.reviewed_at,
                reviewer=r.reviewer,
                review_note=r.review_note,
            )
        )
    return out


def _operator(info: InfoT) -> Operator:
    context = info.context
    if context.operator is None:
        if context.viewer is not None:
            raise PublicError("Only an operator reviews reports.", code="PERMISSION_DENIED")
        raise NotAuthenticated("An operator token is required: send 'X-Operator-Token: <token>'.")
    return context.operator


@strawberry.input(description="An operator's decision on a report.")
class ReviewProspectReportInput:
    id: strawberry.ID = strawberry.field(description="The report (OPEN).")
    decision: Decision = strawberry.field(description="CONFIRM or REJECT.")
    note: str | None = strawberry.field(default=None, description="Passed on to the reporter.")


@strawberry.type(description="The result of `reviewProspectReport`.")
class ReviewProspectReportPayload:
    report: ReviewableProspectReport | None = strawberry.field(
        default=None, description="The report as decided; null on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: PERMISSION_DENIED (a user's token, not an operator's), INVALID_ID, NOT_FOUND, "
            "ALREADY_REVIEWED. Empty on success."
        ),
    )


@strawberry.type
class ProspectReportQueries:
    @strawberry.field(
        description="Operators only: reports of incorrect prospects, oldest first (open ones by default)."
    )
    async def prospect_reports(
        self,
        info: InfoT,
        status: Annotated[
            ReportStatusEnum,
            strawberry.argument(description="Which reports; OPEN by default."),
        ] = ReportStatus.OPEN,
        first: Annotated[int, strawberry.argument(description="How many, at most 500.")] = 100,
    ) -> list[ReviewableProspectReport]:
        _operator(info)
        rows = (
            await ProspectReportModel.filter(status=ReportStatus(status))
            .order_by("created_at", "id")
            .limit(max(0, min(first, 500)))
        )
        return await _reviewable(rows)


@strawberry.type
class ProspectReportMutation:
    @strawberry.mutation(
        description="Operators only: confirm a report (one credit back) or reject it; the reporter is notified."
    )
    async def review_prospect_report(
        self,
        info: InfoT,
        input: Annotated[ReviewProspectReportInput, strawberry.argument(description="The report and the decision.")],
    ) -> ReviewProspectReportPayload:
        context = info.context

        async def work() -> dict[str, Any]:
            if context.operator is None:
                if context.viewer is None:
                    raise NotAuthenticated("An operator token is required: send 'X-Operator-Token: <token>'.")
                raise fail("Only an operator reviews reports, never a company's user.", ErrorCode.PERMISSION_DENIED)
            report_id = decode_input_id(input.id, "ProspectReport", "input", "id")
            report = await reports.review_report(
                report_id,
                confirmed=input.decision == Decision.CONFIRM,
                reviewer=context.operator.name,
                note=(input.note or "").strip(),
                now=context.now,
            )
            return {"report": (await _reviewable([report]))[0]}

        return await mutate(ReviewProspectReportPayload, work)
