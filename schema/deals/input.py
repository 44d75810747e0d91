"""Inputs and payloads of the deal, participant and product mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.base import MoneyInput, UserError, VisibilityEnum
from schema.columns.custom_field import CustomFieldValueInput
from schema.deals.deal import Deal, DealProduct, DealStatusEnum, Product

UNSET = strawberry.UNSET


@strawberry.input(
    description=(
        "A new open deal, linked to a person or an organization (at least one). Without a stage it goes to the "
        "first stage of the pipeline given, or of the default pipeline."
    )
)
class CreateDealInput:
    title: str | None = strawberry.field(default=None, description="Defaults to the contact's name and 'deal'.")
    person_id: strawberry.ID | None = strawberry.field(default=None, description="The person the deal is with.")
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organization the deal is with."
    )
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="A user; defaults to the caller.")
    value: MoneyInput | None = strawberry.field(default=None, description="The deal's value; none by default.")
    expected_close_date: dt.date | None = strawberry.field(default=None, description="When it should close.")
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=None, description="The pipeline; the default pipeline when left out."
    )
    stage_id: strawberry.ID | None = strawberry.field(
        default=None, description="A stage of that pipeline; its first stage when left out."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=None, description="Who can see the deal; COMPANY by default."
    )
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=None, description="Values of lead-and-deal custom fields, by key."
    )


@strawberry.input(description="Changes to one deal: only the fields given change; null clears a field.")
class UpdateDealInput:
    id: strawberry.ID = strawberry.field(description="The deal; a deleted one must be restored first (DELETED).")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the deal the change was made on. When someone changed the deal since, "
            "the answer is CONFLICT (naming the current version) and nothing is written; left out, the fields "
            "given are applied on top of the latest version, without touching the others."
        ),
    )
    title: str | None = strawberry.field(default=UNSET, description="A new title; cannot be emptied.")
    person_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Link this person; null unlinks (the deal keeps at least one contact)."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Link this organization; null unlinks (the deal keeps at least one contact)."
    )
    owner_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Another active user; cannot be null.")
    value: MoneyInput | None = strawberry.field(default=UNSET, description="A new value; null clears it.")
    expected_close_date: dt.date | None = strawberry.field(
        default=UNSET, description="A new expected close date; null clears it."
    )
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Moving to another pipeline without a stage puts the deal in its first stage."
    )
    stage_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Must belong to the pipeline.")
    status: DealStatusEnum | None = strawberry.field(
        default=UNSET, description="WON and LOST stamp the time; reopening counts against the plan's open deals."
    )
    lost_reason: str | None = strawberry.field(
        default=UNSET, description="Why it was lost, at most 255 characters; only with status LOST."
    )
    visibility: VisibilityEnum | None = strawberry.field(
        default=UNSET, description="Who can see the deal; cannot be null."
    )
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set by key; the others are kept."
    )


@strawberry.input(description="A deal and a person taking part in it.")
class DealParticipantInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal (not deleted).")
    person_id: strawberry.ID = strawberry.field(description="A person you can see.")


@strawberry.input(description="A new product of the catalogue.")
class CreateProductInput:
    name: str = strawberry.field(description="Required, at most 255 characters.")
    code: str | None = strawberry.field(default=None, description="A product code, at most 64 characters, unique.")
    unit_price: MoneyInput = strawberry.field(description="The catalogue price of one unit.")


@strawberry.input(description="A product to put on a deal.")
class AddDealProductInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal (not deleted).")
    product_id: strawberry.ID = strawberry.field(description="A product of the catalogue.")
    quantity: Decimal = strawberry.field(
        default=Decimal(1), description="Above 0, at most 9999999999, up to four decimal places."
    )
    unit_price: MoneyInput | None = strawberry.field(default=None, description="Defaults to the catalogue price.")
    discount_percent: Decimal = strawberry.field(default=Decimal(0), description="0 to 100, up to two decimal places.")


@strawberry.type(description="The result of a deal mutation.")
class DealPayload:
    deal: Deal | None = strawberry.field(default=None, description="The deal as it is now; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID, INVALID_ID, INVALID_CURRENCY, NOT_FOUND, "
            "CONTACT_REQUIRED, STAGE_NOT_IN_PIPELINE, PLAN_LIMIT_REACHED (one open deal too many), DELETED, CONFLICT "
            "(restoring a deal that is not deleted), DUPLICATE (a participant twice), INVALID_CUSTOM_FIELD_VALUE, "
            "UNKNOWN_CUSTOM_FIELD. Empty on success."
        ),
    )


@strawberry.type(description="The result of `createProduct`.")
class ProductPayload:
    product: Product | None = strawberry.field(default=None, description="The new product; null on userErrors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was created: REQUIRED, TOO_LONG, INVALID, INVALID_CURRENCY, DUPLICATE (code).",
    )


@strawberry.type(description="The result of `addDealProduct`.")
class DealProductPayload:
    deal_product: DealProduct | None = strawberry.field(
        default=None, description="The new line of the deal; null on userErrors."
    )
    deal: Deal | None = strawberry.field(default=None, description="The deal it was added to.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was added: INVALID_ID, NOT_FOUND, DELETED (the deal), INVALID (quantity, discount, price), "
            "INVALID_CURRENCY. Empty on success."
        ),
    )
