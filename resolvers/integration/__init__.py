"""Integration: webhooks, imports, exports, background jobs and idempotency keys.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
