"""The deal's stored fields are declared once (domain.deal_fields): the model, the Deal type, the
read engine's tables and the folded keys hold exactly the declared ones, each as its kind says. A
field added in one place only (a model column without its entry, a type field or a read-engine
entry written by hand beside the declaration) fails here."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from core.ids import to_global_id
from domain.deal_fields import DEAL_FIELDS
from domain.fields import folded_keys
from domain.fold import KEYS
from fastpath.derive import derived
from fastpath.sqltables import DEAL_PLAIN, deal_row_table
from models import Deal, DealStatus
from schema import schema
from schema.deals.deal import Deal as DealType
from tests.conftest import Account
from tests.factories.deals import make_deal
from tests.factories.declared import check_kinds, check_model, check_table, check_type, selection
from tests.read_engine import test_fastpath
from tests.read_engine.test_fastpath import Both

ordinary = test_fastpath.ordinary
both = test_fastpath.both

# The deal's columns in the model that are no declared field: its links (relations of the type) and custom values.
NOT_DECLARED = {
    "id",
    "company_id",
    "person_id",
    "organization_id",
    "owner_id",
    "pipeline_id",
    "stage_id",
    "custom_fields",
}
# The Deal type's relations and computed fields in the read engine's SQL table.
RELATIONS = {"person", "organization", "owner", "pipeline", "stage"}


def test_every_model_column_is_declared_or_named_as_not_declared() -> None:
    check_model(Deal, DEAL_FIELDS, NOT_DECLARED)


def test_each_kind_is_used_as_its_rules_need() -> None:
    check_kinds(DEAL_FIELDS)


def test_fold_keys_are_the_declared_ones() -> None:
    assert KEYS["deal"] == folded_keys(DEAL_FIELDS)


def test_graphql_type_and_read_engine_hold_exactly_the_declared_fields() -> None:
    check_type(DealType, DEAL_FIELDS, own=())
    check_table(DEAL_PLAIN("d"), DEAL_FIELDS, {"id"})
    check_table(deal_row_table("d"), DEAL_FIELDS, {"id", "value", *RELATIONS})
    # The Python writer is derived from the type: it writes every declared field.
    assert {f.name for f in DEAL_FIELDS} <= set(derived(schema, "Deal"))


async def test_every_declared_field_reads_the_same_both_ways(account: Account, both: Both) -> None:
    """A deal with every declared field set: the read engine and the ordinary execution give the
    same, and each field its value."""
    viewer = await account.viewer()
    deal = await make_deal(viewer, expected_close_date=dt.date(2026, 7, 8))
    lead_id = uuid.uuid4()
    moment = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    await Deal.filter(id=deal.id).update(
        value_amount=Decimal("12.50"),
        value_currency="EUR",
        status=DealStatus.LOST,
        won_at=moment,
        lost_at=moment,
        lost_reason="Too dear",
        deleted_at=moment,
        source_lead_id=lead_id,
    )
    query = f"{{ deals(filter: {{includeDeleted: true}}) {{ nodes {{ {selection(DEAL_FIELDS)} }} }} }}"
    body = await both.same(account.token, query, {})
    (node,) = body["data"]["deals"]["nodes"]
    assert set(node) == {f.name for f in DEAL_FIELDS}
    assert all(value is not None for value in node.values()), node
    assert node["sourceLeadId"] == to_global_id("Lead", lead_id)
    assert node["value"] == {"amount": "12.50", "currency": "EUR"}
    assert node["status"] == "LOST" and node["lostReason"] == "Too dear"
