"""The ids a list filter names (labels, owners, teams, lead statuses, pipelines, stages) must be
the caller's company's own.

Another company's id never found anything (every list is scoped to the company), but it used to
answer like an id that matches no row, silently. Now an id that is unknown or another company's
is refused the same way, with ``NOT_FOUND`` naming the filter field, so that a client learns of
its mistake and the answer tells nothing about other companies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.db import fetch
from core.errors import DomainError, ErrorCode, FieldError, PublicError
from domain.viewer import Viewer
from models import LeadLabel, LeadStatus, Pipeline, Stage, Team, User

# Ids are looked up this many at a time (one statement for every kind), whatever a filter holds.
CHUNK = 500
# The keys these kinds' tables can hold (32-bit serials): an id beyond them is unknown unasked
# (PostgreSQL would refuse it as a parameter of the column's type).
KEYS = range(1, 2**31)

# What each kind of id names, as a message says it, its table, and how a row of it is the company's
# (the table's alias is ``t``; a stage is its pipeline's).
_KINDS: dict[str, tuple[str, Any, str]] = {
    "LeadLabel": ("label", LeadLabel, "t.company_id"),
    "User": ("user", User, "t.company_id"),
    "Team": ("team", Team, "t.company_id"),
    "LeadStatus": ("lead status", LeadStatus, "t.company_id"),
    "Pipeline": ("pipeline", Pipeline, "t.company_id"),
    "Stage": ("stage", Stage, "(SELECT p.company_id FROM pipeline p WHERE p.id = t.pipeline_id)"),
}


@dataclass(frozen=True)
class FilterRef:
    """Ids of one kind (a GraphQL type name of ``_KINDS``) given in one filter field."""

    kind: str
    ids: Sequence[int]
    field: tuple[str, ...]


async def _found(viewer: Viewer, wanted: dict[str, list[int]]) -> set[tuple[str, int]]:
    """The (kind, id) pairs of ``wanted`` that are the viewer's company's: every kind in one
    statement (a UNION ALL), :data:`CHUNK` ids at most a statement."""
    pairs = [(kind, i) for kind, ids in wanted.items() for i in ids if i in KEYS]
    found: set[tuple[str, int]] = set()
    for start in range(0, len(pairs), CHUNK):
        by_kind: dict[str, list[int]] = {}
        for kind, i in pairs[start : start + CHUNK]:
            by_kind.setdefault(kind, []).append(i)
        parts, params = [], []
        for kind, ids in by_kind.items():
            _, model, company = _KINDS[kind]
            marks = ", ".join("?" * len(ids))
            parts.append(
                f"SELECT '{kind}' AS kind, t.id AS id FROM {model._meta.db_table} t"
                f" WHERE t.id IN ({marks}) AND {company} = ?"
            )
            params += [*ids, viewer.company_id]
        rows = await fetch(" UNION ALL ".join(parts), params)
        found.update((row["kind"], row["id"]) for row in rows)
    return found


async def check_filter_refs(viewer: Viewer, refs: Sequence[FilterRef]) -> None:
    """Raise ``NOT_FOUND`` for each field naming an id the viewer's company does not have."""
    by_kind: dict[str, set[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, set()).update(ref.ids)
    wanted = {kind: sorted(ids) for kind, ids in by_kind.items() if ids}
    if not wanted:
        return
    found = await _found(viewer, wanted)
    errors: list[FieldError] = []
    for ref in refs:
        missing = [i for i in sorted(set(ref.ids)) if (ref.kind, i) not in found]
        if missing:
            noun = _KINDS[ref.kind][0]
            message = f"{ref.field[-1]}: {len(missing)} {noun} id(s) not found."
            errors.append(FieldError(message, ErrorCode.NOT_FOUND, ref.field))
    if errors:
        raise DomainError(errors)


async def check_list_refs(viewer: Viewer, refs: Sequence[FilterRef]) -> None:
    """:func:`check_filter_refs` for a list query, whose answer is a top-level NOT_FOUND error
    (every reader of the list calls the domain, the compiled read engine too)."""
    try:
        await check_filter_refs(viewer, refs)
    except DomainError as exc:
        raise PublicError(" ".join(e.message for e in exc.errors), code="NOT_FOUND") from exc
