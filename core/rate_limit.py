"""Per-token leaky buckets of query-cost points, shared by every server process (SPEC §10.5).

A bucket holds up to ``plan.points``; each request takes its requested cost out before it runs
and the points flow back at ``plan.restore_rate`` a second. A request that finds fewer points
than it costs is refused, told how long to wait, and takes nothing. What a request did not use
(its actual cost was lower) is given back: :meth:`Buckets.give_back` notes it in the process,
and the token's next charge from this process adds it back in the same write (one write a
request, not two); :meth:`Buckets.close` writes what is still owed when the process stops. Until
then another process sees the bucket without those points (at most what this process's last
requests of the token left unused; the restore rate brings them back meanwhile).

Two stores, the same arithmetic:

- :class:`DatabaseBuckets` (the default): one row per token in ``rate_bucket``, read, refilled
  and charged by one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, so concurrent
  requests of any process never both spend the same points.
- :class:`RedisBuckets` (``LEADBOX_REDIS_URL``): a hash per token, changed by one Lua script
  (Redis runs a script alone), expiring once it would be full again.

The clock is the server's (``time.time``), passed in, so that tests can move it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from core.db import conn, is_postgres


@dataclass(frozen=True)
class Plan:
    """A bucket's size in points and the points it gets back per second."""

    points: int
    restore_rate: int


@dataclass(frozen=True)
class Charge:
    """What a bucket said to a request: charged or not, and what is left."""

    charged: bool
    available: float
    plan: Plan
    # Seconds until the bucket holds the points asked for; 0 when charged.
    retry_after: float = 0.0


class Buckets(Protocol):
    clock: Callable[[], float]

    async def charge(self, key: str, cost: int, plan: Plan) -> Charge: ...

    async def refund(self, key: str, points: int, plan: Plan) -> float: ...

    def give_back(self, key: str, points: int) -> None: ...

    async def close(self) -> None: ...


class _Owed:
    """Points this process owes back to buckets, written with each bucket's next charge."""

    def __init__(self) -> None:
        self.owed: dict[str, int] = {}

    def give_back(self, key: str, points: int) -> None:
        """Note unused points; no I/O (the next charge of ``key`` from this process adds them)."""
        if points > 0:
            self.owed[key] = self.owed.get(key, 0) + points

    def take(self, key: str) -> int:
        return self.owed.pop(key, 0)

    def restore(self, key: str, points: int) -> None:
        """Owed again: the charge that was to carry them did not reach the store."""
        self.give_back(key, points)

    async def settle(self, refund: Callable[[str, int], Awaitable[object]]) -> None:
        """Write every owed give-back (the process is stopping)."""
        owed, self.owed = self.owed, {}
        for key, points in owed.items():
            await refund(key, points)


def _charge(charged: bool, available: float, cost: int, plan: Plan) -> Charge:
    wait = 0.0 if charged else max(cost - available, 0.0) / plan.restore_rate
    return Charge(charged, available, plan, wait)


# The bucket refilled up to now, with the points owed back (?6): {a} is the stored level, {t}
# the stored time.
_LEVEL = "{least}(CAST(?3 AS {real}), {a} + {greatest}(0, ?4 - {t}) * ?5 + ?6)"
_CHARGE_SQL = """
INSERT INTO rate_bucket (key, available, updated_at, charged) VALUES (?1, ?3 - ?2, ?4, 1)
ON CONFLICT (key) DO UPDATE SET
  available = CASE WHEN {level} >= ?2 THEN {level} - ?2 ELSE {level} END,
  charged = CASE WHEN {level} >= ?2 THEN 1 ELSE 0 END,
  updated_at = {greatest}(rate_bucket.updated_at, ?4)
RETURNING available, charged
"""
_REFUND_SQL = (
    "UPDATE rate_bucket SET available = {least}(CAST(?3 AS {real}), available + ?2) WHERE key = ?1 RETURNING available"
)


def _dialect_sql(template: str, postgres: bool) -> str:
    words = (
        {"least": "LEAST", "greatest": "GREATEST", "real": "double precision"}
        if postgres
        else {"least": "min", "greatest": "max", "real": "REAL"}
    )
    level = _LEVEL.format(a="rate_bucket.available", t="rate_bucket.updated_at", **words)
    sql = template.format(level=level, **words)
    if postgres:
        # Numbered parameters: ?N on SQLite, $N on PostgreSQL (typed where asyncpg cannot tell).
        for number, kind in (
            ("1", "text"),
            ("2", "double precision"),
            ("3", "double precision"),
            ("4", "double precision"),
            ("5", "double precision"),
            ("6", "double precision"),
        ):
            sql = sql.replace(f"?{number}", f"${number}::{kind}")
    return sql


class DatabaseBuckets(_Owed):
    """Buckets in the database leadbox already uses (tortoise's default connection)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.clock = clock
        self._sql: dict[bool, tuple[str, str]] = {}
        # The bucket size of each key owed points (for the give-backs written at close).
        self._sizes: dict[str, int] = {}

    def _statements(self) -> tuple[str, str]:
        postgres = is_postgres()
        if postgres not in self._sql:
            self._sql[postgres] = (_dialect_sql(_CHARGE_SQL, postgres), _dialect_sql(_REFUND_SQL, postgres))
        return self._sql[postgres]

    async def charge(self, key: str, cost: int, plan: Plan) -> Charge:
        charge_sql, _ = self._statements()
        owed = self.take(key)
        self._sizes[key] = plan.points
        params = [key, float(cost), float(plan.points), self.clock(), float(plan.restore_rate), float(owed)]
        try:
            rows = await conn().execute_query_dict(charge_sql, params)
        except BaseException:
            self.restore(key, owed)
            raise
        row = rows[0]
        return _charge(bool(row["charged"]), float(row["available"]), cost, plan)

    async def refund(self, key: str, points: int, plan: Plan) -> float:
        _, refund_sql = self._statements()
        # SQLite numbers its parameters by the highest one used: ?1..?3 here.
        rows = await conn().execute_query_dict(refund_sql, [key, float(points), float(plan.points)])
        return float(rows[0]["available"]) if rows else float(plan.points)

    async def close(self) -> None:
        await self.settle(lambda key, points: self.refund(key, points, Plan(self._sizes.get(key, points), 1)))


# KEYS[1] the bucket; ARGV: cost, points, now, restore rate, points owed back. Returns {charged, available}.
_LUA_CHARGE = """
local cost = tonumber(ARGV[1])
local points = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local owed = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'a', 't')
local level = points
if state[1] then
  level = math.min(points, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate + owed)
end
local charged = 0
if level >= cost then
  level = level - cost
  charged = 1
end
local stamp = now
if state[2] and tonumber(state[2]) > now then stamp = tonumber(state[2]) end
redis.call('HSET', KEYS[1], 'a', tostring(level), 't', tostring(stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil((points - level) / rate * 1000) + 1000)
return {charged, tostring(level)}
"""
# KEYS[1] the bucket; ARGV: points to give back, bucket size.
_LUA_REFUND = """
local level = redis.call('HGET', KEYS[1], 'a')
if not level then return tostring(ARGV[2]) end
level = math.min(tonumber(ARGV[2]), tonumber(level) + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'a', tostring(level))
return tostring(level)
"""


class RedisBuckets(_Owed):
    """Buckets in Redis, as hashes named ``<prefix><key>``."""

    def __init__(self, url: str, *, prefix: str = "leadbox:bucket:", clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._sizes: dict[str, int] = {}
        # redis-py speaks the protocol, pools connections and caches scripts by digest (EVALSHA,
        # loading them again after a server restart); none of it is worth writing again. Imported
        # here, only when LEADBOX_REDIS_URL is set: about 100 modules that every server and CLI
        # start would load for nothing otherwise.
        import redis.asyncio as redis

        self.client: Any = redis.from_url(url)
        self.prefix = prefix
        self.clock = clock
        self._charge = self.client.register_script(_LUA_CHARGE)
        self._refund = self.client.register_script(_LUA_REFUND)

    async def charge(self, key: str, cost: int, plan: Plan) -> Charge:
        owed = self.take(key)
        self._sizes[key] = plan.points
        try:
            charged, available = await self._charge(
                keys=[self.prefix + key], args=[cost, plan.points, repr(self.clock()), plan.restore_rate, owed]
            )
        except BaseException:
            self.restore(key, owed)
            raise
        return _charge(bool(int(charged)), float(available), cost, plan)

    async def refund(self, key: str, points: int, plan: Plan) -> float:
        return float(await self._refund(keys=[self.prefix + key], args=[points, plan.points]))

    async def close(self) -> None:
        await self.settle(lambda key, points: self.refund(key, points, Plan(self._sizes.get(key, points), 1)))
        await self.client.aclose()


def buckets_for(redis_url: str | None, clock: Callable[[], float] = time.time) -> Buckets:
    return RedisBuckets(redis_url, clock=clock) if redis_url else DatabaseBuckets(clock)


def whole_seconds(seconds: float) -> int:
    """A wait as the ``Retry-After`` header writes it: whole seconds, rounded up."""
    return max(math.ceil(seconds), 1)
