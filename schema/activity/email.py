"""Emails linked to leads and contacts."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.ids import to_global_id
from models import Email as EmailModel
from models import EmailDirection
from schema.base import Node, describe_values

EmailDirectionEnum = EmailDirection
strawberry.enum(EmailDirectionEnum, name="EmailDirection", description="Whether the company sent or received an email.")
describe_values(EmailDirectionEnum, {"SENT": "Sent by the company (e.g. `sendBulkEmail`).", "RECEIVED": "Received."})


@strawberry.type(description="An email linked to a lead or contact.")
class Email(Node):
    id: strawberry.ID = strawberry.field(description="The email's global id.")
    direction: EmailDirectionEnum = strawberry.field(description="SENT or RECEIVED.")
    from_address: str = strawberry.field(description="The sender's address.")
    to_addresses: list[str] = strawberry.field(description="The recipients' addresses.")
    subject: str = strawberry.field(description="The subject line.")
    body: str = strawberry.field(description="The plain-text body, merge fields filled in.")
    sent_at: dt.datetime = strawberry.field(description="When it was sent or received.")

    @classmethod
    def from_model(cls, email: EmailModel) -> Email:
        return cls(
            id=strawberry.ID(to_global_id("Email", email.id)),
            direction=email.direction,
            from_address=email.from_address,
            to_addresses=list(email.to_addresses),
            subject=email.subject,
            body=email.body,
            sent_at=email.sent_at,
        )
