"""Organizations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from core.ids import to_global_id
from domain.custom_value import field_values
from models import CustomFieldEntity
from models import Organization as OrganizationModel
from schema.base import InfoT, Node, PageInfo, VisibilityEnum
from schema.custom_field import CustomFieldValue
from schema.lead_status import Category

if TYPE_CHECKING:
    from schema.account import User


UserRef = Annotated["User", strawberry.lazy("schema.account")]


@strawberry.type(description="A postal address; latitude and longitude, when known, let a client open a map.")
class Address:
    street: str | None
    city: str | None
    postal_code: str | None
    country: str | None
    latitude: Decimal | None
    longitude: Decimal | None


@strawberry.type
class Organization(Node):
    id: strawberry.ID
    name: str
    address: Address
    visibility: VisibilityEnum  # type: ignore[valid-type]
    created_at: dt.datetime
    updated_at: dt.datetime
    _owner_id: strawberry.Private[int | None]
    _custom_fields: strawberry.Private[dict[str, Any]]
    _category_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, org: OrganizationModel) -> Organization:
        return cls(
            id=strawberry.ID(to_global_id("Organization", org.id)),
            name=org.name,
            address=Address(
                street=org.address_street,
                city=org.address_city,
                postal_code=org.address_postal_code,
                country=org.address_country,
                latitude=org.latitude,
                longitude=org.longitude,
            ),
            visibility=org.visibility,
            created_at=org.created_at,
            updated_at=org.updated_at,
            _owner_id=org.owner_id,
            _custom_fields=org.custom_fields or {},
            _category_id=org.category_id,
        )

    @strawberry.field(description="Every organization custom field with this organization's value.")
    async def custom_fields(self, info: InfoT) -> list[CustomFieldValue]:
        fields = await info.context.loaders.custom_fields_by_entity.load(CustomFieldEntity.ORGANIZATION)
        values = field_values(fields, self._custom_fields, deal_value=None, with_formulas=False)
        return [CustomFieldValue.from_value(v) for v in values]

    @strawberry.field
    async def owner(self, info: InfoT) -> UserRef | None:
        from schema.account import User

        if self._owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._owner_id)
        return User.from_model(user) if user else None

    @strawberry.field(
        description="What kind of organization it is; its persons inherit it, and its group decides their lead status."
    )
    async def category(self, info: InfoT) -> Category | None:
        if self._category_id is None:
            return None
        category = await info.context.loaders.category_by_id.load(self._category_id)
        return Category.from_model(category) if category else None


@strawberry.type
class OrganizationEdge:
    cursor: str
    node: Organization


@strawberry.type
class OrganizationConnection:
    edges: list[OrganizationEdge]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    def nodes(self) -> list[Organization]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="Computed only when asked for.")
    async def total_count(self) -> int:
        return await self._count()
