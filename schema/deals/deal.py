"""Deals, pipelines and stages, deal products and the deals list (connection), filter and sort."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from domain.columns.custom_value import field_values
from domain.deal_fields import DEAL_FIELDS
from domain.deals.product import line_total
from domain.deals.query import DealQuery, DealSortField, count_deals
from domain.leads.query import SortDirection
from domain.viewer import Viewer
from models import CustomFieldEntity, DealStatus
from models import Deal as DealModel
from models import DealProduct as DealProductModel
from models import Pipeline as PipelineModel
from models import Product as ProductModel
from models import Stage as StageModel
from schema.accounts.account import User
from schema.activity.activity import Activity
from schema.activity.changelog import ChangeLogEntry
from schema.activity.note import Note
from schema.base import InfoT, Money, Node, PageInfo, describe_values, node_type
from schema.columns.custom_field import CustomFieldValue
from schema.declared import declared_fields, read_fields
from schema.leads.lead import SortDirectionEnum

if TYPE_CHECKING:
    from schema.activity.email import Email
    from schema.contacts.organization import Organization
    from schema.contacts.person import Person

PersonRef = Annotated["Person", strawberry.lazy("schema.contacts.person")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.contacts.organization")]
EmailRef = Annotated["Email", strawberry.lazy("schema.activity.email")]

DealStatusEnum = DealStatus
strawberry.enum(DealStatusEnum, name="DealStatus", description="Where a deal stands.")
DealSortFieldEnum = DealSortField
strawberry.enum(DealSortFieldEnum, name="DealSortField", description="What the deals list sorts by.")
describe_values(
    DealStatusEnum,
    {
        "OPEN": "Still being worked on; counts against the plan's open deals.",
        "WON": "Won (`wonAt` says when).",
        "LOST": "Lost (`lostAt` and `lostReason` say when and why).",
    },
)
describe_values(
    DealSortFieldEnum,
    {
        "TITLE": "The title, alphabetically.",
        "CREATED_AT": "When the deal was created.",
        "UPDATED_AT": "When the deal last changed.",
        "VALUE": "The value's amount (currencies are not converted).",
        "EXPECTED_CLOSE_DATE": "The expected close date.",
    },
)


@strawberry.type(description="A step of a pipeline; deals move through the stages in order.")
class Stage(Node):
    id: strawberry.ID = strawberry.field(description="The stage's global id.")
    name: str = strawberry.field(description="The stage's name.")
    position: int = strawberry.field(description="Its place in the pipeline, from 0.")
    probability: int = strawberry.field(description="Chance of winning a deal in this stage, in percent.")

    @classmethod
    def from_model(cls, stage: StageModel) -> Stage:
        return cls(
            id=strawberry.ID(to_global_id("Stage", stage.id)),
            name=stage.name,
            position=stage.position,
            probability=stage.probability,
        )


@strawberry.type(description="A sales process: ordered stages a deal goes through.")
class Pipeline(Node):
    id: strawberry.ID = strawberry.field(description="The pipeline's global id.")
    name: str = strawberry.field(description="The pipeline's name.")
    position: int = strawberry.field(description="Its place among the company's pipelines, from 0.")
    is_default: bool = strawberry.field(description="Where new deals and converted leads go unless told otherwise.")
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, pipeline: PipelineModel) -> Pipeline:
        return cls(
            id=strawberry.ID(to_global_id("Pipeline", pipeline.id)),
            name=pipeline.name,
            position=pipeline.position,
            is_default=pipeline.is_default,
            _id=pipeline.id,
        )

    @strawberry.field(description="The stages, in order.")
    async def stages(self, info: InfoT) -> list[Stage]:
        return [Stage.from_model(s) for s in await info.context.loaders.stages_by_pipeline_id.load(self._id)]


@strawberry.type(description="An item of the company's product catalogue.")
class Product(Node):
    id: strawberry.ID = strawberry.field(description="The product's global id.")
    name: str = strawberry.field(description="The product's name.")
    code: str | None = strawberry.field(description="The product code, unique in the company; null when none.")
    unit_price: Money = strawberry.field(description="The catalogue price of one unit.")

    @classmethod
    def from_model(cls, product: ProductModel) -> Product:
        return cls(
            id=strawberry.ID(to_global_id("Product", product.id)),
            name=product.name,
            code=product.code,
            unit_price=Money(amount=product.unit_price_amount, currency=product.unit_price_currency),
        )


@strawberry.type(description="A product on a deal, with the deal's own price, quantity and discount.")
class DealProduct:
    id: strawberry.ID = strawberry.field(description="The line's id; pass it to `removeDealProduct`.")
    quantity: Decimal = strawberry.field(description="How many units, above 0, up to four decimal places.")
    unit_price: Money = strawberry.field(description="The price of one unit on this deal.")
    discount_percent: Decimal = strawberry.field(description="Discount in percent, 0 to 100.")
    total: Money = strawberry.field(description="Quantity times unit price, less the discount, to the cent.")
    _product_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, line: DealProductModel) -> DealProduct:
        return cls(
            id=strawberry.ID(to_global_id("DealProduct", line.id)),
            quantity=line.quantity,
            unit_price=Money(amount=line.unit_price_amount, currency=line.unit_price_currency),
            discount_percent=line.discount_percent,
            total=Money(
                amount=line_total(line.quantity, line.unit_price_amount, line.discount_percent),
                currency=line.unit_price_currency,
            ),
            _product_id=line.product_id,
        )

    @strawberry.field(description="The catalogue product.")
    async def product(self, info: InfoT) -> Product | None:
        product = await info.context.loaders.product_by_id.load(self._product_id)
        return Product.from_model(product) if product else None


@strawberry.type(
    description="A sale being worked on in a pipeline; linked to a person and/or an organization, owned by a user."
)
@declared_fields(DEAL_FIELDS, after="id")
class Deal(Node):
    id: strawberry.ID = strawberry.field(description="The deal's global id.")
    _model: strawberry.Private[DealModel]

    @staticmethod
    def global_id(deal_id: int) -> strawberry.ID:
        return strawberry.ID(to_global_id("Deal", deal_id))

    @classmethod
    def from_model(cls, deal: DealModel) -> Deal:
        return cls(
            id=cls.global_id(deal.id),
            **read_fields(DEAL_FIELDS, deal),
            _model=deal,
        )

    @strawberry.field(description="The linked person; null when the deal has an organization only.")
    async def person(self, info: InfoT) -> PersonRef | None:
        if self._model.person_id is None:
            return None
        person = await info.context.loaders.person_by_id.load(self._model.person_id)
        return node_type("Person").from_model(person) if person else None

    @strawberry.field(description="The linked organization; null when the deal has a person only.")
    async def organization(self, info: InfoT) -> OrganizationRef | None:
        if self._model.organization_id is None:
            return None
        org = await info.context.loaders.organization_by_id.load(self._model.organization_id)
        return node_type("Organization").from_model(org) if org else None

    @strawberry.field(description="The user who owns the deal.")
    async def owner(self, info: InfoT) -> User | None:
        if self._model.owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._model.owner_id)
        return User.from_model(user) if user else None

    @strawberry.field(description="The pipeline the deal is in.")
    async def pipeline(self, info: InfoT) -> Pipeline:
        pipeline = await info.context.loaders.pipeline_by_id.load(self._model.pipeline_id)
        assert pipeline is not None
        return Pipeline.from_model(pipeline)

    @strawberry.field(description="The deal's stage in its pipeline.")
    async def stage(self, info: InfoT) -> Stage:
        stage = await info.context.loaders.stage_by_id.load(self._model.stage_id)
        assert stage is not None
        return Stage.from_model(stage)

    @strawberry.field(description="Persons taking part in the deal besides its main contact.")
    async def participants(self, info: InfoT) -> list[PersonRef]:
        loaders = info.context.loaders
        persons = await loaders.person_by_id.load_many(await loaders.participant_ids_by_deal_id.load(self._model.id))
        return [node_type("Person").from_model(p) for p in persons if p is not None]

    @strawberry.field(description="The products on the deal, in the order added.")
    async def products(self, info: InfoT) -> list[DealProduct]:
        return [DealProduct.from_model(p) for p in await info.context.loaders.products_by_deal_id.load(self._model.id)]

    @strawberry.field(description="Every lead-and-deal custom field with this deal's value; formulas computed now.")
    async def custom_fields(self, info: InfoT) -> list[CustomFieldValue]:
        fields = await info.context.loaders.custom_fields_by_entity.load(CustomFieldEntity.LEAD_DEAL)
        values = field_values(
            fields, self._model.custom_fields, deal_value=self._model.value_amount, with_formulas=True
        )
        return [CustomFieldValue.from_value(v) for v in values]

    @strawberry.field(description="Notes, newest first.")
    async def notes(self, info: InfoT) -> list[Note]:
        return [Note.from_model(n) for n in await info.context.loaders.notes_by_deal_id.load(self._model.id)]

    @strawberry.field(description="Activities: those not done first, each group by due date.")
    async def activities(
        self,
        info: InfoT,
        done: Annotated[
            bool | None, strawberry.argument(description="Only done (true) or not done (false) activities; null: all.")
        ] = None,
    ) -> list[Activity]:
        rows = await info.context.loaders.activities_by_deal_id.load(self._model.id)
        return [Activity.from_model(a) for a in rows if done is None or a.done == done]

    @strawberry.field(description="Emails linked to the deal, newest first.")
    async def emails(self, info: InfoT) -> list[EmailRef]:
        emails = await info.context.loaders.emails_by_deal_id.load(self._model.id)
        return [node_type("Email").from_model(e) for e in emails]

    @strawberry.field(description="What changed on the deal, newest first.")
    async def change_log(self, info: InfoT) -> list[ChangeLogEntry]:
        rows = await info.context.loaders.change_log_by_deal_id.load(self._model.id)
        return [ChangeLogEntry.from_model(e) for e in rows]


@strawberry.type(description="One deal of a page, with its cursor.")
class DealEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the deals after this one (in the same sort).")
    node: Deal = strawberry.field(description="The deal.")


@strawberry.type(description="A page of deals (keyset pagination: `first`/`after`).")
class DealConnection:
    edges: list[DealEdge] = strawberry.field(description="The page's deals with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are more deals, and the cursors to get them.")
    _viewer: strawberry.Private[Viewer]
    _query: strawberry.Private[DealQuery]

    @strawberry.field(description="The page's deals, without cursors.")
    def nodes(self) -> list[Deal]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many deals match the filter; computed only when asked for.")
    async def total_count(self) -> int:
        return await count_deals(self._viewer, self._query)


@strawberry.input(
    description=(
        "Deal filters, combined with AND. Deleted deals are left out unless asked for. A pipeline, stage or "
        "owner id the company does not have is NOT_FOUND naming the field."
    )
)
class DealFilter:
    status: list[DealStatusEnum] | None = strawberry.field(
        default=None, description="Deals with any of these statuses."
    )
    pipeline_id: strawberry.ID | None = strawberry.field(default=None, description="Deals in this pipeline.")
    stage_id: strawberry.ID | None = strawberry.field(default=None, description="Deals in this stage.")
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Deals owned by any of these users."
    )
    search: str | None = strawberry.field(default=None, description="Text in the title, person or organization name.")
    include_deleted: bool = strawberry.field(default=False, description="Also list deleted (restorable) deals.")


@strawberry.input(description="The deals list's order; ties are broken by id.")
class DealSort:
    field: DealSortFieldEnum = strawberry.field(default=DealSortField.CREATED_AT, description="What to sort by.")
    direction: SortDirectionEnum = strawberry.field(
        default=SortDirection.DESC, description="ASC or DESC; newest first by default."
    )
