"""Accounts: companies, users, teams, API and operator tokens, rate plans.

The GraphQL types and inputs of the domain; the same sub-package name in every layer.
"""
