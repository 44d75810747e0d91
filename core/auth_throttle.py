"""Failed authentication limited per client address (SPEC §10.5).

Each address may send :attr:`AuthThrottle.limit` requests with a bad token within a window of
:attr:`AuthThrottle.window` seconds, counted from its first failure; past that, every request
from it that carries a token is answered 429 with ``Retry-After`` until the window ends, so
guessing tokens gets nowhere. Counting is in memory, per server process (a check is a dict
look-up: well under a microsecond); with N processes an address gets at most N times the limit.
Behind a proxy, run uvicorn with ``--proxy-headers`` so that the address is the client's.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Past this many addresses, the ones whose window has ended are dropped.
PRUNE_AT = 10_000


class AuthThrottle:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        # address -> (window start, failures in it)
        self._failures: dict[str, tuple[float, int]] = {}

    def retry_after(self, address: str) -> float | None:
        """Seconds the address must wait before its token is looked at again, or None."""
        entry = self._failures.get(address)
        if entry is None or entry[1] < self.limit:
            return None
        wait = entry[0] + self.window - self.clock()
        if wait <= 0:
            del self._failures[address]
            return None
        return wait

    def failed(self, address: str) -> None:
        """Count a request from ``address`` whose token was refused."""
        now = self.clock()
        start, count = self._failures.get(address, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        self._failures[address] = (start, count + 1)
        if len(self._failures) > PRUNE_AT:
            self._prune(now)

    def _prune(self, now: float) -> None:
        for address in [a for a, (start, _) in self._failures.items() if now - start >= self.window]:
            del self._failures[address]
