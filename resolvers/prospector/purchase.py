"""`purchaseProspect`, `reportIncorrect` and `myProspects`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import ErrorCode, fail
from core.ids import InvalidId, decode_input_id, from_global_id, to_global_id
from core.pagination import Cursor, InvalidCursor, page_size
from domain.contacts.duplicate import Resolution
from domain.prospector import purchase as purchases
from domain.prospector import report as reports
from domain.prospector.contact import PurchaseChoice
from domain.prospector.credit import require_prospector
from domain.prospector.purchase import ProspectRef, PurchaseRequest
from models import ProspectKind
from models import ProspectPurchase as ProspectPurchaseModel
from resolvers.common import mutate
from resolvers.prospector.prospect import query_rule
from schema.base import AFTER, FIRST, InfoT, PageInfo, optional_id
from schema.prospector.prospect import ProspectKindEnum
from schema.prospector.purchase import (
    ProspectPurchase,
    ProspectPurchaseConnection,
    ProspectPurchaseEdge,
    ProspectPurchaseResult,
    ProspectReport,
    PurchaseProspectInput,
    PurchaseProspectPayload,
    ReportIncorrectInput,
    ReportIncorrectPayload,
)

KINDS = {"ProspectPerson": ProspectKind.PERSON, "ProspectOrganization": ProspectKind.ORGANIZATION}
MY_PROSPECTS_SORT = "PURCHASE:ID:DESC"


def prospect_ref(global_id: str, *path: str) -> ProspectRef:
    """A ProspectPerson or ProspectOrganization id; anything else is an INVALID_ID userError."""
    try:
        type_name, _ = from_global_id(global_id)
        if type_name not in KINDS:
            raise InvalidId(global_id, expected="ProspectPerson or ProspectOrganization")
        return ProspectRef(KINDS[type_name], int(decode_input_id(global_id, type_name, *path)))
    except InvalidId as exc:
        raise fail(exc.message, ErrorCode.INVALID_ID, *path) from exc


def prospect_global_id(ref: ProspectRef) -> strawberry.ID:
    type_name = "ProspectPerson" if ref.kind == ProspectKind.PERSON else "ProspectOrganization"
    return strawberry.ID(to_global_id(type_name, ref.id))


def _choice(
    person: Resolution | None, person_id: Any, organization: Resolution | None, organization_id: Any
) -> PurchaseChoice:
    return PurchaseChoice(
        person=Resolution.LINK if person_id is not None and person is None else person,
        person_id=person_id,
        organization=Resolution.LINK if organization_id is not None and organization is None else organization,
        organization_id=organization_id,
    )


def purchase_request(input: PurchaseProspectInput) -> PurchaseRequest:
    refs = [prospect_ref(g, "input", "prospect_ids", str(i)) for i, g in enumerate(input.prospect_ids)]
    choices = {}
    for i, r in enumerate(input.resolutions or []):
        path = ("input", "resolutions", str(i))
        choices[prospect_ref(r.prospect_id, *path, "prospect_id")] = _choice(
            r.person_duplicate or input.person_duplicate,
            optional_id(r.link_person_id, "Person", *path, "link_person_id"),
            r.organization_duplicate or input.organization_duplicate,
            optional_id(r.link_organization_id, "Organization", *path, "link_organization_id"),
        )
    return PurchaseRequest(
        refs=refs,
        idempotency_key=input.idempotency_key,
        default=_choice(input.person_duplicate, None, input.organization_duplicate, None),
        choices=choices,
    )


@strawberry.type
class ProspectPurchaseQueries:
    @strawberry.field(description="My prospects: what the company bought from Prospector, newest first.")
    async def my_prospects(
        self,
        info: InfoT,
        kind: Annotated[
            ProspectKindEnum | None,
            strawberry.argument(description="Only persons or only organizations; null: both."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> ProspectPurchaseConnection:
        viewer = info.context.require_viewer()
        await query_rule(require_prospector(viewer.company_id))
        size = page_size(first)
        query = ProspectPurchaseModel.filter(company_id=viewer.company_id)
        if kind is not None:
            query = query.filter(kind=ProspectKind(kind))
        if after:
            cursor = Cursor.decode(after, MY_PROSPECTS_SORT)
            if not isinstance(cursor.id, int):
                raise InvalidCursor()
            query = query.filter(id__lt=cursor.id)
        rows = await query.order_by("-id").limit(size + 1)
        edges = [
            ProspectPurchaseEdge(
                cursor=Cursor(MY_PROSPECTS_SORT, None, r.id).encode(), node=ProspectPurchase.from_model(r)
            )
            for r in rows[:size]
        ]
        return ProspectPurchaseConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
        )


@strawberry.type
class ProspectPurchaseMutation:
    @strawberry.mutation(description="Buy one or several prospects with credits (needs addProspectorLeads).")
    async def purchase_prospect(
        self,
        info: InfoT,
        input: Annotated[
            PurchaseProspectInput, strawberry.argument(description="The prospects and duplicate decisions.")
        ],
    ) -> PurchaseProspectPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            result = await purchases.purchase_prospects(viewer, purchase_request(input), info.context.now)
            return {
                "results": [
                    ProspectPurchaseResult(
                        prospect_id=prospect_global_id(item.ref),
                        charged=item.charged,
                        purchase=ProspectPurchase.from_model(item.purchase),
                    )
                    for item in result.items
                ],
                "credits_spent": result.credits_spent,
                "balance": result.balance,
                "replayed": result.replayed,
            }

        return await mutate(PurchaseProspectPayload, work)

    @strawberry.mutation(
        description=(
            "Report a bought prospect as incorrect, within 10 days of the purchase and before its lead becomes a "
            "deal. The operator reviews it; confirmed returns the credit. You are notified either way."
        )
    )
    async def report_incorrect(
        self,
        info: InfoT,
        input: Annotated[ReportIncorrectInput, strawberry.argument(description="The purchase and what is wrong.")],
    ) -> ReportIncorrectPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            if (input.purchase_id is None) == (input.lead_id is None):
                raise fail("Give either purchaseId or leadId.", ErrorCode.REQUIRED, "input", "purchase_id")
            if input.purchase_id is not None:
                purchase_id = decode_input_id(input.purchase_id, "ProspectPurchase", "input", "purchase_id")
                purchase = await reports.get_purchase(viewer, purchase_id)
            else:
                assert input.lead_id is not None
                lead_id = decode_input_id(input.lead_id, "Lead", "input", "lead_id")
                purchase = await reports.purchase_of_lead(viewer, lead_id, ("input", "lead_id"))
            report = await reports.report_incorrect(viewer, purchase, input.reason, input.details, info.context.now)
            return {"report": ProspectReport.from_model(report), "purchase": ProspectPurchase.from_model(purchase)}

        return await mutate(ReportIncorrectPayload, work)
