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

from core.errors import DomainError, ErrorCode, FieldError, PublicError
from domain.viewer import Viewer
from models import LeadLabel, LeadStatus, Pipeline, Stage, Team, User

# Ids are looked up this many at a time (one statement each), whatever a filter holds.
CHUNK = 500

# What each kind of id names, as a message says it, and how to find the company's own rows.
_KINDS: dict[str, tuple[str, Any, str]] = {
    "LeadLabel": ("label", LeadLabel, "company_id"),
    "User": ("user", User, "company_id"),
    "Team": ("team", Team, "company_id"),
    "LeadStatus": ("lead status", LeadStatus, "company_id"),
    "Pipeline": ("pipeline", Pipeline, "company_id"),
    "Stage": ("stage", Stage, "pipeline__company_id"),
}


@dataclass(frozen=True)
class FilterRef:
    """Ids of one kind (a GraphQL type name of ``_KINDS``) given in one filter field."""

    kind: str
    ids: Sequence[int]
    field: tuple[str, ...]


async def _found(viewer: Viewer, kind: str, ids: list[int]) -> set[int]:
    _, model, company = _KINDS[kind]
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = await model.filter(id__in=chunk, **{company: viewer.company_id}).values_list("id", flat=True)
        found.update(rows)
    return found


async def check_filter_refs(viewer: Viewer, refs: Sequence[FilterRef]) -> None:
    """Raise ``NOT_FOUND`` for each field naming an id the viewer's company does not have."""
    errors: list[FieldError] = []
    for ref in refs:
        wanted = sorted(set(ref.ids))
        if not wanted:
            continue
        found = await _found(viewer, ref.kind, wanted)
        missing = [i for i in wanted if i not in found]
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
