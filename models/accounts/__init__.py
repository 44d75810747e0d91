"""Accounts: companies, users, teams, API and operator tokens, rate plans.

The tortoise models of the domain; the same sub-package name in every layer.
"""
