"""The ``bulk_email`` job: one item per lead, each sending one message and recording it.

Sending leaves the database, so the handler is ``external``: the runner marks an item
STARTED before its message goes out and never retries a STARTED item after a crash (it is
reported INTERRUPTED instead), so that no one receives a message twice. Once the server has
accepted a message, its Email row and the item's DONE mark commit together: an item is
reported INTERRUPTED only when the crash came before that commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from tortoise.transactions import in_transaction

from core import mailer
from core.config import settings_from_env
from core.errors import ErrorCode, fail
from core.ids import decode_id, to_global_id
from domain.activity.bulk_email import KIND, prepare, record_sent
from domain.viewer import Viewer
from jobs import register
from models import Job, JobItem, JobItemStatus


class BulkEmail:
    kind: ClassVar[str] = KIND
    external: ClassVar[bool] = True

    async def run_item(self, viewer: Viewer, job: Job, item: JobItem) -> dict[str, Any] | None:
        # Read at run time: a job resumed after a restart uses the server configured now.
        settings = settings_from_env()
        outgoing = await prepare(viewer, decode_id(item.key, "Lead"), job.params["subject"], job.params["body"])
        from_address = settings.mail_from or outgoing.sender_email
        sent_at = dt.datetime.now(dt.UTC)
        message = mailer.compose(
            from_name=outgoing.sender_name,
            from_address=from_address,
            to=outgoing.to,
            subject=outgoing.subject,
            body=outgoing.body,
            reply_to=outgoing.sender_email,
            sent_at=sent_at,
        )
        try:
            await mailer.send(settings, message)
        except mailer.MailNotConfigured as exc:
            raise fail(
                "Not sent: no SMTP server is configured (LEADBOX_SMTP_HOST).", ErrorCode.EMAIL_NOT_CONFIGURED, "lead"
            ) from exc
        except mailer.DeliveryFailed as exc:
            raise fail(f"Not sent to {outgoing.to}. {exc.reply}", ErrorCode.DELIVERY_FAILED, "lead") from exc
        async with in_transaction():
            email = await record_sent(viewer, outgoing, from_address, sent_at)
            result = {"to": outgoing.to, "emailId": to_global_id("Email", email.id)}
            await JobItem.filter(id=item.id, status=JobItemStatus.STARTED).update(
                status=JobItemStatus.DONE, result=result
            )
        return result

    async def finish(self, viewer: Viewer, job: Job) -> dict[str, Any]:
        sent = await JobItem.filter(job_id=job.id, status=JobItemStatus.DONE).count()
        not_sent = await JobItem.filter(job_id=job.id, status=JobItemStatus.FAILED).count()
        return {"sent": sent, "notSent": not_sent}


register(BulkEmail())
