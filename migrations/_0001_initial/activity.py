"""The tables of migrations/0001_initial.py that models/activity/ describes."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.activity.activity import ActivityType, EmailDirection

CHANGE_LOG_ENTRY = ops.CreateModel(
    name="ChangeLogEntry",
    fields=[
        ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ("entity_type", fields.CharField(max_length=32)),
        ("entity_id", fields.CharField(max_length=64)),
        ("action", fields.CharField(max_length=32)),
        ("field", fields.CharField(null=True, max_length=64)),
        ("old_value", fields.TextField(null=True, unique=False)),
        ("new_value", fields.TextField(null=True, unique=False)),
        (
            "actor",
            fields.ForeignKeyField(
                "models.User",
                source_field="actor_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "change_log_entry",
        "app": "models",
        "indexes": [Index(fields=["company_id", "entity_type", "entity_id", "created_at"])],
        "pk_attr": "id",
        "table_description": "One change to one field of one record: who, what from, what to, when (SPEC §3.3).",
    },
    bases=["Model"],
)

ACTIVITY = ops.CreateModel(
    name="Activity",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "lead",
            fields.ForeignKeyField(
                "models.Lead",
                source_field="lead_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="activities",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "deal",
            fields.ForeignKeyField(
                "models.Deal",
                source_field="deal_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="activities",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="activities",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "organization",
            fields.ForeignKeyField(
                "models.Organization",
                source_field="organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="activities",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "type",
            fields.CharEnumField(
                default=ActivityType.TASK,
                description="CALL: CALL\nMEETING: MEETING\nTASK: TASK\nDEADLINE: DEADLINE\nEMAIL: EMAIL\nLUNCH: LUNCH",
                enum_type=ActivityType,
                max_length=16,
            ),
        ),
        ("subject", fields.CharField(max_length=255)),
        ("due_date", fields.DateField()),
        ("due_time", fields.TimeField(null=True, auto_now=False, auto_now_add=False)),
        ("duration_minutes", fields.IntField(null=True)),
        ("note", fields.TextField(default="", unique=False)),
        ("done", fields.BooleanField(default=False)),
        ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        (
            "assignee",
            fields.ForeignKeyField(
                "models.User",
                source_field="assignee_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "created_by",
            fields.ForeignKeyField(
                "models.User",
                source_field="created_by_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "activity",
        "app": "models",
        "indexes": [
            Index(fields=["lead_id", "done", "due_date"]),
            Index(fields=["deal_id", "done", "due_date"]),
        ],
        "pk_attr": "id",
    },
    bases=["Model"],
)

EMAIL = ops.CreateModel(
    name="Email",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "lead",
            fields.ForeignKeyField(
                "models.Lead",
                source_field="lead_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="emails",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "deal",
            fields.ForeignKeyField(
                "models.Deal",
                source_field="deal_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="emails",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="emails_linked",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "direction",
            fields.CharEnumField(
                default=EmailDirection.SENT,
                description="SENT: SENT\nRECEIVED: RECEIVED",
                enum_type=EmailDirection,
                max_length=8,
            ),
        ),
        ("from_address", fields.CharField(max_length=254)),
        ("to_addresses", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("subject", fields.CharField(max_length=998)),
        ("body", fields.TextField(default="", unique=False)),
        ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "email",
        "app": "models",
        "indexes": [Index(fields=["lead_id", "sent_at"]), Index(fields=["deal_id", "sent_at"])],
        "pk_attr": "id",
        "table_description": "An email linked to a lead, deal or contact (sent from leadbox or synced in).",
    },
    bases=["Model"],
)

NOTE = ops.CreateModel(
    name="Note",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "company",
            fields.ForeignKeyField(
                "models.Company",
                source_field="company_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "lead",
            fields.ForeignKeyField(
                "models.Lead",
                source_field="lead_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="notes",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "deal",
            fields.ForeignKeyField(
                "models.Deal",
                source_field="deal_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="notes",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "person",
            fields.ForeignKeyField(
                "models.Person",
                source_field="person_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="notes",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "organization",
            fields.ForeignKeyField(
                "models.Organization",
                source_field="organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="notes",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "author",
            fields.ForeignKeyField(
                "models.User",
                source_field="author_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("content", fields.TextField(unique=False)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "note",
        "app": "models",
        "indexes": [Index(fields=["lead_id", "created_at"]), Index(fields=["deal_id", "created_at"])],
        "pk_attr": "id",
    },
    bases=["Model"],
)

NOTE_MENTION = ops.CreateModel(
    name="NoteMention",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        (
            "note",
            fields.ForeignKeyField(
                "models.Note",
                source_field="note_id",
                db_constraint=True,
                to_field="id",
                related_name="mentions",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        (
            "user",
            fields.ForeignKeyField(
                "models.User",
                source_field="user_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
    ],
    options={"table": "note_mention", "app": "models", "unique_together": (("note", "user"),), "pk_attr": "id"},
    bases=["Model"],
)
