"""Selections: saved searches over persons or organizations, and their members."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import to_global_id
from core.pagination import page_size
from domain.contacts.selection import SORT, conditions_of, decode_name_cursor
from domain.contacts.selection_criteria import ID_FIELDS, Condition, SelectionField, SelectionOperator
from models import Organization as OrganizationModel
from models import Selection as SelectionModel
from models import SelectionEntity, SelectionKind
from schema.base import AFTER, FIRST, InfoT, Node, PageInfo, UserError, describe_values, node_type
from schema.contacts.organization import Organization
from schema.contacts.person import Person

if TYPE_CHECKING:
    from schema.accounts.account import User

UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]

SelectionEntityEnum = SelectionEntity
strawberry.enum(SelectionEntityEnum, name="SelectionEntity", description="What a selection's members are.")
SelectionKindEnum = SelectionKind
strawberry.enum(
    SelectionKindEnum,
    name="SelectionKind",
    description=(
        "STATIC: the members found when the selection was saved, kept whatever changes later. "
        "DYNAMIC: the criteria, evaluated again on every read."
    ),
)
SelectionFieldEnum = SelectionField
strawberry.enum(
    SelectionFieldEnum,
    name="SelectionField",
    description=(
        "What a condition looks at. LEAD_STATUS: the status a person shows (for an organization: one of "
        "its persons). CATEGORY_GROUP, CATEGORY: the organization's (a person's is inherited). "
        "LEAD_HAS_UTM_DATA: a lead of the contact came with UTM data. OWNER: the contact's owner. "
        "NAME, CITY, COUNTRY, CREATED_AT: of the member. EMAIL, PHONE, JOB_TITLE, ORGANIZATION_NAME: "
        "persons only."
    ),
)
SelectionOperatorEnum = SelectionOperator
strawberry.enum(
    SelectionOperatorEnum,
    name="SelectionOperator",
    description=(
        "IS_ONE_OF / IS_NOT_ONE_OF take ids; EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS, STARTS_WITH "
        "take a value (case-insensitive); IS_EMPTY, IS_NOT_EMPTY, IS_TRUE, IS_FALSE take nothing; "
        "BEFORE and AFTER a date; IN_LAST_DAYS a number of days. Each NOT form is exactly the "
        "complement of its positive one: a contact without a value is 'not one of'."
    ),
)

describe_values(
    SelectionEntityEnum, {"PERSON": "The members are persons.", "ORGANIZATION": "The members are organizations."}
)
describe_values(
    SelectionKindEnum,
    {"STATIC": "Members fixed when saved (or refreshed).", "DYNAMIC": "Members found again on every read."},
)
describe_values(
    SelectionFieldEnum,
    {
        "LEAD_STATUS": "The lead status a person shows (organizations: any of their persons'); takes LeadStatus ids.",
        "CATEGORY_GROUP": "The organization's category group; takes CategoryGroup ids.",
        "CATEGORY": "The organization's category; takes Category ids.",
        "LEAD_HAS_UTM_DATA": "Whether a lead of the contact has UTM data (IS_TRUE, IS_FALSE).",
        "OWNER": "The contact's owner; takes User ids.",
        "NAME": "The member's name.",
        "EMAIL": "A person's email addresses.",
        "PHONE": "A person's phone numbers, compared by their digits.",
        "JOB_TITLE": "A person's job title.",
        "ORGANIZATION_NAME": "The name of a person's organization.",
        "CITY": "The organization's city (a person's organization's).",
        "COUNTRY": "The organization's country (a person's organization's).",
        "CREATED_AT": "When the member was created (BEFORE, AFTER take `date`; IN_LAST_DAYS takes `days`).",
    },
)
describe_values(
    SelectionOperatorEnum,
    {
        "IS_ONE_OF": "Has one of `ids`.",
        "IS_NOT_ONE_OF": "Has none of `ids` (also true without a value).",
        "EQUALS": "Equals `value`, ignoring case.",
        "NOT_EQUALS": "Does not equal `value` (also true without a value).",
        "CONTAINS": "Contains `value`, ignoring case.",
        "NOT_CONTAINS": "Does not contain `value` (also true without a value).",
        "STARTS_WITH": "Starts with `value`, ignoring case.",
        "IS_EMPTY": "Has no value.",
        "IS_NOT_EMPTY": "Has a value.",
        "IS_TRUE": "The condition holds (LEAD_HAS_UTM_DATA).",
        "IS_FALSE": "The condition does not hold (LEAD_HAS_UTM_DATA).",
        "BEFORE": "Before `date`.",
        "AFTER": "After `date`.",
        "IN_LAST_DAYS": "Within the last `days` days (1 to 36500).",
    },
)

SelectionMember = Annotated[
    Person | Organization,
    strawberry.union("SelectionMember", description="A member of a selection: a person or an organization."),
]


@strawberry.type(description="One condition of a selection; the conditions of a selection are combined with AND.")
class SelectionCondition:
    field: SelectionFieldEnum = strawberry.field(description="What it looks at.")
    operator: SelectionOperatorEnum = strawberry.field(description="How it compares.")
    ids: list[strawberry.ID] = strawberry.field(description="The ids it compares with; empty when it takes none.")
    value: str | None = strawberry.field(description="The text it compares with; null when it takes none.")
    date: dt.date | None = strawberry.field(description="The date of BEFORE and AFTER; null otherwise.")
    days: int | None = strawberry.field(description="The days of IN_LAST_DAYS; null otherwise.")

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


@strawberry.type(description="One member of a page, with its cursor.")
class SelectionMemberEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the members after this one.")
    node: SelectionMember = strawberry.field(description="The person or organization.")


@strawberry.type(description="A page of a selection's members, by name.")
class SelectionMemberConnection:
    edges: list[SelectionMemberEdge] = strawberry.field(description="The page's members with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are more members, and the cursors to get them.")
    _selection: strawberry.Private[SelectionModel]

    @strawberry.field(description="The page's members, without cursors.")
    def nodes(self) -> list[SelectionMember]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many members the viewer sees; computed only when asked for.")
    async def total_count(self, info: InfoT) -> int:
        info.context.require_viewer()
        return await info.context.loaders.selection_member_count.load((self._selection, info.context.now))


@strawberry.type(description="A saved search over persons or organizations (SPEC §8).")
class Selection(Node):
    id: strawberry.ID = strawberry.field(description="The selection's global id.")
    name: str = strawberry.field(description="Its name, at most 200 characters.")
    entity: SelectionEntityEnum = strawberry.field(description="Whether its members are persons or organizations.")
    kind: SelectionKindEnum = strawberry.field(description="STATIC or DYNAMIC.")
    is_shared: bool = strawberry.field(description="Shared with the company; otherwise its owner's only.")
    conditions: list[SelectionCondition] = strawberry.field(description="Its criteria, all of which must hold.")
    members_saved_at: dt.datetime | None = strawberry.field(description="When a static selection took its members.")
    created_at: dt.datetime = strawberry.field(description="When it was created.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
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

    @strawberry.field(description="The user who saved it; null if that user was removed.")
    async def owner(self, info: InfoT) -> UserRef | None:
        if self._model.owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._model.owner_id)
        return node_type("User").from_model(user) if user else None

    @strawberry.field(description="The members the viewer may see, by name; a dynamic selection is evaluated now.")
    async def members(
        self,
        info: InfoT,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> SelectionMemberConnection:
        info.context.require_viewer()
        after = after or None
        if after:
            decode_name_cursor(after, SORT)  # a bad cursor is this field's error, not its batch's
        page = await info.context.loaders.selection_members.load(
            (self._model, page_size(first), after, info.context.now)
        )
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
    field: SelectionFieldEnum = strawberry.field(description="What it looks at.")
    operator: SelectionOperatorEnum = strawberry.field(description="An operator the field takes (INVALID otherwise).")
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="LeadStatus, CategoryGroup, Category or User ids, as the field takes."
    )
    value: str | None = strawberry.field(
        default=None, description="For text operators: the text, at most 255 characters."
    )
    date: dt.date | None = strawberry.field(default=None, description="For BEFORE and AFTER.")
    days: int | None = strawberry.field(default=None, description="For IN_LAST_DAYS: 1 to 36500.")


@strawberry.input(description="A new selection.")
class CreateSelectionInput:
    name: str = strawberry.field(description="Required, at most 200 characters.")
    entity: SelectionEntityEnum = strawberry.field(description="Persons or organizations.")
    kind: SelectionKindEnum = strawberry.field(description="STATIC or DYNAMIC.")
    conditions: list[SelectionConditionInput] = strawberry.field(
        default_factory=list, description="At most 50 conditions, combined with AND; none selects every contact."
    )
    is_shared: bool = strawberry.field(default=False, description="Share it with the company.")


@strawberry.input(description="Changes to a selection (its owner or an admin): only the fields given change.")
class UpdateSelectionInput:
    id: strawberry.ID = strawberry.field(description="The selection.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    kind: SelectionKindEnum | None = strawberry.field(default=strawberry.UNSET, description="STATIC or DYNAMIC.")
    conditions: list[SelectionConditionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The criteria from now on, replacing the old ones."
    )
    is_shared: bool | None = strawberry.field(default=strawberry.UNSET, description="Share it with the company or not.")
    refresh: bool = strawberry.field(
        default=False, description="Take a static selection's members again from its criteria, as they match now."
    )


@strawberry.type(description="The result of a selection mutation.")
class SelectionPayload:
    selection: Selection | None = strawberry.field(
        default=None, description="The selection as it is now; null after a delete or on userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing changed: REQUIRED, TOO_LONG, INVALID, TOO_MANY_ITEMS, INVALID_ID, NOT_FOUND, "
            "PERMISSION_DENIED (neither its owner nor an admin). Empty on success."
        ),
    )
