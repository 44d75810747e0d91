"""The lead's stored fields, declared once: what each is, and where it appears.

Each :class:`LeadField` (a domain.fields.Field with the lead's inbox attributes) is one field of
the GraphQL ``Lead`` type read from the ``lead`` row (``title``, ``expectedCloseDate``,
``utmSource``...), in the type's order. Everything that reads or
shows these fields derives from :data:`LEAD_FIELDS`, by the field's :class:`Kind`:

- the ``Lead`` type's fields and ``from_model`` (schema/leads/lead.py), the read engine's writers
  (fastpath/sqltables.py ``LEAD_PLAIN``, fastpath/leads.py ``LEAD``);
- the inbox's column ``lead.<name>`` where ``label`` is given: the catalogue
  (domain.columns.column), its filter and sort SQL (domain.columns.sql), its cell and so its
  export (domain.columns.values);
- the folded key column ``<column>_key`` where ``folded`` (domain.fold.KEYS): text compared and
  sorted the same on both databases;
- an import's target where ``importable`` (domain.integration.lead_import_rows), a merge's choice
  where ``merge`` gives the choice's description (domain.leads.merge, whose ``MergeField`` names
  each such field: an enum member is a name the code and the schema both spell).

A new stored field of a lead is one entry here, plus its model field and migration (and, for a
merge, its ``MergeField`` member; for a write through the API, its input: see ARCHITECTURE.md).
The lead's columns that are not one stored field (owner, labels, activity status, next activity
date, creator) stay in domain.columns.column.

This module sits at the top of ``domain/``: domain.fold (which every domain calls) derives its keys
from it, and it imports no domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.fields import InboxField, Kind
from models import LeadSource, Visibility


@dataclass(frozen=True)
class LeadField(InboxField):
    """A stored field of the lead (domain.fields.InboxField: where it appears in the inbox) and
    whether an import fills it and a merge chooses it."""

    # Whether an import's file may fill it (the column key is the import's target).
    importable: bool = False
    # The description of the merge choice (MergeField) that keeps it from one side; None: not merged.
    merge: str | None = None

    @property
    def key(self) -> str:
        """The inbox column's key."""
        return f"lead.{self.name}"

    @property
    def merge_name(self) -> str:
        """The MergeField member's name: ``UTM_SOURCE``."""
        return self.column.upper()


SOURCE_LABELS: dict[Enum, str] = {
    LeadSource.MANUAL: "Created manually",
    LeadSource.DEAL: "Deal",
    LeadSource.WEB_FORM: "Web forms",
    LeadSource.PROSPECTOR: "Prospector",
    LeadSource.CHATBOT: "Chatbot",
    LeadSource.LIVE_CHAT: "Live chat",
    LeadSource.IMPORT: "Import",
    LeadSource.WEB_VISITORS: "Web visitors",
    LeadSource.WORKFLOW_AUTOMATION: "Workflow automation",
    LeadSource.API: "API",
}
VISIBILITY_LABELS: dict[Enum, str] = {
    Visibility.OWNER: "Owner and admins",
    Visibility.TEAM: "Owner's teams",
    Visibility.COMPANY: "Entire company",
}


def _utm(part: str) -> LeadField:
    return LeadField(
        f"utm{part.capitalize()}",
        Kind.TEXT,
        f"The `utm_{part}` of the web visit the lead came from; null when none.",
        label=f"UTM {part}",
        folded=True,
        importable=True,
        merge=f"utm{part.capitalize()}.",
    )


LEAD_FIELDS: tuple[LeadField, ...] = (
    LeadField(
        "title",
        Kind.TEXT,
        "What the lead is about; required, at most 255 characters. Defaults to the person's or organization's name.",
        nullable=False,
        label="Title",
        folded=True,
        importable=True,
        merge="The title.",
    ),
    LeadField(
        "value",
        Kind.MONEY,
        "The expected value of the deal to be; null when none was given.",
        label="Value",
        importable=True,
        merge="The value, amount and currency together.",
    ),
    LeadField(
        "expectedCloseDate",
        Kind.DATE,
        "When the sale is expected to close; null when not set.",
        label="Expected close date",
        importable=True,
        merge="The expected close date.",
    ),
    LeadField(
        "source",
        Kind.OPTION,
        "How the lead was made; set by the server, never by the client.",
        nullable=False,
        label="Source",
        enum=LeadSource,
        options=SOURCE_LABELS,
    ),
    LeadField(
        "visibility",
        Kind.OPTION,
        "Who can see the lead; COMPANY unless set otherwise.",
        nullable=False,
        label="Visible to",
        importable=True,
        merge="The visibility.",
        enum=Visibility,
        options=VISIBILITY_LABELS,
    ),
    LeadField(
        "wasSeen",
        Kind.BOOLEAN,
        "Whether the lead was marked as seen (the inbox shows unseen leads in bold); set by the client.",
        nullable=False,
        label="Seen",
        sortable=False,
    ),
    LeadField("isArchived", Kind.BOOLEAN, "True for a lead in the archive (see `archiveLeads`).", nullable=False),
    LeadField("archivedAt", Kind.DATETIME, "When the lead was archived; null for an active lead.", label="Archived on"),
    LeadField("createdAt", Kind.DATETIME, "When the lead was created (UTC).", nullable=False, label="Lead created"),
    LeadField(
        "updatedAt",
        Kind.DATETIME,
        "When the lead or its labels last changed (UTC).",
        nullable=False,
        label="Last updated",
    ),
    LeadField(
        "version",
        Kind.INTEGER,
        "Raised by one with every change made through updateLead; send it as `expectedVersion` to "
        "have a change refused (CONFLICT) when someone else changed the lead since you read it.",
        nullable=False,
    ),
    *(_utm(part) for part in ("source", "medium", "campaign", "term", "content")),
)
# The lead's inbox columns among them, in declaration order.
COLUMN_FIELDS: tuple[LeadField, ...] = tuple(f for f in LEAD_FIELDS if f.label is not None)


def of_kind(*kinds: Kind, importable: bool = False) -> tuple[LeadField, ...]:
    """The declared fields of these kinds (only the importable ones with ``importable``)."""
    return tuple(f for f in LEAD_FIELDS if f.kind in kinds and (f.importable or not importable))
