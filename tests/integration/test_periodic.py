"""core/periodic.py: the loop behind the job worker, the webhook dispatcher, the clean-up and the
billing renewal. Each test waits on events the step sets, never on the clock."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.periodic import Periodic

log = logging.getLogger("leadbox.tests.periodic")


async def test_a_failed_step_is_logged_and_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0
    second = asyncio.Event()

    async def step() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("first pass fails")
        second.set()
        return False

    task = Periodic("test-periodic", step, 0.01, log=log, failure="step failed")
    task.start()
    await asyncio.wait_for(second.wait(), 10)
    await task.stop()
    assert calls >= 2
    assert [r.getMessage() for r in caplog.records if r.name == log.name] == ["step failed"]


async def test_more_to_do_runs_again_without_the_wait() -> None:
    left = 3
    done = asyncio.Event()

    async def step() -> bool:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()
        return left > 0

    # An hour's wait: the three passes can only happen if a step that has more to do skips it.
    task = Periodic("test-periodic", step, 3600, log=log, failure="step failed")
    task.start()
    await asyncio.wait_for(done.wait(), 10)
    await task.stop()
    assert left == 0


async def test_wake_cuts_the_wait_short_and_stop_ends_the_task() -> None:
    passes: list[asyncio.Event] = [asyncio.Event(), asyncio.Event()]
    count = 0

    async def step() -> bool:
        nonlocal count
        if count < len(passes):
            passes[count].set()
        count += 1
        return False

    task = Periodic("test-periodic", step, 3600, log=log, failure="step failed")
    task.start()
    await asyncio.wait_for(passes[0].wait(), 10)
    task.wake()
    await asyncio.wait_for(passes[1].wait(), 10)
    await task.stop()
    assert task._task is None
    after = count
    await asyncio.sleep(0)
    assert count == after
