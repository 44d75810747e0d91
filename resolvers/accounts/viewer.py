"""`viewer`: the authenticated user."""

from __future__ import annotations

import strawberry

from models import User as UserModel
from schema.accounts.account import User
from schema.base import InfoT


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The user the bearer token belongs to.")
    async def viewer(self, info: InfoT) -> User:
        viewer = info.context.require_viewer()
        return User.from_model(await UserModel.get(id=viewer.user_id))
