"""The inbox export's input and payload (`exportLeads`)."""

from __future__ import annotations

import strawberry

from domain.integration.export import ExportFormat
from schema.base import UserError, describe_values
from schema.integration.job import Job
from schema.leads.filter import LeadFilter, LeadSort

ExportFormatEnum = ExportFormat
strawberry.enum(ExportFormatEnum, name="ExportFormat", description="The file format of an export.")
describe_values(
    ExportFormatEnum,
    {"CSV": "Comma-separated values, UTF-8, one header row.", "XLSX": "An Excel workbook with one sheet."},
)


@strawberry.input(description="What to export: a filter, a sort, the columns and the file format.")
class ExportLeadsInput:
    format: ExportFormatEnum = strawberry.field(description="CSV or XLSX.")
    filter: LeadFilter | None = strawberry.field(default=None, description="The same filter as the `leads` list's.")
    sort: LeadSort | None = strawberry.field(default=None, description="The same sort as the `leads` list's.")
    columns: list[str] | None = strawberry.field(
        default=None,
        description="Column keys of `leadColumns`, in order (at most 100); leave out for your own inbox columns.",
    )


@strawberry.type(description="The result of `exportLeads`.")
class ExportLeadsPayload:
    job: Job | None = strawberry.field(
        default=None,
        description=(
            "The job writing the file. While it runs, its result holds `rowsWritten`; once COMPLETED, `rows`, "
            "`format`, `fileSize`, `fileName` and `downloadPath`: GET that path with your bearer token to "
            "download the file."
        ),
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why no export was started: REQUIRED, UNKNOWN_COLUMN, TOO_MANY_ITEMS (over 100 columns), INVALID_SORT, "
            "INVALID_FILTER, INVALID_ID, NOT_FOUND (a saved filter). Empty on success."
        ),
    )
