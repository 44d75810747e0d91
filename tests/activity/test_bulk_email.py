"""Bulk email: merge fields, one job item per lead, a real SMTP server on loopback.

The server is aiosmtpd, started per test on 127.0.0.1; its handler keeps what it accepted
and can refuse a chosen recipient or hold one message (accepted, not yet answered) so that a
test can kill the sending job at the worst moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.ids import to_global_id
from domain import changelog
from domain.contacts.organization import OrganizationData
from domain.contacts.person import ContactValue, PersonData
from domain.leads.bulk import delete_leads
from domain.leads.lead import LeadData, create_lead
from domain.viewer import Viewer
from jobs.runner import claim_job, run_job
from jobs.worker import Worker
from models import ChangeLogEntry, Email, Job, JobItem, JobItemStatus, JobStatus, Lead, LeadSource, Role, Visibility
from tests.conftest import Account

SEND = """
mutation ($input: SendBulkEmailInput!) {
  sendBulkEmail(input: $input) { job { id kind status total } userErrors { field message code } }
}
"""
JOB = """
query ($id: ID!) {
  job(id: $id) { status total done failed result errors { position key code message } }
}
"""
LEAD_EMAILS = """
query ($id: ID!) {
  node(id: $id) { ... on Lead { emails { direction fromAddress toAddresses subject body sentAt } } }
}
"""
MAIL_FROM = "crm@acme.test"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class Mailbox:
    """The SMTP server's handler: keeps every message it accepts, refuses chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[bytes, bytes]] = []
        # A recipient whose message the server keeps but does not answer until `release`.
        self.hold: str | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.hold in envelope.rcpt_tos:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return "250 2.0.0 Ok: queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        if data.password == b"s3cret":
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)  # not handled: the server answers 535

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.messages if address in r.rcpt_tos]


def text_of(message: EmailMessage) -> str:
    content: str = message.get_content()
    return content.replace("\r\n", "\n")  # as it came over the wire


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """A real SMTP server on loopback, and the settings pointing leadbox at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        server_hostname="mail.test",
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    monkeypatch.setenv("LEADBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEADBOX_SMTP_PORT", str(port))
    monkeypatch.setenv("LEADBOX_MAIL_FROM", MAIL_FROM)
    try:
        yield mailbox
    finally:
        mailbox.release.set()
        controller.stop()


async def make_lead(
    viewer: Viewer,
    person: str | None,
    emails: list[ContactValue] | None = None,
    *,
    organization: str | None = None,
    title: str | None = None,
    visibility: Visibility | None = None,
) -> Lead:
    return await create_lead(
        viewer,
        LeadData(
            title=title,
            person=PersonData(name=person, emails=emails) if person else None,
            organization=OrganizationData(name=organization) if organization else None,
            visibility=visibility,
        ),
        LeadSource.MANUAL,
    )


def gid(lead: Lead) -> str:
    return to_global_id("Lead", lead.id)


async def send(account: Account, leads: list[Lead], subject: str, body: str) -> dict[str, Any]:
    return await account.client.mutate(
        SEND, {"leadIds": [gid(lead) for lead in leads], "subject": subject, "body": body}
    )


async def job_of(account: Account, payload: dict[str, Any]) -> dict[str, Any]:
    data = await account.client.execute(JOB, {"id": payload["job"]["id"]})
    result: dict[str, Any] = data["job"]
    return result


async def test_each_lead_gets_its_rendered_message_recorded_on_the_lead(account: Account, smtp: Mailbox) -> None:
    viewer = await account.viewer()
    ada = await make_lead(
        viewer,
        "Ada Lovelace",
        [ContactValue("ada@home.test", "home"), ContactValue("ada@engines.test", "work", primary=True)],
        organization="Analytical Engines",
        title="Engine order",
    )
    grace = await make_lead(viewer, "Grace Hopper", [ContactValue("grace@navy.test")], title="Compiler deal")
    payload = await send(
        account,
        [ada, grace],
        "Hello {{person.first_name}}, about {{ lead.title }}",
        "Dear {{person.name}} ({{person.last_name}}) of {{organization.name}},\nregards, {{sender.name}}",
    )
    assert payload["userErrors"] == []
    assert payload["job"]["kind"] == "bulk_email" and payload["job"]["status"] == "CREATED"
    assert payload["job"]["total"] == 2
    assert smtp.messages == []  # queued, not sent while the request ran

    assert await Worker().run_pending() == 1
    job = await job_of(account, payload)
    assert (job["status"], job["done"], job["failed"], job["errors"]) == ("COMPLETED", 2, 0, [])
    assert job["result"] == {"sent": 2, "notSent": 0}

    # The primary address, not the first one; the other address got nothing.
    (to_ada,) = smtp.to("ada@engines.test")
    assert smtp.to("ada@home.test") == []
    assert to_ada["Subject"] == "Hello Ada, about Engine order"
    assert to_ada["From"] == f"Anna Admin <{MAIL_FROM}>"
    assert to_ada["Reply-To"] == f"anna.admin@{account.company_id}.test"
    assert text_of(to_ada) == "Dear Ada Lovelace (Lovelace) of Analytical Engines,\nregards, Anna Admin\n"
    (to_grace,) = smtp.to("grace@navy.test")
    # Grace's lead has no organization: the field renders as empty.
    assert text_of(to_grace) == "Dear Grace Hopper (Hopper) of ,\nregards, Anna Admin\n"
    assert smtp.messages[0].mail_from == MAIL_FROM

    (stored,) = await Email.filter(lead_id=ada.id)
    assert stored.direction == "SENT" and stored.company_id == account.company_id
    assert (stored.from_address, stored.to_addresses) == (MAIL_FROM, ["ada@engines.test"])
    assert (stored.subject, stored.person_id) == ("Hello Ada, about Engine order", ada.person_id)
    assert stored.body == "Dear Ada Lovelace (Lovelace) of Analytical Engines,\nregards, Anna Admin"
    assert stored.sent_at <= dt.datetime.now(dt.UTC)
    data = await account.client.execute(LEAD_EMAILS, {"id": gid(grace)})
    (shown,) = data["node"]["emails"]
    assert shown["direction"] == "SENT" and shown["toAddresses"] == ["grace@navy.test"]
    assert shown["subject"] == "Hello Grace, about Compiler deal"
    logged = await ChangeLogEntry.filter(entity_type="lead", entity_id=str(ada.id), action="EMAIL_SENT").count()
    assert logged == 1
    items = await JobItem.filter(job_id=(await Job.get()).id).order_by("position")
    assert items[0].result == {"to": "ada@engines.test", "emailId": to_global_id("Email", stored.id)}


async def test_leads_without_an_address_and_refused_deliveries_are_reported_per_lead(
    account: Account, smtp: Mailbox
) -> None:
    viewer = await account.viewer()
    fine = await make_lead(viewer, "Fine Person", [ContactValue("fine@x.test")])
    no_address = await make_lead(viewer, "No Address")
    no_person = await make_lead(viewer, None, organization="Only An Org")
    refused = await make_lead(viewer, "Gone Away", [ContactValue("gone@x.test")])
    deleted = await make_lead(viewer, "Soon Deleted", [ContactValue("deleted@x.test")])
    smtp.refuse.add("gone@x.test")
    payload = await send(account, [fine, no_address, no_person, refused, deleted], "Hi", "Hello {{person.name}}")
    assert payload["userErrors"] == []
    await delete_leads(viewer, [deleted.id])  # gone before the job ran

    await Worker().run_pending()
    job = await job_of(account, payload)
    assert (job["status"], job["done"], job["failed"]) == ("COMPLETED", 1, 4)
    assert job["result"] == {"sent": 1, "notSent": 4}
    errors = {e["key"]: e for e in job["errors"]}
    assert [e["position"] for e in job["errors"]] == [1, 2, 3, 4]
    assert errors[gid(no_address)]["code"] == "NO_EMAIL_ADDRESS"
    assert "without an email address" in errors[gid(no_address)]["message"]
    assert errors[gid(no_person)]["code"] == "NO_EMAIL_ADDRESS"
    assert "no person" in errors[gid(no_person)]["message"]
    assert errors[gid(refused)]["code"] == "DELIVERY_FAILED"
    # The server's own reply, so that the user can tell a typo from a full mailbox.
    assert "gone@x.test" in errors[gid(refused)]["message"]
    assert "550 5.1.1" in errors[gid(refused)]["message"] and "User unknown" in errors[gid(refused)]["message"]
    assert errors[gid(deleted)]["code"] == "NOT_FOUND"

    assert [r.rcpt_tos for r in smtp.messages] == [["fine@x.test"]]
    assert await Email.filter(company_id=account.company_id).values_list("lead_id", flat=True) == [fine.id]


async def test_an_unreachable_server_is_a_delivery_failure(
    account: Account, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await account.viewer()
    lead = await make_lead(viewer, "Ada Lovelace", [ContactValue("ada@x.test")])
    payload = await send(account, [lead], "Hi", "Hello")
    monkeypatch.setenv("LEADBOX_SMTP_PORT", str(free_port()))  # read when the job runs: nobody listens
    await Worker().run_pending()
    job = await job_of(account, payload)
    (error,) = job["errors"]
    assert error["code"] == "DELIVERY_FAILED" and "Could not reach the mail server 127.0.0.1" in error["message"]
    assert await Email.all().count() == 0


async def test_credentials_from_the_settings_log_in(
    account: Account, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADBOX_SMTP_USERNAME", "leadbox")
    monkeypatch.setenv("LEADBOX_SMTP_PASSWORD", "s3cret")
    lead = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    await send(account, [lead], "Hi", "Hello")
    await Worker().run_pending()
    assert smtp.logins == [(b"leadbox", b"s3cret")]
    assert len(smtp.to("ada@x.test")) == 1

    monkeypatch.setenv("LEADBOX_SMTP_PASSWORD", "wrong")
    payload = await send(account, [lead], "Hi again", "Hello")
    await Worker().run_pending()
    (error,) = (await job_of(account, payload))["errors"]
    assert error["code"] == "DELIVERY_FAILED" and "535" in error["message"]
    assert len(smtp.to("ada@x.test")) == 1


async def test_a_job_killed_mid_send_resumes_without_sending_anything_twice(account: Account, smtp: Mailbox) -> None:
    viewer = await account.viewer()
    addresses = [f"p{i}@x.test" for i in range(6)]
    leads = [await make_lead(viewer, f"Person {i}", [ContactValue(a)]) for i, a in enumerate(addresses)]
    payload = await send(account, leads, "Hi {{person.first_name}}", "Hello")
    job_id = (await Job.get()).id
    # The server accepts the third message but does not answer: the process dies right then,
    # after the message left and before leadbox could record it.
    smtp.hold = addresses[2]
    lease = dt.timedelta(milliseconds=50)
    claimed = await claim_job("doomed", lease)
    assert claimed is not None
    run = asyncio.create_task(run_job(claimed, "doomed", lease))
    assert await asyncio.to_thread(smtp.held.wait, 10)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    smtp.release.set()
    statuses = await JobItem.filter(job_id=job_id).order_by("position").values_list("status", flat=True)
    assert statuses == ["DONE", "DONE", "STARTED", "PENDING", "PENDING", "PENDING"]
    assert await Email.all().count() == 2

    await asyncio.sleep(0.06)  # the dead worker's lease lapses
    assert await Worker().run_pending() == 1
    assert sorted(a for r in smtp.messages for a in r.rcpt_tos) == addresses  # each exactly once
    job = await job_of(account, payload)
    assert (job["status"], job["done"], job["failed"]) == ("COMPLETED", 5, 1)
    (interrupted,) = job["errors"]
    assert (interrupted["position"], interrupted["key"], interrupted["code"]) == (2, gid(leads[2]), "INTERRUPTED")
    recorded = await Email.all().values_list("to_addresses", flat=True)
    assert sorted(a for row in recorded for a in row) == [a for a in addresses if a != addresses[2]]

    # Running the worker again finds nothing to do and sends nothing.
    assert await Worker().run_pending() == 0
    assert len(smtp.messages) == 6


async def test_the_email_row_its_log_line_and_the_item_commit_together(
    account: Account, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    await send(account, [lead], "Hi", "Hello")

    async def broken(entries: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(changelog, "write", broken)
    await Worker().run_pending()
    # The message went out; recording it failed half-way: no Email row, no log line, and
    # the item is not DONE (it stays STARTED, so it is never sent again).
    assert len(smtp.to("ada@x.test")) == 1
    assert await Email.all().count() == 0
    assert await ChangeLogEntry.filter(action="EMAIL_SENT").count() == 0
    (item,) = await JobItem.all()
    assert item.status == JobItemStatus.STARTED
    assert (await Job.get()).status == JobStatus.FAILED


async def test_unknown_merge_fields_are_refused_and_nothing_is_queued(account: Account, smtp: Mailbox) -> None:
    lead = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    payload = await send(account, [lead], "Hi {{person.firstname}}", "{{ lead.titel }} and {{person.name}}")
    assert payload["job"] is None
    errors = payload["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "subject"], "INVALID"),
        (["input", "body"], "INVALID"),
    ]
    assert "{{person.firstname}}" in errors[0]["message"] and "{{lead.titel}}" in errors[1]["message"]
    assert "person.first_name" in errors[0]["message"]  # the message lists the known fields
    assert await Job.all().count() == 0 and await JobItem.all().count() == 0
    await Worker().run_pending()
    assert smtp.messages == []


async def test_submission_checks_subject_body_and_the_number_of_leads(account: Account, smtp: Mailbox) -> None:
    lead = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    payload = await send(account, [lead], "  ", "")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "subject"], "REQUIRED"),
        (["input", "body"], "REQUIRED"),
    ]
    payload = await send(account, [lead], "Two\nlines", "Hello")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "subject"], "INVALID")]
    payload = await account.client.mutate(SEND, {"leadIds": [], "subject": "Hi", "body": "Hello"})
    assert payload["userErrors"][0]["code"] == "REQUIRED"
    many = [to_global_id("Lead", uuid.uuid4()) for _ in range(501)]
    payload = await account.client.mutate(SEND, {"leadIds": many, "subject": "Hi", "body": "Hello"})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "leadIds"], "TOO_MANY_ITEMS")]
    assert await Job.all().count() == 0


async def test_without_an_smtp_server_nothing_is_queued(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADBOX_SMTP_HOST", raising=False)
    lead = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    payload = await send(account, [lead], "Hi", "Hello")
    assert payload["job"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["EMAIL_NOT_CONFIGURED"]
    assert await Job.all().count() == 0


async def test_another_companys_or_a_hidden_lead_refuses_the_whole_submission(
    account: Account, other_account: Account, make_account: Any, smtp: Mailbox
) -> None:
    mine = await make_lead(await account.viewer(), "Ada Lovelace", [ContactValue("ada@x.test")])
    theirs = await make_lead(await other_account.viewer(), "Gary Globex", [ContactValue("gary@globex.test")])
    payload = await send(account, [mine, theirs], "Hi", "Hello")
    assert payload["job"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "leadIds"], "NOT_FOUND")]
    # The same for a lead id that does not exist at all.
    missing = await account.client.mutate(
        SEND, {"leadIds": [gid(mine), to_global_id("Lead", uuid.uuid4())], "subject": "Hi", "body": "Hello"}
    )
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]

    # A regular user of the same company does not see the admin's private lead.
    private = await make_lead(
        await account.viewer(), "Secret Person", [ContactValue("secret@x.test")], visibility=Visibility.OWNER
    )
    regular = await make_account(company_id=account.company_id, name="Rita Regular", role=Role.REGULAR)
    payload = await send(regular, [mine, private], "Hi", "Hello")
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]

    assert await Job.all().count() == 0
    await Worker().run_pending()
    assert smtp.messages == []
    # And the job of one company is not the other's to read.
    payload = await send(account, [mine], "Hi", "Hello")
    data = await other_account.client.execute(JOB, {"id": payload["job"]["id"]})
    assert data["job"] is None
