"""Operations and small helpers shared by the lead status, selection and board tests."""

from __future__ import annotations

from typing import Any

import orjson

from core.ids import decode_id, to_global_id
from domain.viewer import Viewer
from models import Category, ChangeLogEntry, LeadStatus, Organization, Person
from tests.conftest import Client
from tests.factories import USER_ERRORS, make_org, make_person

PERSON_STATE = """
    id name
    leadStatus { id name description }
    storedLeadStatus { name }
    leadStatusHiddenReason
    leadStatusEditable
    category { name group { name leadStatusEnabled } }
"""
PERSON = f"query($id: ID!) {{ node(id: $id) {{ ... on Person {{ {PERSON_STATE} }} }} }}"
PERSON_LOG = """
query($id: ID!) {
  node(id: $id) { ... on Person { changeLog { action field oldValue newValue actor { name } } } }
}
"""
SET_LEAD_STATUS = f"""
mutation($input: SetLeadStatusInput!) {{
  setLeadStatus(input: $input) {{ person {{ {PERSON_STATE} }} {USER_ERRORS} }}
}}
"""
UPDATE_ORGANIZATION = f"""
mutation($input: UpdateOrganizationInput!) {{
  updateOrganization(input: $input) {{ organization {{ id category {{ name }} }} {USER_ERRORS} }}
}}
"""
CREATE_ORGANIZATION = f"""
mutation($input: OrganizationFields!) {{
  createOrganization(input: $input) {{ organization {{ id category {{ name }} }} {USER_ERRORS} }}
}}
"""


def gid(type_name: str, key: object) -> str:
    return to_global_id(type_name, key)


def pk(global_id: str, type_name: str) -> int:
    value = decode_id(global_id, type_name)
    assert isinstance(value, int)
    return value


async def category(company_id: int, name: str) -> Category:
    return await Category.get(company_id=company_id, name=name)


async def status(company_id: int, name: str) -> LeadStatus:
    return await LeadStatus.get(company_id=company_id, name=name)


async def status_id(company_id: int, name: str) -> int:
    return (await status(company_id, name)).id


async def stored_status(person: Person | int) -> str | None:
    """The name of the status stored on a person, read from the row."""
    row = await Person.get(id=person if isinstance(person, int) else person.id)
    if row.lead_status_id is None:
        return None
    return (await LeadStatus.get(id=row.lead_status_id)).name


async def org_in(viewer: Viewer, category_name: str | None, name: str = "Initech", **fields: Any) -> Organization:
    """An organization of the viewer's company in the named category (or none)."""
    category_id = (await category(viewer.company_id, category_name)).id if category_name else None
    return await make_org(viewer, name, category_id=category_id, **fields)


async def person_in(
    viewer: Viewer, organization: Organization | None, name: str = "Peter Gibbons", **fields: Any
) -> Person:
    return await make_person(viewer, name, organization_id=organization.id if organization else None, **fields)


async def set_status(client: Client, person: Person, name: str, company_id: int) -> dict[str, Any]:
    payload: dict[str, Any] = await client.mutate(
        SET_LEAD_STATUS,
        {"personId": gid("Person", person.id), "leadStatusId": gid("LeadStatus", await status_id(company_id, name))},
    )
    return payload


async def move_org(client: Client, organization: Organization, category_name: str | None) -> dict[str, Any]:
    category_id = (
        gid("Category", (await category(organization.company_id, category_name)).id) if category_name else None
    )
    payload: dict[str, Any] = await client.mutate(
        UPDATE_ORGANIZATION, {"id": gid("Organization", organization.id), "categoryId": category_id}
    )
    assert payload["userErrors"] == [], payload
    return payload


async def person_state(client: Client, person: Person) -> dict[str, Any]:
    data = await client.execute(PERSON, {"id": gid("Person", person.id)})
    node: dict[str, Any] = data["node"]
    return node


async def status_log(person: Person | int) -> list[tuple[str | None, str | None]]:
    """The person's lead status changes, oldest first, as (old, new) names."""

    person_id = person if isinstance(person, int) else person.id
    rows = await ChangeLogEntry.filter(entity_type="person", entity_id=str(person_id), field="lead_status").order_by(
        "id"
    )
    return [
        (
            orjson.loads(r.old_value) if r.old_value is not None else None,
            orjson.loads(r.new_value) if r.new_value is not None else None,
        )
        for r in rows
    ]
