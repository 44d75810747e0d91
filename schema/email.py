"""Emails linked to leads and contacts."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.ids import to_global_id
from models import Email as EmailModel
from models import EmailDirection
from schema.base import Node

EmailDirectionEnum = strawberry.enum(EmailDirection, name="EmailDirection")


@strawberry.type
class Email(Node):
    id: strawberry.ID
    direction: EmailDirectionEnum  # type: ignore[valid-type]
    from_address: str
    to_addresses: list[str]
    subject: str
    body: str
    sent_at: dt.datetime

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
