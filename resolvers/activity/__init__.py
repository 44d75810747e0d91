"""Activity: notes, scheduled activities, emails and the change log, notifications.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
