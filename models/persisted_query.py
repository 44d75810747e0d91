"""Query texts stored under their SHA-256 for the automatic persisted query protocol.

One table for every company: a row holds only a document's text, named by its own hash, never
data or privileges (a hash-only request runs the text with the sender's token, like any other
request). Kept in the database rather than in memory so that every server process knows a
text that any of them stored.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PersistedQuery(Model):
    """A GraphQL document's text, stored under the SHA-256 (lower-case hex) of its UTF-8 bytes."""

    sha256 = fields.CharField(primary_key=True, max_length=64)
    query = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "persisted_query"
