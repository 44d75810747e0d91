"""The ASGI application: `/graphql` (POST, GET for queries, GraphiQL in a browser) and `/health`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.ides import GraphQL_IDE

from core.config import Settings, settings_from_env
from core.db import close_db, init_db
from domain.billing import RenewalScheduler
from domain.operator import authenticate_operator, request_tokens
from domain.viewer import authenticate
from fastpath.http import CompiledOperations
from fastpath.registry import Registry
from jobs.worker import Worker
from schema import build_schema
from schema.context import Context


class LeadboxGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(request=request, response=response)
        token, operator_token = request_tokens(
            request.headers.get("authorization", ""), request.headers.get("x-operator-token", "")
        )
        if operator_token:
            # Operators review reports; they are never a company's user (SPEC §1).
            context.operator = await authenticate_operator(operator_token)
            context.token_rejected = context.operator is None
        if token:
            context.viewer = await authenticate(token)
            context.token_rejected = context.viewer is None
        return context

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def home(_: Request) -> Response:
    return RedirectResponse("/graphql")


def create_app(
    settings: Settings | None = None, *, manage_db: bool = True, run_worker: bool | None = None
) -> Starlette:
    """The application; ``manage_db=False`` when the caller has connected the database itself.

    The job worker and the billing renewal check run inside the server process unless
    ``run_worker`` is False (by default they run whenever the app manages its database, that
    is, when it is the server).
    """
    run_worker = manage_db if run_worker is None else run_worker
    settings = settings or settings_from_env()
    graphql_ide: GraphQL_IDE = "graphiql"
    schema = build_schema(settings)
    graphql = LeadboxGraphQL(schema, graphql_ide=graphql_ide, allow_queries_via_get=True)
    # Registered inbox operations answered without per-value completion (fastpath/); the rest,
    # and anything it declines, by strawberry as always.
    endpoint = (
        CompiledOperations(graphql, schema, Registry(schema, settings)) if settings.compiled_operations else graphql
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Any]]:
        if manage_db:
            await init_db(settings.database_url, create_db=True, shared=True)
        worker = Worker() if run_worker else None
        # The due-date check of billing periods runs beside the job worker.
        renewals = RenewalScheduler() if run_worker else None
        if worker:
            worker.start()
        if renewals:
            renewals.start()
        try:
            yield {}
        finally:
            if renewals:
                await renewals.stop()
            if worker:
                await worker.stop()
            if manage_db:
                await close_db()

    return Starlette(
        routes=[
            Route("/", home),
            Route("/health", health),
            Route("/graphql", endpoint, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
