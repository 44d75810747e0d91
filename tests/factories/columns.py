"""Custom fields of every kind, and inboxes whose leads fill every column (no tests here).

``define_fields`` makes one field of each storable type for leads and deals, and a few for
persons and organizations, including references (user, person, organization), so that a
page asking for every column exercises every kind of value and every loader.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from domain.columns.custom_field import OptionData, create_custom_field
from domain.fold import fill_keys, keyed
from domain.next_activity import refresh_next_activity
from domain.viewer import Viewer
from models import (
    Activity,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    Lead,
    LeadLabel,
    LeadLabelLink,
    LeadSource,
    Organization,
    Person,
)

LD, PE, OR = CustomFieldEntity.LEAD_DEAL, CustomFieldEntity.PERSON, CustomFieldEntity.ORGANIZATION
FIELDS: list[tuple[CustomFieldEntity, str, str, CustomFieldType, list[str]]] = [
    (LD, "region", "Region", CustomFieldType.TEXT, []),
    (LD, "notes", "Notes", CustomFieldType.LARGE_TEXT, []),
    (LD, "fleet", "Fleet size", CustomFieldType.NUMBER, []),
    (LD, "budget", "Budget", CustomFieldType.MONETARY, []),
    (LD, "decide_on", "Decision on", CustomFieldType.DATE, []),
    (LD, "call_at", "Call at", CustomFieldType.TIME, []),
    (LD, "tier", "Tier", CustomFieldType.SINGLE_OPTION, ["Gold", "Silver", "Bronze"]),
    (LD, "channels", "Channels", CustomFieldType.MULTIPLE_OPTIONS, ["Email", "Phone", "Fax"]),
    (LD, "manager", "Account manager", CustomFieldType.USER, []),
    (LD, "champion", "Champion", CustomFieldType.PERSON, []),
    (LD, "partner", "Partner", CustomFieldType.ORGANIZATION, []),
    (LD, "hotline", "Hotline", CustomFieldType.PHONE, []),
    (LD, "site", "Site", CustomFieldType.ADDRESS, []),
    (PE, "score", "Score", CustomFieldType.NUMBER, []),
    (PE, "mentor", "Mentor", CustomFieldType.USER, []),
    (PE, "employer", "Employer", CustomFieldType.ORGANIZATION, []),
    (OR, "industry", "Industry", CustomFieldType.TEXT, []),
    (OR, "key_contact", "Key contact", CustomFieldType.PERSON, []),
]
CF_KEYS = [f"cf.{'lead' if e == LD else e.value.lower()}.{key}" for e, key, *_ in FIELDS]


async def define_fields(viewer: Viewer) -> dict[str, CustomField]:
    out = {}
    for entity, key, name, kind, options in FIELDS:
        out[key] = await create_custom_field(
            viewer, entity, name, kind, key=key, options=[OptionData(o) for o in options]
        )
    return out


async def seed_column_inbox(company_id: int, count: int, user_ids: list[int], team_ids: list[int]) -> list[uuid.UUID]:
    """``count`` leads filling every column, each with its own person, organization, label,
    activity, and its own referenced persons and organizations (so nothing is shared between
    rows that a batched load could hide). Written with bulk_create: the rules are not under test."""
    tag = uuid.uuid4().hex[:6]
    today = dt.datetime.now(dt.UTC).date()
    orgs = [
        Organization(
            company_id=company_id,
            name=f"{tag} Org {i:03}",
            address_street=f"Street {i}",
            address_city=f"City {i % 7}",
            address_postal_code=f"{10000 + i}",
            address_country="Sweden",
            owner_id=user_ids[i % len(user_ids)],
        )
        for i in range(count * 4)
    ]
    await Organization.bulk_create([fill_keys(o) for o in orgs], batch_size=500)
    org_ids = dict(await Organization.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))

    def org(i: int) -> int:
        return org_ids[f"{tag} Org {i:03}"]

    # Persons 0..count-1 are the leads' contacts; the others are referenced by custom fields.
    persons = [
        Person(
            company_id=company_id,
            name=f"{tag} Person {i:03}",
            first_name=tag,
            last_name=f"Person {i:03}",
            emails=[{"value": f"p{i}@{tag}.test", "label": "work", "primary": True}],
            email_search=f"p{i}@{tag}.test",
            phones=[{"value": f"+46 {i:04}", "label": "work", "primary": True}],
            phone_search=f"46{i:04}",
            job_title="Buyer",
            organization_id=org(count + i),
            owner_id=user_ids[i % len(user_ids)],
            custom_fields={
                "score": i,
                "mentor": user_ids[(i + 1) % len(user_ids)],
                "employer": org(3 * count + i % count),
            },
        )
        for i in range(count * 3)
    ]
    await Person.bulk_create([fill_keys(p) for p in persons], batch_size=500)
    person_ids = dict(await Person.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))

    def person(i: int) -> int:
        return person_ids[f"{tag} Person {i:03}"]

    for i in range(count):
        # Each lead's organization points at its own key contact (one UPDATE per org is fine for a test).
        await Organization.filter(id=org(i)).update(
            **keyed(
                Organization, {"custom_fields": {"industry": f"Industry {i % 5}", "key_contact": person(2 * count + i)}}
            )
        )
    await LeadLabel.bulk_create(
        [fill_keys(LeadLabel(company_id=company_id, name=f"{tag} Label {i:03}", color="red")) for i in range(count)]
    )
    label_ids = dict(await LeadLabel.filter(company_id=company_id, name__startswith=tag).values_list("name", "id"))
    lead_ids = [uuid.uuid4() for _ in range(count)]
    await Lead.bulk_create(
        [
            fill_keys(
                Lead(
                    id=lead_id,
                    company_id=company_id,
                    title=f"{tag} Lead {i:03}",
                    person_id=person(i),
                    organization_id=org(i),
                    owner_user_id=user_ids[i // 2 % len(user_ids)] if i % 2 == 0 else None,
                    owner_team_id=team_ids[i // 2 % len(team_ids)] if i % 2 == 1 else None,
                    created_by_id=user_ids[i % len(user_ids)],
                    value_amount=100 + i,
                    value_currency="EUR",
                    expected_close_date=today + dt.timedelta(days=i % 30),
                    source=LeadSource.MANUAL,
                    utm_source="newsletter",
                    utm_medium="email",
                    utm_campaign="spring",
                    utm_term="trucks",
                    utm_content="banner",
                    custom_fields=lead_values(i, user_ids, person(count + i), org(2 * count + i)),
                )
            )
            for i, lead_id in enumerate(lead_ids)
        ],
        batch_size=500,
    )
    await LeadLabelLink.bulk_create(
        [
            LeadLabelLink(lead_id=lead_id, label_id=label_ids[f"{tag} Label {i:03}"])
            for i, lead_id in enumerate(lead_ids)
        ],
        batch_size=500,
    )
    await Activity.bulk_create(
        [
            Activity(
                company_id=company_id,
                lead_id=lead_id,
                subject=f"Call {i:03}",
                due_date=today + dt.timedelta(days=i % 3 - 1),
            )
            for i, lead_id in enumerate(lead_ids)
        ],
        batch_size=500,
    )
    await refresh_next_activity(lead_ids)
    return lead_ids


def lead_values(i: int, user_ids: list[int], champion: int, partner: int) -> dict[str, Any]:
    return {
        "region": f"Region {i % 4}",
        "notes": "Long text " * 3,
        "fleet": i,
        "budget": {"amount": f"{i}.50", "currency": "SEK"},
        "decide_on": f"2030-01-{i % 28 + 1:02}",
        "call_at": f"{i % 24:02}:30",
        "tier": i % 3 + 1,
        "channels": [1, 3] if i % 2 else [2],
        "manager": user_ids[(i + 2) % len(user_ids)],
        "champion": champion,
        "partner": partner,
        "hotline": f"+46 8 {i:04}",
        "site": f"Street {i}",
    }
