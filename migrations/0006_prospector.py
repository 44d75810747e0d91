from tortoise import migrations
from tortoise.migrations import operations as ops
from models.prospector.credit import AddOnState, CreditEntryKind
from models.prospector.prospect import Department, EmployeeRange, RevenueRange, Seniority
from models.prospector.purchase import ProspectKind, ReportReason, ReportStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0005_lead_status")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CreditAccount",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "company",
                    fields.OneToOneField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credit_account",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "add_on",
                    fields.CharEnumField(
                        default=AddOnState.OFF,
                        description="OFF: OFF\nTRIAL: TRIAL\nON: ON",
                        enum_type=AddOnState,
                        max_length=8,
                    ),
                ),
                ("trial_ends_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("monthly_allowance", fields.IntField(default=10)),
                ("billing_anchor", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("period_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("period_end", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("lock_version", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "credit_account",
                "app": "models",
                "indexes": [Index(fields=["period_end"])],
                "pk_attr": "id",
                "table_description": "One row per company: the add-on, the allowance and the current billing period.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CreditLedgerEntry",
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
                (
                    "kind",
                    fields.CharEnumField(
                        description="PERIOD_GRANT: PERIOD_GRANT\nPURCHASE: PURCHASE\nQUOTA_CHANGE: QUOTA_CHANGE\nSPEND: SPEND\nREFUND: REFUND\nEXPIRY: EXPIRY",
                        enum_type=CreditEntryKind,
                        max_length=16,
                    ),
                ),
                ("amount", fields.IntField()),
                ("period_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("once_key", fields.CharField(null=True, max_length=160)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("purchase_id", fields.IntField(null=True)),
                ("note", fields.CharField(default="", max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "credit_ledger",
                "app": "models",
                "unique_together": (("company", "once_key"),),
                "indexes": [Index(fields=["company_id", "id"])],
                "pk_attr": "id",
                "table_description": "One change of a company's credits. Rows are only ever added, never changed.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OperatorToken",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("prefix", fields.CharField(max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "operator_token", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
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
        ),
        ops.CreateModel(
            name="ProspectPurchaseRequest",
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
                ("key", fields.CharField(max_length=128)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("fingerprint", fields.CharField(max_length=64)),
                ("result", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "prospect_purchase_request",
                "app": "models",
                "unique_together": (("company", "key"),),
                "pk_attr": "id",
                "table_description": "A purchase made with an idempotency key, and what it returned: a retry with the same",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
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
        ),
        ops.CreateModel(
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
        ),
        ops.CreateModel(
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
        ),
        ops.CreateModel(
            name="ProspectPurchase",
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
                    "kind",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nORGANIZATION: ORGANIZATION", enum_type=ProspectKind, max_length=16
                    ),
                ),
                (
                    "prospect_person",
                    fields.ForeignKeyField(
                        "models.ProspectPerson",
                        source_field="prospect_person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "prospect_organization",
                    fields.ForeignKeyField(
                        "models.ProspectOrganization",
                        source_field="prospect_organization_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "buyer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="buyer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("lead_id", fields.UUIDField(null=True)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
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
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("credits", fields.IntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "prospect_purchase",
                "app": "models",
                "unique_together": (("company", "prospect_person"), ("company", "prospect_organization")),
                "indexes": [Index(fields=["company_id", "created_at", "id"]), Index(fields=["company_id", "lead_id"])],
                "pk_attr": "id",
                "table_description": "A prospect a company bought: once per company and prospect, whoever bought it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ProspectReport",
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
                    "purchase",
                    fields.ForeignKeyField(
                        "models.ProspectPurchase",
                        source_field="purchase_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="reporter_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "reason",
                    fields.CharEnumField(
                        description="PHONE_NOT_IN_USE: PHONE_NOT_IN_USE\nEMAIL_BOUNCES: EMAIL_BOUNCES\nWRONG_COMPANY: WRONG_COMPANY\nWRONG_JOB_TITLE: WRONG_JOB_TITLE\nOTHER: OTHER",
                        enum_type=ReportReason,
                        max_length=24,
                    ),
                ),
                ("details", fields.TextField(default="", unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ReportStatus.OPEN,
                        description="OPEN: OPEN\nCONFIRMED: CONFIRMED\nREJECTED: REJECTED",
                        enum_type=ReportStatus,
                        max_length=16,
                    ),
                ),
                ("open_key", fields.IntField(null=True, unique=True)),
                ("reviewed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("reviewer", fields.CharField(null=True, max_length=200)),
                ("review_note", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "prospect_report",
                "app": "models",
                "indexes": [Index(fields=["status", "created_at", "id"]), Index(fields=["purchase_id", "id"])],
                "pk_attr": "id",
                "table_description": "A report that a bought prospect is incorrect, waiting for (or after) the operator's review.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SavedProspectFilter",
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
                ("name", fields.CharField(max_length=100)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nORGANIZATION: ORGANIZATION", enum_type=ProspectKind, max_length=16
                    ),
                ),
                ("criteria", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "saved_prospect_filter",
                "app": "models",
                "unique_together": (("user", "name"),),
                "pk_attr": "id",
                "table_description": "A named Prospector search of one user.",
            },
            bases=["Model"],
        ),
    ]
