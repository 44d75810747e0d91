"""The Prospector: prospect profiles, searches, purchases, credits, billing and reports.

The tortoise models of the domain; the same sub-package name in every layer.
"""
