"""The GraphQL schema: root types composed from the per-domain resolvers, and its limits.

``schema.graphql`` at the top of the repository is exported from this object
(``leadbox export-schema``) and a test fails when the two differ.
"""

from __future__ import annotations

from graphql import NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.extensions import AddValidationRules, MaskErrors, MaxTokensLimiter
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.tools import merge_types

from core.config import Settings
from core.rate_limit import Buckets, buckets_for
from fastpath.extension import ReadEngine
from fastpath.plans import Plans
from resolvers.accounts.viewer import ViewerQueries
from resolvers.activity.activity import ActivityMutation
from resolvers.activity.bulk_email import BulkEmailMutation
from resolvers.activity.note import NoteMutation
from resolvers.columns.column import ColumnMutation, ColumnQueries
from resolvers.columns.custom_field import CustomFieldMutation, CustomFieldQueries
from resolvers.contacts.contact import ContactQueries
from resolvers.contacts.duplicate import DuplicateQueries
from resolvers.contacts.lead_status import LeadStatusMutation, LeadStatusQueries
from resolvers.contacts.organization import OrganizationMutation
from resolvers.contacts.person import PersonMutation
from resolvers.contacts.selection import SelectionMutation, SelectionQueries
from resolvers.deals.conversion import ConversionMutation
from resolvers.deals.deal import DealMutation, DealQueries
from resolvers.integration.export import ExportMutation
from resolvers.integration.job import JobMutation, JobQueries
from resolvers.integration.lead_import import LeadImportMutation
from resolvers.integration.webhook import WebhookMutation, WebhookQueries
from resolvers.leads.label import LabelMutation, LabelQueries
from resolvers.leads.lead import LeadMutation, LeadQueries
from resolvers.leads.merge import MergeMutation
from resolvers.leads.saved_filter import SavedFilterMutation, SavedFilterQueries
from resolvers.node import NodeQueries
from resolvers.prospector.credit import CreditMutation, CreditQueries
from resolvers.prospector.prospect import ProspectFilterMutation, ProspectQueries
from resolvers.prospector.purchase import ProspectPurchaseMutation, ProspectPurchaseQueries
from resolvers.prospector.report import ProspectReportMutation, ProspectReportQueries
from schema.accounts.account import Team, User
from schema.activity.activity import Activity
from schema.activity.email import Email
from schema.activity.note import Note
from schema.base import SCALAR_OVERRIDES
from schema.columns.column import VALUE_TYPES
from schema.columns.custom_field import CustomField
from schema.contacts.lead_status import Category, CategoryGroup, LeadStatus
from schema.contacts.organization import Organization
from schema.contacts.person import Person
from schema.contacts.selection import Selection
from schema.deals.deal import Deal, Pipeline, Product, Stage
from schema.input_guard import InputGuard, guard_mutations
from schema.integration.job import Job, Notification
from schema.leads.label import LeadLabel
from schema.leads.lead import Lead
from schema.leads.saved_filter import SavedFilter
from schema.limits import CostLimiter
from schema.parsing import ParsedDocuments, RepeatedTextCache
from schema.prospector.filter import SavedProspectFilter
from schema.prospector.prospect import ProspectOrganization, ProspectPerson
from schema.prospector.purchase import ProspectPurchase, ProspectReport
from schema.request_log import LoggedSchema, RequestLogExtension, should_mask
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
    parsed = ParsedDocuments()
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
            # Parsed documents kept for texts sent more than once (schema/parsing.py).
            lambda: RepeatedTextCache(documents=parsed),
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
