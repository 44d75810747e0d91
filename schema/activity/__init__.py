"""Activity: notes, scheduled activities, emails and the change log, notifications.

The GraphQL types and inputs of the domain; the same sub-package name in every layer.
"""
