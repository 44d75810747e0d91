"""The persisted documents the compiled path answers, registered once at start-up.

A request names a registered document in one of two ways:

- its ``query`` text equals the registered text once every run of whitespace (spaces, tabs,
  newlines) is made one space and the ends are trimmed; commas and comments count as text;
- or, Apollo-style, ``extensions.persistedQuery.sha256Hash`` is the SHA-256 (hex) of the
  registered text exactly as fastpath/documents.py holds it; ``query`` may then be left out.
  When such a request goes to the ordinary execution, the registered text is put in its body.

A document is registered only if it parses and validates against the schema with the same
limits as every request (tokens, depth, aliases) and the compiler supports its selection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, specified_rules, validate
from strawberry import Schema
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from core.config import Settings
from fastpath.compiler import Plan, Unsupported, compile_operation
from fastpath.documents import INBOX, INBOX_COUNT, LEAD_DETAIL

DOCUMENTS = (INBOX, INBOX_COUNT, LEAD_DETAIL)


def normalise(text: str) -> str:
    return " ".join(text.split())


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Known:
    name: str | None
    text: str
    plan: Plan


class Registry:
    def __init__(self, schema: Schema, settings: Settings, documents: Iterable[str] = DOCUMENTS) -> None:
        self.schema = schema
        self.by_text: dict[str, Known] = {}
        self.by_hash: dict[str, Known] = {}
        rules = [
            *specified_rules,
            depth_validator(settings.max_query_depth, None),
            alias_validator(settings.max_aliases),
        ]
        for text in documents:
            known = self._compile(text, settings, rules)
            if known is not None:
                self.by_text[normalise(text)] = known
                self.by_hash[sha256(text)] = known

    def _compile(self, text: str, settings: Settings, rules: list[Any]) -> Known | None:
        gschema = self.schema._schema
        try:
            document = parse(text, max_tokens=settings.max_tokens)
        except Exception:
            return None
        if validate(gschema, document, rules):
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        if len(operations) != 1:
            return None
        try:
            plan = compile_operation(gschema, operations[0], fragments)
        except Unsupported:
            return None
        name = operations[0].name.value if operations[0].name else None
        return Known(name, text, plan)

    def match(self, body: dict[str, Any]) -> Known | None:
        """The registered document a JSON request body names, if any (and its operationName fits)."""
        query = body.get("query")
        known = None
        if isinstance(query, str):
            known = self.by_text.get(normalise(query))
        else:
            extensions = body.get("extensions")
            persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
            digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
            if query is None and isinstance(digest, str):
                known = self.by_hash.get(digest)
        if known is None:
            return None
        name = body.get("operationName")
        if name is not None and name != known.name:
            return None
        return known
