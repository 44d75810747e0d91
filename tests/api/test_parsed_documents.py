"""Parsed documents kept for texts sent again (schema/parsing.py): a first text is parsed and
not kept, a text's second request keeps its document and later ones reuse it; errors are
graphql-core's, never kept; the schema answers alike either way."""

from __future__ import annotations

import pytest
from graphql import GraphQLSyntaxError, print_ast
from strawberry.exceptions import MissingQueryError

from app import build_schema
from core.config import Settings
from schema.context import Context
from schema.parsing import ParsedDocuments
from tests.conftest import Account


def test_a_text_is_kept_from_its_second_request() -> None:
    documents = ParsedDocuments(maxsize=2)
    first = documents.parse("{ viewer { id } }", {})
    assert documents.documents == {}
    second = documents.parse("{ viewer { id } }", {})
    assert second is not first and print_ast(second) == print_ast(first)
    assert documents.parse("{ viewer { id } }", {}) is second
    # Other options are another entry (a token limit changes what parses).
    assert documents.parse("{ viewer { id } }", {"max_tokens": 100}) is not second
    # Bounded: the least recently used document goes.
    for text in ("{ a: viewer { id } }", "{ b: viewer { id } }"):
        documents.parse(text, {})
        documents.parse(text, {})
    assert len(documents.documents) == 2 and ("{ viewer { id } }", ()) not in documents.documents


def test_syntax_errors_are_raised_and_not_kept() -> None:
    documents = ParsedDocuments()
    for _ in range(3):
        with pytest.raises(GraphQLSyntaxError):
            documents.parse("{ viewer { id }", {})
    assert documents.documents == {}


async def test_the_schema_answers_alike_on_every_request_of_a_text(account: Account) -> None:
    schema = build_schema(Settings(database_url=""))
    context = Context(viewer=await account.viewer())
    results = [await schema.execute("query A { viewer { id name } }", context_value=context) for _ in range(3)]
    assert all(r.errors is None for r in results)
    assert results[0].data == results[1].data == results[2].data and results[0].data is not None
    with pytest.raises(MissingQueryError):  # strawberry's, as before: no text is never parsed
        await schema.execute("", context_value=context)
