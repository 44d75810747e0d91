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

A new text that differs from a kept one only by its operation names and root aliases (the same
tokens otherwise: schema/tokens.py) is not parsed: its document is the kept one's with those names
changed, when that document's shape already passed validation with the request's rules. Its
locations are then the earlier text's: the read engine (fastpath/extension.py) parses the text
exactly before strawberry's ordinary execution runs, so every error that carries locations
quotes the request's own text. Without the read engine (``renamings=None``) every new text is
parsed. Mutations and subscriptions are always parsed (the read engine declines them, so the
exact parse would follow anyway).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import DocumentNode, parse
from strawberry.extensions import SchemaExtension

from core.lru import Lru
from schema.tokens import Renamings, Valid
from schema.validation import ValidShapes

MAX_DOCUMENTS = 256
MAX_SEEN = 4096


class ParsedDocuments:
    """The documents of texts asked for more than once (LRU), and the hashes of texts seen once."""

    def __init__(self, maxsize: int = MAX_DOCUMENTS, seen: int = MAX_SEEN, renamings: Renamings | None = None) -> None:
        self.documents: Lru[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = Lru(maxsize)
        self.seen: Lru[int, bool] = Lru(seen)
        self.renamings = renamings

    def parse(self, text: str, options: Mapping[str, Any], valid: Valid | None = None) -> DocumentNode:
        """The document of ``text`` (graphql-core's ``parse`` with ``options``); a syntax error
        raises. With ``valid`` (whether a shape passed validation), a new text may get a kept
        document renamed (module docstring)."""
        key = (text, tuple(sorted(options.items())))
        document = self.documents.recall(key)
        if document is not None:
            return document
        renamings, found = self.renamings, None
        if renamings is not None and valid is not None:
            found = renamings.key(text, options)
            renamed = renamings.document(found, text, options, valid) if found is not None else None
            if renamed is not None:
                return renamed
        document = parse(text, **options)
        digest = hash(key)
        if self.seen.pop(digest, False):
            self.documents.keep(key, document)
        else:
            self.seen.keep(digest, True)
        if renamings is not None and found is not None:
            renamings.parsed(found, text, document)
        return document


class RepeatedTextCache(SchemaExtension):
    """Made per request by the schema's factory, sharing one :class:`ParsedDocuments`."""

    def __init__(self, *, documents: ParsedDocuments, valid: ValidShapes | None = None) -> None:
        self.documents = documents
        self.valid = valid

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:  # no text: strawberry's own error (MissingQueryError)
            valid, rules = self.valid, context.validation_rules
            passed = None if valid is None or not rules else lambda shape: valid.key(shape, rules) in valid
            context.graphql_document = self.documents.parse(context.query, context.parse_options, passed)
        yield
