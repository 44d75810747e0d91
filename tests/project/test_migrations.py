"""The migrations in migrations/ build exactly the schema the models describe."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from core.db import tortoise_config


async def test_models_have_no_changes_missing_a_migration(database: str) -> None:
    """Fails when a model changed without `tortoise makemigrations` (see README, Migrations)."""
    apps = tortoise_config(database)["apps"]
    pending = await MigrationAutodetector(Tortoise.apps, apps).changes()
    assert [writer.name for writer in pending] == []
