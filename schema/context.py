"""The per-request context: who is asking and the request's own DataLoaders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from core.config import Settings, settings_from_env
from core.errors import NotAuthenticated
from domain.accounts.operator import Operator
from domain.columns.cells import Cell
from domain.columns.column import Column
from domain.columns.preference import usable
from domain.columns.values import page_values
from domain.viewer import Viewer
from loaders import Loaders, make_loaders
from models import CustomFieldEntity, Lead


@dataclass
class Context:
    request: Any = None
    response: Any = None
    viewer: Viewer | None = None
    # Set for a request with an operator token: an operator is no company's user.
    operator: Operator | None = None
    # Set when a bearer token was sent but is unknown or revoked, to say so precisely.
    token_rejected: bool = False
    # The server's settings (where uploads go, how large they may be).
    settings: Settings = field(default_factory=settings_from_env)
    # One clock reading per request, so every row of a page is judged against the same "now".
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            if self.operator is not None:
                raise NotAuthenticated("An operator token reads no company's data; use a user's token.")
            if self.token_rejected:
                raise NotAuthenticated("The bearer token is unknown, revoked, or its user is inactive.")
            raise NotAuthenticated()
        return self.viewer

    @cached_property
    def loaders(self) -> Loaders:
        return make_loaders(self.require_viewer())

    @cached_property
    def column_values(self) -> DataLoader[tuple[Lead, tuple[str, ...]], list[Cell | None]]:
        """Leads' values for column keys: every lead of a page asks at once, one page_values answers."""
        viewer, loaders, now = self.require_viewer(), self.loaders, self.now

        async def load(requests: list[tuple[Lead, tuple[str, ...]]]) -> list[list[Cell | None]]:
            keys = list(dict.fromkeys(k for _, wanted in requests for k in wanted))
            leads = list({lead.id: lead for lead, _ in requests}.values())
            rows = await page_values(viewer, leads, keys, loaders, now)
            by_lead = {lead.id: dict(zip(keys, row, strict=True)) for lead, row in zip(leads, rows, strict=True)}
            return [[by_lead[lead.id][k] for k in wanted] for lead, wanted in requests]

        return DataLoader(load, cache_key_fn=lambda request: (request[0].id, request[1]))

    async def viewer_columns(self) -> list[Column]:
        """The viewer's saved inbox columns that still exist, or the defaults."""
        viewer = self.require_viewer()
        saved = await self.loaders.lead_columns_by_user_id.load(viewer.user_id)
        definitions = await self.loaders.custom_fields_by_entity.load_many(list(CustomFieldEntity))
        return usable(saved, [d for found in definitions for d in found])
