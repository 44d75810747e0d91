"""Webhook subscriptions through the API, and their delivery to a real receiver on loopback.

The dispatcher is run by the test (``Dispatcher.run_pending``) rather than by a background
loop, so each step is deterministic; ``at=`` stands for a later moment when a retry is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from tortoise.transactions import in_transaction

from app import create_app
from core.config import Settings
from core.errors import DomainError
from core.ids import from_global_id
from domain.integration.webhook import create_webhook
from domain.integration.webhook_target import Target, UnsafeTarget, resolve
from domain.leads.lead import update_lead
from jobs.webhooks import DISABLE_AFTER, Dispatcher
from models import DeliveryStatus, Notification, Role, WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.conftest import StatementCounter
from tests.factories import USER_ERRORS, lead_gid, make_lead
from tests.factories.webhook_receiver import Receiver

CREATE = (
    "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) {"
    " webhook { id url events description active } secret " + USER_ERRORS + " } }"
)
UPDATE = (
    "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) {"
    " webhook { id url events active disabledAt } " + USER_ERRORS + " } }"
)
DELETE = "mutation($input: WebhookIdInput!) { deleteWebhook(input: $input) { deletedId " + USER_ERRORS + " } }"
ROTATE = "mutation($input: WebhookIdInput!) { rotateWebhookSecret(input: $input) { secret " + USER_ERRORS + " } }"
REDELIVER = (
    "mutation($input: RedeliverWebhookEventInput!) { redeliverWebhookEvent(input: $input) {"
    " delivery { eventId status attempts } " + USER_ERRORS + " } }"
)
WEBHOOKS = (
    "{ webhooks { id url events active deliveries(first: 10) {"
    " eventId eventType status attempts statusCode error latencyMs nextAttemptAt deliveredAt } } }"
)
SETTINGS: dict[str, Any] = {"webhooks_allow_insecure": True, "webhooks_timeout_seconds": 2.0}


@pytest.fixture
async def http(database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with loopback webhook targets allowed, as in local development."""
    app = create_app(Settings(database_url=database, **SETTINGS), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leadbox.test") as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
async def dispatcher(database: str) -> AsyncIterator[Dispatcher]:
    sender = Dispatcher(Settings(database_url=database, **SETTINGS))
    yield sender
    await sender.close()


async def subscribe(account: Any, url: str, events: list[str] | None = None) -> tuple[str, str]:
    """A webhook of the account's company; its global id and secret."""
    payload = await account.client.mutate(CREATE, {"url": url, "events": events or ["*"], "description": "CRM sync"})
    assert payload["userErrors"] == []
    return payload["webhook"]["id"], payload["secret"]


def later(hours: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)


async def test_create_list_and_signed_delivery(make_account: Any, receiver: Receiver, dispatcher: Dispatcher) -> None:
    admin = await make_account()
    payload = await admin.client.mutate(CREATE, {"url": receiver.url, "events": ["lead.created", "lead.updated"]})
    assert payload["userErrors"] == []
    assert payload["webhook"]["events"] == ["lead.created", "lead.updated"]
    assert payload["webhook"]["active"] is True
    secret = payload["secret"]
    assert secret.startswith("whsec_")

    lead = await make_lead(await admin.viewer(), "Printer upgrade")
    assert await dispatcher.run_pending() == 1
    (got,) = receiver.received
    body = got.verify(secret)
    assert body["type"] == "lead.created"
    assert body["id"] == got.headers["webhook-id"]
    assert body["data"]["id"] == lead_gid(lead)
    assert body["data"]["title"] == "Printer upgrade"
    assert body["companyId"]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43).verify(got.body, got.headers)

    listed = (await admin.client.execute(WEBHOOKS))["webhooks"]
    (delivery,) = listed[0]["deliveries"]
    assert delivery["status"] == "DELIVERED"
    assert delivery["statusCode"] == 204
    assert delivery["attempts"] == 1
    assert delivery["latencyMs"] >= 0
    assert delivery["nextAttemptAt"] is None
    assert delivery["eventId"] == body["id"]


async def test_update_carries_old_and_new_values(make_account: Any, receiver: Receiver, dispatcher: Dispatcher) -> None:
    admin = await make_account()
    viewer = await admin.viewer()
    lead = await make_lead(viewer, "Old title")
    _, secret = await subscribe(admin, receiver.url, ["lead.updated"])
    await update_lead(viewer, lead.id, {"title": "New title", "utm_source": "mail"})
    await dispatcher.run_pending()
    (got,) = receiver.received
    body = got.verify(secret)
    assert body["type"] == "lead.updated"
    assert body["changes"] == {
        "title": {"old": "Old title", "new": "New title"},
        "utmSource": {"old": None, "new": "mail"},
    }
    assert body["data"]["title"] == "New title"


async def test_rolled_back_change_sends_nothing(make_account: Any, receiver: Receiver, dispatcher: Dispatcher) -> None:
    admin = await make_account()
    await subscribe(admin, receiver.url)
    viewer = await admin.viewer()
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await make_lead(viewer, "Never happened")
            raise RuntimeError("undo")
    assert await WebhookEvent.all().count() == 0
    assert await dispatcher.run_pending() == 0
    assert receiver.received == []


async def test_receiver_down_then_up(make_account: Any, dispatcher: Dispatcher) -> None:
    down = Receiver().start()
    port = down.port
    down.stop()
    admin = await make_account()
    _, secret = await subscribe(admin, f"http://127.0.0.1:{port}/hooks", ["lead.created"])
    await make_lead(await admin.viewer(), "While down")
    assert await dispatcher.run_pending() == 1
    delivery = await WebhookDelivery.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error
    assert delivery.next_attempt_at > dt.datetime.now(dt.UTC)
    # Not due yet: nothing is sent.
    assert await dispatcher.run_pending() == 0

    up = Receiver(port).start()
    try:
        assert await dispatcher.run_pending(at=later(1)) == 1
        (got,) = up.received
        assert got.verify(secret)["type"] == "lead.created"
        delivery = await WebhookDelivery.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert (await WebhookSubscription.get()).failing_since is None
    finally:
        up.stop()


async def test_events_of_one_object_keep_their_order(
    make_account: Any, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    admin = await make_account()
    viewer = await admin.viewer()
    await subscribe(admin, receiver.url, ["lead.created", "lead.updated"])
    lead = await make_lead(viewer, "One")
    await update_lead(viewer, lead.id, {"title": "Two"})
    await update_lead(viewer, lead.id, {"title": "Three"})
    await make_lead(viewer, "Other")
    receiver.status = 500
    # While an object's first event is pending, its later ones wait; other objects go on.
    assert await dispatcher.run_pending() == 2
    assert sorted(b["data"]["title"] for b in receiver.bodies()) == ["One", "Other"]
    receiver.status = 200
    receiver.received.clear()
    await dispatcher.run_pending(at=later(1))
    titles = [b["data"]["title"] for b in receiver.bodies()]
    assert sorted(titles) == ["One", "Other", "Three", "Two"]
    assert titles.index("One") < titles.index("Two") < titles.index("Three")
    assert [b["type"] for b in receiver.bodies() if b["data"]["title"] != "Other"] == [
        "lead.created",
        "lead.updated",
        "lead.updated",
    ]


async def test_failing_for_a_day_disables_and_notifies_admins(
    make_account: Any, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    admin = await make_account()
    regular = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=admin.company_id)
    webhook_id, _ = await subscribe(admin, receiver.url)
    receiver.status = 503
    await make_lead(await admin.viewer(), "Doomed")
    await dispatcher.run_pending()
    subscription = await WebhookSubscription.get()
    assert subscription.is_active and subscription.failing_since is not None
    await WebhookSubscription.filter(id=subscription.id).update(
        failing_since=dt.datetime.now(dt.UTC) - DISABLE_AFTER - dt.timedelta(minutes=1)
    )
    await dispatcher.run_pending(at=later(1))
    subscription = await WebhookSubscription.get()
    assert not subscription.is_active and subscription.disabled_at is not None
    notes = await Notification.filter(kind="WEBHOOK_DISABLED")
    assert [n.user_id for n in notes] == [admin.user_id]
    assert regular.user_id not in [n.user_id for n in notes]
    # Disabled: nothing is tried, even when due.
    receiver.received.clear()
    assert await dispatcher.run_pending(at=later(30)) == 0
    # Turned on again, the waiting deliveries go out.
    receiver.status = 200
    payload = await admin.client.mutate(UPDATE, {"id": webhook_id, "active": True})
    assert payload["webhook"]["active"] is True and payload["webhook"]["disabledAt"] is None
    await dispatcher.run_pending(at=later(30))
    assert await WebhookDelivery.filter(status=DeliveryStatus.DELIVERED).count() >= 1


async def test_redeliver_sends_the_same_event_again(
    make_account: Any, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    admin = await make_account()
    webhook_id, secret = await subscribe(admin, receiver.url, ["lead.created"])
    await make_lead(await admin.viewer())
    await dispatcher.run_pending()
    event_id = receiver.received[0].headers["webhook-id"]
    payload = await admin.client.mutate(REDELIVER, {"webhookId": webhook_id, "eventId": event_id})
    assert payload["userErrors"] == []
    assert payload["delivery"]["status"] == "PENDING"
    await dispatcher.run_pending()
    assert [r.headers["webhook-id"] for r in receiver.received] == [event_id, event_id]
    assert receiver.received[1].body == receiver.received[0].body
    receiver.received[1].verify(secret)
    missing = await admin.client.mutate(REDELIVER, {"webhookId": webhook_id, "eventId": "evt_nope"})
    assert missing["userErrors"][0]["code"] == "NOT_FOUND"


async def test_rotated_secret_signs_from_then_on(make_account: Any, receiver: Receiver, dispatcher: Dispatcher) -> None:
    admin = await make_account()
    webhook_id, old = await subscribe(admin, receiver.url, ["lead.created"])
    new = (await admin.client.mutate(ROTATE, {"id": webhook_id}))["secret"]
    assert new != old and new.startswith("whsec_")
    await make_lead(await admin.viewer())
    await dispatcher.run_pending()
    (got,) = receiver.received
    got.verify(new)
    with pytest.raises(WebhookVerificationError):
        got.verify(old)


async def test_input_rules(make_account: Any) -> None:
    admin = await make_account()
    cases = [
        ({"url": "ftp://example.com/x", "events": ["*"]}, "INVALID_URL"),
        ({"url": "http://", "events": ["*"]}, "INVALID_URL"),
        ({"url": "https://user:pw@example.com/", "events": ["*"]}, "INVALID_URL"),
        ({"url": "https://example.com/" + "x" * 2100, "events": ["*"]}, "INVALID_URL"),
        ({"url": "https://example.com/", "events": []}, "REQUIRED"),
        ({"url": "https://example.com/", "events": ["lead.exploded"]}, "UNKNOWN_EVENT"),
        ({"url": "https://example.com/", "events": ["*"], "description": "d" * 300}, "TOO_LONG"),
    ]
    for given, code in cases:
        payload = await admin.client.mutate(CREATE, given)
        assert payload["webhook"] is None, given
        assert payload["userErrors"][0]["code"] == code, given
    bad_id = await admin.client.mutate(DELETE, {"id": "nonsense"})
    assert bad_id["userErrors"][0]["code"] == "INVALID_ID"
    assert await WebhookSubscription.all().count() == 0


async def test_production_refuses_insecure_and_internal_targets(make_account: Any) -> None:
    admin = await make_account()
    viewer = await admin.viewer()
    for url in (
        "http://example.com/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest",
        "https://[::1]/hooks",
        "https://localhost/hooks",
    ):
        with pytest.raises(DomainError) as caught:
            await create_webhook(viewer, url, ["*"], None, allow_insecure=False)
        assert caught.value.errors[0].code.value == "INVALID_URL", url
    # After resolution too: a name that resolves to loopback is refused at delivery.
    with pytest.raises(UnsafeTarget):
        await resolve(Target("https", "localhost", 443), allow_insecure=False)
    assert await resolve(Target("http", "localhost", 80), allow_insecure=True) in ("127.0.0.1", "::1")


async def test_delivery_to_a_loopback_target_is_refused_without_the_setting(
    make_account: Any, receiver: Receiver, database: str
) -> None:
    admin = await make_account()
    await subscribe(admin, receiver.url.replace("127.0.0.1", "localhost"), ["lead.created"])
    await make_lead(await admin.viewer())
    strict = Dispatcher(Settings(database_url=database))
    try:
        await strict.run_pending()
    finally:
        await strict.close()
    delivery = await WebhookDelivery.get()
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "The webhook URL must start with https://."


async def test_only_admins_and_only_their_company(
    make_account: Any, receiver: Receiver, dispatcher: Dispatcher
) -> None:
    admin = await make_account()
    regular = await make_account(name="Rita Regular", role=Role.REGULAR, company_id=admin.company_id)
    other = await make_account(company="Globex", name="Otto Other")
    webhook_id, _ = await subscribe(admin, receiver.url)
    denied = await regular.client.mutate(CREATE, {"url": receiver.url, "events": ["*"]})
    assert denied["userErrors"][0]["code"] == "PERMISSION_DENIED"
    assert (await regular.client.execute(WEBHOOKS))["webhooks"] == []
    # The other company sees none of it and cannot touch it.
    assert (await other.client.execute(WEBHOOKS))["webhooks"] == []
    for mutation, given in (
        (UPDATE, {"id": webhook_id, "url": "http://127.0.0.1:1/x"}),
        (DELETE, {"id": webhook_id}),
        (ROTATE, {"id": webhook_id}),
    ):
        assert (await other.client.mutate(mutation, given))["userErrors"][0]["code"] == "NOT_FOUND"
    # Events of one company never reach another's webhook.
    other_receiver = Receiver().start()
    try:
        await subscribe(other, other_receiver.url)
        await make_lead(await admin.viewer(), "Acme's lead")
        await make_lead(await other.viewer(), "Globex's lead")
        await dispatcher.run_pending()
        assert {b["data"].get("title") for b in receiver.bodies() if b["type"] == "lead.created"} == {"Acme's lead"}
        assert {b["data"].get("title") for b in other_receiver.bodies() if b["type"] == "lead.created"} == {
            "Globex's lead"
        }
        assert {b["companyId"] for b in receiver.bodies()} != {b["companyId"] for b in other_receiver.bodies()}
    finally:
        other_receiver.stop()
    deleted = await admin.client.mutate(DELETE, {"id": webhook_id})
    assert deleted["deletedId"] == webhook_id
    assert await WebhookDelivery.filter(company_id=admin.company_id).count() == 0


async def test_company_without_webhooks_writes_no_events(make_account: Any) -> None:
    admin = await make_account()
    await make_lead(await admin.viewer())
    assert await WebhookEvent.all().count() == 0


async def test_the_deliveries_of_a_list_of_webhooks_cost_the_same_statements_whatever_its_length(
    make_account: Any, receiver: Receiver, count_statements: StatementCounter
) -> None:
    admin = await make_account()
    other = await make_account(company="Globex", name="Otto Other")
    first_id, _ = await subscribe(admin, receiver.url)
    await subscribe(other, receiver.url)
    for title in ("one", "two", "three"):
        await make_lead(await admin.viewer(), title)
        await make_lead(await other.viewer(), title)
    newest_two = WEBHOOKS.replace("deliveries(first: 10)", "deliveries(first: 2)")

    async def deliveries_statements() -> tuple[list[str], list[Any]]:
        count_statements.statements.clear()
        listed = (await admin.client.execute(newest_two))["webhooks"]
        return [s for s in count_statements.statements if "WEBHOOK_DELIVERY" in s.upper()], listed

    alone, listed = await deliveries_statements()
    assert [w["id"] for w in listed] == [first_id]
    await subscribe(admin, receiver.url)
    await subscribe(admin, receiver.url)
    for title in ("four", "five"):
        await make_lead(await admin.viewer(), title)
    three, listed = await deliveries_statements()
    assert len(three) == len(alone) <= 2, (alone, three)
    # Each webhook its own newest two (the first saw five leads made, the later ones two), and
    # none of the other company's.
    ours = await WebhookDelivery.filter(company_id=admin.company_id).order_by("-id")
    for webhook in listed:
        own = [d for d in ours if d.subscription_id == int(from_global_id(webhook["id"])[1])]
        events = await WebhookEvent.filter(id__in=[d.event_id for d in own[:2]])
        keys = {e.id: e.key for e in events}
        assert [d["eventId"] for d in webhook["deliveries"]] == [keys[d.event_id] for d in own[:2]]
    assert len(listed) == 3
