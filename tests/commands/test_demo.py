"""The demo company: its shape, and the derived columns the domain rules keep consistent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from cli.demo import fill_demo
from domain.activity.note import find_mentions
from domain.contacts.duplicate import match_key
from domain.contacts.person import digits
from domain.next_activity import refresh_next_activity
from domain.viewer import viewer_for_user
from models import (
    Activity,
    ChangeLogEntry,
    Lead,
    LeadLabel,
    LeadSource,
    Note,
    NoteMention,
    Notification,
    Organization,
    Person,
    Role,
    Team,
    TeamMember,
    User,
)

NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.UTC)


async def test_demo_company_shape() -> None:
    company_id, admin_id = await fill_demo("Demo Sales AB", leads=200, now=NOW)

    users = await User.filter(company_id=company_id)
    assert len(users) == 6
    assert [u.id for u in users if u.role == Role.ADMIN] == [admin_id]
    teams = await Team.filter(company_id=company_id)
    assert len(teams) == 2
    assert await TeamMember.filter(team_id__in=[t.id for t in teams]).count() == 5
    assert {label.name for label in await LeadLabel.filter(company_id=company_id)} >= {"Hot", "Warm", "Cold"}

    leads = await Lead.filter(company_id=company_id)
    assert len(leads) == 200
    assert await Organization.filter(company_id=company_id).count() == 40
    assert await Person.filter(company_id=company_id).count() == 166
    # Every lead is linked to a contact, owned by exactly one user or team.
    assert all(lead.person_id or lead.organization_id for lead in leads)
    assert all((lead.owner_user_id is None) != (lead.owner_team_id is None) for lead in leads)
    assert any(lead.owner_team_id for lead in leads)
    # A mix: several sources, currencies, some without value, some archived, some unseen.
    assert len(Counter(lead.source for lead in leads)) >= 6
    assert {lead.value_currency for lead in leads} >= {"EUR", "SEK", "USD", None}
    assert all(lead.value_amount is None or lead.value_amount > 0 for lead in leads)
    archived = [lead for lead in leads if lead.is_archived]
    assert 0 < len(archived) < 60 and all(lead.archived_at for lead in archived)
    assert all(lead.archived_at is None for lead in leads if not lead.is_archived)
    web = [lead for lead in leads if lead.source == LeadSource.WEB_FORM]
    assert web and all(lead.utm_source for lead in web)


async def test_demo_history_spans_the_last_year() -> None:
    company_id, _ = await fill_demo(leads=200, now=NOW)
    leads = await Lead.filter(company_id=company_id)
    created = sorted(lead.created_at for lead in leads)
    assert NOW - dt.timedelta(days=366) < created[0] < NOW - dt.timedelta(days=250)
    assert NOW - dt.timedelta(days=60) < created[-1] <= NOW
    # bulk_create stamps "now" on auto_now columns; the demo puts history back.
    assert all(lead.created_at <= lead.updated_at <= NOW for lead in leads)
    assert any(lead.updated_at > lead.created_at for lead in leads)
    persons = await Person.filter(company_id=company_id)
    assert all(p.updated_at == p.created_at < NOW for p in persons)

    log = await ChangeLogEntry.filter(company_id=company_id, entity_type="lead", action="CREATED")
    assert sorted(e.entity_id for e in log) == sorted(str(lead.id) for lead in leads)
    by_id = {str(lead.id): lead for lead in leads}
    assert all(e.created_at == by_id[e.entity_id].created_at for e in log)
    assert all(e.new_value == f'"{by_id[e.entity_id].source.value}"' for e in log)


async def test_demo_next_activity_follows_the_domain_rule() -> None:
    company_id, _ = await fill_demo(leads=200, now=NOW)
    before = (
        await Lead.filter(company_id=company_id)
        .order_by("id")
        .values_list("id", "next_activity_id", "next_activity_date")
    )
    activities = await Activity.filter(company_id=company_id)
    assert any(a.done for a in activities) and any(not a.done for a in activities)
    today = NOW.date()
    pending = [a for a in activities if not a.done]
    assert any(a.due_date < today for a in pending), "some overdue"
    assert any(a.due_date == today for a in pending), "some due today"
    assert any(a.due_date > today for a in pending), "some planned"
    assert all(a.done_at for a in activities if a.done)

    await refresh_next_activity([row[0] for row in before])
    after = (
        await Lead.filter(company_id=company_id)
        .order_by("id")
        .values_list("id", "next_activity_id", "next_activity_date")
    )
    assert after == before
    assert sum(1 for row in before if row[1] is not None) > 50


async def test_demo_contacts_and_notes_are_consistent() -> None:
    company_id, _ = await fill_demo(leads=200, now=NOW)
    persons = await Person.filter(company_id=company_id)
    for person in persons:
        assert person.email_search == " ".join(e["value"].lower() for e in person.emails)
        assert person.phone_search == " ".join(digits(p["value"]) for p in person.phones)
        assert sum(1 for e in person.emails if e["primary"]) == (1 if person.emails else 0)
    # Duplicate checks look rows up by their match keys: the demo's rows must have them.
    assert all(person.name_key == match_key(person.name) for person in persons)
    assert sum(1 for p in persons if p.emails) > 0.8 * len(persons)
    assert sum(1 for p in persons if p.phones) > 0.6 * len(persons)
    organizations = await Organization.filter(company_id=company_id)
    assert all(o.address_street and o.address_city and o.address_postal_code for o in organizations)
    assert all(o.name_key == match_key(o.name) for o in organizations)
    assert any(o.latitude is not None for o in organizations)
    assert any(o.latitude is None for o in organizations)

    notes = await Note.filter(company_id=company_id)
    mentioned = await NoteMention.filter(note_id__in=[n.id for n in notes]).values_list("note_id", "user_id")
    by_note: dict[int, list[int]] = {}
    for note_id, user_id in mentioned:
        by_note.setdefault(note_id, []).append(user_id)
    with_mention = [n for n in notes if "@" in n.content]
    assert with_mention
    for note in with_mention:
        assert by_note.get(note.id, []) == await find_mentions(company_id, note.content)
    assert set(by_note) <= {n.id for n in with_mention}

    # Each mentioned user who may see the lead was notified, as domain.activity.note does; no one else.
    leads = {str(lead.id): lead for lead in await Lead.filter(company_id=company_id)}
    assert all(lead.title_key == match_key(lead.title) for lead in leads.values())
    note_leads = {n.id: leads[str(n.lead_id)] for n in notes}
    expected = set()
    for note_id, user_id in mentioned:
        lead = note_leads[note_id]
        if (await viewer_for_user(user_id)).can_see(lead.visibility, lead.owner_user_id, lead.owner_team_id):
            expected.add((note_id, user_id))
    assert len(expected) > 10
    notified = await Notification.filter(company_id=company_id, kind="MENTIONED")
    assert {(n.data["note_id"], n.user_id) for n in notified} == expected
    assert all(n.subject_id == f"Lead:{note_leads[n.data['note_id']].id}" for n in notified)
