"""A GraphQL type's stored fields from their declaration (domain.fields): the annotations and
descriptions strawberry reads (:func:`declared_fields`) and the values ``from_model`` gives them
(:func:`read_fields`), each by the field's kind."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import strawberry

from core.ids import to_global_id
from domain.fields import Field, Kind
from schema.base import Money, money

# The GraphQL type of each kind (OPTION: the field's enum).
DECLARED_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.MONEY: Money,
    Kind.DATE: dt.date,
    Kind.DATETIME: dt.datetime,
    Kind.BOOLEAN: bool,
    Kind.INTEGER: int,
    Kind.GLOBAL_ID: strawberry.ID,
}


def read(declared: Field, record: Any) -> Any:
    """The value of one declared field of a model."""
    if declared.kind == Kind.MONEY:
        return money(*(getattr(record, name) for name in declared.columns))
    value = getattr(record, declared.column)
    if declared.kind == Kind.GLOBAL_ID:
        assert declared.ref is not None, declared.name
        return strawberry.ID(to_global_id(declared.ref, value)) if value else None
    return value


def read_fields(declared: Iterable[Field], record: Any) -> dict[str, Any]:
    """``from_model``'s arguments for the declared fields: attribute -> value."""
    return {f.column: read(f, record) for f in declared}


def declared_fields(
    declared: Iterable[Field], after: str, followed_by: Mapping[str, Iterable[str]] | None = None
) -> Callable[[type], type]:
    """Give a type its declared stored fields, in their order, after its own field ``after``: each
    with its declared description, as if written in the class (strawberry reads the class's
    annotations in order). ``followed_by`` keeps the type's order where it puts its own fields
    among the declared ones: declared name -> the class's attributes that come right after it."""
    followed = {name: tuple(attributes) for name, attributes in (followed_by or {}).items()}
    moved = {attribute for attributes in followed.values() for attribute in attributes}

    def add(cls: type) -> type:
        own = inspect.get_annotations(cls)
        annotations: dict[str, Any] = {}
        for name, annotation in own.items():
            if name in moved:
                continue
            annotations[name] = annotation
            if name != after:
                continue
            for f in declared:
                kind: Any = f.enum if f.kind == Kind.OPTION else DECLARED_TYPES[f.kind]
                annotations[f.column] = kind | None if f.nullable else kind
                setattr(cls, f.column, strawberry.field(description=f.description))
                for attribute in followed.pop(f.name, ()):
                    annotations[attribute] = own[attribute]
        assert not followed, f"{cls.__name__}: not declared {sorted(followed)}"
        cls.__annotations__ = annotations
        return cls

    return add
