"""bench/read_engine.py's workloads: leadbox's documents (Q1 of bench/workloads.py, W7, W8, W9),
each request with a text of its own, and PostGraphile 5's nearest query for each (``PEER``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from bench.http_load import Workload
from bench.seed import Manifest
from bench.workloads import INBOX

W7 = """query Frontend{n}($first: Int!, $after: String) {
  page{n}: leads(first: $first, after: $after) {
    __typename
    edges {
      __typename
      cursor
      node {
        __typename
        id
        title
        source
        value { __typename amount currency }
        createdAt
        person { __typename id name }
        organization { __typename id name }
        owner { __typename ... on User { id name } ... on Team { id name } }
      }
    }
    pageInfo { __typename hasNextPage endCursor }
  }
}
"""

W8 = """query Deals{n}($first: Int!) {
  page{n}: deals(first: $first) {
    edges { cursor node { id title status value { amount currency } expectedCloseDate
      stage { id name } person { id name } organization { id name } owner { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

W9 = """query Persons{n}($first: Int!) {
  page{n}: persons(first: $first) {
    edges { cursor node { id name primaryEmail primaryPhone jobTitle organization { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


# PostGraphile 5's nearest equivalents (the Amber preset's schema of leadbox's tables). The company
# is a condition, as leadbox's viewer scope; PostGraphile cannot express the rest alike:
# - Q1: ``activityStatus`` and the custom columns' ``display``/option labels are computed by
#   leadbox: PostGraphile returns the stored ``customFields`` JSON and the first pending activity
#   (its order puts timed activities before all-day ones of the same day; leadbox the other way);
#   labels come in link order, not by name; owner is two nullable relations, not a union; e-mails
#   and phones are the stored lists, not the primary entry.
# - W8: leadbox leaves deleted deals out; so does the condition ``deletedAt: null``.
PEER_Q1 = """query Inbox{n}($first: Int!, $company: Int!) {
  page{n}: allLeads(first: $first, condition: {companyId: $company, isArchived: false},
    orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    edges {
      cursor
      node {
        id
        title
        source
        valueAmount
        valueCurrency
        createdAt
        expectedCloseDate
        wasSeen
        personByPersonId { id name emails phones }
        organizationByOrganizationId { id name addressStreet addressCity addressPostalCode addressCountry }
        appUserByOwnerUserId { id name }
        teamByOwnerTeamId { id name }
        leadLabelLinksByLeadId { nodes { leadLabelByLabelId { id name color } } }
        activitiesByLeadId(first: 1, condition: {done: false}, orderBy: [DUE_DATE_ASC, DUE_TIME_ASC, ROW_ID_ASC]) {
          nodes { id type subject dueDate dueTime }
        }
        customFields
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PEER_W7 = """query Frontend{n}($first: Int!, $company: Int!) {
  page{n}: allLeads(first: $first, condition: {companyId: $company, isArchived: false},
    orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    __typename
    edges {
      __typename
      cursor
      node {
        __typename
        id
        title
        source
        valueAmount
        valueCurrency
        createdAt
        personByPersonId { __typename id name }
        organizationByOrganizationId { __typename id name }
        appUserByOwnerUserId { __typename id name }
        teamByOwnerTeamId { __typename id name }
      }
    }
    pageInfo { __typename hasNextPage endCursor }
  }
}
"""

PEER_W8 = """query Deals{n}($first: Int!, $company: Int!) {
  page{n}: allDeals(first: $first, condition: {companyId: $company, deletedAt: null},
    orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    edges { cursor node { id title status valueAmount valueCurrency expectedCloseDate
      stageByStageId { id name } personByPersonId { id name } organizationByOrganizationId { id name }
      appUserByOwnerId { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PEER_W9 = """query Persons{n}($first: Int!, $company: Int!) {
  page{n}: allPeople(first: $first, condition: {companyId: $company}, orderBy: [NAME_KEY_ASC, ROW_ID_ASC]) {
    edges { cursor node { id name emails phones jobTitle organizationByOrganizationId { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PEER = {"Q1": PEER_Q1, "W7": PEER_W7, "W8": PEER_W8, "W9": PEER_W9}


def numbered(text: str) -> Any:
    return lambda n: text.replace("{n}", str(n))


def q1_text(n: int) -> str:
    return INBOX.replace("query Inbox(", f"query Inbox{n}(", 1).replace("  leads(", "  leads: leads(", 1)


@dataclass
class Fresh(Workload):
    """A workload whose every request has its own text (``count`` of them, sent in turn)."""

    texts: Any = None
    count: int = 0

    def bodies(self) -> list[bytes]:
        return [orjson.dumps({"query": self.texts(n), "variables": self.variables[0]}) for n in range(self.count)]


def workloads(m: Manifest, count: int) -> dict[str, Fresh]:
    def make(key: str, texts: Any, variables: dict[str, Any]) -> Fresh:
        return Fresh(key, "", [variables], m.admin_token, texts=texts, count=count)

    return {
        "Q1 inbox, 100 leads x 20 columns": make("Q1", q1_text, {"first": 100, "columns": m.columns}),
        "W7 25 leads x 8 fields, frontend text": make("W7", numbered(W7), {"first": 25}),
        "W8 25 deals with stage, person, organization": make("W8", numbered(W8), {"first": 25}),
        "W9 25 persons with organizations": make("W9", numbered(W9), {"first": 25}),
    }


def peer_workload(w: Fresh, m: Manifest, count: int) -> Fresh:
    """The PostGraphile request of a workload: its nearest query, a fresh text each time too."""
    first = w.variables[0]["first"]
    return Fresh(
        w.key, "", [{"first": first, "company": m.company_id}], w.token, texts=numbered(PEER[w.key]), count=count
    )
