"""The tortoise-orm data model, one module per domain."""

from models.account import ApiToken, Company, Team, TeamMember, User
from models.activity import Activity, ActivityType, ChangeLogEntry, Email, EmailDirection, Note, NoteMention
from models.base import Role, Visibility
from models.contact import Organization, Person
from models.deal import Deal, DealStatus, Pipeline, Stage
from models.lead import Lead, LeadLabel, LeadLabelLink, LeadSource

__all__ = [
    "Activity",
    "ActivityType",
    "ApiToken",
    "ChangeLogEntry",
    "Company",
    "Deal",
    "DealStatus",
    "Email",
    "EmailDirection",
    "Lead",
    "LeadLabel",
    "LeadLabelLink",
    "LeadSource",
    "Note",
    "NoteMention",
    "Organization",
    "Person",
    "Pipeline",
    "Role",
    "Stage",
    "Team",
    "TeamMember",
    "User",
    "Visibility",
]
