"""The ASGI application: `/graphql` (POST, GET for queries, GraphiQL in a browser), `/exports/{id}`
(an export's file), `/health` (the process answers), `/ready` (its database answers) and
`/graphiql/static/...` (the files GraphiQL loads); and the schema it serves (:func:`build_schema`:
the GraphQL layer's types with their limits, caches and the read engine)."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.extensions import AddValidationRules, MaskErrors, MaxTokensLimiter
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.http import GraphQLRequestData
from strawberry.http.ides import GraphQL_IDE
from strawberry.types import ExecutionResult

from core import json_text
from core.auth_throttle import AuthThrottle
from core.body_limit import BodyLimit
from core.config import Settings, settings_from_env
from core.db import close_db, init_db
from core.errors import DomainError, ErrorCode
from core.persisted_queries import PersistedQueries, PersistedQueryMissing, PersistedQueryRefused
from core.rate_limit import Buckets, buckets_for, whole_seconds
from core.request_log import RequestLog
from core.serving import SecurityHeaders, cors_middleware, ready
from domain.accounts.operator import authenticate_operator, request_tokens
from domain.prospector.billing import RenewalScheduler
from domain.viewer import authenticate
from fastpath.extension import ReadEngine
from fastpath.plans import Plans
from jobs.export_leads import export_file
from jobs.worker import Worker
from schema import assemble
from schema.context import Context
from schema.input_guard import InputGuard
from schema.limits import CostLimiter, RequestedCosts
from schema.parsing import ParsedDocuments, RepeatedTextCache
from schema.request_log import RequestLogExtension, should_mask
from schema.tokens import Renamings
from schema.validation import ShapeValidation, ValidShapes
from web import graphiql


def build_schema(settings: Settings | None = None, buckets: Buckets | None = None) -> Schema:
    """The schema with its limits; ``buckets`` keeps the rate-limit buckets (by default those
    ``settings`` name: Redis when ``LEADBOX_REDIS_URL`` is set, else the database). The read
    engine (fastpath/) is an extension of the schema and reads the schema's types: it is
    installed here, above both."""
    settings = settings or Settings(database_url="")
    limiter_buckets = buckets or buckets_for(settings.redis_url)
    depth_rule = depth_validator(settings.max_query_depth, None)
    alias_rule = alias_validator(settings.max_aliases)
    # LEADBOX_INTROSPECTION=0: __schema and __type are refused at validation (__typename stays).
    introspection_rules = [] if settings.introspection else [NoSchemaIntrospectionCustomRule]
    # The read engine (fastpath/) answers planned queries in its on_execute; it stays LAST in the
    # list below, so that every other extension (put new ones before it) runs first.
    plans = Plans()
    # Documents that passed validation, by shape (schema/validation.py): shared by the requests.
    valid_shapes = ValidShapes()
    # New texts of a known shape skip the parser (schema/tokens.py) only with the read engine,
    # which parses exactly what it declines.
    parsed = ParsedDocuments(renamings=Renamings() if settings.compiled_operations else None)
    # Requested costs by document shape, operation and variables (schema/limits.py).
    known_costs = RequestedCosts()
    engine = [lambda: ReadEngine(plans=plans)] if settings.compiled_operations else []
    # Factories, so that each request gets fresh extension instances. The depth and alias
    # rules are built once: a rule class made per request would never hit the validation
    # cache, which keys on the rule classes.
    return assemble(
        [
            # First, so that its on_operation sees the operation whole (errors already recorded).
            RequestLogExtension,
            lambda: AddValidationRules([depth_rule, alias_rule, *introspection_rules]),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            # Parsed documents kept for texts sent more than once (schema/parsing.py).
            lambda: RepeatedTextCache(documents=parsed, valid=valid_shapes),
            # Validation once per document shape, whatever its names and spacing.
            lambda: ShapeValidation(valid=valid_shapes),
            # Before anything that answers a query in on_execute: input limits (NUL, lengths, lists).
            InputGuard,
            lambda: MaskErrors(should_mask_error=should_mask, error_message="Internal error."),
            # Query cost and rate limits; before any extension that answers in on_execute.
            lambda: CostLimiter(settings=settings, buckets=limiter_buckets, known=known_costs),
            *engine,
        ]
    )


class TooManyFailures(HTTPException):
    """429: the client's address sent too many bad tokens lately (core/auth_throttle.py)."""

    def __init__(self, wait: float) -> None:
        super().__init__(
            429, f"Too many requests with a bad token from your address; retry in {whole_seconds(wait)} s."
        )
        self.headers = {"Retry-After": str(whole_seconds(wait))}


def _address(request: Request | WebSocket) -> str:
    return request.client.host if request.client else ""


async def _check_throttle(throttle: AuthThrottle, request: Request | WebSocket) -> None:
    wait = throttle.retry_after(_address(request))
    if wait is not None:
        raise TooManyFailures(wait)


class LeadboxGraphQL(GraphQL[Context, None]):
    """The GraphQL view, with multipart requests (file uploads, for ``importLeads``) enabled.

    A multipart form is a "simple" request that a browser may send cross-site without asking
    first; it carries no credentials here, though: leadbox reads only the Authorization header,
    which such a form cannot set (and which makes a request preflighted), so an upload from
    another site is anonymous and refused.
    """

    settings: Settings
    persisted_queries: PersistedQueries
    auth_throttle: AuthThrottle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            try:
                response = await self.run(request)
            except PersistedQueryRefused as exc:
                errors = [{"message": exc.message, "extensions": {"code": exc.code}}]
                response = JSONResponse({"errors": errors}, status_code=400)
            except HTTPException as exc:
                headers = getattr(exc, "headers", None)
                response = PlainTextResponse(exc.reason, status_code=exc.status_code, headers=headers)
            await response(scope, receive, send)
        finally:
            # Close the spooled copies of uploaded files (the base view leaves them open).
            await request.close()

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        # Refuse a body far beyond the upload limit before spooling it to disk; a file just
        # over the limit reaches the mutation, which answers FILE_TOO_LARGE.
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > self.settings.max_upload_bytes + (1 << 20):
            raise HTTPException(413, "The request body is too large, or its length is not given.")
        return await super().parse_multipart(request)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(request=request, response=response, settings=self.settings)
        token, operator_token = request_tokens(
            request.headers.get("authorization", ""), request.headers.get("x-operator-token", "")
        )
        if token or operator_token:
            await _check_throttle(self.auth_throttle, request)
        if operator_token:
            # Operators review reports; they are never a company's user (SPEC §1).
            context.operator = await authenticate_operator(operator_token)
            context.token_rejected = context.operator is None
        if token:
            context.viewer = await authenticate(token)
            context.token_rejected = context.viewer is None
        if context.token_rejected:
            self.auth_throttle.failed(_address(request))
        return context

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a persisted query by its hash alone is an operation, not a browser's visit.
        return super().should_render_graphql_ide(request) and "extensions" not in request.query_params

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Automatic persisted queries (core/persisted_queries.py): the stored text for a hash.
        try:
            resolved = await self.persisted_queries.resolve(request_data.query, request_data.extensions)
        except PersistedQueryMissing as missing:
            return ExecutionResult(data=None, errors=[GraphQLError(missing.message, extensions={"code": missing.code})])
        request_data = dataclasses.replace(request_data, query=resolved.query)
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)
        # Stored once it has parsed and validated (errors without a path are the document's own),
        # and only for a signed-in caller.
        signed_in = context.viewer is not None or context.operator is not None
        if resolved.store_as and resolved.query and signed_in and all(e.path for e in result.errors or ()):
            await self.persisted_queries.store(resolved.store_as, resolved.query)
        return result

    def encode_json(self, data: object) -> bytes:
        return json_text.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        # leadbox's own page, loading only same-origin files (web/), instead of strawberry's CDN one.
        return graphiql.page(request.url.path)


async def health(_: Request) -> Response:
    """The process is alive (it says nothing of the database: that is `/ready`)."""
    return JSONResponse({"status": "ok"})


async def download_export(request: Request) -> Response:
    """An export's file, for its creator (or an admin of its company) with their bearer token.

    401 without a valid token; 404 when the id names no export the caller may see (another
    company's looks the same as none); 409 while the export has not finished; 410 once its file
    was removed (LEADBOX_FILE_RETENTION_HOURS after it finished).
    """
    # An operator token is never a company user's, so it cannot download an export either.
    token, _ = request_tokens(request.headers.get("authorization", ""), "")
    throttle: AuthThrottle = request.app.state.auth_throttle
    if token:
        try:
            await _check_throttle(throttle, request)
        except TooManyFailures as refused:
            return PlainTextResponse(refused.reason, status_code=429, headers=refused.headers)
    viewer = await authenticate(token) if token else None
    if token and viewer is None:
        throttle.failed(_address(request))
    if viewer is None:
        return JSONResponse(
            {"error": "Authentication required: send 'Authorization: Bearer <token>'."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        path, name, media_type = await export_file(viewer, request.path_params["job_id"])
    except DomainError as error:
        first = error.errors[0]
        status = {ErrorCode.CONFLICT: 409, ErrorCode.DELETED: 410}.get(first.code, 404)
        return JSONResponse({"error": first.message, "code": first.code.value}, status_code=status)
    return FileResponse(path, media_type=media_type, filename=name)


async def home(_: Request) -> Response:
    return RedirectResponse("/graphql")


# New objects between two collections of the youngest generation (the interpreter's default: 700).
# Above a page's ~1,300, below what lets the ordinary execution's cyclic garbage pile up: at
# 20,000 its server grew to 175 MB over bench/read_engine.py's run with 8 connections (and 116 MB
# after 120 in-process Q1 requests, rising), at 5,000 to 143 MB.
YOUNG_GENERATION = 2_000


def create_app(
    settings: Settings | None = None,
    *,
    manage_db: bool = True,
    run_worker: bool | None = None,
    buckets: Buckets | None = None,
) -> Starlette:
    """The application; ``manage_db=False`` when the caller has connected the database itself.

    The job worker and the billing renewal check run inside the server process unless
    ``run_worker`` is False (by default they run whenever the app manages its database, that
    is, when it is the server).
    """
    run_worker = manage_db if run_worker is None else run_worker
    settings = settings or settings_from_env()
    graphql_ide: GraphQL_IDE | None = "graphiql" if settings.graphiql else None
    # The rate-limit buckets (core/rate_limit.py): Redis when LEADBOX_REDIS_URL is set, else the database.
    buckets = buckets or buckets_for(settings.redis_url)
    schema = build_schema(settings, buckets)
    graphql = LeadboxGraphQL(
        schema, graphql_ide=graphql_ide, allow_queries_via_get=True, multipart_uploads_enabled=True
    )
    graphql.settings = settings
    graphql.persisted_queries = PersistedQueries(settings.persisted_queries)
    # Bad tokens counted per client address, for /graphql and /exports alike.
    graphql.auth_throttle = AuthThrottle(settings.auth_failure_limit, settings.auth_failure_window)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Any]]:
        if manage_db:
            await init_db(settings.database_url, create_db=True, shared=True)
        worker = Worker(settings=settings) if run_worker else None
        # The due-date check of billing periods runs beside the job worker.
        renewals = RenewalScheduler() if run_worker else None
        if worker:
            worker.start()
        if renewals:
            renewals.start()
        # What exists once the app is up (schema, compiled operations, modules) lives as long as
        # the process: frozen, it is left out of the collector's full passes, which a 130 KB inbox
        # page (tens of thousands of objects) otherwise triggers every few requests, each walking
        # all of it (measured in process: ~50 ms a pass; full passes 1.5 -> 0.35 ms a request).
        gc.collect()
        gc.freeze()
        # A page's rows, records and edges are alive together while it is written (a 100-lead
        # inbox page: ~1,300 container objects; the largest page five times that). At the default
        # threshold (700 new objects) the youngest generation was collected about twice a
        # request, each pass walking the page being written and moving it into the older
        # generations, to be walked again there. The requests' cyclic garbage (a parsed text's
        # tokens, linked both ways) waits a little longer.
        gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
        try:
            yield {}
        finally:
            if renewals:
                await renewals.stop()
            if worker:
                await worker.stop()
            await buckets.close()
            if manage_db:
                await close_db()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/health", health),
            Route("/ready", ready),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/exports/{job_id}", download_export, methods=["GET"]),
            *([graphiql.static_mount()] if settings.graphiql else []),
        ],
        lifespan=lifespan,
        # Outermost: the request line times and counts everything below it, refusals included;
        # then security headers on every response (core/serving.py), 413s included; then, before
        # any other work, an oversized or too deeply nested body is refused; then CORS, if configured.
        middleware=[
            Middleware(RequestLog),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
            *cors_middleware(settings),
        ],
    )
    app.state.auth_throttle = graphql.auth_throttle
    return app
