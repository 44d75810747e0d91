"""`sendBulkEmail`: decode the ids, queue the job, return it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from domain.activity.bulk_email import MERGE_FIELDS, submit_bulk_email
from resolvers.common import mutate
from schema.base import InfoT, UserError, id_list
from schema.integration.job import Job

MERGE_FIELD_HELP = "Merge fields: " + ", ".join(f"{{{{{name}}}}}" for name in MERGE_FIELDS) + "."


@strawberry.input(description="One message, with merge fields, to the persons of some leads.")
class SendBulkEmailInput:
    lead_ids: list[strawberry.ID] = strawberry.field(description="1 to 500 leads; each one's person gets a message.")
    subject: str = strawberry.field(description=f"One line. {MERGE_FIELD_HELP}")
    body: str = strawberry.field(description=f"Plain text. {MERGE_FIELD_HELP}")


@strawberry.type(description="The result of `sendBulkEmail`.")
class SendBulkEmailPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The job sending the messages: its errors name each lead not written to and why.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was sent: REQUIRED, TOO_LONG (subject 255, body 100,000 characters), INVALID (an unknown "
            "merge field, a subject of several lines), TOO_MANY_ITEMS, INVALID_ID, NOT_FOUND (a lead), "
            "EMAIL_NOT_CONFIGURED. Empty on success."
        ),
    )


@strawberry.type
class BulkEmailMutation:
    @strawberry.mutation(
        description="Send one message to the persons of the given leads, as a background job, through the "
        "configured SMTP server; each message sent is recorded on its lead's emails. An unknown merge field "
        "or a lead you cannot see refuses the whole request and nothing is sent."
    )
    async def send_bulk_email(
        self,
        info: InfoT,
        input: Annotated[SendBulkEmailInput, strawberry.argument(description="The leads and the message.")],
    ) -> SendBulkEmailPayload:
        viewer = info.context.require_viewer()

        async def work() -> dict[str, Any]:
            ids = id_list(input.lead_ids, "Lead", "input", "lead_ids")
            job = await submit_bulk_email(viewer, ids, input.subject, input.body)
            return {"job": Job.from_model(job)}

        return await mutate(SendBulkEmailPayload, work)
