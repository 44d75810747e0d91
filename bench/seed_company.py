"""The company's small things for bench/seed.py, made through the domain functions: users,
teams, labels, custom fields (the inbox's ``values`` columns), pipeline and tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.seed_words import FIRST, LAST, ORG_WORDS
from core.db import fetch
from domain.accounts.account import create_company, create_team, create_token, create_user
from domain.columns.custom_field import OptionData, create_custom_field
from domain.leads.label import create_label
from domain.viewer import viewer_for_user
from models import CustomFieldEntity, CustomFieldType, Role

EXTRA_LABELS = (
    ("Enterprise", "purple"),
    ("SMB", "green"),
    ("Partner", "#0088cc"),
    ("Event", "orange"),
    ("Inbound", "teal"),
    ("Outbound", "gray"),
    ("Referral", "pink"),
    ("Renewal", "#aa5500"),
    ("Priority", "#cc0000"),
)
TIERS = (("Bronze", "brown"), ("Silver", "gray"), ("Gold", "yellow"), ("Platinum", "blue"))
# The inbox's five custom columns (Q1's `values`), by key.
LEAD_FIELDS = (
    ("deal_size", "Deal size", CustomFieldType.NUMBER),
    ("tier", "Tier", CustomFieldType.SINGLE_OPTION),
    ("decision_date", "Decision date", CustomFieldType.DATE),
    ("budget", "Budget", CustomFieldType.MONETARY),
    ("campaign", "Campaign", CustomFieldType.TEXT),
)
COLUMNS = [f"cf.lead.{key}" for key, _, _ in LEAD_FIELDS]


@dataclass
class CompanySetup:
    """The ids the generator draws from, made through the domain functions."""

    company_id: int
    user_ids: list[int]
    team_ids: list[int]
    label_ids: list[int]
    # Lead custom field key -> option ids (empty for fields without options).
    options: dict[str, list[int]] = field(default_factory=dict)
    person_field: str = ""
    organization_field: str = ""
    # The default pipeline (create_company makes it) and its stages in order.
    pipeline_id: int = 0
    stage_ids: list[int] = field(default_factory=list)


async def make_company(name: str, users: int, teams: int, *, full: bool) -> tuple[CompanySetup, str, str]:
    """A company with its users (the first an admin), teams, labels and custom fields; returns
    it with an admin's and a regular user's token."""
    company = await create_company(name)
    domain_name = name.lower().replace(" ", "")
    user_ids = []
    for i in range(users):
        role = Role.ADMIN if i == 0 else Role.REGULAR
        person = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        user = await create_user(company.id, person, f"user{i + 1}@{domain_name}.example", role)
        user_ids.append(user.id)
    team_ids = []
    for t in range(teams):
        members = user_ids[1 + t :: max(1, teams)][:8]
        team_ids.append((await create_team(company.id, f"Team {ORG_WORDS[t]}", members)).id)
    admin = await viewer_for_user(user_ids[0])
    if full:
        for label, color in EXTRA_LABELS:
            await create_label(admin, label, color)
    label_rows = await fetch("SELECT id FROM lead_label WHERE company_id = ? ORDER BY id", [company.id])
    setup = CompanySetup(company.id, user_ids, team_ids, [r["id"] for r in label_rows])
    for key, title, kind in LEAD_FIELDS:
        options = [OptionData(label=label, color=color) for label, color in TIERS] if key == "tier" else []
        cf = await create_custom_field(admin, CustomFieldEntity.LEAD_DEAL, title, kind, key=key, options=options)
        setup.options[key] = [o["id"] for o in cf.options]
    setup.person_field = (
        await create_custom_field(admin, CustomFieldEntity.PERSON, "Birthday", CustomFieldType.DATE, key="birthday")
    ).key
    setup.organization_field = (
        await create_custom_field(
            admin, CustomFieldEntity.ORGANIZATION, "Employees", CustomFieldType.NUMBER, key="employees"
        )
    ).key
    pipeline = await fetch(
        "SELECT id FROM pipeline WHERE company_id = ? AND is_default ORDER BY position, id LIMIT 1", [company.id]
    )
    setup.pipeline_id = pipeline[0]["id"]
    stages = await fetch("SELECT id FROM stage WHERE pipeline_id = ? ORDER BY position, id", [setup.pipeline_id])
    setup.stage_ids = [r["id"] for r in stages]
    admin_token = await create_token(user_ids[0], "bench", app=True)
    regular_token = await create_token(user_ids[1], "bench", app=True) if users > 1 else admin_token
    return setup, admin_token, regular_token
