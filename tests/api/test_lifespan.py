"""What the app sets up for the process when it starts serving (app.py's lifespan)."""

from __future__ import annotations

import gc

from app import YOUNG_GENERATION, create_app
from core.config import Settings


async def test_the_collector_waits_for_a_page_to_be_written(database: str) -> None:
    """The youngest generation is collected after YOUNG_GENERATION new objects, more than a
    page holds while it is written, not at the interpreter's default (700)."""
    before = gc.get_threshold()
    app = create_app(Settings(database_url=database), manage_db=False, run_worker=False)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (YOUNG_GENERATION, *before[1:])
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
