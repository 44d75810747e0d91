"""The GraphQL documents of the deals tests (tests/deals/test_deals.py, test_deal_list.py)."""

from __future__ import annotations

PIPELINES = "query { pipelines { id name isDefault stages { id name position probability } } }"
CREATE = """
mutation ($input: CreateDealInput!) {
  createDeal(input: $input) {
    deal { id title status value { amount currency } pipeline { name } stage { name } owner { name }
           organization { name } customFields { key value } }
    userErrors { field message code }
  }
}
"""
UPDATE = """
mutation ($input: UpdateDealInput!) {
  updateDeal(input: $input) {
    deal { id status wonAt lostAt lostReason pipeline { name } stage { name } customFields { key value } }
    userErrors { field message code }
  }
}
"""
DELETE = "mutation ($input: IdInput!) { deleteDeal(input: $input) { deal { deletedAt } userErrors { code } } }"
RESTORE = "mutation ($input: IdInput!) { restoreDeal(input: $input) { deal { deletedAt } userErrors { code } } }"
ADD_PARTICIPANT = """
mutation ($input: DealParticipantInput!) {
  addDealParticipant(input: $input) { deal { participants { name } } userErrors { code } }
}
"""
REMOVE_PARTICIPANT = """
mutation ($input: DealParticipantInput!) {
  removeDealParticipant(input: $input) { deal { participants { name } } userErrors { code } }
}
"""
CREATE_PRODUCT = """
mutation ($input: CreateProductInput!) {
  createProduct(input: $input) { product { id name code unitPrice { amount currency } } userErrors { field code } }
}
"""
ADD_PRODUCT = """
mutation ($input: AddDealProductInput!) {
  addDealProduct(input: $input) {
    dealProduct { id quantity discountPercent unitPrice { amount } total { amount currency } product { name } }
    deal { products { product { name } } }
    userErrors { field code }
  }
}
"""
REMOVE_PRODUCT = (
    "mutation ($input: IdInput!) { removeDealProduct(input: $input) { deal { products { id } } userErrors { code } } }"
)
DEALS = """
query ($first: Int, $after: String, $filter: DealFilter, $sort: DealSort) {
  deals(first: $first, after: $after, filter: $filter, sort: $sort) {
    nodes { id title status }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""
DEALS_DETAIL = """
query {
  deals(first: 50) {
    nodes {
      title person { name } organization { name } owner { name } pipeline { name } stage { name }
      participants { name } products { total { amount } product { name } } customFields { key value }
      notes { content } activities { subject } emails { subject } changeLog { action }
    }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Deal { title deletedAt changeLog { action } } } }"
