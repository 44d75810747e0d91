"""The Prospector: prospect profiles, searches, purchases, credits, billing and reports.

The GraphQL types and inputs of the domain; the same sub-package name in every layer.
"""
