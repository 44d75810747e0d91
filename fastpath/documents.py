"""The operations the compiled path knows: the inbox documents of the performance suite (issue 7).

Clients send these texts as they are (or their SHA-256, Apollo-style); bench/workloads.py
imports them from here so that there is one copy.
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
