"""Checking one loaded profile field by field: what the loader accepts and how it stores it."""

from __future__ import annotations

import re
from typing import Any

import orjson

from domain.contacts.duplicate import match_key
from domain.contacts.person import digits
from domain.validation import email_problem
from models import Department, EmployeeRange, RevenueRange, Seniority

COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")
URL_RE = re.compile(r"^https?://\S+$")
MAX_LIST = 20
# Spellings sources use for the fixed vocabularies, besides the values themselves.
SENIORITY_ALIASES = {
    "c-level": Seniority.C_LEVEL,
    "c-suite": Seniority.C_LEVEL,
    "cxo": Seniority.C_LEVEL,
    "vice president": Seniority.VP,
    "entry level": Seniority.ENTRY,
    "junior": Seniority.ENTRY,
    "founder": Seniority.OWNER,
}
DEPARTMENT_ALIASES = {"hr": Department.HUMAN_RESOURCES, "customer support": Department.CUSTOMER_SUCCESS}


class ProfileError(ValueError):
    """What is wrong with one line of a load."""


def _text(record: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str | None:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ProfileError(f"{name} is required")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ProfileError(f"{name} must be text")
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise ProfileError(f"{name} is longer than {limit} characters")
    return text


def _choice(record: dict[str, Any], name: str, enum: Any, aliases: dict[str, Any] | None = None) -> Any:
    text = _text(record, name, 64)
    if text is None:
        return None
    lowered = text.lower()
    for member in enum:
        if lowered in (member.value.lower(), member.name.lower(), member.name.lower().replace("_", " ")):
            return member.value
    if aliases and lowered in aliases:
        return aliases[lowered].value
    allowed = ", ".join(m.value for m in enum)
    raise ProfileError(f"{name} {text!r} is not one of {allowed}")


def _list(record: dict[str, Any], name: str, from_csv: bool) -> list[Any]:
    value = record.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(";")) if part] if from_csv else [value]
    if not isinstance(value, list):
        raise ProfileError(f"{name} must be a list")
    if len(value) > MAX_LIST:
        raise ProfileError(f"{name} has more than {MAX_LIST} entries")
    return value


def _phone(value: Any, name: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or len(digits(str(value))) < 5:
        raise ProfileError(f"{name} {value!r} is not a phone number")
    return " ".join(str(value).split())[:64]


def _email(value: Any, name: str) -> str:
    text = str(value).strip() if isinstance(value, str) else ""
    if email_problem(text):
        raise ProfileError(f"{name} {value!r} is not an email address")
    return text


def _country(record: dict[str, Any]) -> str | None:
    text = _text(record, "country", 64)
    if text is None:
        return None
    if not COUNTRY_RE.match(text):
        raise ProfileError(f"country {text!r} is not an ISO 3166 two-letter code")
    return text.upper()


def _external_id(record: dict[str, Any]) -> str:
    text = _text(record, "id", 64, required=True)
    assert text is not None
    return text


def clean_organization(record: dict[str, Any], *, from_csv: bool = False) -> dict[str, Any]:
    name = _text(record, "name", 255, required=True)
    domain = _text(record, "domain", 255)
    return {
        "external_id": _external_id(record),
        "name": name,
        "name_key": match_key(name),
        "domain": domain.lower() if domain else None,
        "industry": _text(record, "industry", 100),
        "employee_range": _choice(record, "employee_range", EmployeeRange),
        "revenue_range": _choice(record, "revenue_range", RevenueRange),
        "country": _country(record),
        "city": _text(record, "city", 120),
        "street": _text(record, "street", 255),
        "postal_code": _text(record, "postal_code", 32),
        "phones": [_phone(p, "phones") for p in _list(record, "phones", from_csv)],
    }


def _work_history(record: dict[str, Any], from_csv: bool) -> list[dict[str, str | None]]:
    value = record.get("work_history")
    if from_csv and isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise ProfileError("work_history must be a JSON list") from exc
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ProfileError(f"work_history must be a list of at most {MAX_LIST} jobs")
    jobs = []
    for job in value:
        if not isinstance(job, dict):
            raise ProfileError("each job of work_history must be an object")
        entry = {key: _text(job, key, 255) for key in ("company", "title", "start", "end")}
        if not entry["company"] and not entry["title"]:
            raise ProfileError("each job of work_history needs a company or a title")
        jobs.append(entry)
    return jobs


def clean_person(record: dict[str, Any], *, from_csv: bool = False) -> dict[str, Any]:
    first = _text(record, "first_name", 120)
    last = _text(record, "last_name", 120)
    name = _text(record, "name", 255) or " ".join(p for p in (first, last) if p) or None
    if not name:
        raise ProfileError("name (or first_name and last_name) is required")
    if first is None and last is None:
        first, _, rest = name.partition(" ")
        last = rest or None
    linkedin = _text(record, "linkedin_url", 255)
    if linkedin is not None and not URL_RE.match(linkedin):
        raise ProfileError(f"linkedin_url {linkedin!r} is not a web address")
    work_email = record.get("work_email")
    direct, mobile = record.get("direct_phone"), record.get("mobile_phone")
    return {
        "external_id": _external_id(record),
        "name": name,
        "first_name": first,
        "last_name": last,
        "job_title": _text(record, "job_title", 255),
        "seniority": _choice(record, "seniority", Seniority, SENIORITY_ALIASES),
        "department": _choice(record, "department", Department, DEPARTMENT_ALIASES),
        "country": _country(record),
        "city": _text(record, "city", 120),
        "organization_ref": _text(record, "organization_id", 64),
        "company_name": _text(record, "company", 255),
        "industry": _text(record, "industry", 100),
        "employee_range": _choice(record, "employee_range", EmployeeRange),
        "work_email": _email(work_email, "work_email") if work_email else None,
        "other_emails": [_email(e, "other_emails") for e in _list(record, "other_emails", from_csv)],
        "direct_phone": _phone(direct, "direct_phone") if direct else None,
        "mobile_phone": _phone(mobile, "mobile_phone") if mobile else None,
        "secondary_phones": [_phone(p, "secondary_phones") for p in _list(record, "secondary_phones", from_csv)],
        "linkedin_url": linkedin,
        "work_history": _work_history(record, from_csv),
    }
