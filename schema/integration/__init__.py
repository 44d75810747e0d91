"""Integration: webhooks, imports, exports, background jobs and idempotency keys.

The GraphQL types and inputs of the domain; the same sub-package name in every layer.
"""
