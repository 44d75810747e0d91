"""Idempotency keys on create mutations: a retried request makes nothing new.

Every create mutation (and scheduleActivity, addDealProduct) takes `idempotencyKey`. A retry
with the key and the same input answers what the first request made; the same key with another
input is IDEMPOTENCY_KEY_REUSED; racing retries make one record; keys are per company.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from models import (
    Activity,
    Category,
    CategoryGroup,
    CustomField,
    Deal,
    DealProduct,
    IdempotentRequest,
    Lead,
    LeadLabel,
    LeadStatus,
    Note,
    Organization,
    Person,
    Product,
    SavedFilter,
    Selection,
)
from tests.conftest import Account
from tests.factories import gid, lead_gid, make_lead
from tests.factories.deals import make_deal, make_organization

ERRORS = "userErrors { field code message }"


def operation(name: str, input_type: str, result: str) -> str:
    return (
        f"mutation($input: {input_type}!, $key: String) {{ {name}(input: $input, idempotencyKey: $key) {{"
        f" {result} {{ id }} {ERRORS} }} }}"
    )


async def call(account: Account, op: str, input: dict[str, Any], key: str | None) -> dict[str, Any]:
    data = await account.client.execute(op, {"input": input, "key": key})
    (payload,) = data.values()
    result: dict[str, Any] = payload
    return result


Input = Callable[[Account], Awaitable[dict[str, Any]]]


async def _product(account: Account) -> str:
    made = await call(
        account,
        operation("createProduct", "CreateProductInput", "product"),
        {"name": "Seat", "code": "SEAT", "unitPrice": {"amount": "19.99", "currency": "EUR"}},
        None,
    )
    product_id: str = made["product"]["id"]
    return product_id


async def _group(account: Account) -> str:
    made = await call(
        account,
        operation("createCategoryGroup", "CreateCategoryGroupInput", "categoryGroup"),
        {"name": "Partner", "leadStatusEnabled": True},
        None,
    )
    group_id: str = made["categoryGroup"]["id"]
    return group_id


async def _lead(account: Account) -> str:
    return lead_gid(await make_lead(await account.viewer(), "Printer upgrade"))


@dataclass(frozen=True)
class Case:
    mutation: str
    input_type: str
    result: str
    model: Any
    # The input, or how to make one (for inputs naming records made first).
    input: dict[str, Any] | Input

    def op(self) -> str:
        return operation(self.mutation, self.input_type, self.result)


CASES = [
    Case("createLead", "CreateLeadInput", "lead", Lead, {"title": "Fleet", "person": {"name": "Eva"}}),
    Case("createPerson", "PersonFields", "person", Person, {"name": "Eva Berg"}),
    Case("createOrganization", "OrganizationFields", "organization", Organization, {"name": "Ab"}),
    Case(
        "createProduct",
        "CreateProductInput",
        "product",
        Product,
        {"name": "Seat", "code": "SEAT", "unitPrice": {"amount": "19.99", "currency": "EUR"}},
    ),
    Case("createLeadLabel", "CreateLeadLabelInput", "label", LeadLabel, {"name": "Strategic", "color": "green"}),
    Case("createLeadStatus", "CreateLeadStatusInput", "leadStatus", LeadStatus, {"name": "Booked"}),
    Case(
        "createCategoryGroup",
        "CreateCategoryGroupInput",
        "categoryGroup",
        CategoryGroup,
        {"name": "Partner", "leadStatusEnabled": True},
    ),
    Case(
        "createCustomField",
        "CreateCustomFieldInput",
        "customField",
        CustomField,
        {"entity": "LEAD_DEAL", "name": "Size", "type": "NUMBER"},
    ),
    Case(
        "createSavedFilter",
        "CreateSavedFilterInput",
        "savedFilter",
        SavedFilter,
        {"name": "Manual ones", "filter": {"sources": ["MANUAL"]}},
    ),
    Case(
        "createSelection",
        "CreateSelectionInput",
        "selection",
        Selection,
        {"name": "Board", "entity": "PERSON", "kind": "DYNAMIC", "conditions": []},
    ),
]


async def _deal_input(account: Account) -> dict[str, Any]:
    return {"title": "Fleet", "organizationId": gid("Organization", await make_organization(await account.viewer()))}


async def _deal_product_input(account: Account) -> dict[str, Any]:
    deal = await make_deal(await account.viewer())
    return {"dealId": gid("Deal", deal.id), "productId": await _product(account), "quantity": 2}


async def _category_input(account: Account) -> dict[str, Any]:
    return {"groupId": await _group(account), "name": "Reseller"}


async def _note_input(account: Account) -> dict[str, Any]:
    return {"targetId": await _lead(account), "content": "Called, no answer."}


async def _activity_input(account: Account) -> dict[str, Any]:
    return {"targetId": await _lead(account), "subject": "Call back", "dueDate": "2030-01-01"}


CASES += [
    Case("createDeal", "CreateDealInput", "deal", Deal, _deal_input),
    Case("addDealProduct", "AddDealProductInput", "dealProduct", DealProduct, _deal_product_input),
    Case("createCategory", "CreateCategoryInput", "category", Category, _category_input),
    Case("createNote", "CreateNoteInput", "note", Note, _note_input),
    Case("scheduleActivity", "ScheduleActivityInput", "activity", Activity, _activity_input),
]


@pytest.mark.parametrize("case", CASES, ids=[c.mutation for c in CASES])
async def test_a_retry_with_the_same_key_makes_nothing_new(account: Account, case: Case) -> None:
    input = case.input if isinstance(case.input, dict) else await case.input(account)
    before = await case.model.all().count()
    first = await call(account, case.op(), input, "retry-1")
    assert first["userErrors"] == []
    assert await case.model.all().count() == before + 1
    retry = await call(account, case.op(), input, "retry-1")
    assert retry["userErrors"] == []
    assert retry[case.result]["id"] == first[case.result]["id"]
    assert await case.model.all().count() == before + 1
    # The same key for another mutation is refused, and makes nothing either.
    other_case, other_input = (
        (CASES[1], {"name": "Other"}) if case is CASES[0] else (CASES[0], {"person": {"name": "Other"}})
    )
    other = await call(account, other_case.op(), other_input, "retry-1")
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await case.model.all().count() == before + 1


async def test_the_same_key_with_another_input_is_refused(account: Account) -> None:
    op = CASES[0].op()
    first = await call(account, op, {"title": "Fleet", "person": {"name": "Eva"}}, "order-7")
    other = await call(account, op, {"title": "Other fleet", "person": {"name": "Eva"}}, "order-7")
    assert first["userErrors"] == []
    assert other["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "This idempotency key was used before for another request; use a new key for a new request.",
        }
    ]
    assert await Lead.all().count() == 1 and await Person.all().count() == 1


async def test_racing_retries_make_one_lead(account: Account) -> None:
    op = CASES[0].op()
    input = {"title": "Fleet", "person": {"name": "Eva"}, "personDuplicate": "CREATE"}
    payloads = await asyncio.gather(*(call(account, op, input, "race-1") for _ in range(10)))
    assert all(p["userErrors"] == [] for p in payloads)
    assert len({p["lead"]["id"] for p in payloads}) == 1
    assert await Lead.all().count() == 1 and await Person.all().count() == 1
    assert await IdempotentRequest.filter(company_id=account.company_id).count() == 1


async def test_key_length_is_limited(account: Account) -> None:
    op = CASES[1].op()
    too_long = await call(account, op, {"name": "Eva Berg"}, "k" * 129)
    assert [(e["field"], e["code"]) for e in too_long["userErrors"]] == [(["idempotencyKey"], "TOO_LONG")]
    assert await Person.all().count() == 0
    longest = await call(account, op, {"name": "Eva Berg"}, "k" * 128)
    assert longest["userErrors"] == []
    # Blank is no key: each request makes its own.
    for _ in range(2):
        assert (await call(account, op, {"name": "Eva Berg"}, "  "))["userErrors"] == []
    assert await Person.all().count() == 3


async def test_keys_are_per_company_and_per_user(account: Account, other_account: Account, make_account: Any) -> None:
    op = CASES[1].op()
    ours = await call(account, op, {"name": "Eva Berg"}, "shared-key")
    theirs = await call(other_account, op, {"name": "Eva Berg"}, "shared-key")
    assert ours["userErrors"] == [] and theirs["userErrors"] == []
    # Another company's key never answers our record (nor refuses): it makes its own.
    assert ours["person"]["id"] != theirs["person"]["id"]
    assert await Person.filter(company_id=other_account.company_id).count() == 1
    again = await call(account, op, {"name": "Eva Berg"}, "shared-key")
    assert again["person"]["id"] == ours["person"]["id"]
    # A colleague with the same key and input is refused rather than handed our record.
    colleague = await make_account(company_id=account.company_id, name="Cole League")
    clash = await call(colleague, op, {"name": "Eva Berg"}, "shared-key")
    assert [e["code"] for e in clash["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await Person.filter(company_id=account.company_id).count() == 1


async def test_a_failed_request_leaves_the_key_free(account: Account) -> None:
    op = CASES[0].op()
    failed = await call(account, op, {"title": "Fleet"}, "retry-after-fix")
    assert [e["code"] for e in failed["userErrors"]] == ["CONTACT_REQUIRED"]
    assert await IdempotentRequest.all().count() == 0
    fixed = await call(account, op, {"title": "Fleet", "person": {"name": "Eva"}}, "retry-after-fix")
    assert fixed["userErrors"] == []
