"""Duplicates (SPEC §6): which organizations, persons and leads a new one would double, and
what the caller chose to do about each.

The rules: organizations match by name, persons by name, leads by title together with their
person's name. Names are compared by their *match key* (:func:`match_key`: case, accents and
surrounding or repeated white space ignored, national letters transliterated), which every
write path keeps in an indexed column (``name_key``, ``title_key``), so that a check is an index
lookup whatever the company's size.

Only what the viewer may see is a candidate: a duplicate hidden from them cannot be offered for
linking, and another company's records never exist here at all.

The same functions serve every path that creates contacts (``createLead``, conversions, the
Prospector, imports): each says what to do with a found duplicate through a
:class:`DuplicatePolicy`; without a decision a found duplicate is a ``DUPLICATE`` error naming
the candidates, and the caller changes nothing.

A check and the insert it allows are one decision: callers take :func:`lock_duplicates` inside
the transaction that inserts, before checking, so that racing creations of one name make one
record (twenty concurrent createLead calls with one new person name and LINK: one person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.db import fetch
from core.errors import DomainError, ErrorCode, FieldError
from core.locks import lock_keys
from domain.fold import fold_key
from domain.viewer import Viewer
from models import Lead, Organization, Person

# How many candidates of one kind are offered at most; enough for a person to choose from.
MAX_CANDIDATES = 20


async def lock_duplicates(
    company_id: int, *, person_name: str | None = None, organization_name: str | None = None
) -> None:
    """Make the duplicate check of a new person or organization and its insert one decision:
    call inside the transaction that inserts, before checking. Until it ends, no other
    transaction of the company can check (and so insert) a person or organization with the
    same match key. PostgreSQL: an advisory lock per company, kind and key, taken in one order
    so that two callers cannot wait on each other; SQLite: the database write lock."""
    await lock_contact_keys(
        company_id,
        organization_keys=[match_key(organization_name)] if organization_name is not None else [],
        person_keys=[match_key(person_name)] if person_name is not None else [],
    )


async def lock_contact_keys(
    company_id: int, *, organization_keys: Sequence[str] = (), person_keys: Sequence[str] = ()
) -> None:
    """:func:`lock_duplicates` for many match keys at once (an import's batch): the same locks,
    so an import and a createLead of one name wait for each other; taken in one order
    (core.locks.lock_keys), so that neither can wait on the other in a circle."""
    await lock_keys(
        [("duplicate", company_id, "organization", key) for key in organization_keys if key]
        + [("duplicate", company_id, "person", key) for key in person_keys if key]
    )


def match_key(text: str | None) -> str:
    """The form in which two names are the same for duplicate matching: :func:`domain.fold.fold_key`.

    ``"  Ångström   AB "`` and ``"angstrom ab"`` share the key ``"angstrom ab"``, and so do
    ``"Bjørn Ødegård"`` and ``"Bjorn Odegard"``.
    """
    return fold_key(text)


class Resolution(str, Enum):
    """What to do when a new contact or lead has duplicates."""

    # Use the existing record (the one named, or the only candidate) instead of a new one;
    # when nothing matches, a new one is created.
    LINK = "LINK"
    # Create the new record although it doubles an existing one.
    CREATE = "CREATE"


@dataclass(frozen=True)
class DuplicatePolicy:
    """The caller's decisions for one new lead; ``None`` means "not decided yet": a found
    duplicate is then reported, and nothing is written.

    ``person_id``/``organization_id`` name the candidate to link; naming one implies LINK.
    A lead cannot be linked, only accepted as a duplicate (``lead=CREATE``).
    """

    person: Resolution | None = None
    person_id: int | None = None
    organization: Resolution | None = None
    organization_id: int | None = None
    lead: Resolution | None = None

    @classmethod
    def create_all(cls) -> DuplicatePolicy:
        """Create every new record even where it duplicates one: what a caller that has
        already decided (or wants namesakes on purpose, as the demo and tests do) passes."""
        return cls(person=Resolution.CREATE, organization=Resolution.CREATE, lead=Resolution.CREATE)


@dataclass
class Duplicates:
    organizations: list[Organization] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)


async def _contacts(viewer: Viewer, model: Any, key: str, limit: int, only_id: int | None = None) -> list[Any]:
    """Visible persons or organizations of the viewer's company with this match key."""
    if not key:
        return []
    table = model._meta.db_table
    where, params = viewer.readable_sql("c", "owner_id")
    where.append("c.name_key = ?")
    params.append(key)
    if only_id is not None:
        where.append("c.id = ?")
        params.append(only_id)
    rows = await fetch(
        f"SELECT c.* FROM {table} c WHERE {' AND '.join(where)} ORDER BY c.created_at, c.id LIMIT ?",
        [*params, limit],
    )
    return [model._init_from_db(**row) for row in rows]


async def contacts_by_key(viewer: Viewer, model: Any, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """For many match keys at once (an import's batch): the visible persons or organizations of
    the viewer's company having each key, oldest first, as ``{"id", "name"}``; one statement
    per 500 keys."""
    wanted = sorted({k for k in keys if k})
    out: dict[str, list[dict[str, Any]]] = {}
    table = model._meta.db_table
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        where, params = viewer.readable_sql("c", "owner_id")
        where.append(f"c.name_key IN ({','.join('?' * len(chunk))})")
        params += chunk
        rows = await fetch(
            f"SELECT c.id, c.name, c.name_key FROM {table} c WHERE {' AND '.join(where)} ORDER BY c.created_at, c.id",
            params,
        )
        for row in rows:
            out.setdefault(row["name_key"], []).append({"id": row["id"], "name": row["name"]})
    return out


async def person_candidates(
    viewer: Viewer, name: str | None, limit: int = MAX_CANDIDATES, *, only_id: int | None = None
) -> list[Person]:
    """Persons the viewer can see whose name matches ``name``, oldest first."""
    return await _contacts(viewer, Person, match_key(name), limit, only_id)


async def organization_candidates(
    viewer: Viewer, name: str | None, limit: int = MAX_CANDIDATES, *, only_id: int | None = None
) -> list[Organization]:
    """Organizations the viewer can see whose name matches ``name``, oldest first."""
    return await _contacts(viewer, Organization, match_key(name), limit, only_id)


async def lead_candidates(
    viewer: Viewer, title: str | None, person_name: str | None, limit: int = MAX_CANDIDATES
) -> list[Lead]:
    """Leads the viewer can see (archived ones too) with a matching title whose person has a
    matching name, oldest first. A lead without a person never matches."""
    title_key, name_key = match_key(title), match_key(person_name)
    if not title_key or not name_key:
        return []
    where, params = viewer.readable_sql("l", "owner_user_id", "owner_team_id")
    where += ["l.title_key = ?", "p.name_key = ?"]
    params += [title_key, name_key]
    rows = await fetch(
        "SELECT l.* FROM lead l JOIN person p ON p.id = l.person_id"
        f" WHERE {' AND '.join(where)} ORDER BY l.created_at, l.id LIMIT ?",
        [*params, limit],
    )
    return [Lead._init_from_db(**row) for row in rows]


async def find_duplicates(
    viewer: Viewer,
    *,
    organization_name: str | None = None,
    person_name: str | None = None,
    lead_title: str | None = None,
    limit: int = MAX_CANDIDATES,
) -> Duplicates:
    """The candidates a would-be organization, person or lead (title with person name) has."""
    return Duplicates(
        organizations=await organization_candidates(viewer, organization_name, limit),
        persons=await person_candidates(viewer, person_name, limit),
        leads=await lead_candidates(viewer, lead_title, person_name, limit) if lead_title else [],
    )


def _candidate_ids(type_name: str, rows: Sequence[Any]) -> tuple[tuple[str, Any], ...]:
    return tuple((type_name, row.id) for row in rows)


async def _resolve_contact(
    viewer: Viewer,
    kind: str,
    name: str,
    resolution: Resolution | None,
    link_id: int | None,
    path: tuple[str, ...],
    link_path: tuple[str, ...],
) -> int | None:
    model, type_name = (Person, "Person") if kind == "person" else (Organization, "Organization")
    key = match_key(name)
    if resolution == Resolution.CREATE:
        if link_id is not None:
            raise DomainError(
                FieldError(
                    f"An id to link goes with {kind}_duplicate: LINK, not CREATE.", ErrorCode.CONFLICT, link_path
                )
            )
        return None
    if link_id is not None:
        # Linking the record named: it must be one of the candidates (visible, same key).
        found = await _contacts(viewer, model, key, 1, link_id)
        if not found:
            raise DomainError(
                FieldError(f"No {kind} with this id duplicates the new one.", ErrorCode.NOT_FOUND, link_path)
            )
        return int(found[0].id)
    candidates = await _contacts(viewer, model, key, MAX_CANDIDATES)
    if not candidates:
        return None
    listed = ", ".join(repr(c.name) for c in candidates[:3]) + (" …" if len(candidates) > 3 else "")
    if resolution == Resolution.LINK:
        if len(candidates) == 1:
            return int(candidates[0].id)
        raise DomainError(
            FieldError(
                f"{len(candidates)} {kind}s match {name!r} ({listed}): name the one to link.",
                ErrorCode.REQUIRED,
                link_path,
                _candidate_ids(type_name, candidates),
            )
        )
    raise DomainError(
        FieldError(
            f"The {kind} {name!r} may already exist: {listed}."
            f" Resubmit with {kind}_duplicate: LINK (to use it) or CREATE (to add a new one).",
            ErrorCode.DUPLICATE,
            path,
            _candidate_ids(type_name, candidates),
        )
    )


async def resolve_person(
    viewer: Viewer,
    name: str,
    policy: DuplicatePolicy,
    path: tuple[str, ...] = ("input", "person"),
    link_path: tuple[str, ...] = ("input", "link_person_id"),
) -> int | None:
    """The existing person a new person named ``name`` should be linked to, or ``None`` to
    create the new one; a ``DomainError`` (DUPLICATE) when it has duplicates and no decision."""
    return await _resolve_contact(viewer, "person", name, policy.person, policy.person_id, path, link_path)


async def resolve_organization(
    viewer: Viewer,
    name: str,
    policy: DuplicatePolicy,
    path: tuple[str, ...] = ("input", "organization"),
    link_path: tuple[str, ...] = ("input", "link_organization_id"),
) -> int | None:
    """As :func:`resolve_person`, for a new organization."""
    return await _resolve_contact(
        viewer, "organization", name, policy.organization, policy.organization_id, path, link_path
    )


async def check_lead(
    viewer: Viewer,
    title: str,
    person_name: str | None,
    policy: DuplicatePolicy,
    path: tuple[str, ...] = ("input", "title"),
) -> None:
    """Raise DUPLICATE when a visible lead has the same title and person name, unless the
    policy accepts duplicate leads."""
    if policy.lead == Resolution.LINK:
        raise DomainError(
            FieldError(
                "A lead cannot be linked; accept the duplicate with lead_duplicate: CREATE, or merge leads later.",
                ErrorCode.INVALID,
                (*path[:-1], "lead_duplicate"),
            )
        )
    if policy.lead == Resolution.CREATE or not person_name:
        return
    candidates = await lead_candidates(viewer, title, person_name)
    if candidates:
        raise DomainError(
            FieldError(
                f"{len(candidates)} lead(s) titled {title!r} with the person {person_name!r} exist already."
                " Resubmit with lead_duplicate: CREATE to add this one as well.",
                ErrorCode.DUPLICATE,
                path,
                _candidate_ids("Lead", candidates),
            )
        )


@dataclass(frozen=True)
class ResolvedContacts:
    """Existing records to link instead of creating the new person or organization given."""

    person_id: int | None = None
    organization_id: int | None = None


async def resolve_new_lead(
    viewer: Viewer,
    *,
    new_person_name: str | None,
    new_organization_name: str | None,
    title: str,
    person_name: str | None,
    policy: DuplicatePolicy,
    path: tuple[str, ...] = ("input",),
) -> ResolvedContacts:
    """Check a new lead, and its new person and organization when given inline, all at once,
    so that one answer lists every duplicate the caller has to decide about."""
    errors: list[FieldError] = []
    person_id = organization_id = None
    if new_person_name is not None:
        try:
            person_id = await resolve_person(
                viewer, new_person_name, policy, (*path, "person"), (*path, "link_person_id")
            )
        except DomainError as error:
            errors += error.errors
    if new_organization_name is not None:
        try:
            organization_id = await resolve_organization(
                viewer, new_organization_name, policy, (*path, "organization"), (*path, "link_organization_id")
            )
        except DomainError as error:
            errors += error.errors
    try:
        await check_lead(viewer, title, person_name, policy, (*path, "title"))
    except DomainError as error:
        errors += error.errors
    if errors:
        raise DomainError(errors)
    return ResolvedContacts(person_id=person_id, organization_id=organization_id)
