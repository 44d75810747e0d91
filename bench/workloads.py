"""The query texts of the performance suite (issue 7), one document per workload.

Each workload sends the same document with varied variables, as a front-end client does:

- Q1 ``INBOX``: the default inbox, 100 leads with 20 columns (title, person name, email and
  phone, organization name and address, owner, labels, source, value, created, expected close
  date, next activity, activity status, seen, and five custom fields through ``values``).
- Q2 ``INBOX`` with an owner + label + value-range filter, sorted by a custom field.
- Q3 ``INBOX`` with ``after``: the next page by cursor.
- Q4 ``INBOX_COUNT``: Q1 with ``totalCount``.
- Q5 ``LEAD_DETAIL``: ten leads with their notes and activities.
- Q6 ``PROSPECT_SEARCH``: the Prospector search.
"""

from __future__ import annotations

from fastpath.documents import INBOX, INBOX_COUNT, LEAD_DETAIL, LEAD_ROW

__all__ = ["INBOX", "INBOX_COUNT", "LEAD_DETAIL", "LEAD_ROW", "PROSPECT_SEARCH", "WORKLOADS"]

PROSPECT_SEARCH = """query ProspectSearch($filter: ProspectFilterInput, $first: Int!, $after: String) {
  prospects(kind: PERSON, filter: $filter, first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        name
        country
        city
        industry
        employeeRange
        owned
        ... on ProspectPerson {
          jobTitle
          seniority
          department
          companyName
          hasWorkEmail
          hasDirectPhone
          hasMobile
          hasLinkedin
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WORKLOADS = {
    "Q1": INBOX,
    "Q2": INBOX,
    "Q3": INBOX,
    "Q4": INBOX_COUNT,
    "Q5": LEAD_DETAIL,
    "Q6": PROSPECT_SEARCH,
}
