"""The lead-status board of a selection: a column per status, each with its count and pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader

from core.ids import decode_id
from core.pagination import page_size
from domain.contacts.board import BoardColumn, column_pages
from domain.contacts.query import ContactPage
from domain.viewer import Viewer
from models import Selection as SelectionModel
from schema.base import AFTER, FIRST, PageInfo
from schema.contacts.lead_status import LeadStatus
from schema.contacts.person import Person, PersonConnection, PersonEdge
from schema.contacts.selection import Selection

PageKey = tuple[int | None, int, str | None]


def page_loader(viewer: Viewer, selection: SelectionModel, now: dt.datetime) -> DataLoader[PageKey, ContactPage]:
    """Batches the columns' pages of one board: every first page in one statement."""

    async def load(keys: list[PageKey]) -> list[ContactPage]:
        return await column_pages(viewer, selection, keys, now)

    return DataLoader(load)


@strawberry.type(description="One column of the board: a lead status (null: persons without one) and its persons.")
class LeadStatusBoardColumn:
    status: LeadStatus | None = strawberry.field(description="The column's status; null for persons without one.")
    count: int = strawberry.field(description="How many persons of the selection are in this column.")
    _key: strawberry.Private[int | None]
    _pages: strawberry.Private[DataLoader[PageKey, ContactPage]]

    @strawberry.field(description="The column's persons by name; moving one is setLeadStatus.")
    async def members(
        self,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> PersonConnection:
        after = after or None
        page = await self._pages.load((self._key, page_size(first), after))
        count = self.count

        async def total() -> int:
            return count

        return PersonConnection(
            edges=[
                PersonEdge(cursor=c, node=Person.from_model(p)) for p, c in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page.cursors, page.has_next_page, after),
            _count=total,
        )


@strawberry.type(description="A selection's persons by lead status (SPEC §8).")
class LeadStatusBoard:
    selection: Selection = strawberry.field(description="The selection the board shows.")
    columns: list[LeadStatusBoardColumn] = strawberry.field(
        description="One column per status in the company's order (retired ones only while held), then persons without."
    )

    @strawberry.field(description="How many persons are on the board: the sum of the column counts.")
    def total_count(self) -> int:
        return sum(c.count for c in self.columns)

    @strawberry.field(
        description=(
            "One column, to page through it alone: the status's (null: persons without a status). Null when "
            "the board has no such column."
        )
    )
    def column(
        self,
        lead_status_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The column's status; null for persons without one.")
        ] = None,
    ) -> LeadStatusBoardColumn | None:
        key = decode_id(lead_status_id, "LeadStatus") if lead_status_id is not None else None
        return next((c for c in self.columns if c._key == key), None)

    @classmethod
    def build(
        cls, viewer: Viewer, selection: SelectionModel, columns: list[BoardColumn], now: dt.datetime
    ) -> LeadStatusBoard:
        pages = page_loader(viewer, selection, now)
        return cls(
            selection=Selection.from_model(selection),
            columns=[
                LeadStatusBoardColumn(
                    status=LeadStatus.from_model(c.status) if c.status else None,
                    count=c.count,
                    _key=c.key,
                    _pages=pages,
                )
                for c in columns
            ],
        )
