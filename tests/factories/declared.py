"""Checks that a record type's structures hold exactly its declared stored fields (domain.fields),
shared by the tests of each declaration (tests/deals/test_deal_fields.py,
tests/contacts/test_contact_fields.py; the lead's has its own, tests/leads/test_lead_fields.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType

from domain.fields import Field, Kind
from schema import schema


def model_columns(model: Any) -> dict[str, Any]:
    """A model's table columns, each with its tortoise field."""
    meta = model._meta
    return {
        meta.fields_db_projection[name]: field
        for name, field in meta.fields_map.items()
        if name in meta.fields_db_projection
    }


def check_model(model: Any, declared: Sequence[Field], not_declared: Iterable[str]) -> None:
    """The model's columns are the declared ones, their folded keys and the named others; each
    declared column is NULL-able exactly where the field is nullable."""
    columns = model_columns(model)
    held = {c for f in declared for c in f.columns}
    keys = {f.key_column for f in declared if f.key_column is not None}
    assert set(columns) == held | keys | set(not_declared), sorted(set(columns) ^ (held | keys | set(not_declared)))
    assert not held & set(not_declared)
    for f in declared:
        for column in f.columns:
            assert columns[column].null == f.nullable, column


def check_kinds(declared: Sequence[Field]) -> None:
    """Each kind as its readers need it."""
    assert len({f.name for f in declared}) == len(declared)
    for f in declared:
        assert (f.kind == Kind.OPTION) == (f.enum is not None), f.name
        assert (f.kind == Kind.GLOBAL_ID) == (f.ref is not None), f.name
        assert f.folded <= (f.kind == Kind.TEXT), f.name
        if f.kind == Kind.MONEY:
            # The read engine's Money table reads this pair (fastpath.sqltables).
            assert f.columns == ("value_amount", "value_currency"), f.name
        # GraphQL names the field in camelCase: the declared name is the column's.
        assert f.name == "".join(p if i == 0 else p.title() for i, p in enumerate(f.column.split("_")))


def check_type(type_class: Any, declared: Sequence[Field], own: Iterable[str]) -> None:
    """The strawberry type's fields without a resolver are ``id``, the declared ones (in their
    order, with their descriptions) and the type's ``own`` (python names); the GraphQL type has
    each declared field, required exactly where the declaration says."""
    definition = type_class.__strawberry_definition__
    stored = [f for f in definition.fields if f.base_resolver is None and not f.python_name.startswith("_")]
    columns = [f.column for f in declared]
    assert {f.python_name for f in stored} == {"id", *columns, *own}
    assert [f.python_name for f in stored if f.python_name in columns] == columns
    descriptions = {f.python_name: f.description for f in stored}
    assert [descriptions[c] for c in columns] == [f.description for f in declared]
    graphql_type = schema._schema.type_map[definition.name]
    assert isinstance(graphql_type, GraphQLObjectType)
    for f in declared:
        assert isinstance(graphql_type.fields[f.name].type, GraphQLNonNull) == (not f.nullable), f.name


def check_table(names: Iterable[str], declared: Sequence[Field], others: Iterable[str]) -> None:
    """A read engine's table holds the declared fields and the named others, nothing more."""
    assert set(names) == {f.name for f in declared} | set(others)


def selection(declared: Sequence[Field]) -> str:
    """Every declared field, as a GraphQL selection."""
    return " ".join(f"{f.name} {{ amount currency }}" if f.kind == Kind.MONEY else f.name for f in declared)
