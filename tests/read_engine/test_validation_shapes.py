"""Validation once per document shape (schema/validation.py, schema/shape.py): a renamed or
reprinted document of a shape that validated is answered without validating again, and answered
the same; every document that breaks a rule still gets its own errors."""

from __future__ import annotations

from typing import Any

from app import build_schema
from core.config import Settings
from schema.context import Context
from schema.validation import ShapeValidation
from tests.conftest import Account


def _messages(result: Any) -> list[str]:
    return [e.message for e in result.errors or ()]


async def test_a_renamed_document_is_answered_alike_and_validated_once(account: Account) -> None:
    schema = build_schema(Settings(database_url=""))
    (validation,) = [e for e in schema.extensions if getattr(e, "__name__", "") == "<lambda>" and _is_shapes(e)]
    extension = validation()
    assert isinstance(extension, ShapeValidation)
    shapes = extension.valid
    context = Context(viewer=await account.viewer())
    first = await schema.execute("query A { a: viewer { id n: name } }", context_value=context)
    assert first.errors is None and first.data is not None and len(shapes.keys) == 1
    again = await schema.execute("query   B{b: viewer{id, m: name}}", context_value=context)
    assert again.errors is None and len(shapes.keys) == 1
    assert again.data == {"b": {"id": first.data["a"]["id"], "m": first.data["a"]["n"]}}


def _is_shapes(factory: Any) -> bool:
    try:
        return isinstance(factory(), ShapeValidation)
    except TypeError:
        return False


async def test_rules_still_hold_for_documents_like_valid_ones(account: Account) -> None:
    schema = build_schema(Settings(database_url="", max_query_depth=4, max_aliases=2))
    context = Context(viewer=await account.viewer())
    assert (await schema.execute("query A { a: viewer { id } b: viewer { id } }", context_value=context)).errors is None
    # Two fields under one response key must merge: another alias pattern, its own errors.
    merged = await schema.execute("query A { a: viewer { id } a: viewer { email } }", context_value=context)
    assert merged.errors is None
    conflict = await schema.execute("query A { a: viewer { id } a: leads { nodes { id } } }", context_value=context)
    assert conflict.errors and "conflict" in _messages(conflict)[0].lower()
    # An alias spelled like a field the document selects is not a placeholder.
    clash = await schema.execute("query A { viewer { id: name id } }", context_value=context)
    assert clash.errors and "conflict" in _messages(clash)[0].lower()
    assert (await schema.execute("query A { viewer { x: name id } }", context_value=context)).errors is None
    # The alias count and the depth still count, after documents of fewer aliases and less depth.
    many = await schema.execute("query A { a: viewer { id } b: viewer { id } c: viewer { id } }", context_value=context)
    assert many.errors and "aliases" in _messages(many)[0].lower()
    deep = await schema.execute(
        "query Z { leads { edges { node { person { organization { id } } } } } }", context_value=context
    )
    assert deep.errors and "depth" in _messages(deep)[0]
    # An error quotes its own document's names.
    for text in ("query Mine { x1: viewer { nope } }", "query Yours { x2: viewer { nope } }"):
        result = await schema.execute(text, context_value=context)
        assert result.errors and "nope" in _messages(result)[0]
        assert [(loc.line, loc.column) for loc in result.errors[0].locations or ()] == [(1, text.index("nope") + 1)]
