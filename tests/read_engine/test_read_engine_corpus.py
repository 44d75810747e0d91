"""The read engine against the ordinary execution over a generated corpus (issue 14).

hypothesis-graphql writes random valid query documents from schema.graphql for the roots the
engine plans. Most are steered towards answerable requests (a page size, sometimes archived
leads, columns the catalogue has) so that the engine answers them; the rest keep hypothesis's own
arguments, which mostly give errors: those must be the ordinary execution's too. Every document
goes to the app with the engine and to the app without it, as an admin, as a regular user
restricted by visibility and as another company's user, over data with nulls, empty relations,
every type of custom value, archived leads, notes and activities, deals (a deleted one, one only
its owner sees). The bodies must be the same JSON but for the query cost report (the token's
remaining budget differs per request).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from pathlib import Path
from typing import Any

import orjson
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from bench.read_engine_workloads import W7, W8, W9
from bench.workloads import INBOX
from core.ids import to_global_id
from fastpath.extension import EXECUTION_HEADER
from fastpath.resolved import ROOT_FIELDS
from models import Deal, Lead, Note, Person
from tests.conftest import Account
from tests.factories.read_engine import rich_data, roots_data
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import EVERY_COLUMN, Both

# The fixtures of the inbox tests: the app with the engine and the app without it.
ordinary = test_fastpath.ordinary
both = test_fastpath.both

SDL = (Path(__file__).resolve().parent.parent.parent / "schema.graphql").read_text()
ROOTS = ["leads", "persons", "organizations", "viewer", "deals", "node", "nodes"]
DOCUMENTS = 200
# The roots their resolver answers whole (fastpath/resolved.py), and how many documents of them.
RESOLVED_ROOTS = list(ROOT_FIELDS)
RESOLVED_DOCUMENTS = 160
SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: nodes.String(d.isoformat())),
    "Time": st.times().map(lambda t: nodes.String(t.isoformat())),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(nodes.String),
    "UUID": st.uuids().map(nodes.String),
    "JSON": st.just(nodes.String("{}")),
    "Upload": st.just(nodes.String("")),
}


def corpus(count: int) -> list[str]:
    """Up to ``count`` distinct documents, the same each run (derandomized)."""
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(SDL, fields=ROOTS, custom_scalars=SCALARS, allow_x00=False))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return list(dict.fromkeys(found))


def _arguments(text: str) -> tuple[ArgumentNode, ...]:
    operation = parse("{ f(" + text + ") }").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return tuple(field.arguments or ())


class Steer(Visitor):
    """Answerable arguments: a page size (sometimes archived leads) on the root, known columns."""

    def __init__(self, rng: random.Random, ids: list[str]) -> None:
        super().__init__()
        self.rng = rng
        self.ids = ids

    def enter_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        name = node.name.value
        if name == "node":
            return dataclasses.replace(node, arguments=_arguments(f'id: "{self.rng.choice(self.ids)}"'))
        if name == "nodes":
            ids = orjson.dumps(self.rng.sample(self.ids, 4)).decode()
            return dataclasses.replace(node, arguments=_arguments(f"ids: {ids}"))
        if name in ROOTS and name != "viewer":
            text = f"first: {self.rng.randint(1, 9)}"
            if name == "leads" and self.rng.random() < 0.2:
                text += ", filter: {archived: true}"
            elif name != "leads" and self.rng.random() < 0.3:
                text += ', search: "o"'
            return dataclasses.replace(node, arguments=_arguments(text))
        if name == "values" and node.arguments:
            keys = self.rng.sample(EVERY_COLUMN, self.rng.randint(0, 6))
            return dataclasses.replace(node, arguments=_arguments("columns: " + orjson.dumps(keys).decode()))
        if name == "activities" and node.arguments:
            return dataclasses.replace(node, arguments=())
        return None


def steer(text: str, rng: random.Random, ids: list[str]) -> str:
    document: DocumentNode = visit(parse(text), Steer(rng, ids))
    return print_ast(document)


async def global_ids(account: Account, other_account: Account) -> list[str]:
    """Ids of every kind the data has, both companies', for `node` and `nodes`."""
    found = []
    for company in (account.company_id, other_account.company_id):
        for model, type_name in ((Lead, "Lead"), (Person, "Person"), (Deal, "Deal"), (Note, "Note")):
            for key in await model.filter(company_id=company).limit(4).values_list("id", flat=True):
                found.append(to_global_id(type_name, key))
        found.append(to_global_id("User", account.user_id if company == account.company_id else other_account.user_id))
    return [*found, to_global_id("Lead", uuid.uuid4()), "not-an-id"]


async def test_generated_documents_answer_the_same(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    seller = await rich_data(account, other_account, make_account)
    ids = await global_ids(account, other_account)
    rng = random.Random(14)
    tokens = [account.token, seller.token, other_account.token]
    compiled = 0
    texts = corpus(DOCUMENTS)
    assert len(texts) > DOCUMENTS // 2
    for i, raw in enumerate(texts):
        text = steer(raw, rng, ids) if i % 5 else raw
        token = tokens[i % len(tokens)]
        body = {"query": text}
        headers = {"Authorization": f"Bearer {token}"}
        fast = await both.compiled.post("/graphql", json=body, headers=headers)
        slow = await both.ordinary.post("/graphql", json=body, headers=headers)
        assert fast.status_code == slow.status_code, text
        assert test_fastpath._without_cost(fast) == test_fastpath._without_cost(slow), text
        compiled += fast.headers.get(EXECUTION_HEADER) == "compiled"
    # Many documents are answered by plan (the rest ask for what the engine does not plan, name
    # an object of a type the plan does not write, or have arguments that give errors).
    assert compiled >= len(texts) // 3, (compiled, len(texts))


async def test_node_and_nodes_by_plan(account: Account, other_account: Account, make_account: Any, both: Both) -> None:
    """Objects by global id: each type by its derived table, null for another company's or a
    missing one, the ordinary execution for a type whose selection is not planned."""
    await rich_data(account, other_account, make_account)
    ids = await global_ids(account, other_account)
    selection = """
      __typename id
      ... on Person { name primaryEmail emails { value primary } visibility createdAt }
      ... on Lead { title uuid source isArchived value { amount currency } }
      ... on Deal { title status value { amount } deletedAt }
      ... on User { name email role permissions { buyCredits } }
      ... on Note { content createdAt }
    """
    for token in (account.token, other_account.token):
        await both.same(token, f"query($id: ID!) {{ node(id: $id) {{ {selection} }} }}", {"id": ids[0]})
        await both.same(token, f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {selection} }} }}", {"ids": ids[:-1]})
    # Lead.person has a resolver: the plan of the `node` resolver writes it (fastpath.resolved).
    await both.same(account.token, f'{{ node(id: "{ids[0]}") {{ ... on Lead {{ person {{ id }} }} }} }}', {})
    # A malformed id: the ordinary execution's error.
    body = await both.same(account.token, '{ node(id: "not-an-id") { id } }', {}, compiled=False)
    assert body["errors"]


def resolved_corpus(count: int) -> list[str]:
    """Up to ``count`` distinct documents of the resolved roots, the same each run (derandomized)."""
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(SDL, fields=RESOLVED_ROOTS, custom_scalars=SCALARS, allow_x00=False))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return list(dict.fromkeys(found))


class SteerRoots(Visitor):
    """Answerable arguments for the resolved roots: ids of jobs and selections that exist (yours,
    another user's, another company's), small page sizes."""

    def __init__(self, rng: random.Random, ids: dict[str, list[str]]) -> None:
        super().__init__()
        self.rng = rng
        self.ids = ids

    def enter_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        name = node.name.value
        if name == "job":
            return dataclasses.replace(node, arguments=_arguments(f'id: "{self.rng.choice(self.ids["Job"])}"'))
        if name in ("selection", "leadStatusBoard"):
            argument = "id" if name == "selection" else "selectionId"
            chosen = self.rng.choice(self.ids["Selection"])
            return dataclasses.replace(node, arguments=_arguments(f'{argument}: "{chosen}"'))
        if any(a.name.value == "first" for a in node.arguments or ()):
            kept = [a for a in node.arguments or () if a.name.value not in ("first", "after")]
            return dataclasses.replace(node, arguments=(*kept, *_arguments(f"first: {self.rng.randint(0, 4)}")))
        return None


async def test_generated_documents_of_the_resolved_roots_answer_the_same(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    """Labels, columns, saved filters, statuses, selections and their board, notifications, jobs,
    credits, webhooks ... (tests.read_engine.test_read_engine_roots.roots_data: both companies' rows, nulls
    and empties) as an admin, a regular user and another company's user."""
    data = await roots_data(account, other_account, make_account)
    ids = {
        "Job": [to_global_id("Job", i) for i in [*data["jobs"], 999999]],
        "Selection": [to_global_id("Selection", i) for i in [*data["selections"], 999999]],
    }
    rng = random.Random(14)
    tokens = [account.token, data["seller"].token, other_account.token]
    compiled = 0
    texts = resolved_corpus(RESOLVED_DOCUMENTS)
    assert len(texts) > RESOLVED_DOCUMENTS // 2
    for i, raw in enumerate(texts):
        text = print_ast(visit(parse(raw), SteerRoots(rng, ids))) if i % 5 else raw
        token = tokens[i % len(tokens)]
        body = {"query": text}
        headers = {"Authorization": f"Bearer {token}"}
        fast = await both.compiled.post("/graphql", json=body, headers=headers)
        slow = await both.ordinary.post("/graphql", json=body, headers=headers)
        assert fast.status_code == slow.status_code, text
        fast_body, slow_body = test_fastpath._without_cost(fast), test_fastpath._without_cost(slow)
        if slow_body.get("data") is None and fast_body.get("data") is None:
            # Two sibling roots failing concurrently: once one nulls the whole answer, whether the
            # other's error is reported too depends on timing (both ways run the same resolvers).
            codes = {e.get("extensions", {}).get("code") for e in slow_body["errors"]}
            assert fast_body["errors"] and {e.get("extensions", {}).get("code") for e in fast_body["errors"]} <= codes
        else:
            assert fast_body == slow_body, text
        compiled += fast.headers.get(EXECUTION_HEADER) == "compiled"
    assert compiled >= len(texts) // 3, (compiled, len(texts))


async def test_the_benchmark_pages_are_answered_by_the_engine(
    account: Account, other_account: Account, make_account: Any, both: Both
) -> None:
    """bench/read_engine.py's Q1, W7, W8 and W9 are answered by plan (not by the ordinary execution
    after the engine declined: a statement the database refuses falls back silently, and the
    answers would still be equal) and equal to the ordinary execution, for an admin and a regular
    user, over data with missing and hidden relations."""
    seller = await rich_data(account, other_account, make_account)
    pages: list[tuple[str, dict[str, Any]]] = [
        (INBOX, {"first": 20, "columns": EVERY_COLUMN}),
        (W7.replace("{n}", "1"), {"first": 25}),
        (W8.replace("{n}", "1"), {"first": 25}),
        (W9.replace("{n}", "1"), {"first": 25}),
    ]
    for token in (account.token, seller.token):
        for text, variables in pages:
            body = await both.same(token, text, variables)  # checks the engine's header
            assert "errors" not in body, body
            (page,) = body["data"].values()
            assert page["edges"], text
