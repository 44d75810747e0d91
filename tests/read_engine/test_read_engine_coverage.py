"""What the read engine cannot plan, pinned with the reason for each (issue 14).

The test walks the schema from every planned root (a connection from its nodes, a union from
each member, anything else from the object itself) two levels down and compiles a one-field
document for every readable field; every root field of Query is tried too. The fields whose
document the compiler refuses must be exactly those listed here: a field newly planned must
leave the list, and a field newly added to the schema that the engine does not plan must be
added with its reason. Every document the engine does not plan is answered by the ordinary
execution, as before.
"""

from __future__ import annotations

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    get_named_type,
    is_composite_type,
    is_required_argument,
    parse,
)

from fastpath.compiler import Unsupported
from fastpath.operation import ROOTS, compile_operation
from schema import schema

# Each readable field the compiler cannot plan, with its reason (none left).
UNPLANNED: dict[str, str] = {}


# Placeholder values of the root arguments a document must give (the compiler reads only the text).
REQUIRED = {
    "job": '(id: "x")',
    "selection": '(id: "x")',
    "leadStatusBoard": '(selectionId: "x")',
    "customFields": "(entity: LEAD_DEAL)",
}


def _selection(kind: GraphQLOutputType) -> str:
    return " { __typename }" if is_composite_type(get_named_type(kind)) else ""


def _plans(text: str) -> bool:
    operation = parse(text).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    try:
        compile_operation(schema._schema, operation, {}, None)
    except Unsupported:
        return False
    return True


def unplanned() -> list[str]:
    gschema = schema._schema
    assert gschema.query_type is not None
    found = []
    for root in gschema.query_type.fields:
        if root not in ROOTS:
            found.append(f"Query.{root}")
            continue
        if root in ("node", "nodes"):
            # One writer per type implementing Node, each by the type's derived table; an object of
            # a type whose selection is not planned is left to the ordinary execution.
            argument = '(id: "x")' if root == "node" else '(ids: ["x"])'
            assert _plans(f"{{ {root}{argument} {{ id ... on Person {{ name primaryEmail }} }} }}")
            continue
        field_type = gschema.query_type.fields[root]
        assert not any(is_required_argument(a) for a in field_type.args.values()) or root in REQUIRED, root
        call = root + REQUIRED.get(root, "")
        node = get_named_type(field_type.type)
        assert isinstance(node, GraphQLObjectType)
        # A connection is walked from its nodes, anything else from the object itself.
        through_nodes = "nodes" in node.fields and "pageInfo" in node.fields
        if through_nodes:
            node = get_named_type(node.fields["nodes"].type)
        if not isinstance(node, GraphQLObjectType):  # a union: each member's fields under the root's name
            members = schema._schema.get_possible_types(node)
            for member in members:
                for name in member.fields:
                    inner = f"... on {member.name} {{ {name}{_selection(member.fields[name].type)} }}"
                    text = f"{{ {call} {{ nodes {{ {inner} }} }} }}"
                    if not _plans(text):
                        found.append(f"{root}/{member.name}.{name}")
            continue

        def document(inner: str, call: str = call, through_nodes: bool = through_nodes) -> str:
            return f"{{ {call} {{ nodes {{ {inner} }} }} }}" if through_nodes else f"{{ {call} {{ {inner} }} }}"

        for name, field in node.fields.items():
            if any(is_required_argument(a) for a in field.args.values()):
                continue
            if not _plans(document(name + _selection(field.type))):
                found.append(f"{root}/{node.name}.{name}")
                continue
            inner = get_named_type(field.type)
            if not isinstance(inner, GraphQLObjectType):
                continue
            for sub_name, sub in inner.fields.items():
                if any(is_required_argument(a) for a in sub.args.values()):
                    continue
                if not _plans(document(f"{name} {{ {sub_name}{_selection(sub.type)} }}")):
                    found.append(f"{root}/{node.name}.{name}/{inner.name}.{sub_name}")
    return found


def test_every_field_the_engine_does_not_plan_is_listed_with_its_reason() -> None:
    found = unplanned()
    assert sorted(found) == sorted(UNPLANNED), (
        f"planned now, remove: {sorted(set(UNPLANNED) - set(found))}; "
        f"not planned, add with a reason: {sorted(set(found) - set(UNPLANNED))}"
    )
    assert all(reason.strip() for reason in UNPLANNED.values())


def test_the_planned_part_is_most_of_what_a_list_page_reads() -> None:
    """The lead, person and organization fields a page shows are planned (not in the list)."""
    for field in ("id", "title", "value", "person", "organization", "owner", "labels", "values", "notes"):
        assert f"leads/Lead.{field}" not in UNPLANNED
    for field in ("id", "name", "primaryEmail", "organization", "owner", "createdAt"):
        assert f"persons/Person.{field}" not in UNPLANNED
