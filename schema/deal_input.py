"""Inputs and payloads of the deal, participant and product mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.base import MoneyInput, UserError, VisibilityEnum
from schema.custom_field import CustomFieldValueInput
from schema.deal import Deal, DealProduct, DealStatusEnum, Product

UNSET = strawberry.UNSET


@strawberry.input(
    description=(
        "A new open deal, linked to a person or an organization (at least one). Without a stage it goes to the "
        "first stage of the pipeline given, or of the default pipeline."
    )
)
class CreateDealInput:
    title: str | None = strawberry.field(default=None, description="Defaults to the contact's name and 'deal'.")
    person_id: strawberry.ID | None = None
    organization_id: strawberry.ID | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="A user; defaults to the caller.")
    value: MoneyInput | None = None
    expected_close_date: dt.date | None = None
    pipeline_id: strawberry.ID | None = None
    stage_id: strawberry.ID | None = None
    visibility: VisibilityEnum | None = None  # type: ignore[valid-type]
    custom_fields: list[CustomFieldValueInput] | None = None


@strawberry.input(description="Changes to one deal: only the fields given change; null clears a field.")
class UpdateDealInput:
    id: strawberry.ID
    title: str | None = UNSET
    person_id: strawberry.ID | None = UNSET
    organization_id: strawberry.ID | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    value: MoneyInput | None = UNSET
    expected_close_date: dt.date | None = UNSET
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Moving to another pipeline without a stage puts the deal in its first stage."
    )
    stage_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Must belong to the pipeline.")
    status: DealStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="WON and LOST stamp the time; reopening counts against the plan's open deals."
    )
    lost_reason: str | None = UNSET
    visibility: VisibilityEnum | None = UNSET  # type: ignore[valid-type]
    custom_fields: list[CustomFieldValueInput] | None = strawberry.field(
        default=UNSET, description="Values to set by key; the others are kept."
    )


@strawberry.input
class DealParticipantInput:
    deal_id: strawberry.ID
    person_id: strawberry.ID


@strawberry.input
class CreateProductInput:
    name: str
    code: str | None = None
    unit_price: MoneyInput


@strawberry.input
class AddDealProductInput:
    deal_id: strawberry.ID
    product_id: strawberry.ID
    quantity: Decimal = Decimal(1)
    unit_price: MoneyInput | None = strawberry.field(default=None, description="Defaults to the catalogue price.")
    discount_percent: Decimal = Decimal(0)


@strawberry.type
class DealPayload:
    deal: Deal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductPayload:
    product: Product | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DealProductPayload:
    deal_product: DealProduct | None = None
    deal: Deal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
