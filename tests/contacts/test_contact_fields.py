"""The person's and the organization's stored fields are declared once (domain.contact_fields):
the models, the Person and Organization types, the read engine's SQL tables and Python writers,
the columns a lead's page reads of them and the folded keys hold exactly the declared ones. A
field added in one place only (a model column without its entry, a type field or a read-engine
entry written by hand beside the declaration) fails here."""

from __future__ import annotations

from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.fields import folded_keys
from domain.fold import KEYS
from fastpath import leads as writers
from fastpath.derive import derived
from fastpath.records import ORGANIZATION_COLUMNS, PERSON_COLUMNS
from fastpath.sqltables import ORGANIZATION_PLAIN, PERSON, organization_row_table, person_row_table
from models import Organization, Person
from schema import schema
from schema.contacts.organization import Organization as OrganizationType
from schema.contacts.person import Person as PersonType
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
