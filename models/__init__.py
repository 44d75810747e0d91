"""The tortoise-orm data model, one module per domain."""

from models.account import ApiToken, Company, Team, TeamMember, User
from models.activity import Activity, ActivityType, ChangeLogEntry, Email, EmailDirection, Note, NoteMention
from models.base import Role, Visibility
from models.contact import Organization, Person
from models.credit import AddOnState, CreditAccount, CreditEntryKind, CreditLedgerEntry
from models.custom_field import CustomField, CustomFieldEntity, CustomFieldType
from models.deal import Deal, DealParticipant, DealStatus, Pipeline, Stage
from models.idempotency import IdempotentRequest
from models.job import Job, JobItem, JobItemStatus, JobReportEntry, JobStatus
from models.lead import Lead, LeadLabel, LeadLabelLink, LeadSource
from models.lead_status import Category, CategoryGroup, LeadStatus
from models.lead_view import LeadColumnPreference, SavedFilter, SavedFilterFavorite
from models.notification import Notification
from models.operator import OperatorToken
from models.product import DealProduct, Product
from models.prospect import (
    Department,
    EmployeeRange,
    ProspectOrganization,
    ProspectPerson,
    ProspectSuppression,
    ProspectTitle,
    RevenueRange,
    Seniority,
)
from models.prospect_purchase import (
    ProspectKind,
    ProspectPurchase,
    ProspectPurchaseRequest,
    ProspectReport,
    ReportReason,
    ReportStatus,
    SavedProspectFilter,
)
from models.rate_limit import RateBucket
from models.selection import Selection, SelectionEntity, SelectionKind, SelectionMember
from models.webhook import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

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
