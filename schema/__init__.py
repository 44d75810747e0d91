"""The GraphQL schema: root types composed from the per-domain resolvers, and the types they return.

``schema`` is built of them without extensions: what the read engine (fastpath/) reads of the
types and what ``leadbox export-schema`` prints (``schema.graphql`` at the top of the repository,
a test fails when the two differ). Requests are answered by the schema app.py builds
(``build_schema``) with :func:`assemble`: the same types with the limits, caches and the read
engine as extensions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types

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
from schema.input_guard import guard_mutations
from schema.integration.job import Job, Notification
from schema.leads.label import LeadLabel
from schema.leads.lead import Lead
from schema.leads.saved_filter import SavedFilter
from schema.prospector.filter import SavedProspectFilter
from schema.prospector.prospect import ProspectOrganization, ProspectPerson
from schema.prospector.purchase import ProspectPurchase, ProspectReport
from schema.request_log import LoggedSchema

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


# The object types the schema is given besides its roots.
TYPES = [
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
]


def assemble(extensions: Iterable[type[SchemaExtension] | Callable[[], SchemaExtension]] = ()) -> Schema:
    """The schema of these types, with ``extensions`` (app.py's ``build_schema`` gives the served
    schema's). LoggedSchema: an error gets a traceback in the log only when should_mask hides it
    from the client."""
    return LoggedSchema(
        query=Query, mutation=Mutation, scalar_overrides=SCALAR_OVERRIDES, types=TYPES, extensions=extensions
    )


schema = assemble()
