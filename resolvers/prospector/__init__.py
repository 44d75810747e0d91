"""The Prospector: prospect profiles, searches, purchases, credits, billing and reports.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
