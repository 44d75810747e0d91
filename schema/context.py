"""The per-request context: who is asking and the request's own DataLoaders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core.errors import NotAuthenticated
from domain.operator import Operator
from domain.viewer import Viewer
from loaders import Loaders, make_loaders


@dataclass
class Context:
    request: Any = None
    response: Any = None
    viewer: Viewer | None = None
    # Set for a request with an operator token: an operator is no company's user.
    operator: Operator | None = None
    # Set when a bearer token was sent but is unknown or revoked, to say so precisely.
    token_rejected: bool = False
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
