"""Webhook delivery across real server processes: uvicorn children sharing the test database.

A committed change is delivered by a server started after the commit; a server killed while
the receiver holds its request leaves the delivery to the next server, which sends it again
with the same event id once the lease lapses; on PostgreSQL two servers deliver each event
exactly once between them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.integration.webhook import create_webhook
from models import DeliveryStatus, WebhookDelivery
from tests.conftest import Account
from tests.factories import make_lead, make_person
from tests.factories.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT = 60.0  # the most a step may take before the test gives up (it normally takes well under 1 s)


class Servers:
    """Starts and kills leadbox servers (uvicorn children) on the test database."""

    def __init__(self, database: str, logs: Path) -> None:
        self.database = database
        self.logs = logs
        self.children: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database,
            "LEADBOX_WEBHOOKS_ALLOW_INSECURE": "1",
            "LEADBOX_WEBHOOKS_TIMEOUT_SECONDS": "1",
            "LEADBOX_WEBHOOKS_POLL_SECONDS": "0.05",
        }
        log = open(self.logs / f"server-{len(self.children)}.log", "wb")  # noqa: SIM115 (closed with the child)
        child = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--port", "0", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.children.append(child)
        return child

    def kill(self, child: subprocess.Popen[bytes]) -> None:
        """Kill at once, as a crash would: no shutdown, no finishing what it was doing."""
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait(10)

    def kill_all(self) -> None:
        for child in self.children:
            self.kill(child)


@pytest.fixture
def servers(database: str, tmp_path: Path) -> Iterator[Servers]:
    running = Servers(database, tmp_path)
    try:
        yield running
    finally:
        running.kill_all()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


async def until(check: Callable[[], Any], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await asyncio.sleep(0.05)


async def subscribe(account: Account, url: str) -> str:
    _, secret = await create_webhook(await account.viewer(), url, ["lead.created"], None, allow_insecure=True)
    return secret


async def test_committed_before_start_and_killed_mid_delivery(
    account: Account, receiver: Receiver, servers: Servers
) -> None:
    secret = await subscribe(account, receiver.url)
    viewer = await account.viewer()
    # Committed while no server runs (or right before one died): sent once a server is up.
    await make_lead(viewer, "Committed before start")
    first = servers.start()
    await until(lambda: len(receiver.received) == 1, "the event committed before the start")
    assert receiver.received[0].verify(secret)["data"]["title"] == "Committed before start"

    # The receiver holds the next request; the server dies while waiting for the answer.
    receiver.hold.set()
    receiver.arrived.clear()
    await make_lead(viewer, "Killed mid-delivery")
    await until(receiver.arrived.is_set, "the held request")
    servers.kill(first)
    receiver.hold.clear()
    receiver.release.set()
    held = receiver.received[-1]
    assert (await WebhookDelivery.get(event__key=held.headers["webhook-id"])).status == DeliveryStatus.PENDING

    servers.start()
    await until(lambda: len(receiver.received) == 3, "the delivery sent again after the lease lapsed")
    again = receiver.received[-1]
    assert again.headers["webhook-id"] == held.headers["webhook-id"]
    assert again.body == held.body
    assert again.verify(secret)["data"]["title"] == "Killed mid-delivery"
    delivery = await WebhookDelivery.get(event__key=held.headers["webhook-id"])
    for _ in range(100):
        if delivery.status == DeliveryStatus.DELIVERED:
            break
        await asyncio.sleep(0.05)
        delivery = await WebhookDelivery.get(event__key=held.headers["webhook-id"])
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


async def test_two_servers_deliver_each_event_once(
    account: Account, receiver: Receiver, servers: Servers, database: str
) -> None:
    if database.startswith("sqlite"):
        pytest.skip("several server processes share a database on PostgreSQL (SPEC §11)")
    await subscribe(account, receiver.url)
    viewer = await account.viewer()
    person = await make_person(viewer, "Shared contact")
    servers.start()
    servers.start()
    count = 300
    for i in range(count):
        await make_lead(viewer, f"Lead {i}", person_id=person.id)
    await until(lambda: len(receiver.received) >= count, f"{count} deliveries")
    await asyncio.sleep(0.5)  # room for a duplicate to show up, were there one
    ids = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(ids) == count
    assert max(ids.values()) == 1
    assert await WebhookDelivery.filter(status=DeliveryStatus.DELIVERED).count() == count
