"""The lead mutations' documents and the checks on stored rows that tests/leads/ share."""

from __future__ import annotations

import uuid
from typing import Any, cast

from models import (
    ChangeLogEntry,
    Lead,
    LeadLabel,
    LeadLabelLink,
    Organization,
    Person,
)
from tests.conftest import Account
from tests.factories import (
    USER_ERRORS,
)

LEAD_FIELDS = """
fragment LeadFields on Lead {
  id uuid title source visibility wasSeen isArchived archivedAt expectedCloseDate
  value { amount currency }
  utmSource utmMedium utmCampaign utmTerm utmContent
  person { id name organization { id name } }
  organization { id name }
  owner { __typename ... on User { id name } ... on Team { id name } }
  labels { id name }
}
"""

CREATE_LEAD = (
    "mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ...LeadFields } "
    + USER_ERRORS
    + " } }"
    + LEAD_FIELDS
)
UPDATE_LEAD = (
    "mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { ...LeadFields } "
    + USER_ERRORS
    + " } }"
    + LEAD_FIELDS
)
BULK_UPDATE = (
    "mutation($input: BulkUpdateLeadsInput!) { bulkUpdateLeads(input: $input) { updatedCount " + USER_ERRORS + " } }"
)
DELETE_LEADS = (
    "mutation($input: DeleteLeadsInput!) { deleteLeads(input: $input) { deletedIds deletedCount " + USER_ERRORS + " } }"
)
ARCHIVE_LEADS = (
    "mutation($input: LeadIdsInput!) { archiveLeads(input: $input)"
    " { leads { id isArchived archivedAt } " + USER_ERRORS + " } }"
)
UNARCHIVE_LEADS = (
    "mutation($input: LeadIdsInput!) { unarchiveLeads(input: $input)"
    " { leads { id isArchived archivedAt } " + USER_ERRORS + " } }"
)
LEAD_LIST = """
query($archived: Boolean!) {
  leads(first: 50, filter: {archived: $archived}) { totalCount nodes { id } }
}
"""
LEAD_DETAILS = """
query($id: ID!) {
  node(id: $id) {
    ... on Lead {
      id isArchived archivedAt
      labels { name }
      notes { content }
      changeLog { action field oldValue newValue actor { id } }
    }
  }
}
"""


def ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def only_error(payload: dict[str, Any]) -> dict[str, Any]:
    """The single user error of a payload that must have failed."""
    assert len(payload["userErrors"]) == 1, payload["userErrors"]
    error: dict[str, Any] = payload["userErrors"][0]
    return error


async def counts() -> tuple[int, int, int, int, int]:
    """How many leads, persons, organizations, label links and change-log rows exist."""
    return (
        await Lead.all().count(),
        await Person.all().count(),
        await Organization.all().count(),
        await LeadLabelLink.all().count(),
        await ChangeLogEntry.all().count(),
    )


async def labels_of(lead_id: uuid.UUID) -> list[str]:
    ids = await LeadLabelLink.filter(lead_id=lead_id).values_list("label_id", flat=True)
    names = await LeadLabel.filter(id__in=list(ids)).values_list("name", flat=True)
    return sorted(cast(list[str], names))


async def log_of(lead_id: uuid.UUID, action: str | None = None) -> list[ChangeLogEntry]:
    query = ChangeLogEntry.filter(entity_type="lead", entity_id=str(lead_id)).order_by("id")
    if action is not None:
        query = query.filter(action=action)
    return await query


async def label_id(account: Account, name: str) -> int:
    label = await LeadLabel.get(company_id=account.company_id, name=name)
    return label.id
