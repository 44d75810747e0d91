"""Custom fields: definitions, stable keys, and formula fields computed on read for deals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.errors import DomainError
from core.ids import to_global_id
from domain.custom_field import OptionData, create_custom_field
from domain.formula import FormulaError, parse
from models import CustomField, CustomFieldEntity, CustomFieldType, Deal, Role
from tests.conftest import Account
from tests.deal_factories import formula_field, make_deal, number_field

DEAL = "query ($id: ID!) { node(id: $id) { ... on Deal { customFields { key name type value } } } }"
FIELDS = """
query ($entity: CustomFieldEntity!) { customFields(entity: $entity) { key name type formula options { id label } } }
"""
CREATE_FIELD = """
mutation ($input: CreateCustomFieldInput!) {
  createCustomField(input: $input) { customField { key type formula } userErrors { field message code } }
}
"""
UPDATE = """
mutation ($input: UpdateDealInput!) {
  updateDeal(input: $input) { deal { customFields { key value } } userErrors { field code } }
}
"""


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("{value} * {probability} / 100", {"value": Decimal(1000), "probability": Decimal(30)}, Decimal(300)),
        ("1 + 2 * 3", {}, Decimal(7)),
        ("(1 + 2) * 3", {}, Decimal(9)),
        ("-{a} - -2", {"a": Decimal("1.5")}, Decimal("0.5")),
        ("10 / 4", {}, Decimal("2.5")),
        ("{a} / 0", {"a": Decimal(1)}, None),
        ("{a} + 1", {}, None),
    ],
)
def test_formulas_evaluate_in_decimal(text: str, values: dict[str, Decimal], expected: Decimal | None) -> None:
    assert parse(text).evaluate(values) == expected


@pytest.mark.parametrize(
    "text",
    ["", "1 +", "(1", "{a", "{}", "1 2", "__import__('os')", "{a} ** 2", "1e3", "(" * 40 + "1" + ")" * 40, "x" * 1001],
)
def test_anything_but_arithmetic_is_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


def test_formula_names_its_references() -> None:
    assert parse("{value} * ({probability} + {bonus}) / 100").refs == {"value", "probability", "bonus"}


async def test_formula_field_is_computed_when_a_deal_is_read(account: Account) -> None:
    viewer = await account.viewer()
    probability = await number_field(viewer, "Probability")
    await formula_field(viewer, "Weighted value", f"{{value}} * {{{probability}}} / 100")
    deal = await make_deal(viewer, value_amount=Decimal("2000"), value_currency="EUR", custom_fields={probability: 25})
    deal_id = to_global_id("Deal", deal.id)
    data = await account.client.execute(DEAL, {"id": deal_id})
    assert data["node"]["customFields"] == [
        {"key": "probability", "name": "Probability", "type": "NUMBER", "value": 25},
        {"key": "weighted_value", "name": "Weighted value", "type": "FORMULA", "value": 500},
    ]
    # Never stored: it follows the values it is made of.
    assert (await Deal.get(id=deal.id)).custom_fields == {"probability": 25}
    changed = await account.client.mutate(
        UPDATE, {"id": deal_id, "customFields": [{"key": "probability", "value": 10.5}]}
    )
    assert changed["deal"]["customFields"][1] == {"key": "weighted_value", "value": 210}
    refused = await account.client.mutate(
        UPDATE, {"id": deal_id, "customFields": [{"key": "weighted_value", "value": 1}]}
    )
    assert refused["userErrors"] == [{"field": ["input", "customFields", "0", "value"], "code": "INVALID"}]
    cleared = await account.client.mutate(
        UPDATE, {"id": deal_id, "customFields": [{"key": "probability", "value": None}]}
    )
    assert cleared["deal"]["customFields"][1] == {"key": "weighted_value", "value": None}


async def test_formula_may_only_use_number_and_money_fields(account: Account) -> None:
    viewer = await account.viewer()
    await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Notes", CustomFieldType.TEXT)
    payload = await account.client.mutate(
        CREATE_FIELD, {"entity": "LEAD_DEAL", "name": "Bad", "type": "FORMULA", "formula": "{notes} * 2"}
    )
    assert payload["userErrors"][0]["code"] == "INVALID_FORMULA"
    payload = await account.client.mutate(
        CREATE_FIELD, {"entity": "LEAD_DEAL", "name": "Broken", "type": "FORMULA", "formula": "{value} *"}
    )
    assert payload["userErrors"][0]["code"] == "INVALID_FORMULA"
    assert "ends too early" in payload["userErrors"][0]["message"]
    payload = await account.client.mutate(
        CREATE_FIELD, {"entity": "PERSON", "name": "Score", "type": "FORMULA", "formula": "1 + 1"}
    )
    assert payload["userErrors"][0]["code"] == "INVALID"
    payload = await account.client.mutate(
        CREATE_FIELD, {"entity": "LEAD_DEAL", "name": "Double", "type": "FORMULA", "formula": "{value} * 2"}
    )
    assert payload == {"customField": {"key": "double", "type": "FORMULA", "formula": "{value} * 2"}, "userErrors": []}
    assert await CustomField.filter(company_id=account.company_id, type=CustomFieldType.FORMULA).count() == 1


async def test_keys_are_made_from_names_unique_and_kept(account: Account) -> None:
    viewer = await account.viewer()
    first = await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Fläche (m²)", CustomFieldType.NUMBER)
    second = await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Flache m2", CustomFieldType.NUMBER)
    person = await create_custom_field(viewer, CustomFieldEntity.PERSON, "Flache m2", CustomFieldType.TEXT)
    assert (first.key, second.key, person.key) == ("flache_m2", "flache_m2_2", "flache_m2")
    with pytest.raises(DomainError) as caught:
        await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Again", CustomFieldType.TEXT, key="flache_m2")
    assert caught.value.errors[0].code.value == "DUPLICATE"
    await CustomField.filter(id=first.id).update(name="Area")  # renaming never changes the key
    data = await account.client.execute(FIELDS, {"entity": "LEAD_DEAL"})
    assert [(f["key"], f["name"]) for f in data["customFields"]] == [
        ("flache_m2", "Area"),
        ("flache_m2_2", "Flache m2"),
    ]


async def test_option_fields_take_their_option_ids(account: Account) -> None:
    viewer = await account.viewer()
    await create_custom_field(
        viewer,
        CustomFieldEntity.LEAD_DEAL,
        "Channels",
        CustomFieldType.MULTIPLE_OPTIONS,
        options=[OptionData("Email"), OptionData("Phone", "#00f")],
    )
    deal = await make_deal(viewer)
    deal_id = to_global_id("Deal", deal.id)
    ok = await account.client.mutate(UPDATE, {"id": deal_id, "customFields": [{"key": "channels", "value": [2, 1, 2]}]})
    assert ok["deal"]["customFields"] == [{"key": "channels", "value": [1, 2]}]
    bad = await account.client.mutate(UPDATE, {"id": deal_id, "customFields": [{"key": "channels", "value": [3]}]})
    assert bad["userErrors"][0]["code"] == "INVALID"
    assert (await Deal.get(id=deal.id)).custom_fields == {"channels": [1, 2]}


async def test_only_admins_define_fields_and_companies_do_not_share_them(
    make_account: Any, account: Account, other_account: Account
) -> None:
    regular = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=account.company_id)
    payload = await regular.client.mutate(CREATE_FIELD, {"entity": "LEAD_DEAL", "name": "Size", "type": "NUMBER"})
    assert payload["userErrors"][0]["code"] == "PERMISSION_DENIED"
    await number_field(await account.viewer(), "Size")
    assert (await other_account.client.execute(FIELDS, {"entity": "LEAD_DEAL"}))["customFields"] == []
    other_deal = await make_deal(await other_account.viewer())
    refused = await other_account.client.mutate(
        UPDATE, {"id": to_global_id("Deal", other_deal.id), "customFields": [{"key": "size", "value": 1}]}
    )
    assert refused["userErrors"] == [{"field": ["input", "customFields", "0", "key"], "code": "NOT_FOUND"}]
