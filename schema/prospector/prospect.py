"""Prospects: person and organization profiles of the shared database, as a company sees them.

Before the company buys a profile it sees who and where (name, title, company, location)
and which contact details exist; ``details`` stays null until it owns the profile.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.ids import to_global_id
from domain.prospector.query import COUNT_CAP, ProspectFilter, count_prospects
from models import Department, EmployeeRange, ProspectKind, RevenueRange, Seniority
from models import ProspectOrganization as ProspectOrganizationModel
from models import ProspectPerson as ProspectPersonModel
from schema.base import InfoT, Node, PageInfo, describe_values

SeniorityEnum = Seniority
strawberry.enum(SeniorityEnum, name="Seniority", description="How senior a person's position is.")
DepartmentEnum = Department
strawberry.enum(DepartmentEnum, name="Department", description="The part of a company a person works in.")
EmployeeRangeEnum = EmployeeRange
strawberry.enum(EmployeeRangeEnum, name="EmployeeRange", description="Company size by head count.")
RevenueRangeEnum = RevenueRange
strawberry.enum(RevenueRangeEnum, name="RevenueRange", description="Yearly revenue in US dollars.")
ProspectKindEnum = ProspectKind
strawberry.enum(
    ProspectKindEnum, name="ProspectKind", description="Which half of the prospect database: persons or organizations."
)
describe_values(
    SeniorityEnum,
    {
        "ENTRY": "Entry level.",
        "SENIOR": "Senior individual contributor.",
        "MANAGER": "Manager.",
        "DIRECTOR": "Director.",
        "VP": "Vice president.",
        "C_LEVEL": "Chief officer (CEO, CFO, ...).",
        "OWNER": "Owner.",
        "PARTNER": "Partner.",
    },
)
describe_values(
    DepartmentEnum,
    {
        "EXECUTIVE": "Executive management.",
        "SALES": "Sales.",
        "MARKETING": "Marketing.",
        "ENGINEERING": "Engineering.",
        "PRODUCT": "Product management.",
        "IT": "Information technology.",
        "FINANCE": "Finance.",
        "HUMAN_RESOURCES": "Human resources.",
        "OPERATIONS": "Operations.",
        "CUSTOMER_SUCCESS": "Customer success and support.",
        "LEGAL": "Legal.",
        "PURCHASING": "Purchasing.",
    },
)
describe_values(
    EmployeeRangeEnum,
    {
        "EMPLOYEES_1_10": "1 to 10 employees.",
        "EMPLOYEES_11_50": "11 to 50 employees.",
        "EMPLOYEES_51_200": "51 to 200 employees.",
        "EMPLOYEES_201_500": "201 to 500 employees.",
        "EMPLOYEES_501_1000": "501 to 1,000 employees.",
        "EMPLOYEES_1001_5000": "1,001 to 5,000 employees.",
        "EMPLOYEES_5001_10000": "5,001 to 10,000 employees.",
        "EMPLOYEES_10001_PLUS": "More than 10,000 employees.",
    },
)
describe_values(
    RevenueRangeEnum,
    {
        "REVENUE_UNDER_1M": "Under 1 million.",
        "REVENUE_1M_10M": "1 to 10 million.",
        "REVENUE_10M_50M": "10 to 50 million.",
        "REVENUE_50M_100M": "50 to 100 million.",
        "REVENUE_100M_500M": "100 to 500 million.",
        "REVENUE_500M_1B": "500 million to 1 billion.",
        "REVENUE_1B_PLUS": "More than 1 billion.",
    },
)
describe_values(ProspectKindEnum, {"PERSON": "Person profiles.", "ORGANIZATION": "Organization profiles."})


def _enum(enum: Any, value: Any) -> Any:
    return enum(value) if value is not None else None


@strawberry.interface(description="A profile of the prospect database (a person or an organization).")
class Prospect(Node):
    id: strawberry.ID = strawberry.field(description="The prospect's global id, as `purchaseProspect` takes it.")
    name: str = strawberry.field(description="The person's or organization's name.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    city: str | None = strawberry.field(description="The city; null when not known.")
    industry: str | None = strawberry.field(
        description="The industry (for a person, the employer's); null when not known."
    )
    employee_range: EmployeeRangeEnum | None = strawberry.field(
        description="Company size (for a person, the employer's); null when not known."
    )
    owned: bool = strawberry.field(description="The company bought this prospect already (it is in My prospects).")


@strawberry.type(description="One job of a person's work history, latest first.")
class WorkHistoryEntry:
    company: str | None = strawberry.field(description="The employer's name.")
    title: str | None = strawberry.field(description="The job title.")
    start: str | None = strawberry.field(description="When it began, as the source gives it (e.g. `2019-03`).")
    end: str | None = strawberry.field(description="When it ended; null for the current job.")


@strawberry.type(description="A person's contact details, shown once the company owns the prospect.")
class ProspectPersonDetails:
    work_email: str | None = strawberry.field(description="The work email address; null when not known.")
    other_emails: list[str] = strawberry.field(description="Other email addresses.")
    direct_phone: str | None = strawberry.field(description="The direct office line; null when not known.")
    mobile_phone: str | None = strawberry.field(description="The mobile number; null when not known.")
    secondary_phones: list[str] = strawberry.field(description="Further phone numbers.")
    linkedin_url: str | None = strawberry.field(description="The LinkedIn profile's address; null when not known.")
    work_history: list[WorkHistoryEntry] = strawberry.field(description="Jobs held, latest first.")

    @classmethod
    def from_model(cls, row: ProspectPersonModel) -> ProspectPersonDetails:
        return cls(
            work_email=row.work_email,
            other_emails=list(row.other_emails or []),
            direct_phone=row.direct_phone,
            mobile_phone=row.mobile_phone,
            secondary_phones=list(row.secondary_phones or []),
            linkedin_url=row.linkedin_url,
            work_history=[
                WorkHistoryEntry(company=j.get("company"), title=j.get("title"), start=j.get("start"), end=j.get("end"))
                for j in row.work_history or []
            ],
        )


@strawberry.type(description="An organization's address and phones, shown once the company owns the prospect.")
class ProspectOrganizationDetails:
    street: str | None = strawberry.field(description="Street and number; null when not known.")
    postal_code: str | None = strawberry.field(description="Postal code; null when not known.")
    phones: list[str] = strawberry.field(description="The organization's phone numbers.")


@strawberry.type(description="A person of the prospect database.")
class ProspectPerson(Prospect):
    job_title: str | None = strawberry.field(description="The current job title; null when not known.")
    seniority: SeniorityEnum | None = strawberry.field(description="How senior the position is; null when not known.")
    department: DepartmentEnum | None = strawberry.field(description="The department; null when not known.")
    company_name: str | None = strawberry.field(description="The employer's name; null when not known.")
    has_work_email: bool = strawberry.field(description="A work email address exists (shown once bought).")
    has_direct_phone: bool = strawberry.field(description="A direct phone number exists (shown once bought).")
    has_mobile: bool = strawberry.field(description="A mobile number exists (shown once bought).")
    has_linkedin: bool = strawberry.field(description="A LinkedIn profile exists (shown once bought).")
    _id: strawberry.Private[int]
    _organization_id: strawberry.Private[int | None]

    @staticmethod
    def global_id(key: int) -> strawberry.ID:
        return strawberry.ID(to_global_id("ProspectPerson", key))

    @classmethod
    def from_row(cls, row: dict[str, Any], owned: bool) -> ProspectPerson:
        """From a search row, which says whether details exist but not what they are."""
        return cls(
            id=cls.global_id(row["id"]),
            name=row["name"],
            country=row["country"],
            city=row["city"],
            industry=row["industry"],
            employee_range=_enum(EmployeeRange, row["employee_range"]),
            owned=owned,
            job_title=row["job_title"],
            seniority=_enum(Seniority, row["seniority"]),
            department=_enum(Department, row["department"]),
            company_name=row["company_name"],
            has_work_email=bool(row["has_work_email"]),
            has_direct_phone=bool(row["has_direct_phone"]),
            has_mobile=bool(row["has_mobile"]),
            has_linkedin=bool(row["has_linkedin"]),
            _id=row["id"],
            _organization_id=row["organization_id"],
        )

    @classmethod
    def from_model(cls, row: ProspectPersonModel, owned: bool) -> ProspectPerson:
        values = {name: getattr(row, name) for name in ("id", "name", "country", "city", "industry", "job_title")}
        values.update(
            employee_range=row.employee_range,
            seniority=row.seniority,
            department=row.department,
            company_name=row.company_name,
            organization_id=row.organization_id,
            has_work_email=row.work_email is not None,
            has_direct_phone=row.direct_phone is not None,
            has_mobile=row.mobile_phone is not None,
            has_linkedin=row.linkedin_url is not None,
        )
        return cls.from_row(values, owned)

    @strawberry.field(description="The employer's profile, when the database has one.")
    async def organization(self, info: InfoT) -> ProspectOrganization | None:
        if self._organization_id is None:
            return None
        loaders = info.context.loaders
        row = await loaders.prospect_organization_by_id.load(self._organization_id)
        if row is None:
            return None
        owned = await loaders.owned_prospect.load((ProspectKind.ORGANIZATION, row.id))
        return ProspectOrganization.from_model(row, owned)

    @strawberry.field(description="Contact details and work history; null until the company owns the prospect.")
    async def details(self, info: InfoT) -> ProspectPersonDetails | None:
        if not self.owned:
            return None
        row = await info.context.loaders.prospect_person_by_id.load(self._id)
        return ProspectPersonDetails.from_model(row) if row is not None and row.erased_at is None else None


@strawberry.type(description="An organization of the prospect database.")
class ProspectOrganization(Prospect):
    domain: str | None = strawberry.field(description="The website's domain name; null when not known.")
    revenue_range: RevenueRangeEnum | None = strawberry.field(description="Yearly revenue; null when not known.")
    has_phone: bool = strawberry.field(description="A phone number exists (shown once bought).")
    has_address: bool = strawberry.field(description="A street address exists (shown once bought).")
    _id: strawberry.Private[int]

    @staticmethod
    def global_id(key: int) -> strawberry.ID:
        return strawberry.ID(to_global_id("ProspectOrganization", key))

    @classmethod
    def from_row(cls, row: dict[str, Any], owned: bool) -> ProspectOrganization:
        return cls(
            id=cls.global_id(row["id"]),
            name=row["name"],
            country=row["country"],
            city=row["city"],
            industry=row["industry"],
            employee_range=_enum(EmployeeRange, row["employee_range"]),
            owned=owned,
            domain=row["domain"],
            revenue_range=_enum(RevenueRange, row["revenue_range"]),
            has_phone=bool(row["has_phone"]),
            has_address=bool(row["has_address"]),
            _id=row["id"],
        )

    @classmethod
    def from_model(cls, row: ProspectOrganizationModel, owned: bool) -> ProspectOrganization:
        values = {
            name: getattr(row, name)
            for name in ("id", "name", "country", "city", "industry", "domain", "employee_range", "revenue_range")
        }
        values.update(has_phone=bool(row.phones), has_address=row.street is not None)
        return cls.from_row(values, owned)

    @strawberry.field(description="Street address and phones; null until the company owns the prospect.")
    async def details(self, info: InfoT) -> ProspectOrganizationDetails | None:
        if not self.owned:
            return None
        row = await info.context.loaders.prospect_organization_by_id.load(self._id)
        if row is None:
            return None
        return ProspectOrganizationDetails(
            street=row.street, postal_code=row.postal_code, phones=list(row.phones or [])
        )


@strawberry.type(description="One prospect of a page, with its cursor.")
class ProspectEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the prospects after this one.")
    node: Prospect = strawberry.field(description="The person or organization profile.")


@strawberry.type(description="A page of prospects.")
class ProspectConnection:
    edges: list[ProspectEdge] = strawberry.field(description="The page's prospects with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether there are more prospects, and the cursors to get them.")
    _kind: strawberry.Private[ProspectKind]
    _filter: strawberry.Private[ProspectFilter]
    # The count, once made: totalCount and totalCountCapped share one statement.
    _count: strawberry.Private[list[int]] = strawberry.field(default_factory=list)

    @strawberry.field(description="The page's prospects, without cursors.")
    def nodes(self) -> list[Prospect]:
        return [edge.node for edge in self.edges]

    async def _counted(self) -> int:
        if not self._count:
            self._count.append(await count_prospects(self._kind, self._filter))
        return self._count[0]

    @strawberry.field(
        description=f"How many prospects match, counted up to {COUNT_CAP:,} (a loose filter over the whole"
        " database stops there; see totalCountCapped). Computed only when asked for."
    )
    async def total_count(self) -> int:
        return min(await self._counted(), COUNT_CAP)

    @strawberry.field(description=f"True when more than {COUNT_CAP:,} prospects match.")
    async def total_count_capped(self) -> bool:
        return await self._counted() > COUNT_CAP


@strawberry.input(
    description=(
        "Prospect search conditions, combined with AND; a list matches any of its values. Persons: jobTitle, "
        "seniorities, departments, companyName; organizations: revenueRanges, name; both: countries, cities, "
        "industries, employeeRanges (for a person, those of their employer)."
    )
)
class ProspectFilterInput:
    job_title: str | None = strawberry.field(
        default=None, description="Every word must occur in the job title (case and accents ignored)."
    )
    seniorities: list[SeniorityEnum] | None = strawberry.field(
        default=None, description="Persons with any of these seniorities."
    )
    departments: list[DepartmentEnum] | None = strawberry.field(
        default=None, description="Persons in any of these departments."
    )
    countries: list[str] | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 codes.")
    cities: list[str] | None = strawberry.field(default=None, description="As the profiles spell them.")
    industries: list[str] | None = strawberry.field(default=None, description="Any of these industries.")
    employee_ranges: list[EmployeeRangeEnum] | None = strawberry.field(
        default=None, description="Any of these company sizes."
    )
    revenue_ranges: list[RevenueRangeEnum] | None = strawberry.field(
        default=None, description="Organizations with any of these revenues."
    )
    company_name: str | None = strawberry.field(default=None, description="The employer's name starts with this.")
    name: str | None = strawberry.field(default=None, description="The organization's name starts with this.")

    def to_filter(self) -> ProspectFilter:
        return ProspectFilter(
            job_title=self.job_title,
            seniorities=list(self.seniorities or []),
            departments=list(self.departments or []),
            countries=list(self.countries or []),
            cities=list(self.cities or []),
            industries=list(self.industries or []),
            employee_ranges=list(self.employee_ranges or []),
            revenue_ranges=list(self.revenue_ranges or []),
            company_name=self.company_name,
            name=self.name,
        )


@strawberry.type(description="The conditions of a saved prospect filter.")
class ProspectFilterValues:
    job_title: str | None = strawberry.field(description="Words of the job title; null: any.")
    seniorities: list[SeniorityEnum] = strawberry.field(description="Seniorities; empty: any.")
    departments: list[DepartmentEnum] = strawberry.field(description="Departments; empty: any.")
    countries: list[str] = strawberry.field(description="ISO 3166-1 alpha-2 country codes; empty: any.")
    cities: list[str] = strawberry.field(description="Cities; empty: any.")
    industries: list[str] = strawberry.field(description="Industries; empty: any.")
    employee_ranges: list[EmployeeRangeEnum] = strawberry.field(description="Company sizes; empty: any.")
    revenue_ranges: list[RevenueRangeEnum] = strawberry.field(description="Revenues; empty: any.")
    company_name: str | None = strawberry.field(description="Start of the employer's name; null: any.")
    name: str | None = strawberry.field(description="Start of the organization's name; null: any.")

    @classmethod
    def from_filter(cls, f: ProspectFilter) -> ProspectFilterValues:
        return cls(
            job_title=f.job_title,
            seniorities=f.seniorities,
            departments=f.departments,
            countries=f.countries,
            cities=f.cities,
            industries=f.industries,
            employee_ranges=f.employee_ranges,
            revenue_ranges=f.revenue_ranges,
            company_name=f.company_name,
            name=f.name,
        )
