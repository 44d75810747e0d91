"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite://leadbox.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str
    # Query limits (SPEC §10.5).
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    page_size_default: int = 50
    page_size_max: int = 500


def settings_from_env() -> Settings:
    return Settings(database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
