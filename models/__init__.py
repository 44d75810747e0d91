"""The tortoise-orm data model, one module per domain."""

from models.accounts.account import ApiToken, Company, Team, TeamMember, User
from models.accounts.operator import OperatorToken
from models.activity.activity import Activity, ActivityType, ChangeLogEntry, Email, EmailDirection, Note, NoteMention
from models.activity.notification import Notification
from models.base import Role, Visibility
from models.columns.custom_field import CustomField, CustomFieldEntity, CustomFieldType
from models.contacts.contact import Organization, Person
from models.contacts.lead_status import Category, CategoryGroup, LeadStatus
from models.contacts.selection import Selection, SelectionEntity, SelectionKind, SelectionMember
from models.deals.deal import Deal, DealParticipant, DealStatus, Pipeline, Stage
from models.deals.product import DealProduct, Product
from models.integration.idempotency import IdempotentRequest
from models.integration.job import Job, JobItem, JobItemStatus, JobReportEntry, JobStatus
from models.integration.webhook import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from models.leads.lead import Lead, LeadLabel, LeadLabelLink, LeadSource
from models.leads.view import LeadColumnPreference, SavedFilter, SavedFilterFavorite
from models.persisted_query import PersistedQuery
from models.prospector.credit import AddOnState, CreditAccount, CreditEntryKind, CreditLedgerEntry
from models.prospector.prospect import (
    Department,
    EmployeeRange,
    ProspectOrganization,
    ProspectPerson,
    ProspectSuppression,
    ProspectTitle,
    RevenueRange,
    Seniority,
)
from models.prospector.purchase import (
    ProspectKind,
    ProspectPurchase,
    ProspectPurchaseRequest,
    ProspectReport,
    ReportReason,
    ReportStatus,
    SavedProspectFilter,
)
from models.rate_limit import RateBucket

__all__ = [
    "Activity",
    "ActivityType",
    "AddOnState",
    "ApiToken",
    "Category",
    "CategoryGroup",
    "ChangeLogEntry",
    "Company",
    "CreditAccount",
    "CreditEntryKind",
    "CreditLedgerEntry",
    "CustomField",
    "CustomFieldEntity",
    "CustomFieldType",
    "Deal",
    "DealParticipant",
    "DealProduct",
    "DealStatus",
    "DeliveryStatus",
    "Department",
    "Email",
    "EmailDirection",
    "EmployeeRange",
    "IdempotentRequest",
    "Job",
    "JobItem",
    "JobItemStatus",
    "JobReportEntry",
    "JobStatus",
    "Lead",
    "LeadColumnPreference",
    "LeadLabel",
    "LeadLabelLink",
    "LeadSource",
    "LeadStatus",
    "Note",
    "NoteMention",
    "Notification",
    "OperatorToken",
    "Organization",
    "PersistedQuery",
    "Person",
    "Pipeline",
    "Product",
    "ProspectKind",
    "ProspectOrganization",
    "ProspectPerson",
    "ProspectPurchase",
    "ProspectPurchaseRequest",
    "ProspectReport",
    "ProspectSuppression",
    "ProspectTitle",
    "RateBucket",
    "ReportReason",
    "ReportStatus",
    "RevenueRange",
    "Role",
    "SavedFilter",
    "SavedFilterFavorite",
    "SavedProspectFilter",
    "Selection",
    "SelectionEntity",
    "SelectionKind",
    "SelectionMember",
    "Seniority",
    "Stage",
    "Team",
    "TeamMember",
    "User",
    "Visibility",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
