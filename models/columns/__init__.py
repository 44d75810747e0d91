"""Columns and filters: the inbox's column catalogue, cells, column SQL, custom fields and values.

The tortoise models of the domain; the same sub-package name in every layer.
"""
