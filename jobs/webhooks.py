"""The webhook dispatcher: sends the outbox's due deliveries (domain/webhook_outbox.py).

It runs beside the job worker in every server process. A delivery is claimed by a conditional
UPDATE that leases it (``locked_until``); on PostgreSQL the rows are picked ``FOR UPDATE SKIP
LOCKED`` so that two processes never take the same one, and on SQLite the single write lock
does the same. A process that dies while sending leaves its lease to lapse, and the delivery is
sent again with the same event id: delivery is at least once, and partners deduplicate by id.

Deliveries of one object to one subscription go out in order: one is not claimed while an
earlier one is still pending. Each request is signed as the Standard Webhooks specification
says (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), goes to the address that
was checked (domain/integration/webhook_target.py), follows no redirect, and counts as delivered on a 2xx
answer. A failed one is tried again with exponential back-off and jitter, 12 attempts over
about 22 hours; a subscription whose deliveries have all failed for a day is disabled and the
company's admins are notified.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

import httpx
from standardwebhooks.webhooks import Webhook

from core.config import Settings
from core.db import db_datetime, execute, fetch, is_postgres
from core.errors import DomainError
from core.periodic import Periodic
from domain import webhook_outbox
from domain.integration.webhook_target import UnsafeTarget, parse, resolve
from domain.notification import notify
from models import DeliveryStatus, Role, User, WebhookDelivery, WebhookSubscription

log = logging.getLogger("leadbox.webhooks")
# Seconds to wait after the n-th failed attempt (12 attempts, about 22 hours in all).
BACKOFF = (5, 30, 120, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800)
MAX_ATTEMPTS = len(BACKOFF) + 1
DISABLE_AFTER = dt.timedelta(hours=24)
JITTER = 0.2
BATCH = 64
USER_AGENT = "leadbox-webhooks/1"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones, with ±20 % jitter."""
    base = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    return dt.timedelta(seconds=base * random.uniform(1 - JITTER, 1 + JITTER))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str | None
    latency_ms: int


class Dispatcher:
    def __init__(self, settings: Settings, *, batch: int = BATCH) -> None:
        self.settings = settings
        self.batch = batch
        self.timeout = settings.webhooks_timeout_seconds
        # Longer than any one send can take, so that a live sender never loses its lease.
        self.lease = dt.timedelta(seconds=2 * self.timeout + 5)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._client: httpx.AsyncClient | None = None
        # A failed delivery's lease lapses and it is retried.
        self._periodic = Periodic(
            "leadbox-webhooks",
            self._dispatch,
            settings.webhooks_poll_seconds,
            log=log,
            failure="webhook dispatcher error",
        )

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                trust_env=False,
                limits=httpx.Limits(max_connections=self.batch, max_keepalive_connections=self.batch),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def start(self) -> None:
        self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()
        await self.close()

    async def _dispatch(self) -> bool:
        """One batch; true when it sent something (more may be due at once)."""
        return await self.run_once() > 0

    async def run_pending(self, at: dt.datetime | None = None) -> int:
        """Send every delivery due now (or at ``at``) until none is left; how many were tried."""
        total = 0
        while sent := await self.run_once(at):
            total += sent
        return total

    async def run_once(self, at: dt.datetime | None = None) -> int:
        """Claim one batch of due deliveries and send them; how many were tried."""
        rows = await self.claim(at or now())
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def claim(self, at: dt.datetime) -> list[dict[str, Any]]:
        stamp = db_datetime(at)
        until = db_datetime(now() + self.lease)
        skip_locked = " FOR UPDATE OF d SKIP LOCKED" if is_postgres() else ""
        active = "s.is_active" if is_postgres() else "s.is_active = 1"
        claimed = await fetch(
            "UPDATE webhook_delivery SET locked_by = ?, locked_until = ? WHERE id IN ("
            " SELECT d.id FROM webhook_delivery d"
            f" JOIN webhook_subscription s ON s.id = d.subscription_id AND {active}"
            " WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?"
            " AND (d.locked_until IS NULL OR d.locked_until < ?)"
            " AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.subscription_id = d.subscription_id"
            " AND e.object_key = d.object_key AND e.status = 'PENDING' AND e.id < d.id)"
            f" ORDER BY d.id LIMIT ?{skip_locked}) RETURNING id",
            [self.name, until, stamp, db_datetime(now()), self.batch],
        )
        if not claimed:
            return []
        return await fetch(
            "SELECT d.id, d.attempts, d.subscription_id, d.company_id, s.url, s.secret, e.key, e.body"
            " FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id"
            " JOIN webhook_event e ON e.id = d.event_id"
            f" WHERE d.id IN ({', '.join('?' * len(claimed))}) ORDER BY d.id",
            [r["id"] for r in claimed],
        )

    async def send(self, url: str, secret: str, event_key: str, body: str) -> Outcome:
        """One signed POST of ``body`` to ``url``, to the address checked just before."""
        started = time.perf_counter()

        def outcome(ok: bool, code: int | None, error: str | None) -> Outcome:
            return Outcome(ok, code, error, int((time.perf_counter() - started) * 1000))

        allow = self.settings.webhooks_allow_insecure
        try:
            target = parse(url, allow)
            address = await resolve(target, allow)
        except DomainError as error:
            return outcome(False, None, error.errors[0].message)
        except UnsafeTarget as error:
            return outcome(False, None, f"Refused: {error}.")
        parts = httpx.URL(url)
        host = f"[{address}]" if ":" in address else address
        stamp = now()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "host": parts.netloc.decode(),
            "webhook-id": event_key,
            "webhook-timestamp": str(int(stamp.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_key, stamp, body.encode()),
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            request = self.client().build_request(
                "POST", parts.copy_with(host=host), content=body.encode(), headers=headers, extensions=extensions
            )
            response = await self.client().send(request, stream=True)
            await response.aclose()
        except httpx.TimeoutException:
            return outcome(False, None, f"No answer within {self.timeout:g} s.")
        except httpx.HTTPError as error:
            return outcome(False, None, f"{type(error).__name__}: {error}"[:500])
        ok = 200 <= response.status_code < 300
        return outcome(ok, response.status_code, None if ok else f"HTTP {response.status_code}")

    async def _deliver(self, row: dict[str, Any]) -> None:
        result = await self.send(row["url"], row["secret"], row["key"], row["body"])
        attempts = int(row["attempts"]) + 1
        stamp = now()
        common: dict[str, Any] = {
            "attempts": attempts,
            "last_status_code": result.status_code,
            "last_error": result.error,
            "latency_ms": result.latency_ms,
            "locked_by": None,
            "locked_until": None,
        }
        # Only while we still hold it: a lapsed lease means another sender has it now.
        mine = WebhookDelivery.filter(id=row["id"], locked_by=self.name, status=DeliveryStatus.PENDING)
        if result.ok:
            await mine.update(**common, status=DeliveryStatus.DELIVERED, delivered_at=stamp)
            await (
                WebhookSubscription.filter(id=row["subscription_id"])
                .exclude(failing_since=None)
                .update(failing_since=None)
            )
            return
        if attempts >= MAX_ATTEMPTS:
            await mine.update(**common, status=DeliveryStatus.FAILED)
        else:
            await mine.update(**common, next_attempt_at=stamp + backoff(attempts))
        await execute(
            "UPDATE webhook_subscription SET failing_since = ? WHERE id = ? AND failing_since IS NULL",
            [db_datetime(stamp), row["subscription_id"]],
        )
        await self._disable_if_failing(row["subscription_id"], row["company_id"], stamp)

    async def _disable_if_failing(self, subscription_id: int, company_id: int, stamp: dt.datetime) -> None:
        disabled = await WebhookSubscription.filter(
            id=subscription_id, is_active=True, failing_since__lt=stamp - DISABLE_AFTER
        ).update(is_active=False, disabled_at=stamp)
        if not disabled:
            return
        webhook_outbox.forget(company_id)
        subscription = await WebhookSubscription.get(id=subscription_id)
        message = (
            f"The webhook to {subscription.url} was disabled: its deliveries have failed for a day. "
            "Fix the receiver, then turn it on again (updateWebhook with active: true) to send what waits."
        )
        admins = await User.filter(company_id=company_id, role=Role.ADMIN, is_active=True).values_list("id", flat=True)
        for user_id in cast(list[int], admins):
            await notify(company_id, user_id, "WEBHOOK_DISABLED", message, subject_id=f"Webhook:{subscription_id}")
