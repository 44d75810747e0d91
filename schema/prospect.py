"""Prospects: person and organization profiles of the shared database, as a company sees them.

Before the company buys a profile it sees who and where (name, title, company, location)
and which contact details exist; ``details`` stays null until it owns the profile.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.ids import to_global_id
from domain.prospect_query import COUNT_CAP, ProspectFilter, count_prospects
from models import Department, EmployeeRange, ProspectKind, RevenueRange, Seniority
from models import ProspectOrganization as ProspectOrganizationModel
from models import ProspectPerson as ProspectPersonModel
from schema.base import InfoT, Node, PageInfo

SeniorityEnum = strawberry.enum(Seniority, name="Seniority")
DepartmentEnum = strawberry.enum(Department, name="Department")
EmployeeRangeEnum = strawberry.enum(EmployeeRange, name="EmployeeRange", description="Company size by head count.")
RevenueRangeEnum = strawberry.enum(RevenueRange, name="RevenueRange", description="Yearly revenue in US dollars.")
ProspectKindEnum = strawberry.enum(ProspectKind, name="ProspectKind")


def _enum(enum: Any, value: Any) -> Any:
    return enum(value) if value is not None else None


@strawberry.interface(description="A profile of the prospect database (a person or an organization).")
class Prospect(Node):
    id: strawberry.ID
    name: str
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    city: str | None
    industry: str | None
    employee_range: EmployeeRangeEnum | None  # type: ignore[valid-type]
    owned: bool = strawberry.field(description="The company bought this prospect already (it is in My prospects).")


@strawberry.type(description="One job of a person's work history, latest first.")
class WorkHistoryEntry:
    company: str | None
    title: str | None
    start: str | None
    end: str | None


@strawberry.type(description="A person's contact details, shown once the company owns the prospect.")
class ProspectPersonDetails:
    work_email: str | None
    other_emails: list[str]
    direct_phone: str | None
    mobile_phone: str | None
    secondary_phones: list[str]
    linkedin_url: str | None
    work_history: list[WorkHistoryEntry]

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
    street: str | None
    postal_code: str | None
    phones: list[str]


@strawberry.type(description="A person of the prospect database.")
class ProspectPerson(Prospect):
    job_title: str | None
    seniority: SeniorityEnum | None  # type: ignore[valid-type]
    department: DepartmentEnum | None  # type: ignore[valid-type]
    company_name: str | None
    has_work_email: bool
    has_direct_phone: bool
    has_mobile: bool
    has_linkedin: bool
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
    domain: str | None
    revenue_range: RevenueRangeEnum | None  # type: ignore[valid-type]
    has_phone: bool
    has_address: bool
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


@strawberry.type
class ProspectEdge:
    cursor: str
    node: Prospect


@strawberry.type
class ProspectConnection:
    edges: list[ProspectEdge]
    page_info: PageInfo
    _kind: strawberry.Private[ProspectKind]
    _filter: strawberry.Private[ProspectFilter]
    # The count, once made: totalCount and totalCountCapped share one statement.
    _count: strawberry.Private[list[int]] = strawberry.field(default_factory=list)

    @strawberry.field
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
    seniorities: list[SeniorityEnum] | None = None  # type: ignore[valid-type]
    departments: list[DepartmentEnum] | None = None  # type: ignore[valid-type]
    countries: list[str] | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 codes.")
    cities: list[str] | None = strawberry.field(default=None, description="As the profiles spell them.")
    industries: list[str] | None = None
    employee_ranges: list[EmployeeRangeEnum] | None = None  # type: ignore[valid-type]
    revenue_ranges: list[RevenueRangeEnum] | None = None  # type: ignore[valid-type]
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
    job_title: str | None
    seniorities: list[SeniorityEnum]  # type: ignore[valid-type]
    departments: list[DepartmentEnum]  # type: ignore[valid-type]
    countries: list[str]
    cities: list[str]
    industries: list[str]
    employee_ranges: list[EmployeeRangeEnum]  # type: ignore[valid-type]
    revenue_ranges: list[RevenueRangeEnum]  # type: ignore[valid-type]
    company_name: str | None
    name: str | None

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
