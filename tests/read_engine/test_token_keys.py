"""schema/tokens.py without a database: the token key, and a kept document renamed to a new
text's names is the document graphql-core parses from that text (but for locations), with the
shape a walk of it finds; texts it cannot read, mutations and limits are parsed as always."""

from __future__ import annotations

import random
from typing import Any

import pytest
from graphql import DocumentNode, FieldNode, GraphQLSyntaxError, OperationDefinitionNode, parse, print_ast

from schema.parsing import ParsedDocuments
from schema.shape import SHAPES, shape
from schema.tokens import Renamings, located, read

# Templates: {o<i>} an operation name, {a<i>} a root alias (some also used where they stay as
# written: a field's name, a nested alias).
TEMPLATES = [
    "query {o0}($first: Int!) {{ {a0}: leads(first: $first) {{ edges {{ node {{ id title }} }} }} }}",
    # Equal root aliases (merged) or not; an alias that may equal a field name.
    "query {o0} {{ {a0}: leads(first: 1) {{ totalCount }} {a1}: leads(first: 1) {{ totalCount }} viewer {{ id }} }}",
    # Fragments, inline fragments, directives, variables with defaults (an object with colons).
    """query {o0}($skip: Boolean = false, $filter: LeadFilter = {{archived: true, ids: ["a:b"]}}) {{
      {a0}: leads(first: 2, filter: $filter) @skip(if: $skip) {{ ...Page }}
      {a1}: viewer {{ ... on User {{ x: id name }} ...Me }}
    }}
    fragment Page on LeadConnection {{ pageInfo {{ hasNextPage }} n: edges {{ cursor }} }}
    fragment Me on User {{ id, email }}""",
    # Strings and block strings holding braces, colons, `query` and comments.
    '''query {o0} {{
      {a0}: leads(first: 1, filter: {{search: "query Q {{ a: b }} # not a comment"}}) {{ totalCount }}
      {a1}: leads(first: 1, filter: {{search: """ a "quoted" query {{ }} \\""" : """}}) {{ totalCount }}  # a comment
    }}''',
    # Several operations (the request names one), an anonymous shorthand alone.
    "query {o0} {{ {a0}: viewer {{ id }} }} query {o1} {{ {a1}: viewer {{ name }} {a2}: viewer {{ id }} }}",
    "{{ {a0}: viewer {{ id }} {a1}: leads(first: -1.5e3) {{ totalCount }} }}",
]
# Names to fill in: few, so that they often coincide with each other and with other names.
POOL = ["a", "b", "Inbox1", "Inbox22", "leads", "viewer", "id", "n", "x", "query", "on", "Page"]


def fill(template: str, rng: random.Random) -> str:
    names = {f"o{i}": rng.choice(POOL) for i in range(3)} | {f"a{i}": rng.choice(POOL) for i in range(3)}
    return template.format(**names)


def without_locations(document: DocumentNode) -> Any:
    return document.to_dict()


def kept(renamings: Renamings, text: str) -> None:
    """``text`` seen twice: its document is kept."""
    for _ in range(2):
        found = renamings.key(text, {})
        assert found is not None, text
        renamings.parsed(found, text, parse(text))


def test_renamed_documents_are_the_parsed_ones() -> None:
    rng = random.Random(14)
    hits = 0
    for template in TEMPLATES:
        renamings = Renamings()
        first = fill(template, rng)
        kept(renamings, first)
        assert len(renamings.kept) == 1, first
        first_key = next(iter(renamings.kept))
        for _ in range(60):
            text = fill(template, rng)
            found = renamings.key(text, {})
            assert found is not None
            document = renamings.document(found, text, {}, lambda _: True)
            expected = parse(text)
            if found[0] != first_key:
                assert document is None
                continue
            hits += 1
            assert document is not None
            assert without_locations(document) == without_locations(expected), text
            assert print_ast(document) == print_ast(expected)
            # The shape given to SHAPES is the one a walk finds.
            assert SHAPES.of(document) == shape(document) == shape(expected)
            assert document.token_count == expected.token_count
    assert hits >= 60


def test_nodes_off_the_renamed_paths_are_shared() -> None:
    renamings = Renamings()
    kept(renamings, TEMPLATES[2].format(o0="A", a0="p", a1="q"))
    text = TEMPLATES[2].format(o0="B", a0="r", a1="q")
    found = renamings.key(text, {})
    assert found is not None
    document = renamings.document(found, text, {}, lambda _: True)
    original = next(iter(renamings.kept.values())).document
    assert document is not None and document is not original
    old, new = original.definitions, document.definitions
    assert new[1] is old[1] and new[2] is old[2]  # the fragments
    assert isinstance(old[0], OperationDefinitionNode) and isinstance(new[0], OperationDefinitionNode)
    old_fields, new_fields = old[0].selection_set.selections, new[0].selection_set.selections
    assert isinstance(old_fields[0], FieldNode) and isinstance(new_fields[0], FieldNode)
    assert new_fields[0] is not old_fields[0] and new_fields[0].selection_set is old_fields[0].selection_set
    assert new_fields[1] is old_fields[1]  # its alias is the same
    assert new[0].variable_definitions is old[0].variable_definitions
    assert new[0].name is not None and new[0].name.value == "B"


@pytest.mark.parametrize(
    "text",
    [
        "{ a: b(x: 01) }",  # graphql-core refuses a leading zero; read does not split it
        "{ a: b(x: 1a) }",
        "{ a: b(x: 1.) }",
        '{ a: b(x: "unterminated) }',
        '{ a: b(x: """x") }',  # the start of a block string, never "" then "x"
        "{ a: b(x: - 1) }",
        "{ a: b(x: é) }",
        "{ a: b .. }",
        'mutation M { a: b(x: "1") }',  # mutations are parsed
        "subscription S { a: b }",
        '"described" query Q { a: b }',
        "type T { a: String }",
        "{ a: b",
    ],
)
def test_texts_without_a_key(text: str) -> None:
    assert read(text) is None


def test_what_the_key_keeps() -> None:
    def key(text: str) -> Any:
        found = read(text)
        assert found is not None
        return found.key

    # Spacing, commas, comments and the BOM are not part of it.
    assert key("query A { x: leads(first: 1) { id } }") == key("\ufeffquery A{x:leads(first:1,){id}}# c")
    # Names are: equal names stay equal, another operation name or root alias is another text.
    assert key("query A { x: a y: a }") == key("query B { z: a w: a }") != key("query B { z: a z: a }")
    # An alias spelled like any other name of the text stays as written.
    assert key("query A { x: a }") != key("query A { a: a }") != key("query A { b: a }")
    assert key("query A { x: a { y: id } }") != key("query A { y: a { y: id } }")
    # Aliases below the root and in fragments are kept as written.
    assert key("{ a { x: id } }") != key("{ a { y: id } }")
    assert key("{ ...F } fragment F on Q { x: a }") != key("{ ...F } fragment F on Q { y: a }")
    # Tokens: a string is not its content.
    assert key('{ a(s: "b c") }') != key('{ a(s: "b  c") }') != key('{ a(s: """b  c""") }')
    assert read('{ a(s: "q: { x }") }') is not None
    assert key("query A { a } query B { b }") == key("query C { a } query D { b }")
    assert key("query A { a } query B { b }") != key("query A { a } query A { b }")


def test_the_lru_stays_bounded_and_keeps_from_the_second_sighting() -> None:
    renamings = Renamings(maxsize=4)
    text = "query A { x: viewer { id } }"
    found = renamings.key(text, {})
    assert found is not None
    renamings.parsed(found, text, parse(text))
    assert len(renamings.kept) == 0
    for i in range(20):
        kept(renamings, "query A { x: viewer { id } }" + " query B { y: viewer { id } }" * i)
    assert len(renamings.kept) == 4


def test_a_document_not_read_alike_is_never_kept() -> None:
    renamings = Renamings()
    text = "query A { x: viewer { id } }"
    found = renamings.key(text, {})
    assert found is not None
    for _ in range(3):  # another document for this text (names in another order): refused
        renamings.parsed(found, text, parse("query A { y: viewer { id } }"))
    assert len(renamings.kept) == 0 and len(renamings.refused) == 1


def test_limits_and_options() -> None:
    renamings = Renamings()
    text = "query A { x: viewer { id } }"
    for _ in range(2):
        found = renamings.key(text, {"max_tokens": 10})
        assert found is not None
        renamings.parsed(found, text, parse(text, max_tokens=10))
    valid = lambda _: True  # noqa: E731
    other = "query B { y: viewer { id } }"
    hit = renamings.key(other, {"max_tokens": 10})
    assert hit is not None and renamings.document(hit, other, {"max_tokens": 10}, valid) is not None
    # Other options: another key. A shape not known valid: no document.
    unlimited = renamings.key(other, {})
    assert unlimited is not None and renamings.document(unlimited, other, {}, valid) is None
    assert renamings.document(hit, other, {"max_tokens": 10}, lambda _: False) is None
    # More comments than the kept text had: parsed (graphql-core counts them towards max_tokens).
    commented = "query B { y: viewer { id } # a\n # b\n }"
    found = renamings.key(commented, {"max_tokens": 10})
    assert found is not None and found[0] == hit[0]
    assert renamings.document(found, commented, {"max_tokens": 10}, valid) is None
    with pytest.raises(GraphQLSyntaxError):
        parse(commented, max_tokens=10)
    # A grammar option: no key.
    assert renamings.key(other, {"experimental_fragment_arguments": True}) is None


def test_located() -> None:
    text = "query A { x: viewer { id } }"
    document = parse(text)
    assert located(document, text, {}) is document
    assert located(document, str(text), {}) is document
    other = "query  B { y: viewer { id } }"
    exact = located(document, other, {})
    assert exact is not document and exact.loc is not None and exact.loc.source.body == other
    assert located(parse(text, no_location=True), other, {}).loc is None


def test_parsed_documents_with_renamings() -> None:
    renamings = Renamings()
    documents = ParsedDocuments(renamings=renamings)
    texts = [f"query Q{i} {{ r{i}: viewer {{ id }} }}" for i in range(4)]
    # Without a validity test (no read engine), every new text is parsed: nothing is read.
    for text in texts:
        document = documents.parse(text, {})
        assert document.loc is not None and document.loc.source.body == text
    assert len(renamings.kept) == 0 and len(renamings.seen) == 0
    renamings = Renamings()
    documents = ParsedDocuments(renamings=renamings)
    found = [documents.parse(text, {}, lambda _: True) for text in texts]
    # The first two are parsed (the key is kept at its second sighting), the others renamed.
    assert [d.loc is not None and d.loc.source.body == t for d, t in zip(found, texts, strict=True)] == [
        True,
        True,
        False,
        False,
    ]
    for document, text in zip(found, texts, strict=True):
        assert print_ast(document) == print_ast(parse(text))
