"""Checks that ids handed in by a client point at rows of the caller's own company."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from core.errors import DomainError, ErrorCode, FieldError, fail
from domain.viewer import Viewer
from models import LeadLabel, Team, User


async def check_owner_user(viewer: Viewer, user_id: int | None, path: tuple[str, ...]) -> None:
    if user_id is None:
        return
    if not await User.exists(id=user_id, company_id=viewer.company_id, is_active=True):
        raise fail("Owner is not an active user of this company.", ErrorCode.NOT_FOUND, *path)


async def check_team(viewer: Viewer, team_id: int | None, path: tuple[str, ...]) -> None:
    if team_id is None:
        return
    if not await Team.exists(id=team_id, company_id=viewer.company_id):
        raise fail("Team not found.", ErrorCode.NOT_FOUND, *path)


async def check_labels(viewer: Viewer, label_ids: Iterable[int], path: tuple[str, ...]) -> list[int]:
    wanted = sorted(set(label_ids))
    if not wanted:
        return []
    ids = await LeadLabel.filter(id__in=wanted, company_id=viewer.company_id).values_list("id", flat=True)
    found = set(cast(list[int], ids))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise DomainError(FieldError(f"{len(missing)} label(s) not found.", ErrorCode.NOT_FOUND, path))
    return wanted
