"""Validation once per document shape, not once per text (a schema extension).

strawberry's own validation cache keys on the document's syntax tree with its positions, so a
reprinted or renamed document (another operation name, another alias, other whitespace) is
validated again: graphql-core's rules, with ours (depth, aliases), cost a few milliseconds a
document, the largest part of a request that brings a new text. :class:`ShapeValidation` keys
on the document's shape (schema/shape.py: the document with its operation names and aliases
replaced by placeholders that keep which are equal) and the rules: a document whose shape
passed validation before passes without running the rules again. A document whose shape is not
known is validated as always, and its errors are its own (never kept: they quote its text).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from core.lru import Lru
from schema.shape import SHAPES, Shape

MAX_SHAPES = 512


class ValidShapes:
    """The shapes (with the rules they passed) of documents that validated; a bounded LRU."""

    def __init__(self, maxsize: int = MAX_SHAPES) -> None:
        self.keys: Lru[Any, bool] = Lru(maxsize)

    def __contains__(self, key: Any) -> bool:
        return self.keys.recall(key) is not None

    def add(self, key: Any) -> None:
        self.keys.keep(key, True)

    @staticmethod
    def key(shape: Shape, rules: Any) -> Any:
        """The key of a document of ``shape`` validated with ``rules``."""
        return (shape.key, rules)


class ShapeValidation(SchemaExtension):
    """Made per request by the schema's factory, sharing one :class:`ValidShapes`."""

    def __init__(self, *, valid: ValidShapes) -> None:
        self.valid = valid

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        rules = context.validation_rules
        if document is not None and rules:
            key = self.valid.key(SHAPES.of(document), rules)
            if key in self.valid:
                context.pre_execution_errors = []
            else:
                errors = validate_document(context.schema._schema, document, rules)
                context.pre_execution_errors = errors
                if not errors:
                    self.valid.add(key)
        yield
