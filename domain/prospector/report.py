"""Reports of incorrect prospects and the operator's review (SPEC §7).

A company reports a purchase within ten days of buying it, and not once its lead became a
deal; a purchase has at most one open report (a unique ``open_key``, so two reports filed at
the same moment cannot both be open). The operator confirms or rejects it: confirmed returns
exactly one credit (a REFUND entry whose ``once_key`` names the purchase, so a purchase is
refunded at most once, ever), rejected returns none, and the reporter is told either way. A
company's users never review: reviews come from the CLI or an operator token.
"""

from __future__ import annotations

import datetime as dt

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.errors import ErrorCode, fail
from domain import changelog
from domain.notification import notify
from domain.prospector.credit import add_entry, lock_account, require_prospector, utcnow
from domain.prospector.purchase import can_buy
from domain.validation import text
from domain.viewer import Viewer
from models import (
    CreditEntryKind,
    Deal,
    ProspectOrganization,
    ProspectPerson,
    ProspectPurchase,
    ProspectReport,
    ReportReason,
    ReportStatus,
)

REPORT_WINDOW = dt.timedelta(days=10)
MAX_DETAILS = 2000
NOTIFICATION_KIND = "PROSPECT_REPORT_REVIEWED"


def reportable_until(purchase: ProspectPurchase) -> dt.datetime:
    return purchase.created_at + REPORT_WINDOW


async def get_purchase(
    viewer: Viewer, purchase_id: int, path: tuple[str, ...] = ("input", "purchase_id")
) -> ProspectPurchase:
    purchase = await ProspectPurchase.get_or_none(id=purchase_id, company_id=viewer.company_id)
    if purchase is None:
        raise fail("Purchase not found.", ErrorCode.NOT_FOUND, *path)
    return purchase


async def purchase_of_lead(viewer: Viewer, lead_id: object, path: tuple[str, ...]) -> ProspectPurchase:
    purchase = await ProspectPurchase.get_or_none(lead_id=lead_id, company_id=viewer.company_id)
    if purchase is None:
        raise fail("This lead was not bought from Prospector.", ErrorCode.NOT_FOUND, *path)
    return purchase


async def report_incorrect(
    viewer: Viewer,
    purchase: ProspectPurchase,
    reason: ReportReason,
    details: str | None,
    now: dt.datetime | None = None,
) -> ProspectReport:
    if not can_buy(viewer):
        raise fail(
            "Reporting Prospector leads needs the 'add Prospector leads' permission.", ErrorCode.PERMISSION_DENIED
        )
    now = now or utcnow()
    await require_prospector(viewer.company_id, now)
    cleaned, errors = text(details, ("input", "details"), required=reason == ReportReason.OTHER, max_length=MAX_DETAILS)
    if errors:
        raise fail(errors[0].message, errors[0].code, *(errors[0].field or ()))
    if now >= reportable_until(purchase):
        raise fail("Incorrect prospects are reported within 10 days of the purchase.", ErrorCode.REPORT_WINDOW_CLOSED)
    if purchase.lead_id is not None and await Deal.exists(
        company_id=viewer.company_id, source_lead_id=purchase.lead_id
    ):
        raise fail("The lead became a deal: it can no longer be reported.", ErrorCode.LEAD_CONVERTED)
    if await ProspectReport.exists(purchase_id=purchase.id, status=ReportStatus.CONFIRMED):
        raise fail("This purchase was reported, confirmed and refunded already.", ErrorCode.ALREADY_REVIEWED)
    if await ProspectReport.exists(open_key=purchase.id):
        raise fail("This purchase has a report waiting for review already.", ErrorCode.REPORT_ALREADY_OPEN)
    try:
        async with in_transaction():
            report = await ProspectReport.create(
                company_id=viewer.company_id,
                purchase_id=purchase.id,
                reporter_id=viewer.user_id,
                reason=reason,
                details=cleaned or "",
                open_key=purchase.id,
            )
            if purchase.lead_id is not None:
                await changelog.write(
                    [
                        changelog.entry(
                            viewer,
                            viewer.company_id,
                            "lead",
                            purchase.lead_id,
                            "REPORTED_INCORRECT",
                            "reason",
                            None,
                            reason,
                        )
                    ]
                )
    except IntegrityError as exc:
        # Another report of the same purchase got in first.
        raise fail("This purchase has a report waiting for review already.", ErrorCode.REPORT_ALREADY_OPEN) from exc
    return report


async def open_reports(limit: int = 500) -> list[ProspectReport]:
    """Reports waiting for review, oldest first (every company's: this is the operator's list)."""
    return await ProspectReport.filter(status=ReportStatus.OPEN).order_by("created_at", "id").limit(limit)


async def _prospect_name(purchase: ProspectPurchase) -> str:
    if purchase.prospect_person_id is not None:
        person = await ProspectPerson.get_or_none(id=purchase.prospect_person_id)
        return person.name if person else "a prospect"
    org = await ProspectOrganization.get_or_none(id=purchase.prospect_organization_id)
    return org.name if org else "a prospect"


async def review_report(
    report_id: int, *, confirmed: bool, reviewer: str, note: str = "", now: dt.datetime | None = None
) -> ProspectReport:
    """The operator's decision. Not a tenant's act: callers check that an operator asks."""
    now = now or utcnow()
    report = await ProspectReport.get_or_none(id=report_id)
    if report is None:
        raise fail("Report not found.", ErrorCode.NOT_FOUND, "input", "id")
    async with in_transaction():
        # The company's credit lock serialises two reviews of one report (and any purchase).
        account = await lock_account(report.company_id)
        report = await ProspectReport.get(id=report_id)
        if report.status != ReportStatus.OPEN:
            raise fail(
                f"The report was {report.status.value.lower()} already.", ErrorCode.ALREADY_REVIEWED, "input", "id"
            )
        report.status = ReportStatus.CONFIRMED if confirmed else ReportStatus.REJECTED
        report.reviewed_at, report.reviewer, report.review_note, report.open_key = (
            now,
            reviewer[:200],
            note or None,  # type: ignore[assignment]  # review_note is nullable; tortoise types TextField as str
            None,
        )
        await report.save()
        purchase = await ProspectPurchase.get(id=report.purchase_id)
        name = await _prospect_name(purchase)
        if confirmed:
            await add_entry(
                report.company_id,
                CreditEntryKind.REFUND,
                purchase.credits,
                period_start=account.period_start,
                once_key=f"REFUND:{purchase.id}",
                purchase_id=purchase.id,
                note=f"report {report.id} confirmed: {name}",
            )
            message = f"Your report on {name} was confirmed: the credit was returned."
        else:
            message = f"Your report on {name} was reviewed and rejected: the details were found correct."
        if note:
            message += f" {note}"
        if report.reporter_id is not None:
            subject = f"Lead:{purchase.lead_id}" if purchase.lead_id else f"ProspectPurchase:{purchase.id}"
            await notify(
                report.company_id,
                report.reporter_id,
                NOTIFICATION_KIND,
                message,
                subject_id=subject,
                data={"report_id": report.id, "status": report.status.value},
            )
    return report
