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

PER_OBJECT = "its resolver reads once per object without a loader: planned on one object, not in a list"
CUSTOM_FIELDS = "custom field values with formulas and deal values: read through the ordinary field_values"
LEAD_STATUS = "lead status state (category group, hidden reason): the lead_state loader, not compiled yet"
CHANGE_LOG = "change log entries: read by their own loader, not compiled yet"
JOINED_ROW = (
    "a record joined to the page or loaded by id is written from its own row; what it refers to in turn would"
    " need one more statement"
)
DEAL_LISTS = "a deal's participants, products, notes, activities and emails, a pipeline's stages: not compiled yet"
COLUMNS = "only the viewer's own inbox columns are readable: planned at the viewer root only"
LEAD_RELATIONS = "a lead's emails, its source deal and a note's mentions: their loaders are not compiled yet"

UNPLANNED = {
    "deals/Deal.activities": DEAL_LISTS,
    "deals/Deal.changeLog": CHANGE_LOG,
    "deals/Deal.customFields": CUSTOM_FIELDS,
    "deals/Deal.emails": DEAL_LISTS,
    "deals/Deal.notes": DEAL_LISTS,
    "deals/Deal.organization/Organization.category": LEAD_STATUS,
    "deals/Deal.organization/Organization.customFields": CUSTOM_FIELDS,
    "deals/Deal.organization/Organization.owner": JOINED_ROW,
    "deals/Deal.owner/User.leadColumns": COLUMNS,
    "deals/Deal.participants": DEAL_LISTS,
    "deals/Deal.person/Person.category": LEAD_STATUS,
    "deals/Deal.person/Person.changeLog": CHANGE_LOG,
    "deals/Deal.person/Person.customFields": CUSTOM_FIELDS,
    "deals/Deal.person/Person.leadStatus": LEAD_STATUS,
    "deals/Deal.person/Person.leadStatusEditable": LEAD_STATUS,
    "deals/Deal.person/Person.leadStatusHiddenReason": LEAD_STATUS,
    "deals/Deal.person/Person.organization": JOINED_ROW,
    "deals/Deal.person/Person.owner": JOINED_ROW,
    "deals/Deal.person/Person.storedLeadStatus": LEAD_STATUS,
    "deals/Deal.pipeline/Pipeline.stages": DEAL_LISTS,
    "deals/Deal.products": DEAL_LISTS,
    "leads/Lead.person/Person.organization": JOINED_ROW,
    "leads/Lead.person/Person.customFields": CUSTOM_FIELDS,
    "leads/Lead.person/Person.owner": JOINED_ROW,
    "leads/Lead.person/Person.category": LEAD_STATUS,
    "leads/Lead.person/Person.leadStatus": LEAD_STATUS,
    "leads/Lead.person/Person.leadStatusHiddenReason": LEAD_STATUS,
    "leads/Lead.person/Person.storedLeadStatus": LEAD_STATUS,
    "leads/Lead.person/Person.leadStatusEditable": LEAD_STATUS,
    "leads/Lead.person/Person.changeLog": CHANGE_LOG,
    "leads/Lead.organization/Organization.customFields": CUSTOM_FIELDS,
    "leads/Lead.organization/Organization.owner": JOINED_ROW,
    "leads/Lead.organization/Organization.category": LEAD_STATUS,
    "leads/Lead.nextActivity/Activity.assignee": JOINED_ROW,
    "leads/Lead.notes/Note.mentions": LEAD_RELATIONS,
    "leads/Lead.emails": LEAD_RELATIONS,
    "leads/Lead.sourceDeal": LEAD_RELATIONS,
    "leads/Lead.customFields": CUSTOM_FIELDS,
    "leads/Lead.changeLog": CHANGE_LOG,
    "persons/Person.organization/Organization.customFields": CUSTOM_FIELDS,
    "persons/Person.organization/Organization.owner": JOINED_ROW,
    "persons/Person.organization/Organization.category": LEAD_STATUS,
    "persons/Person.customFields": CUSTOM_FIELDS,
    "persons/Person.owner/User.leadColumns": COLUMNS,
    "persons/Person.category": LEAD_STATUS,
    "persons/Person.leadStatus": LEAD_STATUS,
    "persons/Person.leadStatusHiddenReason": LEAD_STATUS,
    "persons/Person.storedLeadStatus": LEAD_STATUS,
    "persons/Person.leadStatusEditable": LEAD_STATUS,
    "persons/Person.changeLog": CHANGE_LOG,
    "organizations/Organization.customFields": CUSTOM_FIELDS,
    "organizations/Organization.owner/User.leadColumns": COLUMNS,
    "organizations/Organization.category/Category.group": JOINED_ROW,
    "selections/Selection.members": PER_OBJECT,
    "webhooks/Webhook.deliveries": PER_OBJECT,
}

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
