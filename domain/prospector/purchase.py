"""purchaseProspect (SPEC §7): buying prospects with credits, all or nothing.

One purchase of one or several prospects is one transaction that first takes the company's
credit-account lock (domain.prospector.credit), so purchases of a company run one after the other: the
balance each sees includes every earlier spend, and none can overdraw. Inside it:

1. an idempotency key seen before returns the first purchase's result, charging nothing;
2. prospects the company owns already are returned as they are, free;
3. the balance must cover the others (else INSUFFICIENT_CREDITS, nothing changes);
4. each new prospect becomes the company's own organization, person and PROSPECTOR lead
   (owned by the buyer) with its details, plus a note with what fits no field; duplicates
   are resolved as domain.contacts.duplicate says (organization: link or keep separate; person:
   link or create): an undecided one is a DUPLICATE error listing the candidates, for every
   prospect at once, and nothing changes;
5. one SPEND entry of one credit per new purchase.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain import webhook_outbox
from domain.idempotency import clean_key
from domain.prospector.billing import renew_billing_period
from domain.prospector.contact import PurchaseChoice, add_prospect
from domain.prospector.credit import add_entry, balance, lock_account, require_prospector, utcnow
from domain.viewer import Viewer
from domain.webhook_payload import render
from models import (
    CreditEntryKind,
    ProspectKind,
    ProspectOrganization,
    ProspectPerson,
    ProspectPurchase,
    ProspectPurchaseRequest,
)

MAX_PROSPECTS = 50


@dataclass(frozen=True)
class ProspectRef:
    kind: ProspectKind
    id: int

    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True)
class PurchaseItem:
    ref: ProspectRef
    purchase: ProspectPurchase
    # False for a prospect the company owned already: nothing was charged or created.
    charged: bool


@dataclass(frozen=True)
class PurchaseResult:
    items: list[PurchaseItem]
    credits_spent: int
    balance: int
    replayed: bool = False


@dataclass
class PurchaseRequest:
    refs: Sequence[ProspectRef]
    idempotency_key: str | None = None
    # Duplicate decisions for every prospect, and per prospect (which win).
    default: PurchaseChoice = field(default_factory=PurchaseChoice)
    choices: dict[ProspectRef, PurchaseChoice] = field(default_factory=dict)


def can_buy(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.can_add_prospector_leads


def _fingerprint(refs: Sequence[ProspectRef]) -> str:
    return hashlib.sha256(",".join(r.key() for r in refs).encode()).hexdigest()


def _check_request(request: PurchaseRequest) -> tuple[list[ProspectRef], str | None]:
    refs = list(dict.fromkeys(request.refs))
    if not refs:
        raise fail("Give at least one prospect.", ErrorCode.REQUIRED, "input", "prospect_ids")
    if len(refs) > MAX_PROSPECTS:
        raise fail(
            f"At most {MAX_PROSPECTS} prospects per purchase.", ErrorCode.TOO_MANY_ITEMS, "input", "prospect_ids"
        )
    return refs, clean_key(request.idempotency_key, ("input", "idempotency_key"))


async def purchase_prospects(
    viewer: Viewer, request: PurchaseRequest, now: dt.datetime | None = None
) -> PurchaseResult:
    if not can_buy(viewer):
        raise fail("Adding Prospector leads needs the 'add Prospector leads' permission.", ErrorCode.PERMISSION_DENIED)
    now = now or utcnow()
    account = await require_prospector(viewer.company_id, now)
    if account.period_end is not None and account.period_end <= now:
        await renew_billing_period(viewer.company_id, now)
    refs, key = _check_request(request)
    fingerprint = _fingerprint(refs)

    async with in_transaction():
        account = await lock_account(viewer.company_id)
        if key is not None:
            earlier = await ProspectPurchaseRequest.get_or_none(company_id=viewer.company_id, key=key)
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    raise fail(
                        "This idempotency key was used for a purchase of other prospects.",
                        ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "input",
                        "idempotency_key",
                    )
                return await _replay(viewer, earlier)

        # Error paths name each prospect's (first) place in the input.
        where = {ref: str(request.refs.index(ref)) for ref in refs}
        profiles = await _profiles(refs, where)
        owned = await _owned(viewer.company_id, refs)
        new = [r for r in refs if r not in owned]
        have = await balance(viewer.company_id)
        if have < len(new):
            raise fail(
                f"Buying {len(new)} prospect(s) takes {len(new)} credit(s); the balance is {have}.",
                ErrorCode.INSUFFICIENT_CREDITS,
                "input",
                "prospect_ids",
            )

        errors: list[FieldError] = []
        bought: dict[ProspectRef, ProspectPurchase] = {}
        for ref in refs:
            if ref in owned:
                continue
            choice = request.choices.get(ref, request.default)
            try:
                lead = await add_prospect(viewer, profiles[ref], choice, ("input", "prospect_ids", where[ref]))
            except DomainError as error:
                errors += error.errors
                continue
            purchase = await ProspectPurchase.create(
                company_id=viewer.company_id,
                kind=ref.kind,
                prospect_person_id=ref.id if ref.kind == ProspectKind.PERSON else None,
                prospect_organization_id=ref.id if ref.kind == ProspectKind.ORGANIZATION else None,
                buyer_id=viewer.user_id,
                lead_id=lead.id,
                person_id=lead.person_id,
                organization_id=lead.organization_id,
                credits=1,
            )
            await webhook_outbox.emit(
                viewer.company_id,
                "prospect.purchased",
                f"prospect_purchase:{purchase.id}",
                partial(_purchase_data, purchase, lead),
            )
            await add_entry(
                viewer.company_id,
                CreditEntryKind.SPEND,
                -1,
                period_start=account.period_start,
                once_key=f"SPEND:{purchase.id}",
                user_id=viewer.user_id,
                purchase_id=purchase.id,
                note=f"prospect {profiles[ref].name}"[:255],
            )
            bought[ref] = purchase
        if errors:
            # Raised inside the transaction: what the other prospects created is undone too.
            raise DomainError(errors)

        items = [PurchaseItem(r, bought[r] if r in bought else owned[r], r in bought) for r in refs]
        result = PurchaseResult(items, len(bought), await balance(viewer.company_id))
        if key is not None:
            await ProspectPurchaseRequest.create(
                company_id=viewer.company_id,
                key=key,
                user_id=viewer.user_id,
                fingerprint=fingerprint,
                result={
                    "items": [
                        {"kind": i.ref.kind.value, "id": i.ref.id, "purchase_id": i.purchase.id, "charged": i.charged}
                        for i in items
                    ],
                    "credits_spent": result.credits_spent,
                },
            )
    return result


async def _replay(viewer: Viewer, earlier: ProspectPurchaseRequest) -> PurchaseResult:
    stored = earlier.result
    ids = [item["purchase_id"] for item in stored["items"]]
    purchases = {p.id: p for p in await ProspectPurchase.filter(id__in=ids, company_id=viewer.company_id)}
    items = [
        PurchaseItem(ProspectRef(ProspectKind(i["kind"]), i["id"]), purchases[i["purchase_id"]], i["charged"])
        for i in stored["items"]
    ]
    return PurchaseResult(items, stored["credits_spent"], await balance(viewer.company_id), replayed=True)


async def _profiles(
    refs: list[ProspectRef], where: dict[ProspectRef, str]
) -> dict[ProspectRef, ProspectPerson | ProspectOrganization]:
    """The profiles asked for; erased or unknown ones are NOT_FOUND, naming each."""
    person_ids = [r.id for r in refs if r.kind == ProspectKind.PERSON]
    org_ids = [r.id for r in refs if r.kind == ProspectKind.ORGANIZATION]
    found: dict[ProspectRef, ProspectPerson | ProspectOrganization] = {}
    for person in await ProspectPerson.filter(id__in=person_ids, erased_at=None):
        found[ProspectRef(ProspectKind.PERSON, person.id)] = person
    for org in await ProspectOrganization.filter(id__in=org_ids):
        found[ProspectRef(ProspectKind.ORGANIZATION, org.id)] = org
    missing = [
        FieldError("Prospect not found.", ErrorCode.NOT_FOUND, ("input", "prospect_ids", where[r]))
        for r in refs
        if r not in found
    ]
    if missing:
        raise DomainError(missing)
    return found


async def _owned(company_id: int, refs: list[ProspectRef]) -> dict[ProspectRef, ProspectPurchase]:
    person_ids = [r.id for r in refs if r.kind == ProspectKind.PERSON]
    org_ids = [r.id for r in refs if r.kind == ProspectKind.ORGANIZATION]
    owned: dict[ProspectRef, ProspectPurchase] = {}
    if person_ids:
        for p in await ProspectPurchase.filter(company_id=company_id, prospect_person_id__in=person_ids):
            owned[ProspectRef(ProspectKind.PERSON, p.prospect_person_id)] = p  # type: ignore[arg-type]  # filtered on
    if org_ids:
        for p in await ProspectPurchase.filter(company_id=company_id, prospect_organization_id__in=org_ids):
            owned[ProspectRef(ProspectKind.ORGANIZATION, p.prospect_organization_id)] = p  # type: ignore[arg-type]  # filtered on
    return owned


async def _purchase_data(purchase: ProspectPurchase, lead: Any) -> dict[str, Any]:
    """A purchase as a webhook event carries it: the purchase and the lead it added."""
    return {**render(purchase, "ProspectPurchase"), "lead": render(lead, "Lead")}
