"""Lead statuses, categories and category groups (SPEC §8)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.ids import to_global_id
from domain.contacts.lead_state import HiddenReason
from models import Category as CategoryModel
from models import CategoryGroup as CategoryGroupModel
from models import LeadStatus as LeadStatusModel
from schema.base import InfoT, Node, describe_values

LeadStatusHiddenReasonEnum = HiddenReason
strawberry.enum(
    LeadStatusHiddenReasonEnum,
    name="LeadStatusHiddenReason",
    description=(
        "Why a person shows no lead status. NO_ORGANIZATION: the person has no organization, so no "
        "category. NO_CATEGORY: its organization has no category. LEAD_STATUS_NOT_ENABLED: the "
        "organization's category is in a group without lead status; the stored status is kept "
        "(storedLeadStatus) but cannot be changed."
    ),
)
describe_values(
    LeadStatusHiddenReasonEnum,
    {
        "NO_ORGANIZATION": "The person has no organization, so no category.",
        "NO_CATEGORY": "The person's organization has no category.",
        "LEAD_STATUS_NOT_ENABLED": "The organization's category is in a group without lead status.",
    },
)


@strawberry.type(description="A step of the company's lead qualification, such as Open or Qualified.")
class LeadStatus(Node):
    id: strawberry.ID = strawberry.field(description="The lead status's global id.")
    name: str = strawberry.field(description="Its name, unique in the company; at most 100 characters.")
    description: str = strawberry.field(description="What the status means; a client shows it as a tooltip.")
    position: int = strawberry.field(description="Its place in the company's order, from 0.")
    is_initial: bool = strawberry.field(
        description="Where a person starts when lead status becomes enabled for it (Open by default)."
    )
    is_retired: bool = strawberry.field(
        description="A retired status can no longer be chosen; the persons holding it keep it."
    )
    retired_at: dt.datetime | None = strawberry.field(description="When it was retired; null while it can be chosen.")

    @classmethod
    def from_model(cls, status: LeadStatusModel) -> LeadStatus:
        return cls(
            id=strawberry.ID(to_global_id("LeadStatus", status.id)),
            name=status.name,
            description=status.description,
            position=status.position,
            is_initial=status.is_initial,
            is_retired=status.retired_at is not None,
            retired_at=status.retired_at,
        )


@strawberry.type(
    description="A group of organization categories; the flag says whether their persons have a lead status."
)
class CategoryGroup(Node):
    id: strawberry.ID = strawberry.field(description="The group's global id.")
    name: str = strawberry.field(description="Its name, unique in the company.")
    lead_status_enabled: bool = strawberry.field(
        description="Whether persons of organizations in its categories have a lead status."
    )
    position: int = strawberry.field(description="Its place in the company's order, from 0.")
    _pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, group: CategoryGroupModel) -> CategoryGroup:
        return cls(
            id=strawberry.ID(to_global_id("CategoryGroup", group.id)),
            name=group.name,
            lead_status_enabled=group.lead_status_enabled,
            position=group.position,
            _pk=group.id,
        )

    @strawberry.field(description="The group's categories in order.")
    async def categories(self, info: InfoT) -> list[Category]:
        rows = await info.context.loaders.categories_by_group_id.load(self._pk)
        return [Category.from_model(c) for c in rows]


@strawberry.type(description="What kind of organization it is, such as Lead or Customer; its persons inherit it.")
class Category(Node):
    id: strawberry.ID = strawberry.field(description="The category's global id.")
    name: str = strawberry.field(description="Its name, unique in the company.")
    position: int = strawberry.field(description="Its place within its group, from 0.")
    _group_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, category: CategoryModel) -> Category:
        return cls(
            id=strawberry.ID(to_global_id("Category", category.id)),
            name=category.name,
            position=category.position,
            _group_id=category.group_id,
        )

    @strawberry.field(description="The group the category belongs to.")
    async def group(self, info: InfoT) -> CategoryGroup:
        group = await info.context.loaders.category_group_by_id.load(self._group_id)
        assert group is not None  # a category's group is of the same company and never deleted
        return CategoryGroup.from_model(group)
