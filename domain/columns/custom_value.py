"""Custom field values: checked against their field's type on every write, formatted on read.

Values are stored on the record, in ``custom_fields``, by key: text as a string, a number as a
JSON number, money as ``{"amount": "12.50", "currency": "EUR"}``, a date as ``YYYY-MM-DD``, a
time as ``HH:MM`` (``HH:MM:SS`` when it has seconds), a single option by its id, multiple options
as a sorted list of ids, a user, person or organization by its database id. FORMULA fields
(deals only) are never stored: they are computed when read. These forms are what the SQL of
filters and sorts (:mod:`domain.columns.sql`) relies on, so every write goes through
:func:`clean_values`.

A value that does not fit is an ``INVALID_CUSTOM_FIELD_VALUE`` error at ``(*path, key)``
(``["input", "customFields", "fleet_size"]``); an unknown or deleted key is
``UNKNOWN_CUSTOM_FIELD`` at the same place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import DomainError, ErrorCode, FieldError
from core.ids import InvalidId, decode_id, to_global_id
from domain import changelog
from domain.columns.custom_field import NUMERIC_TYPES, definitions, live_options
from domain.columns.formula import VALUE_REF, FormulaError, parse
from domain.validation import money, phone_problem
from domain.viewer import Viewer
from models import ChangeLogEntry, CustomField, CustomFieldEntity, CustomFieldType, Organization, Person, User

REFERENCE_TYPES: dict[CustomFieldType, tuple[str, Any]] = {
    CustomFieldType.USER: ("User", User),
    CustomFieldType.PERSON: ("Person", Person),
    CustomFieldType.ORGANIZATION: ("Organization", Organization),
}
TEXT_LIMITS = {
    CustomFieldType.TEXT: 255,
    CustomFieldType.PHONE: 64,
    CustomFieldType.ADDRESS: 500,
    CustomFieldType.LARGE_TEXT: 100_000,
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
MAX_NUMBER = Decimal("1e15")


class _Invalid(Exception):
    """A value that does not fit its field; the message says why."""


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid("expected a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _Invalid("expected a number") from exc
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise _Invalid("expected a finite number below 10^15 in size")
    return number


def json_number(number: Decimal) -> int | float:
    """A decimal as a JSON number: whole numbers stay exact integers."""
    return int(number) if number == number.to_integral_value() else float(number)


def canonical_time(value: dt.time) -> str:
    """``HH:MM``, or ``HH:MM:SS`` with seconds: one spelling per time, so text order is time order."""
    return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")


def _option_id(field: CustomField, value: Any) -> int:
    ids = {o["id"] for o in live_options(field)}
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in ids:
        raise _Invalid(f"{value!r} is not an option of this field")
    return value


async def _reference(viewer: Viewer, kind: CustomFieldType, value: Any) -> int:
    type_name, model = REFERENCE_TYPES[kind]
    try:
        key = decode_id(str(value), type_name)
    except InvalidId as exc:
        raise _Invalid(f"expected a {type_name} id") from exc
    row = await model.get_or_none(id=key, company_id=viewer.company_id)
    visible = row is not None and (kind == CustomFieldType.USER or viewer.can_see(row.visibility, row.owner_id))
    if not visible:
        raise _Invalid(f"{type_name} not found")
    return int(key)


async def _clean_one(viewer: Viewer, field: CustomField, value: Any) -> Any:
    """The stored form of a value, or None when it clears the field; :class:`_Invalid` when it does not fit."""
    kind = CustomFieldType(field.type)
    if kind == CustomFieldType.FORMULA:
        raise _Invalid("it is a formula field: computed, not set")
    if kind in TEXT_LIMITS:
        if not isinstance(value, str):
            raise _Invalid("expected text")
        cleaned = value.strip()
        if len(cleaned) > TEXT_LIMITS[kind]:
            raise _Invalid(f"longer than {TEXT_LIMITS[kind]} characters")
        if kind == CustomFieldType.PHONE and cleaned and (problem := phone_problem(cleaned)):
            raise _Invalid(f"{cleaned[:80]!r} {problem}")
        return cleaned or None
    if kind == CustomFieldType.NUMBER:
        return json_number(_number(value))
    if kind == CustomFieldType.MONETARY:
        if not isinstance(value, dict) or set(value) - {"amount", "currency"}:
            raise _Invalid("expected {amount, currency}")
        amount, currency, errors = money(_number(value.get("amount")), value.get("currency"), ())
        if errors:
            raise _Invalid(errors[0].message.rstrip("."))
        return {"amount": str(amount), "currency": currency}
    if kind == CustomFieldType.DATE:
        try:
            if not isinstance(value, str) or not DATE_RE.match(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise _Invalid("expected a date (YYYY-MM-DD)") from exc
    if kind == CustomFieldType.TIME:
        try:
            if not isinstance(value, str) or not TIME_RE.match(value):
                raise ValueError(value)
            return canonical_time(dt.time.fromisoformat(value))
        except ValueError as exc:
            raise _Invalid("expected a time (HH:MM or HH:MM:SS)") from exc
    if kind == CustomFieldType.SINGLE_OPTION:
        return _option_id(field, value)
    if kind == CustomFieldType.MULTIPLE_OPTIONS:
        if not isinstance(value, list):
            raise _Invalid("expected a list of option ids")
        return sorted({_option_id(field, v) for v in value}) or None
    return await _reference(viewer, kind, value)


async def clean_values(
    viewer: Viewer,
    entity: CustomFieldEntity,
    values: Mapping[str, Any],
    path: tuple[str, ...],
    *,
    fields: Iterable[CustomField] | None = None,
) -> dict[str, Any]:
    """Check client values by key; None (or an empty value) clears one. Returns the values to
    store, None meaning "remove". Every problem is reported, each at ``(*path, key)``."""
    if not values:
        return {}
    defined = list(fields) if fields is not None else await definitions(viewer.company_id, entity)
    fields_by_key = {f.key: f for f in defined}
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in values.items():
        where = (*path, key)
        field = fields_by_key.get(key)
        if field is None:
            errors.append(FieldError(f"There is no custom field {key!r}.", ErrorCode.UNKNOWN_CUSTOM_FIELD, where))
            continue
        if value is None:
            out[key] = None
            continue
        try:
            out[key] = await _clean_one(viewer, field, value)
        except _Invalid as exc:
            errors.append(FieldError(f"{field.name}: {exc}.", ErrorCode.INVALID_CUSTOM_FIELD_VALUE, where))
    if errors:
        raise DomainError(errors)
    return out


def merge(stored: Mapping[str, Any], cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values with the cleaned ones applied. Keys of deleted fields are kept as they are."""
    out = dict(stored)
    for key, value in cleaned.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def value_changes(
    viewer: Viewer, entity_type: str, entity_id: object, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[ChangeLogEntry]:
    """One change-log entry per custom field whose value changed, named ``custom_fields.<key>``."""
    return [
        changelog.entry(
            viewer, viewer.company_id, entity_type, entity_id, "UPDATED", f"custom_fields.{key}", before.get(key), new
        )
        for key in sorted(set(before) | set(after))
        if (new := after.get(key)) != before.get(key)
    ]


async def changed_values(
    viewer: Viewer,
    entity: CustomFieldEntity,
    record: Any,
    entity_type: str,
    given: Mapping[str, Any] | None,
    path: tuple[str, ...],
) -> tuple[dict[str, Any] | None, list[ChangeLogEntry]]:
    """For an update: the record's new ``custom_fields`` (None when nothing changes) and the
    change-log entries saying what changed."""
    if not given:
        return None, []
    cleaned = await clean_values(viewer, entity, given, path)
    stored = record.custom_fields or {}
    merged = merge(stored, cleaned)
    entries = value_changes(viewer, entity_type, record.id, stored, merged)
    return (merged if entries else None), entries


def _numeric(field_type: CustomFieldType, value: Any) -> Decimal | None:
    try:
        if field_type == CustomFieldType.MONETARY and isinstance(value, dict):
            return Decimal(str(value.get("amount")))
        if (
            field_type == CustomFieldType.NUMBER
            and isinstance(value, int | float | str)
            and not isinstance(value, bool)
        ):
            return Decimal(str(value))
    except InvalidOperation:
        return None
    return None


def formula_values(
    fields: Iterable[CustomField], stored: Mapping[str, Any], deal_value: Decimal | None
) -> dict[str, Decimal | None]:
    """Each formula field's result for one deal (None where it cannot be computed)."""
    fields = list(fields)
    inputs: dict[str, Decimal | None] = {VALUE_REF: deal_value}
    for field in fields:
        if field.type in NUMERIC_TYPES and field.key in stored:
            inputs[field.key] = _numeric(CustomFieldType(field.type), stored[field.key])
    out: dict[str, Decimal | None] = {}
    for field in fields:
        if field.type == CustomFieldType.FORMULA and field.formula:
            try:
                out[field.key] = parse(field.formula).evaluate(inputs)
            except FormulaError:
                out[field.key] = None  # a field it used was deleted and the text no longer parses
    return out


def without_formulas(fields: Iterable[CustomField], stored: Mapping[str, Any]) -> dict[str, Any]:
    formula_keys = {f.key for f in fields if f.type == CustomFieldType.FORMULA}
    return {k: v for k, v in stored.items() if k not in formula_keys}


def api_value(field: CustomField, stored: Any) -> Any:
    """A stored value as the API shows it: references as global ids."""
    if stored is None:
        return None
    reference = REFERENCE_TYPES.get(CustomFieldType(field.type))
    if reference is not None:
        return to_global_id(reference[0], stored)
    return stored


@dataclass(frozen=True)
class FieldValue:
    field: CustomField
    value: Any


def field_values(
    fields: Iterable[CustomField], stored: Mapping[str, Any], *, deal_value: Decimal | None, with_formulas: bool
) -> list[FieldValue]:
    """Every defined field with the record's value (None when it has none), in the fields' order."""
    fields = list(fields)
    computed = formula_values(fields, stored, deal_value) if with_formulas else {}
    out: list[FieldValue] = []
    for field in fields:
        if field.type == CustomFieldType.FORMULA:
            if not with_formulas:
                continue
            result = computed.get(field.key)
            out.append(FieldValue(field, json_number(result) if result is not None else None))
        else:
            out.append(FieldValue(field, api_value(field, stored.get(field.key))))
    return out
