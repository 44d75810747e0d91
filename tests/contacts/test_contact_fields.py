"""The person's and the organization's stored fields are declared once (domain.contact_fields):
the models, the Person and Organization types, the read engine's SQL tables and Python writers,
the columns a lead's page reads of them, the folded keys and the lead inbox's columns hold exactly
the declared ones. A field added in one place only (a model column without its entry, a type field,
a read-engine entry or an inbox column written by hand beside the declaration) fails here."""

from __future__ import annotations

from typing import Any

from domain.columns.column import STATIC_BY_KEY, STATIC_COLUMNS, ColumnSource, declared_column, declared_key
from domain.columns.sql import column_sql
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.fields import InboxField, Kind, folded_keys
from domain.fold import KEYS
from fastpath import leads as writers
from fastpath.derive import derived
from fastpath.records import ORGANIZATION_COLUMNS, PERSON_COLUMNS
from fastpath.sqltables import ORGANIZATION_PLAIN, PERSON, organization_row_table, person_row_table
from models import Organization, Person
from schema import schema
from schema.contacts.organization import Organization as OrganizationType
from schema.contacts.person import Person as PersonType
from tests.columns.test_columns import VALUE_FIELDS
from tests.conftest import Account
from tests.factories import make_lead, make_org, make_person
from tests.factories.declared import check_kinds, check_model, check_table, check_type, selection
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import Both

ordinary = test_fastpath.ordinary
both = test_fastpath.both

# The model columns that are no declared field: links (the lead status a person keeps among
# them), custom values, the lists of emails and phones with their search columns, the address (an
# object of the type) with its folded keys.
IDS = {"id", "company_id", "owner_id", "custom_fields", "custom_keys"}
PERSON_OTHERS = {"organization_id", "lead_status_id", "emails", "phones", "email_search", "phone_search"}
ADDRESS = {"address_street", "address_city", "address_postal_code", "address_country"}
ORGANIZATION_OTHERS = {"category_id", "latitude", "longitude", *ADDRESS, *(f"{c}_key" for c in ADDRESS)}
# The inbox's columns of a lead's person and organization that are no declared field of theirs.
OTHER_COLUMNS = {
    ColumnSource.PERSON: {"person.email", "person.phone", "person.owner", "person.organization"},
    ColumnSource.ORGANIZATION: {
        "organization.owner",
        *(f"organization.address.{p}" for p in ("street", "city", "postalCode", "country")),
    },
}
DECLARED = {ColumnSource.PERSON: PERSON_FIELDS, ColumnSource.ORGANIZATION: ORGANIZATION_FIELDS}
# The inbox columns of the declared fields: key -> (its source, the field).
MARKED = {
    declared_key(source, f): (source, f) for source, listed in DECLARED.items() for f in listed if f.label is not None
}
# Where a cell (a ColumnValue) holds the value of a declared field, by its kind.
VALUE_OF_KIND = {Kind.TEXT: "text"}
# The types' fields without a resolver that are no declared field.
PERSON_OWN = {"emails", "phones"}
ORGANIZATION_OWN = {"address"}


def test_every_model_column_is_declared_or_named_as_not_declared() -> None:
    check_model(Person, PERSON_FIELDS, IDS | PERSON_OTHERS)
    check_model(Organization, ORGANIZATION_FIELDS, IDS | ORGANIZATION_OTHERS)


def test_each_kind_is_used_as_its_rules_need() -> None:
    check_kinds(PERSON_FIELDS)
    check_kinds(ORGANIZATION_FIELDS)


def test_fold_keys_are_the_declared_ones() -> None:
    assert KEYS["person"] == folded_keys(PERSON_FIELDS)
    address = {c: (f"{c}_key", True) for c in ADDRESS}
    assert KEYS["organization"] == {**folded_keys(ORGANIZATION_FIELDS), **address}


def test_graphql_types_hold_exactly_the_declared_fields() -> None:
    check_type(PersonType, PERSON_FIELDS, own=PERSON_OWN)
    check_type(OrganizationType, ORGANIZATION_FIELDS, own=ORGANIZATION_OWN)
    # The contact roots' Python writers are derived from the types: they write every declared field.
    assert {f.name for f in PERSON_FIELDS} <= set(derived(schema, "Person"))
    assert {f.name for f in ORGANIZATION_FIELDS} <= set(derived(schema, "Organization"))


def test_read_engine_tables_hold_exactly_the_declared_fields() -> None:
    primary = {"primaryEmail", "primaryPhone"}
    # The SQL the database writes a person's and an organization's JSON with.
    check_table(PERSON("p"), PERSON_FIELDS, {"id", *primary})
    check_table(person_row_table("p"), PERSON_FIELDS, {"id", *primary, "organization", "owner"})
    check_table(ORGANIZATION_PLAIN("o"), ORGANIZATION_FIELDS, {"id"})
    check_table(organization_row_table("o"), ORGANIZATION_FIELDS, {"id", "address", "owner"})
    # A lead's person and organization written from its page's records, and the columns read for them.
    check_table(writers.PERSON, PERSON_FIELDS, {"id", *primary, *PERSON_OWN})
    check_table(writers.ORGANIZATION, ORGANIZATION_FIELDS, {"id", *ORGANIZATION_OWN})
    assert set(PERSON_COLUMNS) == {c for f in PERSON_FIELDS for c in f.columns} | (IDS - {"custom_keys"}) | (
        PERSON_OTHERS - {"email_search", "phone_search", "lead_status_id"}
    )
    assert set(ORGANIZATION_COLUMNS) == {c for f in ORGANIZATION_FIELDS for c in f.columns} | (
        IDS - {"custom_keys"}
    ) | {"latitude", "longitude", *ADDRESS}


async def test_every_declared_field_reads_the_same_both_ways(account: Account, both: Both) -> None:
    """A person and an organization with every declared field set, read by their roots and as a
    lead's: the read engine and the ordinary execution give the same, and each field its value."""
    viewer = await account.viewer()
    org = await make_org(viewer, "Initech")
    person = await make_person(
        viewer, "Peter Gibbons", first_name="Peter", last_name="Gibbons", job_title="Engineer", organization_id=org.id
    )
    await make_lead(viewer, "Printer", person_id=person.id, organization_id=org.id)
    people, orgs = selection(PERSON_FIELDS), selection(ORGANIZATION_FIELDS)
    for query, found in (
        (f"{{ persons {{ nodes {{ {people} }} }} }}", lambda d: [d["persons"]["nodes"][0]]),
        (f"{{ organizations {{ nodes {{ {orgs} }} }} }}", lambda d: [d["organizations"]["nodes"][0]]),
        (
            f"{{ leads {{ nodes {{ person {{ {people} }} organization {{ {orgs} }} }} }} }}",
            lambda d: list(d["leads"]["nodes"][0].values()),
        ),
    ):
        body = await both.same(account.token, query, {})
        for node in found(body["data"]):
            assert all(value is not None for value in node.values()), node
            assert node["name"] in ("Peter Gibbons", "Initech")
    (node,) = (await both.same(account.token, f"{{ persons {{ nodes {{ {people} }} }} }}", {}))["data"]["persons"][
        "nodes"
    ]
    assert set(node) == {f.name for f in PERSON_FIELDS}
    assert (node["firstName"], node["lastName"], node["jobTitle"]) == ("Peter", "Gibbons", "Engineer")


def test_the_inbox_has_a_column_for_each_declared_field_marked_for_it() -> None:
    for source, listed in DECLARED.items():
        keys = {c.key for c in STATIC_COLUMNS if c.source == source}
        assert keys == {k for k, (s, _) in MARKED.items() if s == source} | OTHER_COLUMNS[source]
        for f in listed:
            if f.label is None:
                assert declared_key(source, f) not in STATIC_BY_KEY, f.name
                continue
            column = STATIC_BY_KEY[declared_key(source, f)]
            assert column == declared_column(f, source)
            assert (column.label, column.type.value, column.sortable, column.filterable) == (
                f.label,
                f.kind.value,
                f.sortable,
                f.filterable,
            )


def _samples(listed: tuple[InboxField, ...], which: str) -> dict[str, Any]:
    """A value of each declared field marked for the inbox but the name (given apart), of the
    ``which`` contact: "A ..." sorts before "B ..."."""
    out: dict[str, Any] = {}
    for f in listed:
        if f.label is not None and f.name != "name":
            assert f.kind == Kind.TEXT, f"{f.name}: give this test a sample of {f.kind}"
            out[f.column] = f"{which} {f.name}"
    return out


async def test_each_declared_column_is_the_field_as_the_type_answers_it(account: Account, both: Both) -> None:
    """A column's cell is the value of the field the Person or Organization type gives, read both
    ways; its SQL reads the field's column, and the inbox sorts by it."""
    viewer = await account.viewer()
    for which in ("B", "A"):
        org = await make_org(viewer, f"{which} Initech", **_samples(ORGANIZATION_FIELDS, which))
        person = await make_person(viewer, f"{which} Gibbons", organization_id=org.id, **_samples(PERSON_FIELDS, which))
        await make_lead(viewer, f"{which} lead", person_id=person.id, organization_id=org.id)
    await make_lead(viewer, "No contact", organization_id=(await make_org(viewer, "Other")).id)
    query = (
        f"query ($columns: [String!], $sort: LeadSort) {{ leads(sort: $sort) {{ nodes {{ title "
        f"person {{ {selection(PERSON_FIELDS)} }} organization {{ {selection(ORGANIZATION_FIELDS)} }} "
        f"values(columns: $columns) {{ ...V }} }} }} }}" + VALUE_FIELDS
    )
    for key, (source, f) in MARKED.items():
        prefix = "p" if source == ColumnSource.PERSON else "o"
        sql = column_sql(STATIC_BY_KEY[key], viewer)
        assert sql.value is not None and f"{prefix}.{f.column}" in sql.value.text, key
        assert sql.key is None or f"{prefix}.{f.key_column}" in sql.key.text, key
        variables = {"columns": [key], "sort": {"column": key, "direction": "ASC"}}
        nodes = (await both.same(account.token, query, variables))["data"]["leads"]["nodes"]
        assert [n["title"][0] for n in nodes[:2]] == ["A", "B"], key
        for node in nodes:
            record = node["person" if source == ColumnSource.PERSON else "organization"]
            (cell,) = node["values"]
            if record is None or record[f.name] is None:
                assert cell is None, key
            else:
                assert cell is not None and cell["column"] == key
                assert cell[VALUE_OF_KIND[f.kind]] == record[f.name], key
