"""The tortoise-orm data model, one module per domain."""

from models.account import ApiToken, Company, Team, TeamMember, User
from models.activity import Activity, ActivityType, ChangeLogEntry, Email, EmailDirection, Note, NoteMention
from models.base import Role, Visibility
from models.contact import Organization, Person
from models.custom_field import CustomField, CustomFieldEntity, CustomFieldType
from models.deal import Deal, DealParticipant, DealStatus, Pipeline, Stage
from models.job import Job, JobItem, JobItemStatus, JobStatus
from models.lead import Lead, LeadLabel, LeadLabelLink, LeadSource
from models.lead_status import Category, CategoryGroup, LeadStatus
from models.notification import Notification
from models.product import DealProduct, Product
from models.selection import Selection, SelectionEntity, SelectionKind, SelectionMember

__all__ = [
    "Activity",
    "ActivityType",
    "ApiToken",
    "Category",
    "CategoryGroup",
    "ChangeLogEntry",
    "Company",
    "CustomField",
    "CustomFieldEntity",
    "CustomFieldType",
    "Deal",
    "DealParticipant",
    "DealProduct",
    "DealStatus",
    "Email",
    "EmailDirection",
    "Job",
    "JobItem",
    "JobItemStatus",
    "JobStatus",
    "Lead",
    "LeadLabel",
    "LeadLabelLink",
    "LeadSource",
    "LeadStatus",
    "Note",
    "NoteMention",
    "Notification",
    "Organization",
    "Person",
    "Pipeline",
    "Product",
    "Role",
    "Selection",
    "SelectionEntity",
    "SelectionKind",
    "SelectionMember",
    "Stage",
    "Team",
    "TeamMember",
    "User",
    "Visibility",
]
