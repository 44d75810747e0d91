"""The `deals` list (filters, sorts, pages, search), a deal's details in a bounded number of
queries, visibility and tenancy."""

from __future__ import annotations

from typing import Any

from core.ids import to_global_id
from domain.contacts.organization import OrganizationData, create_organization
from domain.contacts.person import PersonData, create_person
from models import (
    Deal,
    DealStatus,
    Role,
    Stage,
    Visibility,
)
from tests.conftest import Account, StatementCounter
from tests.factories.deal_documents import (
    ADD_PARTICIPANT,
    CREATE,
    DEALS,
    DEALS_DETAIL,
    DELETE,
    NODE,
    RESTORE,
    UPDATE,
)
from tests.factories.deals import make_deal, make_organization, make_person, make_pipeline, number_field


async def test_deals_list_filters_sorts_and_pages(account: Account) -> None:
    viewer = await account.viewer()
    other, other_stages = await make_pipeline(account.company_id)
    for title in ["delta", "Alpha", "charlie", "Bravo", "echo"]:
        await make_deal(viewer, title)
    await make_deal(viewer, "Foxtrot", pipeline_id=other.id)
    won = await make_deal(viewer, "Golf")
    await Deal.filter(id=won.id).update(status=DealStatus.WON)
    titles: list[str] = []
    after = None
    while True:
        page = (
            await account.client.execute(
                DEALS, {"first": 2, "after": after, "sort": {"field": "TITLE", "direction": "ASC"}}
            )
        )["deals"]
        titles += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == ["Alpha", "Bravo", "charlie", "delta", "echo", "Foxtrot", "Golf"]
    by_status = await account.client.execute(DEALS, {"filter": {"status": ["WON"]}})
    assert [n["title"] for n in by_status["deals"]["nodes"]] == ["Golf"]
    by_pipeline = await account.client.execute(DEALS, {"filter": {"pipelineId": to_global_id("Pipeline", other.id)}})
    assert [n["title"] for n in by_pipeline["deals"]["nodes"]] == ["Foxtrot"]
    by_stage = await account.client.execute(DEALS, {"filter": {"stageId": to_global_id("Stage", other_stages[0].id)}})
    assert by_stage["deals"]["totalCount"] == 1
    searched = await account.client.execute(DEALS, {"filter": {"search": "ALP"}})
    assert [n["title"] for n in searched["deals"]["nodes"]] == ["Alpha"]
    by_owner = await account.client.execute(DEALS, {"filter": {"ownerIds": [to_global_id("User", account.user_id)]}})
    assert by_owner["deals"]["totalCount"] == 7


async def test_deal_details_take_a_bounded_number_of_queries(
    account: Account, count_statements: StatementCounter
) -> None:
    """Every relation of a deal in a list goes through a per-request loader: no query per row."""
    viewer = await account.viewer()
    await number_field(viewer, "Probability")

    async def statements_for(n: int) -> int:
        for i in range(n):
            await make_deal(viewer, f"Deal {i}", person_id=await make_person(viewer, f"P {i}"))
        count_statements.statements.clear()
        data = await account.client.execute(DEALS_DETAIL)
        assert len(data["deals"]["nodes"]) == await Deal.all().count()
        return count_statements.count

    few = await statements_for(2)
    many = await statements_for(10)
    assert few == many
    assert many <= 16


async def test_visibility_hides_owner_only_deals_from_other_users(make_account: Any, account: Account) -> None:
    regular = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=account.company_id)
    viewer = await account.viewer()
    private = await make_deal(viewer, "Private", visibility=Visibility.OWNER)
    await make_deal(viewer, "Public")
    listed = await regular.client.execute(DEALS)
    assert [n["title"] for n in listed["deals"]["nodes"]] == ["Public"]
    deal_id = to_global_id("Deal", private.id)
    assert (await regular.client.execute(NODE, {"id": deal_id}))["node"] is None
    assert (await regular.client.mutate(UPDATE, {"id": deal_id, "title": "x"}))["userErrors"][0]["code"] == "NOT_FOUND"


async def test_another_company_can_neither_see_nor_touch_deals(account: Account, other_account: Account) -> None:
    viewer = await account.viewer()
    deal = await make_deal(viewer)
    deal_id = to_global_id("Deal", deal.id)
    assert (await other_account.client.execute(DEALS))["deals"]["totalCount"] == 0
    assert (await other_account.client.execute(NODE, {"id": deal_id}))["node"] is None
    for operation, variables in (
        (UPDATE, {"id": deal_id, "title": "Stolen"}),
        (DELETE, {"id": deal_id}),
        (RESTORE, {"id": deal_id}),
    ):
        payload = await other_account.client.mutate(operation, variables)
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    person = to_global_id("Person", await make_person(viewer))
    stage = await Stage.filter(pipeline__company_id=account.company_id).first()
    assert stage is not None
    other_org = to_global_id("Organization", await make_organization(await other_account.viewer()))
    uses_foreign = await other_account.client.mutate(
        CREATE, {"organizationId": other_org, "stageId": to_global_id("Stage", stage.id)}
    )
    assert uses_foreign["userErrors"][0]["code"] == "NOT_FOUND"
    foreign_person = await other_account.client.mutate(CREATE, {"personId": person})
    assert foreign_person["userErrors"][0]["code"] == "NOT_FOUND"
    participant = await other_account.client.mutate(ADD_PARTICIPANT, {"dealId": deal_id, "personId": person})
    assert participant["userErrors"] == [{"code": "NOT_FOUND"}]
    row = await Deal.get(id=deal.id)
    assert (row.title, row.deleted_at) == ("Volvo fleet", None)
    assert await Deal.filter(company_id=other_account.company_id).count() == 0


async def test_search_does_not_reveal_hidden_contacts_of_a_visible_deal(account: Account, make_account: Any) -> None:
    """A COMPANY deal of Alice's whose person and organization are hers alone: Carol sees the
    deal, but searching their names must not confirm them to her."""
    alice = await make_account(company_id=account.company_id, name="Alice Regular", role=Role.REGULAR)
    carol = await make_account(company_id=account.company_id, name="Carol Regular", role=Role.REGULAR)
    viewer = await alice.viewer()
    person = await create_person(viewer, PersonData(name="Hidden Harriet", visibility=Visibility.OWNER))
    org = await create_organization(viewer, OrganizationData(name="Secret Holdings", visibility=Visibility.OWNER))
    await make_deal(viewer, "Open deal", person_id=person.id, organization_id=org.id, visibility=Visibility.COMPANY)
    for text in ("harriet", "secret hold", "open"):
        found = await alice.client.execute(DEALS, {"filter": {"search": text}})
        assert found["deals"]["totalCount"] == 1, text
    for text, expected in (("harriet", 0), ("secret hold", 0), ("open", 1)):
        found = await carol.client.execute(DEALS, {"filter": {"search": text}})
        assert found["deals"]["totalCount"] == expected, text
