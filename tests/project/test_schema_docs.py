"""The schema documents itself: every type, field, argument, input field and enum value has a
description.

GraphiQL's documentation explorer and ``schema.graphql`` are what a partner developer reads;
a missing description is a hole in that documentation.
"""

from __future__ import annotations

from enum import Enum

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    specified_scalar_types,
)
from graphql.type.introspection import introspection_types

import schema as schema_module
from schema.base import describe_values


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Every element of the schema without a description, by its coordinate (``Type.field(arg:)``).

    graphql-core's own introspection types and standard scalars are not ours to describe;
    custom scalars are.
    """
    missing: list[str] = []

    def check(coordinate: str, description: str | None) -> None:
        if not (description or "").strip():
            missing.append(coordinate)

    for name, named in schema.type_map.items():
        if name in introspection_types or name in specified_scalar_types:
            continue
        check(name, named.description)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                check(f"{name}.{field_name}", field.description)
                for arg_name, arg in field.args.items():
                    check(f"{name}.{field_name}({arg_name}:)", arg.description)
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                check(f"{name}.{field_name}", input_field.description)
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                check(f"{name}.{value_name}", value.description)
        elif isinstance(named, GraphQLUnionType):
            pass  # a union has no members of its own to describe
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undocumented(schema_module.schema._schema)
    assert not missing, f"{len(missing)} schema elements without a description:\n" + "\n".join(missing)


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


# A small schema with one undescribed element of each kind (module level, where strawberry
# resolves the annotations).
strawberry.enum(Colour, name="Colour", description="A colour.")
describe_values(Colour, {"RED": "Red."})


@strawberry.input(description="A filter.")
class Filter:
    name: str = strawberry.field(description="A name.")
    colour: Colour | None = None


@strawberry.type
class Thing:
    label: str = strawberry.field(description="A label.")
    size: int


@strawberry.type(description="The root.")
class Query:
    @strawberry.field(description="Things.")
    def things(self, filter: Filter | None = None) -> list[Thing]:
        return []


def test_the_walk_finds_each_kind_of_missing_description() -> None:
    built = strawberry.Schema(query=Query)._schema
    assert sorted(undocumented(built)) == [
        "Colour.BLUE",
        "Filter.colour",
        "Query.things(filter:)",
        "Thing",
        "Thing.size",
    ]


def test_describe_values_refuses_a_value_the_enum_does_not_have() -> None:
    class Size(Enum):
        SMALL = "s"

    SizeEnum = strawberry.enum(Size, name="Size")
    with pytest.raises(ValueError, match="HUGE"):
        describe_values(SizeEnum, {"HUGE": "Too big."})
