"""`importLeads`: keep the uploaded file, check the mapping against it, queue the job."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from core.errors import ErrorCode, fail
from domain.contacts.duplicate import Resolution
from domain.integration.import_file import FileFormat, detect_format, save_upload
from domain.integration.import_limits import ImportLimits
from domain.integration.lead_import import MappingEntry, start_import
from resolvers.common import mutate
from schema.base import InfoT, UserError, describe_values
from schema.contacts.duplicate import DuplicateResolutionEnum
from schema.integration.job import Job

ImportFormatEnum = FileFormat
strawberry.enum(ImportFormatEnum, name="ImportFormat", description="The file format of an import.")
describe_values(
    ImportFormatEnum,
    {"CSV": "Comma-separated values in UTF-8, with or without a BOM.", "XLSX": "An Excel workbook; its first sheet."},
)


@strawberry.input(description="One column of the file and the lead, person, organization or custom field it fills.")
class ImportMappingInput:
    column: str = strawberry.field(description="The column's header text in the file's first row.")
    target: str = strawberry.field(
        description="A column key of `leadColumns` an import can write: `lead.title`, `lead.value` (an amount), "
        "`lead.valueCurrency`, `lead.owner` (a user's email), `lead.labels` (names, comma-separated; a name no "
        "label has is reported, not created), "
        "`lead.expectedCloseDate` (YYYY-MM-DD), `lead.visibility`, `lead.utm*`, `person.name`, "
        "`person.firstName`, `person.lastName`, `person.email`, `person.phone`, `person.jobTitle`, "
        "`organization.name`, `organization.address.*`, and custom fields `cf.lead.<key>`, "
        "`cf.person.<key>`, `cf.organization.<key>` (options by label; money as `12.50 EUR`)."
    )


@strawberry.input(description="The file, how its columns map onto lead fields, and what to do with duplicates.")
class ImportLeadsInput:
    file: Upload = strawberry.field(description="The CSV (UTF-8) or XLSX file, sent as a GraphQL multipart request.")
    mapping: list[ImportMappingInput] = strawberry.field(
        description="At least one column; each target at most once. Columns of the file not named are ignored."
    )
    format: ImportFormatEnum | None = strawberry.field(
        default=None, description="CSV or XLSX; left out, the file name's extension decides."
    )
    duplicates: DuplicateResolutionEnum = strawberry.field(
        default=Resolution.LINK,
        description="LINK (default): a row naming an existing person or organization (by name) is linked to it, "
        "and a name repeated in the file is one contact; CREATE: every row gets new contacts.",
    )
    default_currency: str | None = strawberry.field(
        default=None, description="The currency of values in rows without a mapped currency column."
    )


@strawberry.type(description="The result of `importLeads`.")
class ImportLeadsPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The import: its `result` counts the rows (rowsTotal = leadsCreated + rowsFailed) and the "
        "contacts created and linked; its `report` names each row that made no lead and why.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why nothing was imported: INVALID_FILE (also a CSV row that cannot be read, named in the message), "
            "FILE_TOO_LARGE (also a workbook expanding past the limit), TOO_MANY_ROWS, REQUIRED, UNKNOWN_COLUMN, "
            "COLUMN_NOT_IMPORTABLE, "
            "HEADER_NOT_FOUND, DUPLICATE (a target or header twice), MISSING_TITLE and CONTACT_REQUIRED (the mapping "
            "can give no lead a title or contact), INVALID_CURRENCY. Empty on success."
        ),
    )


@strawberry.type
class LeadImportMutation:
    @strawberry.mutation(
        description="Import leads from a CSV or XLSX file, as a background job: every row becomes a lead "
        "(source IMPORT) or is reported with its row number and reason. A mapping that does not fit the file "
        "or the columns refuses the whole request, and nothing runs."
    )
    async def import_leads(
        self,
        info: InfoT,
        input: Annotated[ImportLeadsInput, strawberry.argument(description="The file and its mapping.")],
    ) -> ImportLeadsPayload:
        viewer = info.context.require_viewer()
        settings = info.context.settings

        async def work() -> dict[str, Any]:
            upload: Any = input.file
            if not callable(getattr(upload, "read", None)):
                raise fail("Send the file as a multipart upload.", ErrorCode.INVALID_FILE, "input", "file")
            filename = getattr(upload, "filename", None)
            fmt = detect_format(filename, FileFormat(input.format) if input.format else None)
            saved = await save_upload(settings.files_dir, upload, fmt, settings.max_upload_bytes)
            mapping = [MappingEntry(m.column, m.target) for m in input.mapping]
            try:
                job = await start_import(
                    viewer,
                    saved,
                    fmt,
                    mapping,
                    Resolution(input.duplicates),
                    input.default_currency,
                    filename,
                    ImportLimits.of(settings),
                )
            except BaseException:
                saved.unlink(missing_ok=True)
                raise
            return {"job": Job.from_model(job)}

        return await mutate(ImportLeadsPayload, work)
