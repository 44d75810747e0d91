"""Query cost and rate limits, as a strawberry extension (SPEC §10.5; schema/cost.py has the rules).

Before execution, :class:`CostLimiter` works out the operation's requested cost and then:

- above the per-query maximum (``LEADBOX_MAX_QUERY_COST``, or the bucket's size when that is
  smaller): a top-level ``MAX_COST_EXCEEDED`` error with the cost and the maximum; nothing runs;
- for a request with a valid token, takes the cost out of the token's bucket; a bucket that holds
  too little answers a top-level ``THROTTLED`` error with ``retryAfterSeconds`` (and the HTTP
  header ``Retry-After``); nothing runs and nothing is taken.

After execution it gives back what the request did not use (requested minus actual cost): the
token's next charge writes it (core/rate_limit.py), so a request writes its bucket once.
Every executed or refused operation reports ``extensions.cost``. A request without a valid token
is not charged (it is refused as UNAUTHENTICATED, and its address counted: core/auth_throttle.py).

This extension must come before any extension that answers in its own ``on_execute`` (the
compiled read engine), so that such answers are charged too and a refusal stops them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from core.config import Settings
from core.lru import Lru
from core.rate_limit import Buckets, Charge, Plan, whole_seconds
from core.security import token_digest
from domain.accounts.operator import request_tokens
from domain.accounts.rate_plan import company_plan
from schema.cost import Costs
from schema.shape import SHAPES

logger = logging.getLogger(__name__)

# How many (shape, operation, variables) requested costs are kept.
MAX_KNOWN_COSTS = 512

MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
THROTTLED = "THROTTLED"


class RequestedCosts:
    """The requested cost by document shape, operation and variables (a bounded LRU shared by
    the requests): the cost is a function of the document (its shape: schema/shape.py keeps
    what the cost reads, which fields and fragments, which response keys are equal), the
    operation run and the variables' values, so a client repeating its query with other names,
    aliases or spacing is not walked again. Variables are part of the key as JSON (a page's
    cursor is a new key: the walk runs again)."""

    def __init__(self, maxsize: int = MAX_KNOWN_COSTS) -> None:
        self.costs: Lru[tuple[Any, ...], int] = Lru(maxsize)

    def requested(
        self, document: DocumentNode, operation: str | None, variables: Any, costs: Callable[[], Costs]
    ) -> int:
        try:
            values = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # not JSON (a caller in process): no key, the walk
            return costs().requested()
        shape = SHAPES.of(document)
        key = (shape.key, shape.operation_index(operation), values)
        cost = self.costs.recall(key)
        return cost if cost is not None else self.costs.keep(key, costs().requested())


class CostedResult(GraphQLExecutionResult):
    """A result whose actual cost was worked out by what answered it, with the rule of
    schema/cost.py (the read engine: a :class:`Costs` kept with its plan, so that the
    selections are collected once for every request the plan answers, not once a request).
    The limiter takes that cost instead of walking the data again."""

    __slots__ = ("actual_cost",)

    def __init__(self, data: dict[str, Any], actual_cost: int) -> None:
        super().__init__(data=data)
        self.actual_cost = actual_cost


class CostLimiter(SchemaExtension):
    def __init__(self, *, settings: Settings, buckets: Buckets, known: RequestedCosts | None = None) -> None:
        self.settings = settings
        self.buckets = buckets
        self.known = known if known is not None else RequestedCosts()
        self.requested: int | None = None
        self.actual: int | None = None
        self.charge: Charge | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        schema = ctx.schema._schema
        document = ctx.graphql_document
        if document is None:
            yield
            return
        page = self.settings.page_size_default
        found: list[Costs] = []

        def costs() -> Costs:
            # Made when a cost is worked out here: not for a known requested cost and an
            # answer that brings its actual cost (CostedResult).
            if not found:
                largest = self.settings.page_size_max
                found.append(Costs(schema, document, ctx.operation_name, ctx.variables, page, largest))
            return found[0]

        self.requested = cost = self.known.requested(document, ctx.operation_name, ctx.variables, costs)
        bucket = await self._bucket(ctx.context)
        maximum = self.settings.max_query_cost
        if bucket is not None:
            maximum = min(maximum, bucket[1].points)
        if cost > maximum:
            ctx.result = _refusal(
                f"This query would cost {cost} points; the most one query may cost is {maximum}. "
                "Ask for smaller pages (`first`) or fewer nested lists.",
                {"code": MAX_COST_EXCEEDED, "cost": cost, "maximumCost": maximum},
            )
            yield
            return
        if bucket is not None:
            key, plan = bucket
            try:
                charge: Charge | None = await self.buckets.charge(key, cost, plan)
            except Exception:
                # The store is down (Redis unreachable): serve rather than refuse everyone, with
                # no throttleStatus to report, and nothing to give back afterwards.
                logger.exception("rate-limit bucket unavailable; request not charged")
                charge = bucket = None
            self.charge = charge
            if charge is not None and not charge.charged:
                wait = round(charge.retry_after + 0.0005, 3)
                ctx.result = _refusal(
                    f"Throttled: this query costs {cost} points and your bucket holds {int(charge.available)}; "
                    f"it gets back {plan.restore_rate} points a second, so retry in {wait} s.",
                    {"code": THROTTLED, "cost": cost, "retryAfterSeconds": wait},
                )
                response = getattr(ctx.context, "response", None)
                if response is not None and hasattr(response, "headers"):
                    response.headers["Retry-After"] = str(whole_seconds(charge.retry_after))
                yield
                return
        yield
        result = ctx.result
        if isinstance(result, CostedResult):
            self.actual = result.actual_cost
        else:
            self.actual = costs().actual(getattr(result, "data", None))
        if bucket is not None and self.charge is not None and self.actual < cost:
            # Given back with the token's next charge from this process (core/rate_limit.py: one
            # write a request); reported as the bucket holds it once given back.
            key, plan = bucket
            unused = cost - self.actual
            self.buckets.give_back(key, unused)
            self.charge = Charge(True, min(float(plan.points), self.charge.available + unused), plan)

    async def _bucket(self, context: Any) -> tuple[str, Plan] | None:
        """The bucket a request draws on (a digest of its token) and its plan, or None when anonymous."""
        viewer = getattr(context, "viewer", None)
        operator = getattr(context, "operator", None)
        if viewer is not None:
            token, _ = request_tokens(_header(context, "authorization"), "")
            return "t:" + token_digest(token), await company_plan(viewer.company_id, self.settings)
        if operator is not None:
            return f"o:{operator.token_id}", Plan(
                self.settings.rate_limit_points, self.settings.rate_limit_restore_rate
            )
        return None

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        status = None
        if self.charge is not None:
            status = {
                "maximumAvailable": self.charge.plan.points,
                "currentlyAvailable": int(self.charge.available),
                "restoreRate": self.charge.plan.restore_rate,
            }
        return {
            "cost": {
                "requestedQueryCost": self.requested,
                "actualQueryCost": self.actual,
                "throttleStatus": status,
            }
        }


def _header(context: Any, name: str) -> str:
    request = getattr(context, "request", None)
    headers = getattr(request, "headers", None)
    return headers.get(name, "") if headers is not None else ""


def _refusal(message: str, extensions: dict[str, Any]) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])
