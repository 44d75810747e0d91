"""Activity: notes, scheduled activities, emails and the change log, notifications.

The tortoise models of the domain; the same sub-package name in every layer.
"""
