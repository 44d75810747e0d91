"""The read engine inside strawberry: a schema extension that answers a query from its plan.

It is the last extension of the served schema (app.py, build_schema), so every other extension (limits,
checks, logging) has run its ``on_execute`` before it, and parsing, validation, authentication
(``get_context``) and error masking are strawberry's, once, for both ways. When the validated
document's operation can be planned (fastpath.plans, fastpath.compiler) and the request has a
user, the plan's answer becomes ``execution_context.result`` and strawberry skips its own
execution. Anything else, and anything the plan declines or that fails (a bad variable, cursor
or column: the ordinary execution says so with its own error), runs the ordinary execution, on
a document parsed from the request's own text (a new text may have been given a kept document
renamed, whose locations are another text's: schema/parsing.py).
An answer by plan carries the header ``X-Leadbox-Execution: compiled``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import get_variable_values
from strawberry.extensions import SchemaExtension

from fastpath.execute import Declined
from fastpath.plans import Plans
from schema.limits import CostedResult
from schema.tokens import located

EXECUTION_HEADER = "x-leadbox-execution"
logger = logging.getLogger(__name__)


class ReadEngine(SchemaExtension):
    """Made per request by the schema's factory, sharing one :class:`Plans`."""

    def __init__(self, *, plans: Plans) -> None:
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.result is None:
            try:
                answered = await self._answer()
            except Declined:
                answered = None
            except Exception:
                # The ordinary execution gives the error as it always has (a public one, or masked).
                logger.debug("read engine declined", exc_info=True)
                answered = None
            if answered is not None:
                # With its actual cost, which the query cost limiter (schema/limits.py) takes.
                context.result = answered
                response = getattr(context.context, "response", None)
                if response is not None:
                    response.headers[EXECUTION_HEADER] = "compiled"
            elif context.graphql_document is not None:
                # A document renamed from an earlier text's (schema/parsing.py) has that text's
                # locations: the ordinary execution's errors must quote this one.
                context.graphql_document = located(context.graphql_document, context.query, context.parse_options)
        yield

    async def _answer(self) -> CostedResult | None:
        context = self.execution_context
        document, request = context.graphql_document, context.context
        viewer = getattr(request, "viewer", None)
        if document is None or viewer is None:
            return None
        entry, renames = self.plans.entry(document, context.operation_name)
        if entry is None:
            return None
        variables = context.variables
        if variables is not None and not isinstance(variables, dict):
            return None
        schema = context.schema
        coerced = get_variable_values(schema._schema, entry.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):  # errors: the ordinary execution reports them
            return None
        plan = entry.plan(schema._schema, coerced)
        if plan is None:
            return None
        data = await plan.answer(schema, request, coerced)
        cost = plan.actual_cost(data)
        if renames:
            # A plan made for a document of the same shape with other root aliases.
            data = {renames.get(key, key): value for key, value in data.items()}
        return CostedResult(data, cost)
