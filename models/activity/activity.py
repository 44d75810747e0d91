"""What happens around a lead, deal or contact: notes, activities, emails, the change log."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User
from models.contacts.contact import Organization, Person
from models.deals.deal import Deal
from models.leads.lead import Lead


class ActivityType(str, Enum):
    CALL = "CALL"
    MEETING = "MEETING"
    TASK = "TASK"
    DEADLINE = "DEADLINE"
    EMAIL = "EMAIL"
    LUNCH = "LUNCH"


class EmailDirection(str, Enum):
    SENT = "SENT"
    RECEIVED = "RECEIVED"


class Note(Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    lead: fields.ForeignKeyNullableRelation[Lead] = fields.ForeignKeyField(
        "models.Lead", related_name="notes", null=True, on_delete=fields.CASCADE
    )
    deal: fields.ForeignKeyNullableRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name="notes", null=True, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="notes", null=True, on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="notes", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    content = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: int
    lead_id: object | None
    deal_id: int | None
    person_id: int | None
    organization_id: int | None
    author_id: int | None

    class Meta:
        table = "note"
        indexes = (("lead_id", "created_at"), ("deal_id", "created_at"))


class NoteMention(Model):
    id = fields.IntField(primary_key=True)
    note: fields.ForeignKeyRelation[Note] = fields.ForeignKeyField(
        "models.Note", related_name="mentions", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )

    note_id: int
    user_id: int

    class Meta:
        table = "note_mention"
        unique_together = (("note", "user"),)


class Activity(Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    lead: fields.ForeignKeyNullableRelation[Lead] = fields.ForeignKeyField(
        "models.Lead", related_name="activities", null=True, on_delete=fields.CASCADE
    )
    deal: fields.ForeignKeyNullableRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name="activities", null=True, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="activities", null=True, on_delete=fields.SET_NULL
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="activities", null=True, on_delete=fields.SET_NULL
    )
    type = fields.CharEnumField(ActivityType, max_length=16, default=ActivityType.TASK)
    subject = fields.CharField(max_length=255)
    due_date = fields.DateField()
    # Times are UTC; an activity without a time lasts the whole day.
    due_time = fields.TimeField(null=True)
    duration_minutes = fields.IntField(null=True)
    note = fields.TextField(default="")
    done = fields.BooleanField(default=False)
    done_at = fields.DatetimeField(null=True)
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: int
    lead_id: object | None
    deal_id: int | None
    person_id: int | None
    organization_id: int | None
    assignee_id: int | None
    created_by_id: int | None

    class Meta:
        table = "activity"
        indexes = (("lead_id", "done", "due_date"), ("deal_id", "done", "due_date"))


class Email(Model):
    """An email linked to a lead, deal or contact (sent from leadbox or synced in)."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    lead: fields.ForeignKeyNullableRelation[Lead] = fields.ForeignKeyField(
        "models.Lead", related_name="emails", null=True, on_delete=fields.CASCADE
    )
    deal: fields.ForeignKeyNullableRelation[Deal] = fields.ForeignKeyField(
        "models.Deal", related_name="emails", null=True, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="emails_linked", null=True, on_delete=fields.SET_NULL
    )
    direction = fields.CharEnumField(EmailDirection, max_length=8, default=EmailDirection.SENT)
    from_address = fields.CharField(max_length=254)
    to_addresses: fields.JSONField[list[str]] = fields.JSONField(default=list)
    subject = fields.CharField(max_length=998)
    body = fields.TextField(default="")
    sent_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    lead_id: object | None
    deal_id: int | None
    person_id: int | None

    class Meta:
        table = "email"
        indexes = (("lead_id", "sent_at"), ("deal_id", "sent_at"))


class ChangeLogEntry(Model):
    """One change to one field of one record: who, what from, what to, when (SPEC §3.3)."""

    id = fields.BigIntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    entity_type = fields.CharField(max_length=32)
    entity_id = fields.CharField(max_length=64)
    action = fields.CharField(max_length=32)
    field = fields.CharField(max_length=64, null=True)
    # JSON text (not a JSON column: a bare string value would be taken for encoded JSON).
    old_value = fields.TextField(null=True)
    new_value = fields.TextField(null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: int
    actor_id: int | None

    class Meta:
        table = "change_log_entry"
        indexes = (("company_id", "entity_type", "entity_id", "created_at"),)
