"""The GraphQL schema: root types composed from the per-domain resolvers, and its limits.

``schema.graphql`` at the top of the repository is exported from this object
(``leadbox export-schema``) and a test fails when the two differ.
"""

from __future__ import annotations

from graphql import NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.extensions import AddValidationRules, MaskErrors, MaxTokensLimiter, ParserCache
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.tools import merge_types

from core.config import Settings
from core.rate_limit import Buckets, buckets_for
from fastpath.extension import ReadEngine
from fastpath.plans import Plans
from resolvers.activity import ActivityMutation
from resolvers.bulk_email import BulkEmailMutation
from resolvers.column import ColumnMutation, ColumnQueries
from resolvers.contact import ContactQueries
from resolvers.conversion import ConversionMutation
from resolvers.credit import CreditMutation, CreditQueries
from resolvers.custom_field import CustomFieldMutation, CustomFieldQueries
from resolvers.deal import DealMutation, DealQueries
from resolvers.duplicate import DuplicateQueries
from resolvers.export import ExportMutation
from resolvers.job import JobMutation, JobQueries
from resolvers.label import LabelMutation, LabelQueries
from resolvers.lead import LeadMutation, LeadQueries
from resolvers.lead_import import LeadImportMutation
from resolvers.lead_status import LeadStatusMutation, LeadStatusQueries
from resolvers.merge import MergeMutation
from resolvers.node import NodeQueries
from resolvers.note import NoteMutation
from resolvers.organization import OrganizationMutation
from resolvers.person import PersonMutation
from resolvers.prospect import ProspectFilterMutation, ProspectQueries
from resolvers.prospect_purchase import ProspectPurchaseMutation, ProspectPurchaseQueries
from resolvers.prospect_report import ProspectReportMutation, ProspectReportQueries
from resolvers.saved_filter import SavedFilterMutation, SavedFilterQueries
from resolvers.selection import SelectionMutation, SelectionQueries
from resolvers.viewer import ViewerQueries
from resolvers.webhook import WebhookMutation, WebhookQueries
from schema.account import Team, User
from schema.activity import Activity
from schema.base import SCALAR_OVERRIDES
from schema.column import VALUE_TYPES
from schema.custom_field import CustomField
from schema.deal import Deal, Pipeline, Product, Stage
from schema.email import Email
from schema.input_guard import InputGuard, guard_mutations
from schema.job import Job, Notification
from schema.label import LeadLabel
from schema.lead import Lead
from schema.lead_status import Category, CategoryGroup, LeadStatus
from schema.limits import CostLimiter
from schema.note import Note
from schema.organization import Organization
from schema.person import Person
from schema.prospect import ProspectOrganization, ProspectPerson
from schema.prospect_filter import SavedProspectFilter
from schema.prospect_purchase import ProspectPurchase, ProspectReport
from schema.request_log import LoggedSchema, RequestLogExtension, should_mask
from schema.saved_filter import SavedFilter
from schema.selection import Selection
from schema.validation import ShapeValidation, ValidShapes

Query = merge_types(
    "Query",
    (
        ViewerQueries,
        NodeQueries,
        LeadQueries,
        ContactQueries,
        DuplicateQueries,
        LabelQueries,
        JobQueries,
        DealQueries,
        CustomFieldQueries,
        ColumnQueries,
        SavedFilterQueries,
        LeadStatusQueries,
        SelectionQueries,
        CreditQueries,
        ProspectQueries,
        ProspectPurchaseQueries,
        ProspectReportQueries,
        WebhookQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        LeadMutation,
        MergeMutation,
        PersonMutation,
        OrganizationMutation,
        LabelMutation,
        NoteMutation,
        ActivityMutation,
        JobMutation,
        BulkEmailMutation,
        ExportMutation,
        LeadImportMutation,
        DealMutation,
        ConversionMutation,
        CustomFieldMutation,
        ColumnMutation,
        SavedFilterMutation,
        LeadStatusMutation,
        SelectionMutation,
        CreditMutation,
        ProspectFilterMutation,
        ProspectPurchaseMutation,
        ProspectReportMutation,
        WebhookMutation,
    ),
)

# Every mutation's arguments are held to the input limits before its resolver runs.
guard_mutations(Mutation)

Query.__strawberry_definition__.description = (  # type: ignore[attr-defined]  # set by @strawberry.type
    "Everything you can read. Every field needs a user's `Authorization: Bearer <token>` (else an UNAUTHENTICATED "
    "error; `prospectReports` takes an operator's `X-Operator-Token` instead) and answers within your company, as "
    "far as your role and the records' visibility let you see. Every operation has a cost computed before it runs "
    "(page sizes multiply; `extensions.cost` reports it): one costing more than the maximum is refused with a "
    "top-level MAX_COST_EXCEEDED error, and one your token's bucket of points cannot pay for yet with THROTTLED and "
    "`retryAfterSeconds`."
)
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]  # set by @strawberry.type
    "Everything you can change. Each mutation takes one `input` and returns a payload with the result and "
    "`userErrors`; a non-empty `userErrors` means nothing was changed unless the payload says otherwise."
)


def build_schema(settings: Settings | None = None, buckets: Buckets | None = None) -> Schema:
    """The schema with its limits; ``buckets`` keeps the rate-limit buckets (by default those
    ``settings`` name: Redis when ``LEADBOX_REDIS_URL`` is set, else the database)."""
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
    engine = [lambda: ReadEngine(plans=plans)] if settings.compiled_operations else []
    # LoggedSchema: an error gets a traceback in the log only when should_mask hides it from the client.
    return LoggedSchema(
        query=Query,
        mutation=Mutation,
        scalar_overrides=SCALAR_OVERRIDES,
        types=[
            Lead,
            Person,
            Organization,
            LeadLabel,
            Note,
            Activity,
            Email,
            User,
            Team,
            Job,
            Notification,
            Deal,
            Pipeline,
            Stage,
            Product,
            CustomField,
            SavedFilter,
            *VALUE_TYPES,
            LeadStatus,
            CategoryGroup,
            Category,
            Selection,
            ProspectPerson,
            ProspectOrganization,
            SavedProspectFilter,
            ProspectPurchase,
            ProspectReport,
        ],
        # Factories, so that each request gets fresh extension instances. The depth and alias
        # rules are built once: a rule class made per request would never hit the validation
        # cache, which keys on the rule classes.
        extensions=[
            # First, so that its on_operation sees the operation whole (errors already recorded).
            RequestLogExtension,
            lambda: AddValidationRules([depth_rule, alias_rule, *introspection_rules]),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: ParserCache(maxsize=256),
            # Validation once per document shape, whatever its names and spacing.
            lambda: ShapeValidation(valid=valid_shapes),
            # Before anything that answers a query in on_execute: input limits (NUL, lengths, lists).
            InputGuard,
            lambda: MaskErrors(should_mask_error=should_mask, error_message="Internal error."),
            # Query cost and rate limits; before any extension that answers in on_execute.
            lambda: CostLimiter(settings=settings, buckets=limiter_buckets),
            *engine,
        ],
    )


schema = build_schema()
