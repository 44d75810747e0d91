"""The inbox export's input and payload (`exportLeads`)."""

from __future__ import annotations

import strawberry

from domain.export import ExportFormat
from schema.base import UserError
from schema.job import Job
from schema.lead import LeadFilter, LeadSort

ExportFormatEnum = strawberry.enum(ExportFormat, name="ExportFormat")


@strawberry.input
class ExportLeadsInput:
    format: ExportFormatEnum  # type: ignore[valid-type]
    filter: LeadFilter | None = strawberry.field(default=None, description="The same filter as the `leads` list's.")
    sort: LeadSort | None = strawberry.field(default=None, description="The same sort as the `leads` list's.")
    columns: list[str] | None = strawberry.field(
        default=None,
        description="Column keys of `leadColumns`, in order (at most 100); leave out for your own inbox columns.",
    )


@strawberry.type
class ExportLeadsPayload:
    job: Job | None = strawberry.field(
        default=None,
        description=(
            "The job writing the file. While it runs, its result holds `rowsWritten`; once COMPLETED, `rows`, "
            "`format`, `fileSize`, `fileName` and `downloadPath`: GET that path with your bearer token to "
            "download the file."
        ),
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)
