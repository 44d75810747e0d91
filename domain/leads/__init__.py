"""Leads: the inbox's records, their list and filters, saved filters, labels, bulk edits and merges.

The rules of the domain; the same sub-package name in every layer.
"""
