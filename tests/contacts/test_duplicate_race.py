"""The duplicate check and the insert are one decision (SPEC §6): createLead calls racing with the
same new person or organization name make one contact, whatever the interleaving.

Twenty calls run at once through the real app (asyncio.gather; on PostgreSQL each request on its
own pooled connection), then the stored rows are counted.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from domain.contacts.duplicate import contacts_by_key
from domain.integration import lead_import_batch
from jobs.worker import Worker
from models import Lead, Organization, Person
from tests.conftest import Account

CREATE_LEAD = (
    "mutation($input: CreateLeadInput!) { createLead(input: $input) {"
    " lead { uuid person { id } organization { id } } userErrors { field code message } } }"
)
CALLS = 20


async def _race(account: Account, input: dict[str, Any], calls: int = CALLS) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(account.client.mutate(CREATE_LEAD, input) for _ in range(calls))))


async def test_concurrent_creates_link_one_new_person(account: Account) -> None:
    payloads = await _race(
        account, {"person": {"name": "Greta Lind"}, "personDuplicate": "LINK", "leadDuplicate": "CREATE"}
    )
    assert [p["userErrors"] for p in payloads] == [[]] * CALLS
    assert await Person.filter(company_id=account.company_id, name="Greta Lind").count() == 1
    assert {p["lead"]["person"]["id"] for p in payloads} == {payloads[0]["lead"]["person"]["id"]}
    assert await Lead.filter(company_id=account.company_id).count() == CALLS


async def test_concurrent_creates_link_one_new_organization(account: Account) -> None:
    payloads = await _race(
        account, {"organization": {"name": "Lind & Co"}, "organizationDuplicate": "LINK", "title": "Fleet"}
    )
    assert [p["userErrors"] for p in payloads] == [[]] * CALLS
    assert await Organization.filter(company_id=account.company_id, name="Lind & Co").count() == 1
    assert len({p["lead"]["organization"]["id"] for p in payloads}) == 1


async def test_names_that_differ_only_in_case_and_accents_race_to_one_person(account: Account) -> None:
    names = ["Åsa Öberg", "asa oberg", "ÅSA ÖBERG", "  Asa   Oberg "] * 5
    payloads = await asyncio.gather(
        *(
            account.client.mutate(
                CREATE_LEAD, {"person": {"name": name}, "personDuplicate": "LINK", "leadDuplicate": "CREATE"}
            )
            for name in names
        )
    )
    assert all(p["userErrors"] == [] for p in payloads)
    assert await Person.filter(company_id=account.company_id).count() == 1


async def test_without_a_decision_one_wins_and_the_others_hear_of_the_duplicate(account: Account) -> None:
    payloads = await _race(account, {"person": {"name": "Greta Lind"}, "organization": {"name": "Lind & Co"}})
    made = [p for p in payloads if not p["userErrors"]]
    assert len(made) == 1
    for payload in payloads:
        if payload["userErrors"]:
            assert {e["code"] for e in payload["userErrors"]} == {"DUPLICATE"}
    assert await Person.filter(company_id=account.company_id).count() == 1
    assert await Organization.filter(company_id=account.company_id).count() == 1
    assert await Lead.filter(company_id=account.company_id).count() == 1


async def test_two_companies_racing_with_one_name_each_get_their_own(account: Account, other_account: Account) -> None:
    input = {"person": {"name": "Greta Lind"}, "personDuplicate": "LINK", "leadDuplicate": "CREATE"}
    ours, theirs = await asyncio.gather(_race(account, input, 10), _race(other_account, input, 10))
    assert all(p["userErrors"] == [] for p in ours + theirs)
    mine = await Person.filter(company_id=account.company_id).values_list("id", flat=True)
    other = await Person.filter(company_id=other_account.company_id).values_list("id", flat=True)
    assert len(mine) == 1 and len(other) == 1 and mine != other
    # Each company's leads point at its own person only.
    assert await Lead.filter(company_id=account.company_id, person_id=mine[0]).count() == 10
    assert await Lead.filter(company_id=other_account.company_id, person_id=other[0]).count() == 10


IMPORT = """
mutation ($input: ImportLeadsInput!) {
  importLeads(input: $input) { job { id } userErrors { code message } }
}
"""


async def _upload(account: Account, content: bytes) -> None:
    mapping = [{"column": "Title", "target": "lead.title"}, {"column": "Person", "target": "person.name"}]
    variables = {"input": {"mapping": mapping, "duplicates": "LINK", "file": None}}
    response = await account.client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": variables}),
            "map": '{"0": ["variables.input.file"]}',
        },
        files={"0": ("leads.csv", content, "text/csv")},
        headers={"Authorization": f"Bearer {account.token}"},
    )
    assert response.json()["data"]["importLeads"]["userErrors"] == []


async def test_an_import_and_creates_racing_with_one_name_make_one_person(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's batch takes createLead's duplicate locks: whichever commits first makes the
    person, the other links it. The createLeads start once the import has looked for existing
    persons and before it inserts its own (the window is widened to half a second, so that
    without the lock they would insert theirs in it)."""
    real = contacts_by_key
    looked = asyncio.Event()

    async def slow(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)
        looked.set()
        await asyncio.sleep(0.5)
        return found

    monkeypatch.setattr(lead_import_batch, "contacts_by_key", slow)
    names = [f"Racer {i}" for i in range(4)]
    rows = "".join(f"Import {i} {name},{name}\n" for i in range(3) for name in names)
    await _upload(account, f"Title,Person\n{rows}".encode())

    async def create(name: str) -> dict[str, Any]:
        await looked.wait()
        input = {"person": {"name": name}, "personDuplicate": "LINK", "leadDuplicate": "CREATE"}
        return await account.client.mutate(CREATE_LEAD, input)

    ran, *payloads = await asyncio.gather(Worker().run_pending(), *(create(name) for name in names for _ in range(3)))
    assert ran == 1
    assert all(p["userErrors"] == [] for p in payloads)
    for name in names:
        assert await Person.filter(company_id=account.company_id, name=name).count() == 1, name
    assert await Lead.filter(company_id=account.company_id).count() == len(names) * 6
