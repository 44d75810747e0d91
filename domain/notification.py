"""Notifications: written by the rules that have something to tell a user, read and marked read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from domain.viewer import Viewer
from models import Notification


async def notify(
    company_id: int,
    user_id: int,
    kind: str,
    message: str,
    *,
    subject_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> Notification:
    return await Notification.create(
        company_id=company_id, user_id=user_id, kind=kind, message=message, subject_id=subject_id, data=data or {}
    )


async def unread_count(viewer: Viewer) -> int:
    """How many of the viewer's notifications in their company are unread."""
    return await Notification.filter(user_id=viewer.user_id, company_id=viewer.company_id, read_at=None).count()


async def mark_read(viewer: Viewer, ids: Sequence[int] | None) -> int:
    """Mark the viewer's notifications read: the ones named, or all when ``ids`` is None."""
    query = Notification.filter(user_id=viewer.user_id, company_id=viewer.company_id, read_at=None)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    return await query.update(read_at=dt.datetime.now(dt.UTC))
