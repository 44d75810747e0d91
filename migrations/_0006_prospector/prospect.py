"""The tables of migrations/0006_prospector.py that models/prospector/prospect.py describes."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.prospector.prospect import Department, EmployeeRange, RevenueRange, Seniority

PROSPECT_ORGANIZATION = ops.CreateModel(
    name="ProspectOrganization",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("external_id", fields.CharField(unique=True, max_length=64)),
        ("name", fields.CharField(max_length=255)),
        ("name_key", fields.CharField(max_length=255)),
        ("domain", fields.CharField(null=True, max_length=255)),
        ("industry", fields.CharField(null=True, max_length=100)),
        (
            "employee_range",
            fields.CharEnumField(
                null=True,
                description="EMPLOYEES_1_10: 1-10\nEMPLOYEES_11_50: 11-50\nEMPLOYEES_51_200: 51-200\nEMPLOYEES_201_500: 201-500\nEMPLOYEES_501_1000: 501-1000\nEMPLOYEES_1001_5000: 1001-5000\nEMPLOYEES_5001_10000: 5001-10000\nEMPLOYEES_10001_PLUS: 10001+",
                enum_type=EmployeeRange,
                max_length=16,
            ),
        ),
        (
            "revenue_range",
            fields.CharEnumField(
                null=True,
                description="REVENUE_UNDER_1M: 0-1M\nREVENUE_1M_10M: 1M-10M\nREVENUE_10M_50M: 10M-50M\nREVENUE_50M_100M: 50M-100M\nREVENUE_100M_500M: 100M-500M\nREVENUE_500M_1B: 500M-1B\nREVENUE_1B_PLUS: 1B+",
                enum_type=RevenueRange,
                max_length=16,
            ),
        ),
        ("country", fields.CharField(null=True, max_length=2)),
        ("city", fields.CharField(null=True, max_length=120)),
        ("street", fields.CharField(null=True, max_length=255)),
        ("postal_code", fields.CharField(null=True, max_length=32)),
        ("phones", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "prospect_organization",
        "app": "models",
        "indexes": [
            Index(fields=["industry", "id"]),
            Index(fields=["employee_range", "id"]),
            Index(fields=["revenue_range", "id"]),
            Index(fields=["country", "id"]),
            Index(fields=["city", "id"]),
            Index(fields=["name_key", "id"]),
        ],
        "pk_attr": "id",
    },
    bases=["Model"],
)

PROSPECT_SUPPRESSION = ops.CreateModel(
    name="ProspectSuppression",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("digest", fields.CharField(unique=True, max_length=64)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ],
    options={
        "table": "prospect_suppression",
        "app": "models",
        "pk_attr": "id",
        "table_description": "Digests of the work email and LinkedIn URL of every erased person: a profile carrying",
    },
    bases=["Model"],
)

PROSPECT_TITLE = ops.CreateModel(
    name="ProspectTitle",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("title_key", fields.CharField(unique=True, max_length=255)),
    ],
    options={
        "table": "prospect_title",
        "app": "models",
        "pk_attr": "id",
        "table_description": 'Every distinct job title, by its match key: "job title contains" looks through these',
    },
    bases=["Model"],
)

PROSPECT_PERSON = ops.CreateModel(
    name="ProspectPerson",
    fields=[
        ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
        ("external_id", fields.CharField(unique=True, max_length=64)),
        ("name", fields.CharField(max_length=255)),
        ("first_name", fields.CharField(null=True, max_length=120)),
        ("last_name", fields.CharField(null=True, max_length=120)),
        ("job_title", fields.CharField(null=True, max_length=255)),
        (
            "title",
            fields.ForeignKeyField(
                "models.ProspectTitle",
                source_field="title_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        (
            "seniority",
            fields.CharEnumField(
                null=True,
                description="ENTRY: ENTRY\nSENIOR: SENIOR\nMANAGER: MANAGER\nDIRECTOR: DIRECTOR\nVP: VP\nC_LEVEL: C_LEVEL\nOWNER: OWNER\nPARTNER: PARTNER",
                enum_type=Seniority,
                max_length=16,
            ),
        ),
        (
            "department",
            fields.CharEnumField(
                null=True,
                description="EXECUTIVE: EXECUTIVE\nSALES: SALES\nMARKETING: MARKETING\nENGINEERING: ENGINEERING\nPRODUCT: PRODUCT\nIT: IT\nFINANCE: FINANCE\nHUMAN_RESOURCES: HUMAN_RESOURCES\nOPERATIONS: OPERATIONS\nCUSTOMER_SUCCESS: CUSTOMER_SUCCESS\nLEGAL: LEGAL\nPURCHASING: PURCHASING",
                enum_type=Department,
                max_length=24,
            ),
        ),
        ("country", fields.CharField(null=True, max_length=2)),
        ("city", fields.CharField(null=True, max_length=120)),
        (
            "organization",
            fields.ForeignKeyField(
                "models.ProspectOrganization",
                source_field="organization_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ("company_name", fields.CharField(null=True, max_length=255)),
        ("company_name_key", fields.CharField(default="", max_length=255)),
        ("industry", fields.CharField(null=True, max_length=100)),
        (
            "employee_range",
            fields.CharEnumField(
                null=True,
                description="EMPLOYEES_1_10: 1-10\nEMPLOYEES_11_50: 11-50\nEMPLOYEES_51_200: 51-200\nEMPLOYEES_201_500: 201-500\nEMPLOYEES_501_1000: 501-1000\nEMPLOYEES_1001_5000: 1001-5000\nEMPLOYEES_5001_10000: 5001-10000\nEMPLOYEES_10001_PLUS: 10001+",
                enum_type=EmployeeRange,
                max_length=16,
            ),
        ),
        ("work_email", fields.CharField(null=True, max_length=254)),
        ("other_emails", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("direct_phone", fields.CharField(null=True, max_length=64)),
        ("mobile_phone", fields.CharField(null=True, max_length=64)),
        ("secondary_phones", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("linkedin_url", fields.CharField(null=True, max_length=255)),
        ("work_history", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
        ("erased_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ],
    options={
        "table": "prospect_person",
        "app": "models",
        "indexes": [
            Index(fields=["seniority", "id"]),
            Index(fields=["department", "id"]),
            Index(fields=["country", "id"]),
            Index(fields=["city", "id"]),
            Index(fields=["industry", "id"]),
            Index(fields=["employee_range", "id"]),
            Index(fields=["title_id", "id"]),
            Index(fields=["company_name_key", "id"]),
            Index(fields=["organization_id"]),
        ],
        "pk_attr": "id",
    },
    bases=["Model"],
)
