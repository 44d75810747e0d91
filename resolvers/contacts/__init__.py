"""Contacts: persons, organizations, categories, lead statuses, duplicates and selections.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
