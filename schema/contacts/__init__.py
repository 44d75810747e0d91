"""Contacts: persons, organizations, categories, lead statuses, duplicates and selections.

The GraphQL types and inputs of the domain; the same sub-package name in every layer.
"""
