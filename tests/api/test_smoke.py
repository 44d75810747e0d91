from __future__ import annotations

from tests.conftest import Account

VIEWER = "query { viewer { id name role permissions { convertDealsToLeads } } }"


async def test_viewer(account: Account) -> None:
    data = await account.client.execute(VIEWER)
    assert data["viewer"]["name"] == "Anna Admin"
