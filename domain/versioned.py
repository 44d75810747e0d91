"""Updates of versioned records (leads, persons, organizations, deals): only what changed is
written, on a row read under a lock, and a client may say which version it changed.

Each such record has a ``version`` that every update through these rules raises by one, and so
does every other writer of such a record (bulk changes, archiving, a lead status, a merge, a
conversion, deleting and restoring a deal) through :func:`write_many`. A client
that read version 7 and sends ``expectedVersion: 7`` gets CONFLICT (and nothing is written) when
someone else changed the record since; one that sends none has its fields applied on top of
whatever the others wrote, field by field and custom value by custom value, never losing theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model

from core.errors import ErrorCode, fail
from core.jsonable import loggable
from domain.fold import keyed


def check_version(row: Model, expected: int | None, what: str, path: tuple[str, ...] = ("input",)) -> None:
    """CONFLICT when the client expected another version of ``row`` than the stored one."""
    current = row.version  # type: ignore[attr-defined]  # the versioned models' column; Model has none
    if expected is not None and expected != current:
        raise fail(
            f"The {what} was changed by someone else since version {expected}: it is at version {current} now."
            " Read it again and apply your change to that.",
            ErrorCode.CONFLICT,
            *path,
            "expected_version",
        )


async def write_changes(row: Model, values: dict[str, Any], *, touch: bool = False) -> dict[str, Any]:
    """Write to ``row``'s table only the values that differ from the row (read under
    :func:`core.locks.lock_row`), raising ``version`` and ``updated_at`` when anything changed
    (or when ``touch`` says something beside the row changed, e.g. its labels). Columns not
    named keep what concurrent writers stored. The folded keys of the texts written are
    written with them (domain.fold.keyed). Returns the values that changed; ``row`` is updated
    in memory as well."""
    values = keyed(type(row), values)
    changed = {k: v for k, v in values.items() if loggable(getattr(row, k)) != loggable(v)}
    if not changed and not touch:
        return changed
    stamp = dt.datetime.now(dt.UTC)
    await type(row).filter(id=row.pk).update(**changed, updated_at=stamp, version=F("version") + 1)
    for k, v in changed.items():
        setattr(row, k, v)
    row.updated_at = stamp
    row.version += 1  # type: ignore[attr-defined]  # as above
    return changed


CHUNK = 500


async def write_many(model: type[Model], ids: Sequence[Any], **values: Any) -> None:
    """Write ``values`` to the rows ``ids`` of ``model``, raising each one's ``version`` (and
    ``updated_at``, unless ``values`` sets it), so that a client holding an older version gets
    CONFLICT: for writers that change records other than field by field (bulk changes,
    archiving, a lead status, a merge's survivor, a deal a conversion deleted). The folded
    keys of the texts written are written with them (domain.fold.keyed)."""
    values = keyed(model, values)
    values.setdefault("updated_at", dt.datetime.now(dt.UTC))
    for start in range(0, len(ids), CHUNK):
        await model.filter(id__in=list(ids[start : start + CHUNK])).update(**values, version=F("version") + 1)
