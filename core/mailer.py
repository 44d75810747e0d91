"""Sending email through the SMTP server named in the settings.

Python's own :mod:`smtplib` in a worker thread (``asyncio.to_thread``) rather than an async
SMTP client: it is in the standard library, speaks STARTTLS and AUTH, and a message is a few
round trips, so a thread per message in flight costs nothing that matters. Each message has
its own SMTP session: a refused recipient or a dropped connection then concerns one message
only, and no connection outlives a job that stops half-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from core.config import Settings

TIMEOUT_SECONDS = 30.0


class MailNotConfigured(Exception):
    """No SMTP server is configured."""


class DeliveryFailed(Exception):
    """The server refused the message, or could not be reached; ``reply`` says why."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def compose(
    *,
    from_name: str,
    from_address: str,
    to: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    sent_at: dt.datetime | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 message."""
    message = EmailMessage()
    message["From"] = formataddr((from_name, from_address))
    message["To"] = to
    if reply_to and reply_to.lower() != from_address.lower():
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at or dt.datetime.now(dt.UTC))
    # An explicit domain: without one make_msgid asks the resolver for this host's name.
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or "leadbox.invalid")
    message.set_content(body)
    return message


async def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver the message to the configured server, or raise :class:`DeliveryFailed`."""
    if not settings.smtp_host:
        raise MailNotConfigured()
    await asyncio.to_thread(_send, settings, message)


def _send(settings: Settings, message: EmailMessage) -> None:
    host, port = settings.smtp_host or "", settings.smtp_port
    try:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(
            f"The mail server refused the connection: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except OSError as exc:
        raise DeliveryFailed(f"Could not reach the mail server {host}:{port}: {exc.strerror or exc}") from exc
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        refusals = "; ".join(f"{to}: {_reply(code, text)}" for to, (code, text) in exc.recipients.items())
        raise DeliveryFailed(f"The mail server refused the recipient ({refusals})") from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"The mail server refused the message: {_reply(exc.smtp_code, exc.smtp_error)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"The mail server connection failed: {exc}") from exc
    finally:
        # The message is handed over once the server accepted its data: a failing QUIT
        # must not turn a delivered message into a reported failure.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        smtp.close()


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()
