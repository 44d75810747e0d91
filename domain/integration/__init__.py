"""Integration: webhooks, imports, exports, background jobs and idempotency keys.

The rules of the domain; the same sub-package name in every layer.
"""
