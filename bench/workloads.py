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

LEAD_ROW = """
        id
        title
        source
        value { amount currency }
        createdAt
        expectedCloseDate
        wasSeen
        activityStatus
        person { id name primaryEmail primaryPhone }
        organization { id name address { street city postalCode country } }
        owner {
          __typename
          ... on User { id name }
          ... on Team { id name }
        }
        labels { id name color }
        nextActivity { id type subject dueDate dueTime }
        values(columns: $columns) {
          __typename
          column
          display
          ... on NumberValue { number }
          ... on MoneyValue { amount currency }
          ... on DateValue { date }
          ... on TextValue { text }
          ... on OptionValue { id label color }
          ... on OptionsValue { options { id label color } }
          ... on UserValue { user { id name } }
          ... on BooleanValue { boolean }
        }
"""

INBOX = (
    """query Inbox($first: Int!, $after: String, $filter: LeadFilter, $sort: LeadSort, $columns: [String!]) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges {
      cursor
      node {"""
    + LEAD_ROW
    + """      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
)

INBOX_COUNT = (
    """query InboxCount($first: Int!, $after: String, $filter: LeadFilter, $sort: LeadSort, $columns: [String!]) {
  leads(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount
    edges {
      cursor
      node {"""
    + LEAD_ROW
    + """      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
)

LEAD_DETAIL = """query LeadDetail($first: Int!, $after: String, $filter: LeadFilter) {
  leads(first: $first, after: $after, filter: $filter) {
    nodes {
      id
      title
      value { amount currency }
      person { id name primaryEmail primaryPhone jobTitle }
      organization { id name }
      labels { id name color }
      notes { id content createdAt author { id name } }
      activities { id type subject dueDate dueTime done note assignee { id name } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

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
