"""A step run again and again in a task of its own, beside the server: the job worker, the webhook
dispatcher, the clean-up of files and old rows, and the renewal of billing periods.

The step answers whether there is more to do at once: if so it runs again straight away,
otherwise the task waits ``interval`` seconds, or less if :meth:`Periodic.wake` is called. A step
that fails is logged with its traceback and tried again after the wait; the task ends only when
:meth:`Periodic.stop` cancels it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    def __init__(
        self,
        name: str,
        step: Callable[[], Awaitable[bool]],
        interval: float,
        *,
        log: logging.Logger,
        failure: str,
    ) -> None:
        self.name = name
        self.step = step
        self.interval = interval
        self.log = log
        self.failure = failure
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    def wake(self) -> None:
        """Run the step now rather than at the end of the wait."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                more = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # the task lives on: the step is tried again after the wait
                self.log.exception(self.failure)
                more = False
            if more:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
