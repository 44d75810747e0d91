"""Accounts: companies, users, teams, API and operator tokens, rate plans.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
