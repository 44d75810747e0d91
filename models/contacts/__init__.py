"""Contacts: persons, organizations, categories, lead statuses, duplicates and selections.

The tortoise models of the domain; the same sub-package name in every layer.
"""
