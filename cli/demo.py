"""The demo company: a realistic, deterministic Leads Inbox to try the API on.

Rows are made in memory from a seeded :class:`random.Random` and written with ``bulk_create``
in one transaction: the per-row domain functions would take minutes for a few thousand leads.
What those functions keep consistent is kept here too: persons' search columns
(:func:`domain.contacts.person.clean`), each lead's next activity
(:func:`domain.next_activity.refresh_next_activity`), mentions, and the change log.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from cli import demo_data as words
from cli.demo_generator import Generator, Plan, stamp
from core.db import conn, render, reserve_ids
from domain.accounts.account import create_company, create_team, create_user
from domain.fold import keyed
from domain.viewer import Viewer, viewer_for_user
from models import (
    Activity,
    ChangeLogEntry,
    Email,
    Lead,
    LeadLabel,
    LeadLabelLink,
    Note,
    NoteMention,
    Notification,
    Organization,
    Person,
    Role,
    User,
)

DEFAULT_SEED = 20240601
BATCH = 1000
# Leads made and written at a time (with their contacts, notes and activities).
CHUNK = 5000
M = TypeVar("M", bound=Model)


async def _reserve_ids(table: str, count: int) -> list[int]:
    # The demo writes the company first, in the same transaction: see core.db.reserve_ids.
    return await reserve_ids(table, count)


async def _insert(model: type[M], rows: Sequence[M]) -> None:
    if rows:
        await model.bulk_create(list(rows), batch_size=BATCH)


def next_activity(pending: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The earliest activity not done, in the order of domain.next_activity.refresh_next_activity."""
    if not pending:
        return None
    return min(pending, key=lambda a: (a["due_date"], a["due_time"] is not None, a["due_time"] or dt.time(), a["id"]))


async def fill_demo(
    company_name: str = "Demo Sales AB",
    *,
    leads: int = 3000,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Callable[[int], object] | None = None,
    chunk: int = CHUNK,
) -> tuple[int, int]:
    """Create the demo company and return ``(company_id, admin_user_id)``.

    ``leads`` sets the size: organizations and persons scale with it (3000 leads come with
    about 600 organizations and 2500 persons). The same seed gives the same data, relative to
    ``now``, which defaults to the current time. ``progress`` is called with the number of
    leads written after each chunk of at most ``chunk``.
    """
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    async with in_transaction():
        company = await create_company(company_name)
        users: list[User] = []
        for name, admin, _ in words.USERS:
            email = f"{words.ascii_slug(name).replace('-', '.')}@{words.USER_DOMAIN}"
            role = Role.ADMIN if admin else Role.REGULAR
            users.append(await create_user(company.id, name, email, role, can_add_prospector_leads=admin))
        teams = []
        for index, team_name in enumerate(words.TEAMS):
            members = [u.id for u, (_, _, of) in zip(users, words.USERS, strict=True) if index in of]
            teams.append(await create_team(company.id, team_name, members))
        await LeadLabel.create(
            company_id=company.id, color=words.EXTRA_LABEL[1], **keyed(LeadLabel, {"name": words.EXTRA_LABEL[0]})
        )
        labels = await LeadLabel.filter(company_id=company.id).order_by("id")

        gen = Generator(rng, now, company.id, users, teams, labels)
        viewers = {u.id: await viewer_for_user(u.id) for u in users}
        # In chunks, each with its own organizations and persons, so that memory stays flat
        # however many leads are asked for; the default 3,000 is one chunk.
        for first in range(0, max(leads, 1), chunk):
            size = min(chunk, leads - first)
            await _fill_chunk(gen, rng, now, size, users, viewers)
            gen.plan = Plan()
            gen.countries.clear()
            if progress is not None:
                progress(size)
        await _restore_contact_timestamps(company.id)
    return company.id, users[0].id


async def _fill_chunk(
    gen: Generator, rng: random.Random, now: dt.datetime, leads: int, users: list[User], viewers: dict[int, Viewer]
) -> None:
    """Make and write ``leads`` leads with their own organizations, persons, notes and activities."""
    orgs = gen.organizations(await _reserve_ids("organization", max(leads // 5, 1)))
    persons = gen.persons(await _reserve_ids("person", leads * 5 // 6), orgs)
    loners = [p for p in persons if p.organization_id is None]
    for _ in range(leads):
        gen.lead(uuid.UUID(int=rng.getrandbits(128), version=4), orgs, loners)

    plan = gen.plan
    for activity, activity_id in zip(
        plan.activities, await _reserve_ids("activity", len(plan.activities)), strict=True
    ):
        activity["id"] = activity_id
    for note, note_id in zip(plan.notes, await _reserve_ids("note", len(plan.notes)), strict=True):
        note["id"] = note_id
        gen.log("lead", note["lead_id"], "NOTE_ADDED", note["author_id"], note["created_at"], field="note", new=note_id)
    mentions = [NoteMention(note_id=note["id"], user_id=user_id) for note, user_id, _ in plan.mentions_of]
    notifications = [
        _mention_notification(rng, now, note, viewers[user_id], lead, users)
        for note, user_id, lead in plan.mentions_of
        # As domain.activity.note does: only users who may see the lead hear of it.
        if viewers[user_id].can_see(lead.visibility, lead.owner_user_id, lead.owner_team_id)
    ]
    for lead in plan.leads:
        upcoming = next_activity(plan.pending[lead.id])
        lead.next_activity_id = upcoming["id"] if upcoming else None
        lead.next_activity_date = upcoming["due_date"] if upcoming else None

    await _insert(Organization, plan.organizations)
    await _insert(Person, plan.persons)
    await _insert(Lead, plan.leads)
    await _insert(LeadLabelLink, plan.links)
    await _insert(Activity, [Activity(**a) for a in plan.activities])
    await _insert(Note, [Note(**n) for n in plan.notes])
    await _insert(NoteMention, mentions)
    await _insert(Notification, notifications)
    await _insert(Email, plan.emails)
    await _insert(ChangeLogEntry, plan.log)
    await _restore_lead_timestamps(plan.lead_updated)


def _mention_notification(
    rng: random.Random, now: dt.datetime, note: dict[str, Any], viewer: Viewer, lead: Lead, users: list[User]
) -> Notification:
    """What domain.activity.note tells a mentioned user; those older than two weeks have been read."""
    author = next(u for u in users if u.id == note["author_id"])
    at: dt.datetime = note["created_at"]
    read = now - at > dt.timedelta(days=14)
    return Notification(
        company_id=viewer.company_id,
        user_id=viewer.user_id,
        kind="MENTIONED",
        message=f'{author.name} mentioned you in a note on the lead "{lead.title}".',
        subject_id=f"Lead:{lead.id}",
        data={"note_id": note["id"], "author_id": author.id},
        created_at=at,
        read_at=stamp(rng, at, at + dt.timedelta(days=3)) if read else None,
    )


async def _restore_contact_timestamps(company_id: int) -> None:
    """Put back the historic ``updated_at`` values that bulk_create replaced with "now".

    tortoise stamps ``auto_now`` fields on every insert of a model instance; an UPDATE
    through the connection is the one way to keep the past. Contacts, notes and activities
    were last changed when made; each lead when its last note, activity or archiving happened
    (:func:`_restore_lead_timestamps`, per chunk).
    """
    for table in ("organization", "person", "note", "activity"):
        await conn().execute_query(
            render(f"UPDATE {table} SET updated_at = created_at WHERE company_id = ?", 1), [company_id]
        )


async def _restore_lead_timestamps(lead_updated: list[tuple[dt.datetime, uuid.UUID]]) -> None:
    id_field = Lead._meta.fields_map["id"]
    rows = [[stamp, id_field.to_db_value(lead_id, Lead)] for stamp, lead_id in lead_updated]
    sql = render("UPDATE lead SET updated_at = ? WHERE id = ?", 2)
    for start in range(0, len(rows), BATCH):
        await conn().execute_many(sql, rows[start : start + BATCH])
