"""Concurrent updates lose nothing: updateLead, updatePerson, updateOrganization and updateDeal
called at once, each changing other fields or other custom values of one record, all survive;
changes of the same field are detected with `expectedVersion` (CONFLICT, nothing written).

The calls run truly at once through the real app (asyncio.gather over the HTTP client; on
PostgreSQL each request has its own pooled connection), and every test then reads the stored
row and the change log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from domain.columns.custom_field import create_custom_field
from models import ChangeLogEntry, CustomFieldEntity, CustomFieldType, Deal, Lead, Organization, Person
from tests.conftest import Account
from tests.factories import gid, lead_gid, make_lead, make_org, make_person
from tests.factories.deals import make_deal

ERRORS = "userErrors { field code message }"


@dataclass(frozen=True)
class Kind:
    """One versioned record type: how to make one, its update mutation and five field changes."""

    name: str
    mutation: str
    input_type: str
    model: Any
    entity: CustomFieldEntity
    changes: tuple[dict[str, Any], ...]
    # The stored columns (and values) those five changes must leave behind.
    stored: dict[str, Any]
    # The fields the change log must name for them.
    logged: tuple[str, ...]

    def operation(self) -> str:
        return (
            f"mutation($input: {self.input_type}!) {{ {self.mutation}(input: $input) {{"
            f" {self.name} {{ id version }} {ERRORS} }} }}"
        )


KINDS = {
    "lead": Kind(
        "lead",
        "updateLead",
        "UpdateLeadInput",
        Lead,
        CustomFieldEntity.LEAD_DEAL,
        (
            {"title": "Renamed"},
            {"value": {"amount": "120.00", "currency": "EUR"}},
            {"expectedCloseDate": "2027-03-01"},
            {"wasSeen": True},
            {"utm": {"source": "newsletter"}},
        ),
        {"title": "Renamed", "value_currency": "EUR", "was_seen": True, "utm_source": "newsletter"},
        ("title", "value_amount", "value_currency", "expected_close_date", "was_seen", "utm_source"),
    ),
    "person": Kind(
        "person",
        "updatePerson",
        "UpdatePersonInput",
        Person,
        CustomFieldEntity.PERSON,
        (
            {"jobTitle": "Buyer"},
            {"emails": [{"value": "eva@example.com"}]},
            {"phones": [{"value": "+46 8 123 45"}]},
            {"lastName": "Lund"},
            {"visibility": "OWNER"},
        ),
        {"job_title": "Buyer", "email_search": "eva@example.com", "last_name": "Lund", "visibility": "OWNER"},
        ("job_title", "emails", "phones", "last_name", "visibility"),
    ),
    "organization": Kind(
        "organization",
        "updateOrganization",
        "UpdateOrganizationInput",
        Organization,
        CustomFieldEntity.ORGANIZATION,
        (
            {"name": "Initech AB"},
            {"address": {"street": "Storgatan 1"}},
            {"address": {"city": "Lund"}},
            {"address": {"postalCode": "222 22"}},
            {"visibility": "OWNER"},
        ),
        {
            "name": "Initech AB",
            "address_street": "Storgatan 1",
            "address_city": "Lund",
            "address_postal_code": "222 22",
            "visibility": "OWNER",
        },
        ("name", "address_street", "address_city", "address_postal_code", "visibility"),
    ),
    "deal": Kind(
        "deal",
        "updateDeal",
        "UpdateDealInput",
        Deal,
        CustomFieldEntity.LEAD_DEAL,
        (
            {"title": "Fleet 2027"},
            {"value": {"amount": "9000.00", "currency": "SEK"}},
            {"expectedCloseDate": "2027-06-30"},
            {"visibility": "OWNER"},
            {"status": "WON"},
        ),
        {"title": "Fleet 2027", "value_currency": "SEK", "visibility": "OWNER", "status": "WON"},
        ("title", "value_amount", "value_currency", "expected_close_date", "visibility", "status", "won_at"),
    ),
}


async def _record(account: Account, kind: Kind) -> tuple[Any, str]:
    """A fresh record of the kind and its global id."""
    viewer = await account.viewer()
    if kind.name == "lead":
        lead = await make_lead(viewer, "Printer upgrade")
        return lead.id, lead_gid(lead)
    if kind.name == "person":
        person = await make_person(viewer, "Eva Berg")
        return person.id, gid("Person", person.id)
    if kind.name == "organization":
        org = await make_org(viewer, "Initech")
        return org.id, gid("Organization", org.id)
    deal = await make_deal(viewer)
    return deal.id, gid("Deal", deal.id)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


@pytest.mark.parametrize("name", list(KINDS))
async def test_concurrent_updates_of_different_fields_all_survive(account: Account, name: str) -> None:
    kind = KINDS[name]
    pk, record_id = await _record(account, kind)
    payloads = await asyncio.gather(
        *(account.client.mutate(kind.operation(), {"id": record_id, **change}) for change in kind.changes)
    )
    assert [p["userErrors"] for p in payloads] == [[]] * len(kind.changes)
    # Each write raised the version once: five distinct versions were handed out.
    assert sorted(p[kind.name]["version"] for p in payloads) == [2, 3, 4, 5, 6]

    row = await kind.model.get(id=pk)
    assert {k: _plain(getattr(row, k)) for k in kind.stored} == kind.stored
    assert row.version == 6
    if name in ("lead", "deal"):
        assert row.expected_close_date is not None
    # The change log holds exactly the changes that are in the row, one entry per field.
    logged = await ChangeLogEntry.filter(entity_type=name, entity_id=str(pk), action="UPDATED").values_list(
        "field", flat=True
    )
    assert sorted(logged) == sorted(kind.logged)


@pytest.mark.parametrize("name", list(KINDS))
async def test_concurrent_custom_values_merge_per_key(account: Account, name: str) -> None:
    kind = KINDS[name]
    viewer = await account.viewer()
    keys = [f"size_{i}" for i in range(10)]
    for key in keys:
        await create_custom_field(viewer, kind.entity, key.replace("_", " "), CustomFieldType.NUMBER, key=key)
    pk, record_id = await _record(account, kind)
    payloads = await asyncio.gather(
        *(
            account.client.mutate(kind.operation(), {"id": record_id, "customFields": [{"key": key, "value": i}]})
            for i, key in enumerate(keys)
        )
    )
    assert all(p["userErrors"] == [] for p in payloads)
    row = await kind.model.get(id=pk)
    assert row.custom_fields == {key: i for i, key in enumerate(keys)}
    assert row.version == 1 + len(keys)


@pytest.mark.parametrize("name", list(KINDS))
async def test_same_field_with_expected_version_one_wins_the_rest_conflict(account: Account, name: str) -> None:
    kind = KINDS[name]
    pk, record_id = await _record(account, kind)
    field = "name" if name in ("person", "organization") else "title"
    payloads = await asyncio.gather(
        *(
            account.client.mutate(kind.operation(), {"id": record_id, "expectedVersion": 1, field: f"Take {i}"})
            for i in range(5)
        )
    )
    winners = [i for i, p in enumerate(payloads) if not p["userErrors"]]
    assert len(winners) == 1
    losers = [p["userErrors"] for i, p in enumerate(payloads) if i != winners[0]]
    for errors in losers:
        assert [(e["code"], e["field"]) for e in errors] == [("CONFLICT", ["input", "expectedVersion"])]
        assert "version 2" in errors[0]["message"]
    row = await kind.model.get(id=pk)
    assert getattr(row, field) == f"Take {winners[0]}"
    assert row.version == 2
    # Only the change that happened is logged.
    entries = await ChangeLogEntry.filter(entity_type=name, entity_id=str(pk), action="UPDATED", field=field)
    assert [orjson.loads(e.new_value or "null") for e in entries] == [f"Take {winners[0]}"]

    # With the version it read now, the next writer gets through.
    again = await account.client.mutate(kind.operation(), {"id": record_id, "expectedVersion": 2, field: "Final"})
    assert again["userErrors"] == [] and again[kind.name]["version"] == 3


async def test_an_update_that_changes_nothing_keeps_version_and_logs_nothing(account: Account) -> None:
    kind = KINDS["lead"]
    pk, record_id = await _record(account, kind)
    payload = await account.client.mutate(kind.operation(), {"id": record_id, "title": "Printer upgrade"})
    assert payload["userErrors"] == [] and payload["lead"]["version"] == 1
    assert not await ChangeLogEntry.filter(entity_id=str(pk), action="UPDATED").exists()


async def test_a_conflict_writes_nothing_at_all(account: Account) -> None:
    kind = KINDS["lead"]
    pk, record_id = await _record(account, kind)
    first = await account.client.mutate(kind.operation(), {"id": record_id, "title": "One"})
    assert first["lead"]["version"] == 2
    stale = await account.client.mutate(
        kind.operation(), {"id": record_id, "expectedVersion": 1, "title": "Two", "wasSeen": True}
    )
    assert [e["code"] for e in stale["userErrors"]] == ["CONFLICT"]
    row = await Lead.get(id=pk)
    assert (row.title, row.was_seen, row.version) == ("One", False, 2)


@pytest.mark.parametrize("name", list(KINDS))
async def test_another_company_cannot_update_or_probe_the_version(
    account: Account, other_account: Account, name: str
) -> None:
    kind = KINDS[name]
    pk, record_id = await _record(account, kind)
    field = "name" if name in ("person", "organization") else "title"
    for expected in (None, 1, 99):
        payload = await other_account.client.mutate(
            kind.operation(), {"id": record_id, "expectedVersion": expected, field: "Hijacked"}
        )
        # The same answer whatever the version: another company's record does not exist for it.
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    row = await kind.model.get(id=pk)
    assert getattr(row, field) != "Hijacked" and row.version == 1
