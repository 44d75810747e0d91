"""The company's product catalogue and the products attached to deals (SPEC §4)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company
from models.base import TimestampMixin
from models.deals.deal import Deal


class Product(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="products", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    code = fields.CharField(max_length=64, null=True)
    unit_price_amount = fields.DecimalField(max_digits=18, decimal_places=2)
    unit_price_currency = fields.CharField(max_length=3)

    company_id: int

    class Meta:
        table = "product"
        unique_together = (("company", "code"),)
        indexes = (("company_id", "name"),)


class DealProduct(Model):
    """A product on a deal: its own price (the catalogue's when added), quantity and discount."""

    id = fields.IntField(primary_key=True)
    deal: fields.ForeignKeyRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name="products", on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="deal_lines", on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=14, decimal_places=4)
    unit_price_amount = fields.DecimalField(max_digits=18, decimal_places=2)
    unit_price_currency = fields.CharField(max_length=3)
    # Percent off the line's price, 0 to 100.
    discount_percent = fields.DecimalField(max_digits=5, decimal_places=2, default=0)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    deal_id: int
    product_id: int

    class Meta:
        table = "deal_product"
        indexes = (("deal_id", "position"),)
