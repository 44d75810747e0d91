"""The person's and the organization's stored fields, declared once (domain.fields): the GraphQL
``Person`` and ``Organization`` types' scalar fields read from their rows, in the types' order.

From :data:`PERSON_FIELDS` and :data:`ORGANIZATION_FIELDS` derive the types' fields and
``from_model`` (schema/contacts/person.py, schema/contacts/organization.py), the read engine's
SQL tables (fastpath/sqltables.py ``PERSON``, ``ORGANIZATION_PLAIN``) and Python writers of a
lead's person and organization (fastpath/leads.py ``PERSON``, ``ORGANIZATION``; the contact roots'
writers are derived from the types), the columns a lead's page reads of them
(fastpath/records.py) and the folded keys (domain.fold.KEYS). Each is a domain.fields.InboxField:
one given a ``label`` is the lead inbox's column ``person.<name>`` or ``organization.<name>``,
whose catalogue entry (domain.columns.column), filter and sort SQL (domain.columns.sql) and cell
(domain.columns.values) derive from it too. A new stored field of a person or an organization is
one entry here, plus its model field and migration. What is not one scalar column stays in the
types: a person's emails and phones (lists) and primary email and phone, an organization's address
(an object over its ``address_*`` columns), the relations.
"""

from __future__ import annotations

from domain.fields import InboxField, Kind
from models import Visibility


def _version(mutation: str, record: str) -> InboxField:
    return InboxField(
        "version",
        Kind.INTEGER,
        f"Raised by one with every change made through {mutation}; send it as `expectedVersion` to "
        f"have a change refused (CONFLICT) when someone else changed the {record} since you read it.",
        nullable=False,
    )


def _record(record: str, mutation: str) -> tuple[InboxField, ...]:
    """What every contact has after its own fields: visibility, time stamps, version."""
    return (
        InboxField("visibility", Kind.OPTION, f"Who can see the {record}.", nullable=False, enum=Visibility),
        InboxField("createdAt", Kind.DATETIME, f"When the {record} was created.", nullable=False),
        InboxField("updatedAt", Kind.DATETIME, f"When the {record} last changed.", nullable=False),
        _version(mutation, record),
    )


PERSON_FIELDS: tuple[InboxField, ...] = (
    InboxField(
        "name", Kind.TEXT, "Full name; at most 255 characters.", nullable=False, folded=True, label="Person name"
    ),
    InboxField("firstName", Kind.TEXT, "First name; null when not known.", folded=True, label="Person first name"),
    InboxField("lastName", Kind.TEXT, "Last name; null when not known.", folded=True, label="Person last name"),
    InboxField("jobTitle", Kind.TEXT, "Job title; null when not known.", folded=True, label="Person job title"),
    *_record("person", "updatePerson"),
)
ORGANIZATION_FIELDS: tuple[InboxField, ...] = (
    InboxField(
        "name", Kind.TEXT, "The name; at most 255 characters.", nullable=False, folded=True, label="Organization name"
    ),
    *_record("organization", "updateOrganization"),
)
