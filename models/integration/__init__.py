"""Integration: webhooks, imports, exports, background jobs and idempotency keys.

The tortoise models of the domain; the same sub-package name in every layer.
"""
