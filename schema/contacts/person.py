"""Persons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from core.ids import to_global_id
from domain.columns.custom_value import field_values
from domain.contact_fields import PERSON_FIELDS
from domain.emails_phones import primary_value
from models import CustomFieldEntity
from models import Person as PersonModel
from schema.activity.changelog import ChangeLogEntry
from schema.base import InfoT, Node, PageInfo, node_type
from schema.columns.custom_field import CustomFieldValue
from schema.contacts.lead_status import Category, LeadStatus, LeadStatusHiddenReasonEnum
from schema.declared import declared_fields, read_fields

if TYPE_CHECKING:
    from schema.accounts.account import User
    from schema.contacts.organization import Organization


UserRef = Annotated["User", strawberry.lazy("schema.accounts.account")]
OrganizationRef = Annotated["Organization", strawberry.lazy("schema.contacts.organization")]


@strawberry.type(description="An email address or phone number with its label; one of a list is primary.")
class ContactValue:
    value: str = strawberry.field(description="The email address or phone number, as entered.")
    label: str = strawberry.field(description="What kind it is, e.g. `work`, `home`, `mobile`.")
    primary: bool = strawberry.field(description="Whether it is the list's primary one (exactly one is).")


@strawberry.input(description="An email address or phone number with its label.")
class ContactValueInput:
    value: str = strawberry.field(
        description="An email address (name@domain.tld), or a phone number of at least three digits; else INVALID."
    )
    label: str = strawberry.field(default="work", description="What kind it is; at most 32 characters kept.")
    primary: bool = strawberry.field(
        default=False, description="Make it the primary one; without any, the first of the list is."
    )


def _values(items: list[dict[str, Any]]) -> list[ContactValue]:
    return [ContactValue(value=i["value"], label=i.get("label", ""), primary=bool(i.get("primary"))) for i in items]


@strawberry.type(description="A contact person, optionally of an organization; visible to you by its `visibility`.")
@declared_fields(PERSON_FIELDS, after="id", followed_by={"lastName": ("emails", "phones")})
class Person(Node):
    id: strawberry.ID = strawberry.field(description="The person's global id.")
    emails: list[ContactValue] = strawberry.field(description="Email addresses; exactly one is primary unless empty.")
    phones: list[ContactValue] = strawberry.field(description="Phone numbers; exactly one is primary unless empty.")
    _pk: strawberry.Private[int]
    _organization_id: strawberry.Private[int | None]
    _owner_id: strawberry.Private[int | None]
    _custom_fields: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_model(cls, person: PersonModel) -> Person:
        return cls(
            id=strawberry.ID(to_global_id("Person", person.id)),
            **read_fields(PERSON_FIELDS, person),
            emails=_values(person.emails),
            phones=_values(person.phones),
            _pk=person.id,
            _organization_id=person.organization_id,
            _owner_id=person.owner_id,
            _custom_fields=person.custom_fields or {},
        )

    @strawberry.field(description="The primary email address, if any.")
    def primary_email(self) -> str | None:
        return primary_value({"value": e.value, "primary": e.primary} for e in self.emails)

    @strawberry.field(description="The primary phone number, if any.")
    def primary_phone(self) -> str | None:
        return primary_value({"value": p.value, "primary": p.primary} for p in self.phones)

    @strawberry.field(description="The organization the person works for; null when none.")
    async def organization(self, info: InfoT) -> OrganizationRef | None:
        if self._organization_id is None:
            return None
        org = await info.context.loaders.organization_by_id.load(self._organization_id)
        return node_type("Organization").from_model(org) if org else None

    @strawberry.field(description="Every person custom field with this person's value.")
    async def custom_fields(self, info: InfoT) -> list[CustomFieldValue]:
        fields = await info.context.loaders.custom_fields_by_entity.load(CustomFieldEntity.PERSON)
        values = field_values(fields, self._custom_fields, deal_value=None, with_formulas=False)
        return [CustomFieldValue.from_value(v) for v in values]

    @strawberry.field(description="The user who owns the person; null if that user was removed.")
    async def owner(self, info: InfoT) -> UserRef | None:
        if self._owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self._owner_id)
        return node_type("User").from_model(user) if user else None

    @strawberry.field(description="The organization's category: a person inherits it and cannot set its own.")
    async def category(self, info: InfoT) -> Category | None:
        state = await info.context.loaders.lead_state_by_person_id.load(self._pk)
        return Category.from_model(state.category) if state and state.category else None

    @strawberry.field(
        description=(
            "The person's lead status, while its organization's category is in a group with lead status "
            "enabled; null otherwise (see leadStatusHiddenReason and storedLeadStatus)."
        )
    )
    async def lead_status(self, info: InfoT) -> LeadStatus | None:
        state = await info.context.loaders.lead_state_by_person_id.load(self._pk)
        return LeadStatus.from_model(state.visible) if state and state.visible else None

    @strawberry.field(description="Why leadStatus is null although lead status exists; null while it shows.")
    async def lead_status_hidden_reason(self, info: InfoT) -> LeadStatusHiddenReasonEnum | None:
        state = await info.context.loaders.lead_state_by_person_id.load(self._pk)
        return state.hidden_reason if state else None

    @strawberry.field(
        description=(
            "The status stored on the person, shown or not: kept while the organization's category has lead "
            "status disabled, readable here but not editable."
        )
    )
    async def stored_lead_status(self, info: InfoT) -> LeadStatus | None:
        state = await info.context.loaders.lead_state_by_person_id.load(self._pk)
        return LeadStatus.from_model(state.stored) if state and state.stored else None

    @strawberry.field(description="Whether setLeadStatus can change this person's status now.")
    async def lead_status_editable(self, info: InfoT) -> bool:
        state = await info.context.loaders.lead_state_by_person_id.load(self._pk)
        return bool(state and state.enabled)

    @strawberry.field(description="What changed on the person, newest first, lead status changes included.")
    async def change_log(self, info: InfoT) -> list[ChangeLogEntry]:
        return [ChangeLogEntry.from_model(e) for e in await info.context.loaders.change_log_by_person_id.load(self._pk)]


@strawberry.type(description="One person of a page, with its cursor.")
class PersonEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the persons after this one.")
    node: Person = strawberry.field(description="The person.")


@strawberry.type(description="A page of persons (keyset pagination: `first`/`after`).")
class PersonConnection:
    edges: list[PersonEdge] = strawberry.field(description="The page's persons with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are more persons, and the cursors to get them.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The page's persons, without cursors.")
    def nodes(self) -> list[Person]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many persons match in all; computed only when asked for.")
    async def total_count(self) -> int:
        return await self._count()
