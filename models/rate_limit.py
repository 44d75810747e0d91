"""The state of each API token's leaky bucket of query-cost points, when the database keeps it.

Written only by core/rate_limit.py, with one atomic statement per request. On PostgreSQL the
table is UNLOGGED (migration 0011): the buckets are not worth a write-ahead log, and after a
crash they simply start full again.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateBucket(Model):
    # A digest of the token (never the token itself).
    key = fields.CharField(max_length=80, primary_key=True)
    # Points left at `updated_at` (seconds since the epoch); they flow back at the plan's rate.
    available = fields.FloatField()
    updated_at = fields.FloatField()
    # 1 when the last request was charged, 0 when it was refused (read back by the same statement).
    charged = fields.IntField(default=1)

    class Meta:
        table = "rate_bucket"
