"""Accounts: companies, users, teams, API and operator tokens, rate plans.

The rules of the domain; the same sub-package name in every layer.
"""
