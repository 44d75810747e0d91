"""The plan cache (fastpath/plans.py): bounded, one entry per document shape and operation
(schema/shape.py), one plan per value of the `@skip` / `@include` variables, unplannable
documents remembered; and the shapes themselves: what they keep and what they drop."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_variable_values, parse

from bench.read_engine_workloads import W7, W8, W9
from bench.workloads import INBOX
from fastpath import plans as plans_module
from fastpath.operation import Plan
from fastpath.plans import Plans
from fastpath.sqljson import Related
from schema import schema
from schema.shape import SHAPES, shape

GSCHEMA = schema._schema


def _plan(plans: Plans, text: str, variables: dict[str, object] | None = None, name: str | None = None) -> Plan | None:
    entry, _ = plans.entry(parse(text), name)
    assert entry is not None
    coerced = get_variable_values(GSCHEMA, entry.operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list)
    return entry.plan(GSCHEMA, coerced)


def test_bounded_and_least_recently_used_first_out() -> None:
    plans = Plans(maxsize=2)
    texts = [f"query Q {{ leads {{ nodes {{ {field} }} }} }}" for field in ("id", "title", "source")]
    _plan(plans, texts[0])
    _plan(plans, texts[1])
    _plan(plans, texts[0])  # used again: texts[1] is now the oldest
    _plan(plans, texts[2])
    assert list(plans.entries) == [
        SHAPES.of(parse(texts[0])).plan_key(None),
        SHAPES.of(parse(texts[2])).plan_key(None),
    ]


def test_a_document_that_is_no_query_is_remembered_and_counts_as_used(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str | None] = []
    monkeypatch.setattr(plans_module, "_entry", _counted(made))
    plans = Plans(maxsize=2)
    mutation = 'mutation { updateLead(input: {id: "1"}) { lead { id } } }'
    query, other = "{ leads { nodes { id } } }", "{ leads { nodes { title } } }"
    assert plans.entry(parse(mutation), None) == (None, {})
    _plan(plans, query)
    # Found again as None, not made anew, and now the most recent: the query is the oldest.
    assert plans.entry(parse(mutation), None) == (None, {})
    _plan(plans, other)
    keys = [SHAPES.of(parse(text)).plan_key(None) for text in (mutation, other)]
    assert list(plans.entries) == keys and plans.entries[keys[0]] is None
    assert made == ["mutation", "query", "query"]


def _counted(made: list[str | None]) -> Any:
    make = plans_module._entry

    def counted(document: Any, operation_name: str | None, aliases: tuple[str, ...]) -> Any:
        made.append(document.definitions[0].operation.value)
        return make(document, operation_name, aliases)

    return counted


def test_one_plan_per_switch_value_and_the_same_plan_for_other_variables() -> None:
    plans = Plans()
    text = "query($p: Boolean!, $first: Int) { leads(first: $first) { nodes { id person @include(if: $p) { id } } } }"
    with_person = _plan(plans, text, {"p": True, "first": 5})
    assert _plan(plans, text, {"p": True, "first": 50}) is with_person
    without = _plan(plans, text, {"p": False})
    assert without is not with_person
    (entry,) = plans.entries.values()
    assert entry is not None and entry.switches == ("p",) and len(entry.plans) == 2


def test_unplannable_and_non_queries_are_remembered_as_such() -> None:
    plans = Plans()
    assert _plan(plans, "{ webhooks { deliveries { id } } }") is None
    mutation = "mutation { setLeadColumns(input: {keys: []}) { userErrors { code } } }"
    assert plans.entry(parse(mutation), None) == (None, {})
    assert len(plans.entries) == 2


def test_reprinted_and_renamed_documents_share_one_plan_with_their_own_root_keys() -> None:
    plans = Plans()
    first = "query A($f: Int) { a: leads(first: $f) { nodes { id t: title } } n: __typename }"
    again = "query   B ( $f : Int )\n{ b: leads(first: $f) { nodes { id, t: title } }, m: __typename }  # reprinted"
    one, renames = plans.entry(parse(first), "A")
    assert one is not None and renames == {}
    two, renames = plans.entry(parse(again), "B")
    assert two is one and renames == {"a": "b", "n": "m"}
    assert len(plans.entries) == 1
    # A nested alias is written by the plan: another one is another plan.
    other, _ = plans.entry(parse(first.replace("t: title", "u: title")), "A")
    assert other is not one and len(plans.entries) == 2


def test_the_shape_keeps_what_validation_reads() -> None:
    def key(text: str) -> object:
        return shape(parse(text)).key

    base = key("query A { a: leads { nodes { id } } }")
    assert key("query B { b: leads { nodes { id } } }") == base
    assert key("{ a: leads { nodes { id } } }") != base  # anonymous stays anonymous
    assert key("query A { leads { nodes { id } } }") != base  # no alias is not an alias
    # Which response keys are equal is kept: two fields under one key must merge.
    assert key("{ a: leads { nodes { id } } b: leads { nodes { id } } }") != key(
        "{ a: leads { nodes { id } } a: leads { nodes { id } } }"
    )
    # An alias spelled like a field the document selects is kept as written.
    assert key("{ leads { nodes { id id: title } } }") != key("{ leads { nodes { id x: title } } }")
    # Values, arguments, variables, fragments and directives are kept.
    assert key("{ leads(first: 1) { nodes { id } } }") != key("{ leads(first: 2) { nodes { id } } }")
    assert key('{ leads(after: "1") { nodes { id } } }') != key("{ leads(after: 1) { nodes { id } } }")
    assert key("query($a: Int) { leads(first: $a) { nodes { id } } }") != key(
        "query($b: Int) { leads(first: $b) { nodes { id } } }"
    )
    assert key("{ leads { nodes { id @skip(if: true) } } }") != key("{ leads { nodes { id @include(if: true) } } }")
    assert key("{ leads { nodes { ...F } } } fragment F on Lead { id }") != key(
        "{ leads { nodes { ...G } } } fragment G on Lead { id }"
    )


def _leads_plan(text: str, variables: dict[str, object] | None = None) -> Any:
    plan = _plan(Plans(), text, variables)
    assert plan is not None
    ((_, root),) = plan.roots
    return root.plan


def test_the_database_writes_the_leads_json_values_and_children_excepted() -> None:
    """fastpath/sqljson.py: the inbox (Q1) and a frontend's page (W7) are written by the page
    statement, Q1's ``values`` a Python hole; a selection SQL has no form for (a lead's notes)
    keeps the Python writers for every lead. The relations looked up (person, organization,
    owner, next activity) and the labels are columns of their own, counted from the column (a
    relation found, the list's length) instead of reading their rows again."""
    inbox = _leads_plan(INBOX, {"first": 100})
    assert inbox.json_sites is not None
    ((site),) = inbox.json_sites
    kinds = [(type(p).__name__, getattr(p, "key", None)) for p in site.parts]
    assert [(k, key) for k, key in kinds if k != "function"] == [
        ("Related", "person"),
        ("Related", "organization"),
        ("Related", "owner"),
        ("Related", "labels"),
        ("Related", "nextActivity"),
        ("Hole", "values"),
    ]
    related = [(p.present, p.listed) for p in site.parts if isinstance(p, Related)]
    # The organization writes its address too; a label one object each.
    assert related == [(1, False), (2, False), (1, False), (1, True), (1, False)]
    frontend = _leads_plan(W7.replace("{n}", "1"), {"first": 25})
    assert frontend.json_sites is not None and not any(s.needs_records for s in frontend.json_sites)
    both_places = _leads_plan("{ leads { edges { node { id } } nodes { title } } }")
    assert both_places.json_sites is not None and len(both_places.json_sites) == 2
    notes = _leads_plan("{ leads { nodes { id notes { id } } } }")
    assert notes.json_sites is None


def test_the_database_writes_the_deals_and_contacts_json() -> None:
    """W8 and W9 of bench/read_engine.py: every deal and person written by the page statement;
    a field with no SQL form keeps the Python writers."""
    for text in (W8, W9):
        plan = _plan(Plans(), text.replace("{n}", "1"), {"first": 25})
        assert plan is not None
        ((_, root),) = plan.roots
        assert root.sites is not None and len(root.sites) == 1
    kept = _plan(Plans(), "{ deals { nodes { id participants { id } } } }")
    if kept is not None:  # the resolver's plan (fastpath.resolved) writes it in Python
        ((_, root),) = kept.roots
        assert getattr(root, "sites", None) is None
