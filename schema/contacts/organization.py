"""Organizations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from core.ids import to_global_id
from domain.columns.custom_value import field_values
from domain.contact_fields import ORGANIZATION_FIELDS
from models import CustomFieldEntity
from models import Organization as OrganizationModel
from schema.base import InfoT, Node, PageInfo, node_type
from schema.columns.custom_field import CustomFieldValue
from schema.contacts.lead_status import Category
from schema.declared import declared_fields, read_fields

if TYPE_CHECKING:
    from schema.accounts.account import User


UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]


@strawberry.type(description="A postal address; latitude and longitude, when known, let a client open a map.")
class Address:
    street: str | None = strawberry.field(description="Street and number; null when not known.")
    city: str | None = strawberry.field(description="City; null when not known.")
    postal_code: str | None = strawberry.field(description="Postal code; null when not known.")
    country: str | None = strawberry.field(description="Country, as entered; null when not known.")
    latitude: Decimal | None = strawberry.field(
        description="Degrees north (-90 to 90, six decimals); null when not known."
    )
    longitude: Decimal | None = strawberry.field(
        description="Degrees east (-180 to 180, six decimals); null when not known."
    )


@strawberry.type(description="A company or other organization you sell to; visible to you by its `visibility`.")
@declared_fields(ORGANIZATION_FIELDS, after="id", followed_by={"name": ("address",)})
class Organization(Node):
    id: strawberry.ID = strawberry.field(description="The organization's global id.")
    address: Address = strawberry.field(description="The postal address; its parts are null when not known.")
    _owner_id: strawberry.Private[int | None]
    _custom_fields: strawberry.Private[dict[str, Any]]
    _category_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, org: OrganizationModel) -> Organization:
        return cls(
            id=strawberry.ID(to_global_id("Organization", org.id)),
            **read_fields(ORGANIZATION_FIELDS, org),
            address=Address(
                street=org.address_street,
                city=org.address_city,
                postal_code=org.address_postal_code,
                country=org.address_country,
                latitude=org.latitude,
                longitude=org.longitude,
            ),
            _owner_id=org.owner_id,
            _custom_fields=org.custom_fields or {},
            _category_id=org.category_id,
        )

    @strawberry.field(description="Every organization custom field with this organization's value.")
    async def custom_fields(self, info: InfoT) -> list[CustomFieldValue]:
        fields = await info.context.loaders.custom_fields_by_entity.load(CustomFieldEntity.ORGANIZATION)
        values = field_values(fields, self._custom_fields, deal_value=None, with_formulas=False)
        return [CustomFieldValue.from_value(v) for v in values]

    @strawberry.field(description="The user who owns the organization; null if that user was removed.")
    async def owner(self, info: InfoT) -> UserRef | None:
        if self._owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._owner_id)
        return node_type("User").from_model(user) if user else None

    @strawberry.field(
        description="What kind of organization it is; its persons inherit it, and its group decides their lead status."
    )
    async def category(self, info: InfoT) -> Category | None:
        if self._category_id is None:
            return None
        category = await info.context.loaders.category_by_id.load(self._category_id)
        return Category.from_model(category) if category else None


@strawberry.type(description="One organization of a page, with its cursor.")
class OrganizationEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the organizations after this one.")
    node: Organization = strawberry.field(description="The organization.")


@strawberry.type(description="A page of organizations (keyset pagination: `first`/`after`).")
class OrganizationConnection:
    edges: list[OrganizationEdge] = strawberry.field(description="The page's organizations with their cursors.")
    page_info: PageInfo = strawberry.field(
        description="Whether there are more organizations, and the cursors to get them."
    )
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The page's organizations, without cursors.")
    def nodes(self) -> list[Organization]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many organizations match in all; computed only when asked for.")
    async def total_count(self) -> int:
        return await self._count()
