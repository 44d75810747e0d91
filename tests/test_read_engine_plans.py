"""The plan cache (fastpath/plans.py): bounded, one entry per text and operation, one plan per
value of the `@skip` / `@include` variables, unplannable documents remembered."""

from __future__ import annotations

from typing import Any

from graphql import get_variable_values, parse

from fastpath.plans import Plans
from schema import schema

GSCHEMA = schema._schema


def _plan(plans: Plans, text: str, variables: dict[str, object] | None = None, name: str | None = None) -> object:
    entry = plans.entry(text, name, parse(text))
    assert entry is not None
    coerced = get_variable_values(GSCHEMA, entry.operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list)
    return entry.plan(GSCHEMA, coerced)


def test_bounded_and_least_recently_used_first_out() -> None:
    plans = Plans(maxsize=2)
    texts = [f"query Q{i} {{ leads {{ nodes {{ id }} }} }}" for i in range(3)]
    _plan(plans, texts[0])
    _plan(plans, texts[1])
    _plan(plans, texts[0])  # used again: texts[1] is now the oldest
    _plan(plans, texts[2])
    assert [key[0] for key in plans.entries] == [texts[0], texts[2]]


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
    assert plans.entry(mutation, None, parse(mutation)) is None
    assert len(plans.entries) == 2


def _leads_plan(text: str, variables: dict[str, object] | None = None) -> Any:
    plan = _plan(Plans(), text, variables)
    assert plan is not None
    ((_, root),) = plan.roots
    return root.plan


def test_the_database_writes_the_leads_json_values_and_children_excepted() -> None:
    """fastpath/sqljson.py: the inbox (Q1) and a frontend's page (W7) are written by the page
    statement, Q1's ``values`` a Python hole; a selection SQL has no form for (a lead's notes)
    keeps the Python writers for every lead."""
    from bench.read_engine import W7
    from bench.workloads import INBOX
    from fastpath.sqljson import Hole

    inbox = _leads_plan(INBOX, {"first": 100})
    assert inbox.json_sites is not None
    ((site),) = inbox.json_sites
    assert [type(p) is Hole for p in site.parts] == [False, True]
    frontend = _leads_plan(W7.replace("{n}", "1"), {"first": 25})
    assert frontend.json_sites is not None and not any(s.needs_records for s in frontend.json_sites)
    both_places = _leads_plan("{ leads { edges { node { id } } nodes { title } } }")
    assert both_places.json_sites is not None and len(both_places.json_sites) == 2
    notes = _leads_plan("{ leads { nodes { id notes { id } } } }")
    assert notes.json_sites is None


def test_the_database_writes_the_deals_and_contacts_json() -> None:
    """W8 and W9 of bench/read_engine.py: every deal and person written by the page statement;
    a field with no SQL form keeps the Python writers."""
    from bench.read_engine import W8, W9

    for text in (W8, W9):
        plan = _plan(Plans(), text.replace("{n}", "1"), {"first": 25})
        assert plan is not None
        ((_, root),) = plan.roots
        assert root.sites is not None and len(root.sites) == 1
    kept = _plan(Plans(), "{ deals { nodes { id participants { id } } } }")
    if kept is not None:  # the resolver's plan (fastpath.resolved) writes it in Python
        ((_, root),) = kept.roots
        assert getattr(root, "sites", None) is None
