"""New texts of a known shape, served from a kept document renamed (schema/tokens.py), on both
databases: every answer (data and errors, with their locations) is the one an app that parses
every text gives, and a renamed text is not parsed when the read engine answers it."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest
from graphql import FieldNode, NameNode, OperationDefinitionNode, parse, print_ast

from bench.workloads import INBOX
from fastpath.extension import EXECUTION_HEADER
from schema import parsing, tokens
from tests.conftest import Account
from tests.factories.read_engine import make_inbox, rich_data
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import Both, _without_cost, inbox_vars
from tests.read_engine.test_read_engine_corpus import corpus, global_ids, steer

ordinary = test_fastpath.ordinary
both = test_fastpath.both

# The inbox on one line (so that a longer name moves every location after it), its operation
# name and root alias numbered.
ONE_LINE = " ".join(INBOX.split())


def inbox(n: Any) -> str:
    return ONE_LINE.replace("query Inbox(", f"query Inbox{n}(", 1).replace(" leads(", f" page{n}: leads(", 1)


class Parses:
    """How many times graphql-core's parser ran (the text cache's parse, the exact parse)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for module in (parsing, tokens):
            monkeypatch.setattr(module, "parse", self.counted(module.parse))

    def counted(self, real: Any) -> Any:
        def parse(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        return parse


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Parses]:
    yield Parses(monkeypatch)


async def compiled_only(both: Both, token: str, body: dict[str, Any], parses: Parses) -> tuple[dict[str, Any], int]:
    """The engine's answer (checked equal to the ordinary app's) and how many parses it took."""
    before = parses.count
    fast = await both.post(both.compiled, token, body)
    count = parses.count - before
    slow = await both.post(both.ordinary, token, body)
    assert _without_cost(fast) == _without_cost(slow), body
    return _without_cost(fast) | {"compiled": fast.headers.get(EXECUTION_HEADER)}, count


async def test_renamed_texts_answer_as_parsed_ones(account: Account, both: Both, parses: Parses) -> None:
    await make_inbox(account)
    counts = []
    for n in (1, 2, 3, 44, 55555):
        body, count = await compiled_only(both, account.token, {"query": inbox(n), "variables": inbox_vars()}, parses)
        assert body["compiled"] == "compiled" and list(body["data"]) == [f"page{n}"]
        counts.append(count)
    # Parsed until the key's second sighting, then renamed.
    assert counts == [1, 1, 0, 0, 0]


async def test_an_error_after_a_renaming_quotes_its_own_text(account: Account, both: Both, parses: Parses) -> None:
    await make_inbox(account)
    for n in (1, 2):
        await both.same(account.token, inbox(n), inbox_vars())
    for n in (3, 123456789):
        text = inbox(n)
        body, count = await compiled_only(
            both, account.token, {"query": text, "variables": inbox_vars(after="x")}, parses
        )
        # Declined by the engine: the exact parse for the ordinary execution (and only that).
        assert body["compiled"] is None and count == 1
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID_CURSOR"
        assert error["locations"] == [{"line": 1, "column": text.index(f"page{n}:") + 1}]


async def test_validation_and_syntax_errors_of_a_known_key(account: Account, both: Both, parses: Parses) -> None:
    def invalid(n: Any) -> str:
        return f"query V{n} {{ r{n}: leads(first: 1) {{ totalCount noSuchField }} }}"

    for n in (1, 2, 33333):
        body = await both.same(account.token, invalid(n), {}, compiled=False)
        [error] = body["errors"]
        assert error["locations"] == [{"line": 1, "column": invalid(n).index("noSuchField") + 1}]
    # An input limit (schema/input_guard.py) after a renaming: its error has no locations.
    long = "s" * 201
    for n in (1, 2, 333):
        text = f'query S{n} {{ r{n}: leads(first: 1, filter: {{search: "{long}"}}) {{ totalCount }} }}'
        body = await both.same(account.token, text, {}, compiled=False)
        assert body["errors"][0]["extensions"]["code"] == "TOO_LONG" and "locations" not in body["errors"][0]
    # The token key of a kept text, but past the token limit with comments (graphql-core counts them).
    valid = "query T{n} {{ t{n}: viewer {{ id }} }}"
    for n in (1, 2, 3):
        assert "errors" not in await both.same(account.token, valid.format(n=n), {})
    padded = valid.format(n=4).replace("id", "id" + " # padding\n" * 4000)
    body = await both.same(account.token, padded, {}, compiled=False)
    assert "tokens" in body["errors"][0]["message"]
    # Texts the tokenizer cannot read: graphql-core's syntax error.
    for text in ("{ leads(first: 01) { totalCount } }", "{ leads(first: 1) { totalCount } ", "{ é }"):
        body = await both.same(account.token, text, {}, compiled=False)
        assert body["errors"][0]["locations"]


async def test_several_operations_get_and_persisted_queries(account: Account, both: Both, parses: Parses) -> None:
    await make_inbox(account)
    text = (
        "query A{n} {{ v{n}: viewer {{ id }} }}\n"
        "query B{n}($first: Int!) {{ l{n}: leads(first: $first) {{ totalCount }} x{n}: leads(first: 1) {{ totalCount }}"
        " x{n}: leads(first: 1) {{ totalCount }} viewer {{ name }} }}"
    )
    for n in range(5):
        for name in (f"A{n}", f"B{n}"):
            body = {"query": text.format(n=n), "variables": {"first": 2}, "operationName": name}
            answer, _ = await compiled_only(both, account.token, body, parses)
            assert "errors" not in answer
            assert set(answer["data"]) == ({f"v{n}"} if name[0] == "A" else {f"l{n}", f"x{n}", "viewer"})
    headers = {"Authorization": f"Bearer {account.token}"}
    for n in range(5, 9):
        params = {"query": inbox(n), "variables": orjson.dumps(inbox_vars()).decode()}
        fast = await both.compiled.get("/graphql", params=params, headers=headers)
        slow = await both.ordinary.get("/graphql", params=params, headers=headers)
        assert fast.headers.get(EXECUTION_HEADER) == "compiled" and _without_cost(fast) == _without_cost(slow)
    for n in range(9, 13):
        query = inbox(n)
        sha = hashlib.sha256(query.encode()).hexdigest()
        body = {
            "query": query,
            "variables": inbox_vars(),
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}},
        }
        answer, _ = await compiled_only(both, account.token, body, parses)
        assert answer["compiled"] == "compiled" and list(answer["data"]) == [f"page{n}"]


def named(text: str, rng: random.Random) -> str:
    """``text`` with an operation name and an alias on each root field, from a few names (some a
    field's name, some equal to each other)."""
    pool = ["a", "b", "c", "leads", "viewer", "node", "id", "Q", "query"]
    document = parse(text)
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selections = tuple(
                replace(s, alias=NameNode(value=rng.choice(pool))) if isinstance(s, FieldNode) else s
                for s in definition.selection_set.selections
            )
            definition = replace(
                definition,
                name=NameNode(value=rng.choice(pool)),
                selection_set=replace(definition.selection_set, selections=selections),
            )
        definitions.append(definition)
    return print_ast(replace(document, definitions=tuple(definitions)))


async def test_renamed_corpus_documents(
    account: Account, other_account: Account, make_account: Any, both: Both, parses: Parses
) -> None:
    """Generated documents (tests/read_engine's corpus), each sent with several random operation
    names and root aliases: every answer the ordinary app's."""
    await rich_data(account, other_account, make_account)
    ids = await global_ids(account, other_account)
    rng = random.Random(1414)
    compiled = renamed = 0
    sent: set[str] = set()
    for raw in corpus(40)[:30]:
        text = steer(raw, rng, ids)
        for _ in range(5):
            query = named(text, rng)
            answer, count = await compiled_only(both, account.token, {"query": query}, parses)
            compiled += answer["compiled"] == "compiled"
            renamed += count == 0 and query not in sent
            sent.add(query)
    assert compiled >= 30 and renamed >= 10, (compiled, renamed)
