"""Ids in list filters (domain.columns.filter_refs): another company's id answers as an unknown id does,
NOT_FOUND naming the field, in queries (a top-level error) and in mutations (a userError)."""

from __future__ import annotations

from typing import Any

from core.ids import to_global_id
from models import Deal, Lead, LeadLabel, SavedFilter
from tests.conftest import Account
from tests.factories import make_lead
from tests.factories.deals import make_deal, make_pipeline

ERRORS = "userErrors { field code message }"
DEALS = "query ($filter: DealFilter) { deals(first: 10, filter: $filter) { totalCount nodes { title } } }"
DELETE_LEADS = f"mutation ($input: DeleteLeadsInput!) {{ deleteLeads(input: $input) {{ deletedCount {ERRORS} }} }}"
SAVE_FILTER = f"mutation ($input: CreateSavedFilterInput!) {{ createSavedFilter(input: $input) {{ {ERRORS} }} }}"
CONVERT = f"mutation ($input: ConvertDealsToLeadsInput!) {{ convertDealsToLeads(input: $input) {{ {ERRORS} }} }}"


def codes(body: dict[str, Any]) -> list[tuple[str, str]]:
    assert body["data"] is None, body
    return [(e["extensions"]["code"], e["message"]) for e in body["errors"]]


async def test_deals_filter_by_another_companys_pipeline_stage_or_owner(
    account: Account, other_account: Account
) -> None:
    mine = await account.viewer()
    pipeline, stages = await make_pipeline(account.company_id, "Ours")
    await make_deal(mine, "Our deal", pipeline_id=pipeline.id, stage_id=stages[0].id)
    their_pipeline, their_stages = await make_pipeline(other_account.company_id, "Theirs")
    await make_deal(
        await other_account.viewer(), "Their deal", pipeline_id=their_pipeline.id, stage_id=their_stages[0].id
    )
    for field, foreign, unknown, noun in (
        ("pipelineId", to_global_id("Pipeline", their_pipeline.id), to_global_id("Pipeline", 987654), "pipeline"),
        ("stageId", to_global_id("Stage", their_stages[0].id), to_global_id("Stage", 987654), "stage"),
        ("ownerIds", [to_global_id("User", other_account.user_id)], [to_global_id("User", 987654)], "user"),
    ):
        expected = [("NOT_FOUND", f"{field}: 1 {noun} id(s) not found.")]
        assert codes(await account.client.raw(DEALS, {"filter": {field: foreign}})) == expected
        assert codes(await account.client.raw(DEALS, {"filter": {field: unknown}})) == expected
    # The company's own ids still filter.
    own = {"pipelineId": to_global_id("Pipeline", pipeline.id), "stageId": to_global_id("Stage", stages[0].id)}
    data = await account.client.execute(DEALS, {"filter": own})
    assert data["deals"]["nodes"] == [{"title": "Our deal"}]


async def test_mutations_by_filter_answer_a_user_error_and_change_nothing(
    account: Account, other_account: Account
) -> None:
    viewer = await account.viewer()
    await make_lead(viewer, "Keep me")
    their_hot = await LeadLabel.get(company_id=other_account.company_id, name="Hot")
    foreign = {"labelIds": [to_global_id("LeadLabel", their_hot.id)]}
    payload = await account.client.mutate(DELETE_LEADS, {"filter": foreign})
    assert payload["deletedCount"] == 0
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "filter", "labelIds"])]
    assert await Lead.filter(company_id=account.company_id).count() == 1

    payload = await account.client.mutate(SAVE_FILTER, {"name": "Theirs", "filter": foreign})
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "filter", "labelIds"])]
    assert not await SavedFilter.exists()

    their_pipeline, _ = await make_pipeline(other_account.company_id, "Theirs")
    await make_deal(viewer, "Our deal")
    payload = await account.client.mutate(
        CONVERT, {"filter": {"pipelineId": to_global_id("Pipeline", their_pipeline.id)}}
    )
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "filter", "pipelineId"])
    ]
    assert await Deal.filter(company_id=account.company_id, deleted_at=None).count() == 1


async def test_one_statement_checks_every_kind_of_id_a_filter_names(
    account: Account, other_account: Account, count_statements: Any
) -> None:
    """The ids of every filter field are checked together (domain.columns.filter_refs): a deals
    filter naming a pipeline, a stage and owners costs one statement for them; each field that
    names a missing id is still reported on its own, and an id too large for the column is as
    unknown as any other."""
    pipeline, stages = await make_pipeline(account.company_id, "Ours")
    _, their_stages = await make_pipeline(other_account.company_id, "Theirs")
    own = {
        "pipelineId": to_global_id("Pipeline", pipeline.id),
        "stageId": to_global_id("Stage", stages[0].id),
        "ownerIds": [to_global_id("User", account.user_id)],
    }
    await account.client.execute(DEALS, {"filter": own})  # warm: the token, the plan
    before = len(count_statements.statements)
    await account.client.execute(DEALS, {"filter": own})
    checks = [s for s in count_statements.statements[before:] if "UNION ALL" in s]
    assert len(checks) == 1, count_statements.statements[before:]
    mixed = {
        "pipelineId": to_global_id("Pipeline", pipeline.id),
        "stageId": to_global_id("Stage", their_stages[0].id),
        "ownerIds": [to_global_id("User", account.user_id), to_global_id("User", 2**40)],
    }
    assert codes(await account.client.raw(DEALS, {"filter": mixed})) == [
        ("NOT_FOUND", "stageId: 1 stage id(s) not found. ownerIds: 1 user id(s) not found.")
    ]
