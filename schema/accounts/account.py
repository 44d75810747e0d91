"""Users, teams and the viewer."""

from __future__ import annotations

import strawberry

from core.ids import to_global_id
from domain.fold import fold
from models import Team as TeamModel
from models import User as UserModel
from schema.base import InfoT, Node, RoleEnum
from schema.columns.column import LeadColumn


@strawberry.type(description="Permissions of a user; admins have all of them.")
class UserPermissions:
    convert_deals_to_leads: bool = strawberry.field(
        description="May convert deals to leads (`convertDealsToLeads`); on by default for regular users.",
    )
    add_prospector_leads: bool = strawberry.field(
        description="May buy prospects and report them (`purchaseProspect`, `reportIncorrect`); off by default.",
    )
    buy_credits: bool = strawberry.field(description="May buy credits and set the monthly quota: admins only.")
    manage_labels: bool = strawberry.field(
        description=(
            "May create, rename, recolour and delete the company's lead labels (`createLeadLabel`, "
            "`updateLeadLabel`, `deleteLeadLabel`); off by default for regular users."
        ),
    )


@strawberry.type(description="A user of your company.")
class User(Node):
    id: strawberry.ID = strawberry.field(description="The user's global id.")
    name: str = strawberry.field(description="Full name, as `@Full Name` mentions in notes use it.")
    email: str = strawberry.field(description="Email address, lower case, unique within the company.")
    role: RoleEnum = strawberry.field(description="ADMIN or REGULAR.")
    is_active: bool = strawberry.field(description="False for a deactivated user, who can own nothing new.")
    permissions: UserPermissions = strawberry.field(description="What the user may do beyond reading and editing.")
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        admin = user.is_admin
        return cls(
            _id=user.id,
            id=strawberry.ID(to_global_id("User", user.id)),
            name=user.name,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            permissions=UserPermissions(
                convert_deals_to_leads=admin or user.can_convert_deals_to_leads,
                add_prospector_leads=admin or user.can_add_prospector_leads,
                buy_credits=admin,
                manage_labels=admin or user.can_manage_labels,
            ),
        )

    @strawberry.field(
        description=(
            "The user's inbox columns in order (the defaults until they choose; `setLeadColumns`). "
            "Only the viewer's own are readable: null for anyone else."
        )
    )
    async def lead_columns(self, info: InfoT) -> list[LeadColumn] | None:
        if self._id != info.context.require_viewer().user_id:
            return None
        return [LeadColumn.of(c) for c in await info.context.viewer_columns()]


@strawberry.type(description="A named group of users; it can own leads.")
class Team(Node):
    id: strawberry.ID = strawberry.field(description="The team's global id.")
    name: str = strawberry.field(description="The team's name.")
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, team: TeamModel) -> Team:
        return cls(id=strawberry.ID(to_global_id("Team", team.id)), name=team.name, _id=team.id)

    @strawberry.field(description="The team's users (active or not), by name.")
    async def members(self, info: InfoT) -> list[User]:
        loaders = info.context.loaders
        ids = await loaders.team_members_by_team_id.load(self._id)
        users = await loaders.user_by_id.load_many(ids)
        return sorted((User.from_model(u) for u in users if u is not None), key=lambda u: fold(u.name))


@strawberry.type(description="The company (tenant) of the viewer.")
class Company(Node):
    id: strawberry.ID = strawberry.field(description="The company's global id.")
    name: str = strawberry.field(description="The company's name.")
