"""Custom fields: definitions, stable keys, and formula fields computed on read for deals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.errors import DomainError
from core.ids import to_global_id
from domain.columns import custom_field
from domain.columns.custom_field import OptionData, create_custom_field
from domain.columns.formula import FormulaError, parse
from models import Company, CustomField, CustomFieldEntity, CustomFieldType, Deal, Lead, Role
from tests.conftest import Account
from tests.factories.deals import formula_field, make_deal, make_lead, number_field

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
    assert refused["userErrors"] == [
        {"field": ["input", "customFields", "weighted_value"], "code": "INVALID_CUSTOM_FIELD_VALUE"}
    ]
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
    assert bad["userErrors"][0]["code"] == "INVALID_CUSTOM_FIELD_VALUE"
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
    assert refused["userErrors"] == [{"field": ["input", "customFields", "size"], "code": "UNKNOWN_CUSTOM_FIELD"}]


FIELD_OPS = """
fragment F on CustomField { id key name position deletedAt options { id label color } }
mutation Update($input: UpdateCustomFieldInput!) {
  updateCustomField(input: $input) { customField { ...F } userErrors { field message code } }
}
mutation Reorder($input: ReorderCustomFieldsInput!) {
  reorderCustomFields(input: $input) { customFields { ...F } userErrors { field message code } }
}
mutation Delete($input: IdInput!) {
  deleteCustomField(input: $input) { customField { ...F } userErrors { field message code } }
}
mutation Restore($input: IdInput!) {
  restoreCustomField(input: $input) { customField { ...F } userErrors { field message code } }
}
mutation Purge($input: IdInput!) {
  purgeCustomField(input: $input) { purgedId recordsCleared userErrors { field message code } }
}
"""
LIST_FIELDS = """
query ($entity: CustomFieldEntity!, $deleted: Boolean!) {
  customFields(entity: $entity, includeDeleted: $deleted) { key name position deletedAt options { id label } }
}
"""
LEAD_VALUES = "query ($id: ID!) { node(id: $id) { ... on Lead { customFields { key value } } } }"
UPDATE_LEAD = """
mutation ($input: UpdateLeadInput!) { updateLead(input: $input) { lead { id } userErrors { field code } } }
"""


async def op(account: Account, name: str, input: dict[str, Any]) -> dict[str, Any]:
    """Run one named operation of FIELD_OPS and return its payload."""
    response = await account.client.http.post(
        "/graphql",
        json={"query": FIELD_OPS, "operationName": name, "variables": {"input": input}},
        headers={"Authorization": f"Bearer {account.token}"},
    )
    body = response.json()
    assert not body.get("errors"), body
    (payload,) = body["data"].values()
    result: dict[str, Any] = payload
    return result


async def test_rename_keeps_the_key_and_option_ids_are_never_reused(account: Account) -> None:
    viewer = await account.viewer()
    field = await create_custom_field(
        viewer,
        CustomFieldEntity.LEAD_DEAL,
        "Size",
        CustomFieldType.SINGLE_OPTION,
        options=[OptionData("Small", "green"), OptionData("Large", "#ff8800")],
    )
    field_id = to_global_id("CustomField", field.id)
    lead = await make_lead(viewer, custom_fields={"size": 2})
    payload = await op(
        account,
        "Update",
        {
            "id": field_id,
            "name": "Fleet size",
            # Large renamed and moved first, Small removed, Medium new.
            "options": [{"id": 2, "label": "Big", "color": "red"}, {"label": "Medium"}],
        },
    )
    assert payload["userErrors"] == []
    assert payload["customField"]["key"] == "size"
    assert payload["customField"]["name"] == "Fleet size"
    assert payload["customField"]["options"] == [
        {"id": 2, "label": "Big", "color": "red"},
        {"id": 3, "label": "Medium", "color": None},
    ]
    # Small (1) is gone for good: a new option gets 4, never 1, so no stored value changes meaning.
    payload = await op(account, "Update", {"id": field_id, "options": [{"id": 2, "label": "Big"}, {"label": "Tiny"}]})
    assert [o["id"] for o in payload["customField"]["options"]] == [2, 4]
    stored = await CustomField.get(id=field.id)
    assert sorted((o["id"], o.get("removed", False)) for o in stored.options) == [
        (1, True),
        (2, False),
        (3, True),
        (4, False),
    ]
    assert (await Lead.get(id=lead.id)).custom_fields == {"size": 2}
    bad = await op(account, "Update", {"id": field_id, "options": [{"id": 99, "label": "Made up"}]})
    assert bad["userErrors"] == [
        {"field": ["input", "options", "0", "id"], "message": "This field has no option 99.", "code": "NOT_FOUND"}
    ]
    # A removed option can be brought back by its id, with the values that chose it.
    back = await op(
        account, "Update", {"id": field_id, "options": [{"id": 1, "label": "Small"}, {"id": 2, "label": "Big"}]}
    )
    assert [(o["id"], o["label"]) for o in back["customField"]["options"]] == [(1, "Small"), (2, "Big")]
    bad = await op(account, "Update", {"id": field_id, "options": [{"label": "X", "color": "not a colour!"}]})
    assert bad["userErrors"][0]["field"] == ["input", "options", "0", "color"]


async def test_reorder_lists_every_field_once(account: Account) -> None:
    viewer = await account.viewer()
    made = [await number_field(viewer, name) for name in ("One", "Two", "Three")]
    fields = {f.key: f for f in await CustomField.filter(company_id=account.company_id)}
    ids = [to_global_id("CustomField", fields[k].id) for k in reversed(made)]
    payload = await op(account, "Reorder", {"entity": "LEAD_DEAL", "ids": ids})
    assert [f["key"] for f in payload["customFields"]] == ["three", "two", "one"]
    listed = await account.client.execute(LIST_FIELDS, {"entity": "LEAD_DEAL", "deleted": False})
    assert [(f["key"], f["position"]) for f in listed["customFields"]] == [("three", 0), ("two", 1), ("one", 2)]
    payload = await op(account, "Reorder", {"entity": "LEAD_DEAL", "ids": ids[:2]})
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert [f.position for f in await CustomField.filter(company_id=account.company_id).order_by("key")] == [2, 0, 1]


async def test_delete_hides_keeps_data_restore_brings_it_back_purge_removes_it(account: Account) -> None:
    viewer = await account.viewer()
    await number_field(viewer, "Fleet size", key="fleet")
    field = await CustomField.get(key="fleet")
    field_id = to_global_id("CustomField", field.id)
    lead = await make_lead(viewer, custom_fields={"fleet": 12})
    deal = await make_deal(viewer, custom_fields={"fleet": 30})
    lead_id = to_global_id("Lead", lead.id)

    purge_first = await op(account, "Purge", {"id": field_id})
    assert purge_first["userErrors"][0]["code"] == "CONFLICT"

    deleted = await op(account, "Delete", {"id": field_id})
    assert deleted["customField"]["deletedAt"] is not None
    assert (await account.client.execute(LIST_FIELDS, {"entity": "LEAD_DEAL", "deleted": False}))["customFields"] == []
    assert [
        f["key"]
        for f in (await account.client.execute(LIST_FIELDS, {"entity": "LEAD_DEAL", "deleted": True}))["customFields"]
    ] == ["fleet"]
    assert (await account.client.execute(LEAD_VALUES, {"id": lead_id}))["node"]["customFields"] == []
    refused = await account.client.mutate(UPDATE_LEAD, {"id": lead_id, "customFields": [{"key": "fleet", "value": 1}]})
    assert refused["userErrors"] == [{"field": ["input", "customFields", "fleet"], "code": "UNKNOWN_CUSTOM_FIELD"}]
    # The key stays taken while the values are kept under it.
    with pytest.raises(DomainError):
        await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Again", CustomFieldType.TEXT, key="fleet")
    assert (await Lead.get(id=lead.id)).custom_fields == {"fleet": 12}

    restored = await op(account, "Restore", {"id": field_id})
    assert restored["customField"]["deletedAt"] is None
    assert (await account.client.execute(LEAD_VALUES, {"id": lead_id}))["node"]["customFields"] == [
        {"key": "fleet", "value": 12}
    ]

    await op(account, "Delete", {"id": field_id})
    purged = await op(account, "Purge", {"id": field_id})
    assert purged == {"purgedId": field_id, "recordsCleared": 2, "userErrors": []}
    assert (await Lead.get(id=lead.id)).custom_fields == {}
    assert (await Deal.get(id=deal.id)).custom_fields == {}
    assert not await CustomField.exists(id=field.id)
    again = await create_custom_field(viewer, CustomFieldEntity.LEAD_DEAL, "Fleet", CustomFieldType.TEXT, key="fleet")
    assert again.key == "fleet"


async def test_only_admins_change_fields_and_another_company_cannot_touch_them(
    make_account: Any, account: Account, other_account: Account
) -> None:
    viewer = await account.viewer()
    await number_field(viewer, "Size")
    field = await CustomField.get(key="size")
    field_id = to_global_id("CustomField", field.id)
    regular = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=account.company_id)
    for name, input in (("Update", {"id": field_id, "name": "Hijacked"}), ("Delete", {"id": field_id})):
        assert (await op(regular, name, input))["userErrors"][0]["code"] == "PERMISSION_DENIED"
        assert (await op(other_account, name, input))["userErrors"][0]["code"] == "NOT_FOUND"
    stored = await CustomField.get(id=field.id)
    assert (stored.name, stored.deleted_at) == ("Size", None)


async def test_every_change_of_the_definitions_gives_the_company_a_new_stamp(
    account: Account, other_account: Account
) -> None:
    """The stamp that tells each process its copy of the definitions is stale
    (domain.columns.custom_field.viewer_definitions) moves with every writer, and only the company's."""
    viewer = await account.viewer()

    async def stamps() -> tuple[int, int]:
        ours = await Company.get(id=account.company_id)
        theirs = await Company.get(id=other_account.company_id)
        return ours.custom_fields_version, theirs.custom_fields_version

    seen = [await stamps()]

    async def moved() -> None:
        now = await stamps()
        assert now[0] not in {s[0] for s in seen} and now[1] == seen[0][1], (seen, now)
        seen.append(now)

    kind = CustomFieldType.SINGLE_OPTION
    field = await create_custom_field(viewer, CustomFieldEntity.PERSON, "Tier", kind, options=[OptionData("Gold")])
    await moved()
    other = await create_custom_field(viewer, CustomFieldEntity.PERSON, "Size", CustomFieldType.NUMBER)
    await moved()
    await custom_field.update_custom_field(viewer, field.id, name="Level")
    await moved()
    await custom_field.reorder_custom_fields(viewer, CustomFieldEntity.PERSON, [other.id, field.id])
    await moved()
    await custom_field.delete_custom_field(viewer, field.id)
    await moved()
    await custom_field.restore_custom_field(viewer, field.id)
    await moved()
    await custom_field.delete_custom_field(viewer, field.id)
    await moved()
    await custom_field.purge_custom_field(viewer, field.id)
    await moved()
    viewer_after = await account.viewer()
    assert viewer_after.custom_fields_version == seen[-1][0]  # what a request's viewer carries
