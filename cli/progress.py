"""Progress bars for the long commands (demo, import, migrate, prospects load), on a terminal only.

tqdm draws them on stderr and stays silent when stderr is not a terminal (a pipe, a log file,
CI), so scripts reading the output see exactly what they saw before. It is a dependency rather
than a few lines of our own because it gets the terminal details right: redraw rate, width,
rates and time left, and a clean final line.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from tqdm import tqdm

from models import Job


def bar(total: int | None, what: str, **options: Any) -> tqdm:
    """A bar on stderr, or a silent stand-in when stderr is no terminal."""
    return tqdm(
        total=total,
        desc=what,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        dynamic_ncols=True,
        leave=True,
        **options,
    )


def lines_read(source: Iterable[str], total_bytes: int | None, what: str) -> Iterator[str]:
    """Yield the lines of ``source``, moving a bar by their size."""
    with bar(total_bytes, what, unit="B", unit_scale=True) as progress:
        for line in source:
            progress.update(len(line.encode("utf-8")))
            yield line
        if total_bytes is not None:
            progress.n = total_bytes
            progress.refresh()


class MigrationBar:
    """tortoise's ``migrate(reporter=..., progress=...)`` hooks as a bar, shown only when there
    is something to apply."""

    def __init__(self) -> None:
        self.progress: tqdm | None = None

    def reporter(self, _connection: str, plan: list[Any], _fake: bool, _dry_run: bool) -> None:
        if plan and sys.stderr.isatty():
            self.progress = bar(len(plan), "migrations", unit="migration")

    def step(self, event: str, _app: str, name: str) -> None:
        if self.progress is None:
            return
        if event.endswith("_start"):
            self.progress.set_postfix_str(name, refresh=True)
        elif event.endswith("_done"):
            self.progress.update(1)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None


@contextlib.asynccontextmanager
async def job_progress(job_id: int, what: str) -> AsyncIterator[None]:
    """Follow a job's ``done`` of ``total`` items on a bar while the block runs it."""
    if not sys.stderr.isatty():
        yield
        return

    async def follow(progress: tqdm) -> None:
        while True:
            job = await Job.get(id=job_id)
            progress.total = job.total
            progress.n = job.done
            progress.refresh()
            await asyncio.sleep(0.5)

    with bar(None, what, unit="item") as progress:
        task = asyncio.create_task(follow(progress))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            job = await Job.get(id=job_id)
            progress.total, progress.n = job.total, job.done
            progress.refresh()
