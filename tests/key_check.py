"""Whether every stored folded key (domain.fold) matches its text: run after every test by
conftest.py, so that any writer of names, titles, addresses, UTM values or custom values the
suite goes through, and leaves a key behind its text, fails the test that used it."""

from __future__ import annotations

from typing import Any

import orjson

from core.db import fetch
from domain.fold import CUSTOM_KEY_TABLES, KEYS, keyed


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def stale_keys(limit: int = 5) -> list[str]:
    """Rows whose keys differ from what domain.fold.keyed makes of their texts (at most
    ``limit`` per table), as ``table id: column stored != expected``."""
    problems: list[str] = []
    for table, texts in KEYS.items():
        custom = table in CUSTOM_KEY_TABLES
        columns = [*texts, *(key for key, _ in texts.values())]
        if custom:
            columns += ["custom_fields", "custom_keys"]
        found = 0
        for row in await fetch(f'SELECT id, {", ".join(columns)} FROM "{table}" ORDER BY id'):
            sources = {source: row[source] for source in texts}
            if custom:
                sources["custom_fields"] = _json(row["custom_fields"])
            for column, expected in keyed(table, sources).items():
                if column in sources:
                    continue
                stored = _json(row[column]) if column == "custom_keys" else row[column]
                if stored != expected:
                    problems.append(f"{table} {row['id']}: {column} {stored!r} != {expected!r}")
                    found += 1
            if found >= limit:
                break
    return problems
