"""Background jobs, persisted so that they survive a restart, and the items they work through."""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts.account import Company, User


class JobStatus(str, Enum):
    CREATED = "CREATED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class JobItemStatus(str, Enum):
    PENDING = "PENDING"
    # Claimed by a worker for an effect outside the database (an email): never retried.
    STARTED = "STARTED"
    DONE = "DONE"
    FAILED = "FAILED"


class Job(Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=64)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.CREATED)
    params: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    error = fields.TextField(null=True)
    total = fields.IntField(default=0)
    done = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Lease: the worker holding the job renews it; a lapsed lease lets another worker resume.
    locked_by = fields.CharField(max_length=64, null=True)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    company_id: int
    created_by_id: int | None

    class Meta:
        table = "job"
        indexes = (("status", "locked_until"), ("company_id", "created_at"))


class JobItem(Model):
    id = fields.BigIntField(primary_key=True)
    job: fields.ForeignKeyRelation[Job] = fields.ForeignKeyField(
        "models.Job", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    key = fields.CharField(max_length=64)
    status = fields.CharEnumField(JobItemStatus, max_length=16, default=JobItemStatus.PENDING)
    error = fields.TextField(null=True)
    code = fields.CharField(max_length=32, null=True)
    result: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)

    job_id: int

    class Meta:
        table = "job_item"
        unique_together = (("job_id", "position"),)
        indexes = (("job_id", "status", "position"),)


class JobReportEntry(Model):
    """One problem a job met with one part of its input, e.g. an import's row that made no
    lead: the row number as the user sees it in a spreadsheet, a stable code, the column
    (mapping target) when it concerns one, and a message."""

    id = fields.BigIntField(primary_key=True)
    job: fields.ForeignKeyRelation[Job] = fields.ForeignKeyField(
        "models.Job", related_name="report", on_delete=fields.CASCADE
    )
    row = fields.IntField()
    code = fields.CharField(max_length=32)
    field = fields.CharField(max_length=255, null=True)
    message = fields.TextField()

    job_id: int

    class Meta:
        table = "job_report_entry"
        indexes = (("job_id", "row", "id"),)
