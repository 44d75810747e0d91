"""Parsed documents kept for texts that come back (a schema extension, in place of strawberry's
``ParserCache``).

A client that repeats its text (most do) is parsed once. But a kept document is large for the
collector: a syntax tree of ~1,000 objects whose tokens link to each other both ways (cycles), so
every document kept stays in the collector's oldest generation, and each of its full passes walks
all of them. Kept for every new text, as an LRU of every text does, clients that send a fresh text
each time (a numbered operation name or alias, the benchmarks' way) filled it with documents never
read again, and the full passes they caused cost about 2 ms of a 100-lead page's 9 ms (measured in
process, bench/profile_read.py). So a text's document is kept from its second request on: the first
leaves only the text's hash behind (an integer, which the collector does not track).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import DocumentNode, parse
from strawberry.extensions import SchemaExtension

from core.lru import Lru

MAX_DOCUMENTS = 256
MAX_SEEN = 4096


class ParsedDocuments:
    """The documents of texts asked for more than once (LRU), and the hashes of texts seen once."""

    def __init__(self, maxsize: int = MAX_DOCUMENTS, seen: int = MAX_SEEN) -> None:
        self.documents: Lru[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = Lru(maxsize)
        self.seen: Lru[int, bool] = Lru(seen)

    def parse(self, text: str, options: Mapping[str, Any]) -> DocumentNode:
        """The document of ``text`` (graphql-core's ``parse`` with ``options``); a syntax error raises."""
        key = (text, tuple(sorted(options.items())))
        document = self.documents.recall(key)
        if document is not None:
            return document
        document = parse(text, **options)
        digest = hash(key)
        if self.seen.pop(digest, False):
            self.documents.keep(key, document)
        else:
            self.seen.keep(digest, True)
        return document


class RepeatedTextCache(SchemaExtension):
    """Made per request by the schema's factory, sharing one :class:`ParsedDocuments`."""

    def __init__(self, *, documents: ParsedDocuments) -> None:
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:  # no text: strawberry's own error (MissingQueryError)
            context.graphql_document = self.documents.parse(context.query, context.parse_options)
        yield
