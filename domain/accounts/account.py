"""Companies, users, teams and API tokens: what the CLI and the demo set up."""

from __future__ import annotations

import datetime as dt

from tortoise.transactions import in_transaction

from core.errors import ErrorCode, fail
from core.security import new_token, token_digest
from domain.columns.custom_field import definitions_stamp
from domain.contacts.category import create_default_categories
from domain.contacts.lead_status import create_default_statuses
from domain.fold import keyed
from domain.leads.label import create_default_labels
from domain.validation import email_problem
from models import ApiToken, Company, Pipeline, Role, Stage, Team, TeamMember, User

DEFAULT_STAGES = (
    ("Qualified", 10),
    ("Contact made", 20),
    ("Demo scheduled", 40),
    ("Proposal made", 60),
    ("Negotiations started", 80),
)


async def create_company(name: str) -> Company:
    """A new tenant with its default labels, pipeline, category groups and lead statuses."""
    name = name.strip()
    if not name:
        raise fail("name is required.", ErrorCode.REQUIRED, "name")
    async with in_transaction():
        company = await Company.create(name=name, custom_fields_version=definitions_stamp())
        await create_default_labels(company.id)
        await create_default_categories(company.id)
        await create_default_statuses(company.id)
        pipeline = await Pipeline.create(company_id=company.id, name="Sales pipeline", is_default=True)
        await Stage.bulk_create(
            [
                Stage(pipeline_id=pipeline.id, name=n, position=i, probability=p)
                for i, (n, p) in enumerate(DEFAULT_STAGES)
            ]
        )
    return company


async def create_user(
    company_id: int,
    name: str,
    email: str,
    role: Role = Role.REGULAR,
    *,
    can_convert_deals_to_leads: bool = True,
    can_add_prospector_leads: bool = False,
    can_manage_labels: bool = False,
) -> User:
    email = email.strip().lower()
    if not name.strip():
        raise fail("name is required.", ErrorCode.REQUIRED, "name")
    problem = email_problem(email)
    if problem:
        raise fail(f"{email!r} is not an email address: {problem}.", ErrorCode.INVALID, "email")
    if await User.exists(company_id=company_id, email=email):
        raise fail(f"A user with email {email!r} already exists.", ErrorCode.DUPLICATE, "email")
    return await User.create(
        company_id=company_id,
        **keyed(User, {"name": name.strip()}),
        email=email,
        role=role,
        can_convert_deals_to_leads=can_convert_deals_to_leads,
        can_add_prospector_leads=can_add_prospector_leads,
        can_manage_labels=can_manage_labels,
    )


async def create_token(user_id: int, name: str = "", *, app: bool = False) -> str:
    """Create an API token for a user and return it: the only time it is ever shown.

    ``app`` marks a token of the sales team's own client: leads it creates are MANUAL
    rather than API.
    """
    token = new_token()
    await ApiToken.create(
        user_id=user_id, name=name, token_hash=token_digest(token), prefix=token[:12], client="APP" if app else "API"
    )
    return token


async def revoke_token(token: str) -> bool:
    updated = await ApiToken.filter(token_hash=token_digest(token), revoked_at=None).update(
        revoked_at=dt.datetime.now(dt.UTC)
    )
    return bool(updated)


async def create_team(company_id: int, name: str, member_ids: list[int]) -> Team:
    async with in_transaction():
        team = await Team.create(company_id=company_id, **keyed(Team, {"name": name}))
        users = await User.filter(id__in=member_ids, company_id=company_id).values_list("id", flat=True)
        await TeamMember.bulk_create([TeamMember(team_id=team.id, user_id=u) for u in users])
    return team
