"""The Prospector: prospect profiles, searches, purchases, credits, billing and reports.

The rules of the domain; the same sub-package name in every layer.
"""
