"""The product catalogue and products on deals (products are for deals only, never leads)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, fail
from domain import changelog
from domain.deals.deal import ENTITY as DEAL_ENTITY
from domain.deals.deal import get_live_deal
from domain.validation import decimal_places, money, text
from domain.viewer import Viewer
from models import DealProduct, Product

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("9999999999")


def line_total(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """Quantity times price, less the discount, to the cent (half up)."""
    gross = quantity * unit_price
    return (gross - gross * discount_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


async def create_product(
    viewer: Viewer, name: str, unit_price: Decimal, currency: str, code: str | None = None
) -> Product:
    cleaned, errors = text(name, ("input", "name"), required=True)
    clean_code, code_errors = text(code, ("input", "code"), max_length=64)
    amount, currency_code, money_errors = money(unit_price, currency, ("input", "unit_price"))
    if errors or code_errors or money_errors:
        raise DomainError(errors + code_errors + money_errors)
    if clean_code is not None and await Product.exists(company_id=viewer.company_id, code=clean_code):
        raise fail(f"A product with code {clean_code!r} exists.", ErrorCode.DUPLICATE, "input", "code")
    async with in_transaction():
        product = await Product.create(
            company_id=viewer.company_id,
            name=cleaned,
            code=clean_code,
            unit_price_amount=amount,
            unit_price_currency=currency_code,
        )
        await changelog.write([changelog.entry(viewer, viewer.company_id, "product", product.id, "CREATED")])
    return product


def _decimal(value: Decimal | int | str, path: tuple[str, ...]) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise fail("Expected a number.", ErrorCode.INVALID, *path) from exc
    if not number.is_finite():
        raise fail("Expected a finite number.", ErrorCode.INVALID, *path)
    return number


async def add_deal_product(
    viewer: Viewer,
    deal_id: int,
    product_id: int,
    quantity: Decimal,
    *,
    unit_price: tuple[Decimal, str] | None = None,
    discount_percent: Decimal = Decimal(0),
) -> DealProduct:
    """Put a product on a deal, at the catalogue price unless another one is given."""
    deal = await get_live_deal(viewer, deal_id, ("input", "deal_id"))
    product = await Product.get_or_none(id=product_id, company_id=viewer.company_id)
    if product is None:
        raise fail("Product not found.", ErrorCode.NOT_FOUND, "input", "product_id")
    qty = _decimal(quantity, ("input", "quantity"))
    if qty <= 0 or qty > MAX_QUANTITY or decimal_places(qty) > 4:
        raise fail("quantity must be above 0, with at most 4 decimals.", ErrorCode.INVALID, "input", "quantity")
    discount = _decimal(discount_percent, ("input", "discount_percent"))
    if not Decimal(0) <= discount <= Decimal(100) or decimal_places(discount) > 2:
        raise fail("discount_percent must be between 0 and 100.", ErrorCode.INVALID, "input", "discount_percent")
    amount, currency = product.unit_price_amount, product.unit_price_currency
    if unit_price is not None:
        price, code, errors = money(unit_price[0], unit_price[1], ("input", "unit_price"))
        if errors:
            raise DomainError(errors)
        # Both None only with errors, raised above.
        assert price is not None and code is not None
        amount, currency = price, code
    async with in_transaction():
        last = await DealProduct.filter(deal_id=deal.id).order_by("-position").first()
        line = await DealProduct.create(
            deal_id=deal.id,
            product_id=product.id,
            quantity=qty,
            unit_price_amount=amount,
            unit_price_currency=currency,
            discount_percent=discount,
            position=last.position + 1 if last else 0,
        )
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, DEAL_ENTITY, deal.id, "PRODUCT_ADDED", "products", None, product.name
                )
            ]
        )
    return line


async def remove_deal_product(viewer: Viewer, line_id: int) -> DealProduct:
    line = await DealProduct.get_or_none(id=line_id, deal__company_id=viewer.company_id)
    if line is None:
        raise fail("Deal product not found.", ErrorCode.NOT_FOUND, "input", "id")
    deal = await get_live_deal(viewer, line.deal_id)
    product = await Product.get(id=line.product_id)
    async with in_transaction():
        await line.delete()
        await changelog.write(
            [
                changelog.entry(
                    viewer, viewer.company_id, DEAL_ENTITY, deal.id, "PRODUCT_REMOVED", "products", product.name, None
                )
            ]
        )
    return line
