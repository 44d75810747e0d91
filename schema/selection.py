"""Selections: saved searches over persons or organizations, and their members."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from core.pagination import page_size
from domain.selection import conditions_of, count_members, find_members
from domain.selection_criteria import ID_FIELDS, Condition, SelectionField, SelectionOperator
from models import Organization as OrganizationModel
from models import Selection as SelectionModel
from models import SelectionEntity, SelectionKind
from schema.base import InfoT, Node, PageInfo, UserError
from schema.organization import Organization
from schema.person import Person

if TYPE_CHECKING:
    from schema.account import User

UserRef = Annotated["User", strawberry.lazy("schema.account")]

SelectionEntityEnum = strawberry.enum(
    SelectionEntity, name="SelectionEntity", description="What a selection's members are."
)
SelectionKindEnum = strawberry.enum(
    SelectionKind,
    name="SelectionKind",
    description=(
        "STATIC: the members found when the selection was saved, kept whatever changes later. "
        "DYNAMIC: the criteria, evaluated again on every read."
    ),
)
SelectionFieldEnum = strawberry.enum(
    SelectionField,
    name="SelectionField",
    description=(
        "What a condition looks at. LEAD_STATUS: the status a person shows (for an organization: one of "
        "its persons). CATEGORY_GROUP, CATEGORY: the organization's (a person's is inherited). "
        "LEAD_HAS_UTM_DATA: a lead of the contact came with UTM data. OWNER: the contact's owner. "
        "NAME, CITY, COUNTRY, CREATED_AT: of the member. EMAIL, PHONE, JOB_TITLE, ORGANIZATION_NAME: "
        "persons only."
    ),
)
SelectionOperatorEnum = strawberry.enum(
    SelectionOperator,
    name="SelectionOperator",
    description=(
        "IS_ONE_OF / IS_NOT_ONE_OF take ids; EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS, STARTS_WITH "
        "take a value (case-insensitive); IS_EMPTY, IS_NOT_EMPTY, IS_TRUE, IS_FALSE take nothing; "
        "BEFORE and AFTER a date; IN_LAST_DAYS a number of days. Each NOT form is exactly the "
        "complement of its positive one: a contact without a value is 'not one of'."
    ),
)

SelectionMember = Annotated[Person | Organization, strawberry.union("SelectionMember")]


@strawberry.type(description="One condition of a selection; the conditions of a selection are combined with AND.")
class SelectionCondition:
    field: SelectionFieldEnum  # type: ignore[valid-type]
    operator: SelectionOperatorEnum  # type: ignore[valid-type]
    ids: list[strawberry.ID]
    value: str | None
    date: dt.date | None
    days: int | None

    @classmethod
    def from_condition(cls, condition: Condition) -> SelectionCondition:
        type_name = ID_FIELDS[condition.field][1] if condition.field in ID_FIELDS else ""
        return cls(
            field=condition.field,
            operator=condition.operator,
            ids=[strawberry.ID(to_global_id(type_name, i)) for i in condition.ids],
            value=condition.value,
            date=condition.date,
            days=condition.days,
        )


@strawberry.type
class SelectionMemberEdge:
    cursor: str
    node: SelectionMember


@strawberry.type
class SelectionMemberConnection:
    edges: list[SelectionMemberEdge]
    page_info: PageInfo
    _selection: strawberry.Private[SelectionModel]

    @strawberry.field
    def nodes(self) -> list[SelectionMember]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many members the viewer sees; computed only when asked for.")
    async def total_count(self, info: InfoT) -> int:
        return await count_members(info.context.require_viewer(), self._selection, now=info.context.now)


@strawberry.type(description="A saved search over persons or organizations (SPEC §8).")
class Selection(Node):
    id: strawberry.ID
    name: str
    entity: SelectionEntityEnum  # type: ignore[valid-type]
    kind: SelectionKindEnum  # type: ignore[valid-type]
    is_shared: bool = strawberry.field(description="Shared with the company; otherwise its owner's only.")
    conditions: list[SelectionCondition]
    members_saved_at: dt.datetime | None = strawberry.field(description="When a static selection took its members.")
    created_at: dt.datetime
    updated_at: dt.datetime
    _model: strawberry.Private[SelectionModel]

    @classmethod
    def from_model(cls, selection: SelectionModel) -> Selection:
        return cls(
            id=strawberry.ID(to_global_id("Selection", selection.id)),
            name=selection.name,
            entity=selection.entity,
            kind=selection.kind,
            is_shared=selection.is_shared,
            conditions=[SelectionCondition.from_condition(c) for c in conditions_of(selection)],
            members_saved_at=selection.members_saved_at,
            created_at=selection.created_at,
            updated_at=selection.updated_at,
            _model=selection,
        )

    @strawberry.field
    async def owner(self, info: InfoT) -> UserRef | None:
        from schema.account import User

        if self._model.owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._model.owner_id)
        return User.from_model(user) if user else None

    @strawberry.field(description="The members the viewer may see, by name; a dynamic selection is evaluated now.")
    async def members(
        self, info: InfoT, first: int | None = None, after: str | None = None
    ) -> SelectionMemberConnection:
        viewer = info.context.require_viewer()
        after = after or None
        page = await find_members(viewer, self._model, page_size(first), after, now=info.context.now)
        edges = [
            SelectionMemberEdge(
                cursor=cursor,
                node=Organization.from_model(row) if isinstance(row, OrganizationModel) else Person.from_model(row),
            )
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ]
        return SelectionMemberConnection(
            edges=edges,
            page_info=PageInfo.of(page.cursors, page.has_next_page, after),
            _selection=self._model,
        )


@strawberry.input(description="One condition: a field, an operator fitting it, and its operand.")
class SelectionConditionInput:
    field: SelectionFieldEnum  # type: ignore[valid-type]
    operator: SelectionOperatorEnum  # type: ignore[valid-type]
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="LeadStatus, CategoryGroup, Category or User ids, as the field takes."
    )
    value: str | None = None
    date: dt.date | None = None
    days: int | None = None


@strawberry.input
class CreateSelectionInput:
    name: str
    entity: SelectionEntityEnum  # type: ignore[valid-type]
    kind: SelectionKindEnum  # type: ignore[valid-type]
    conditions: list[SelectionConditionInput] = strawberry.field(default_factory=list)
    is_shared: bool = False


@strawberry.input(description="Changes to a selection (its owner or an admin): only the fields given change.")
class UpdateSelectionInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    kind: SelectionKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    conditions: list[SelectionConditionInput] | None = strawberry.UNSET
    is_shared: bool | None = strawberry.UNSET
    refresh: bool = strawberry.field(
        default=False, description="Take a static selection's members again from its criteria, as they match now."
    )


@strawberry.type
class SelectionPayload:
    selection: Selection | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
