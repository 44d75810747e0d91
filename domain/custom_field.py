"""Custom fields: definitions per entity, values checked against their type, formulas on read.

Leads and deals share one set of definitions (entity LEAD_DEAL), so a value keeps its key when
a lead becomes a deal and back. Values are stored on the record, in ``custom_fields``, by key:
a number as a JSON number, money as ``{"amount": "12.50", "currency": "EUR"}``, a date as
``YYYY-MM-DD``, a time as ``HH:MM[:SS]``, options by their ids, a user, person or organization by
its database id. FORMULA fields (deals only) are never stored: they are computed when read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, FieldError, fail
from core.ids import InvalidId, decode_id, to_global_id
from domain import changelog
from domain.formula import VALUE_REF, FormulaError, parse
from domain.validation import money, text
from domain.viewer import Viewer
from models import CustomField, CustomFieldEntity, CustomFieldType, Organization, Person, User

ENTITY = "custom_field"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,55}$")
OPTION_TYPES = (CustomFieldType.SINGLE_OPTION, CustomFieldType.MULTIPLE_OPTIONS)
NUMERIC_TYPES = (CustomFieldType.NUMBER, CustomFieldType.MONETARY)
REFERENCE_TYPES: dict[CustomFieldType, tuple[str, Any]] = {
    CustomFieldType.USER: ("User", User),
    CustomFieldType.PERSON: ("Person", Person),
    CustomFieldType.ORGANIZATION: ("Organization", Organization),
}
MAX_LARGE_TEXT = 100_000


@dataclass
class OptionData:
    label: str
    color: str | None = None


def slug(name: str) -> str:
    """A key made from a name: ``"Deal probability (%)"`` becomes ``deal_probability``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    key = "_".join(words)[:48] or "field"
    return key if key[0].isalpha() else f"f_{key}"


async def definitions(company_id: int, entity: CustomFieldEntity) -> list[CustomField]:
    """The entity's fields in their order, without deleted ones."""
    return await CustomField.filter(company_id=company_id, entity=entity, deleted_at=None).order_by("position", "id")


async def _check_formula(company_id: int, formula: str | None, path: tuple[str, ...]) -> str:
    if formula is None or not formula.strip():
        raise fail("A formula field needs a formula.", ErrorCode.REQUIRED, *path)
    try:
        parsed = parse(formula.strip())
    except FormulaError as exc:
        raise fail(f"The formula is not valid: {exc}.", ErrorCode.INVALID_FORMULA, *path) from exc
    usable = {
        f.key: f.type for f in await definitions(company_id, CustomFieldEntity.LEAD_DEAL) if f.type in NUMERIC_TYPES
    }
    unknown = sorted(parsed.refs - set(usable) - {VALUE_REF})
    if unknown:
        raise fail(
            "A formula can use {value} and the keys of number and monetary fields; unknown: "
            + ", ".join(unknown)
            + ".",
            ErrorCode.INVALID_FORMULA,
            *path,
        )
    return parsed.text


def _options(options: Iterable[OptionData], path: tuple[str, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, option in enumerate(options):
        label, errors = text(option.label, (*path, str(i), "label"), required=True)
        if errors:
            raise DomainError(errors)
        assert label is not None
        if label.lower() in seen:
            raise fail(f"Option {label!r} is listed twice.", ErrorCode.DUPLICATE, *path, str(i), "label")
        seen.add(label.lower())
        out.append({"id": i + 1, "label": label, "color": option.color})
    if not out:
        raise fail("An option field needs at least one option.", ErrorCode.REQUIRED, *path)
    return out


async def create_custom_field(
    viewer: Viewer,
    entity: CustomFieldEntity,
    name: str,
    type: CustomFieldType,
    *,
    key: str | None = None,
    options: Iterable[OptionData] = (),
    formula: str | None = None,
    path: tuple[str, ...] = ("input",),
) -> CustomField:
    """Define a field. Admins only: a field shows on every record of the company."""
    if not viewer.is_admin:
        raise fail("Only admins define custom fields.", ErrorCode.PERMISSION_DENIED, *path)
    cleaned, errors = text(name, (*path, "name"), required=True)
    if errors:
        raise DomainError(errors)
    assert cleaned is not None
    values: dict[str, Any] = {"name": cleaned, "options": [], "formula": None}
    if type == CustomFieldType.FORMULA:
        if entity != CustomFieldEntity.LEAD_DEAL:
            raise fail("Formula fields exist for deals only.", ErrorCode.INVALID, *path, "type")
        values["formula"] = await _check_formula(viewer.company_id, formula, (*path, "formula"))
    elif formula is not None:
        raise fail("Only a formula field has a formula.", ErrorCode.INVALID, *path, "formula")
    if type in OPTION_TYPES:
        values["options"] = _options(options, (*path, "options"))
    if key is not None:
        if not KEY_RE.match(key):
            raise fail(
                "A key is lower-case letters, digits and '_', starting with a letter.", ErrorCode.INVALID, *path, "key"
            )
        if key == VALUE_REF or await CustomField.exists(company_id=viewer.company_id, entity=entity, key=key):
            raise fail(f"The key {key!r} is taken.", ErrorCode.DUPLICATE, *path, "key")
    async with in_transaction():
        taken = set(await CustomField.filter(company_id=viewer.company_id, entity=entity).values_list("key", flat=True))
        taken.add(VALUE_REF)
        if key is None:
            base = key = slug(cleaned)
            n = 1
            while key in taken:
                n += 1
                key = f"{base}_{n}"
        last = await CustomField.filter(company_id=viewer.company_id, entity=entity).order_by("-position").first()
        field = await CustomField.create(
            company_id=viewer.company_id,
            entity=entity,
            key=key,
            type=type,
            position=last.position + 1 if last else 0,
            **values,
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, field.id, "CREATED", "key", None, key)]
        )
    return field


def _number(value: Any, where: tuple[str, ...]) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail("Expected a number.", ErrorCode.INVALID, *where)
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise fail("Expected a number.", ErrorCode.INVALID, *where) from exc
    if not number.is_finite():
        raise fail("Expected a finite number.", ErrorCode.INVALID, *where)
    return number


def json_number(number: Decimal) -> int | float:
    """A decimal as a JSON number: whole numbers stay exact integers."""
    return int(number) if number == number.to_integral_value() else float(number)


async def _clean_one(viewer: Viewer, field: CustomField, value: Any, where: tuple[str, ...]) -> Any:
    kind = CustomFieldType(field.type)
    if kind == CustomFieldType.FORMULA:
        raise fail(f"{field.name!r} is a formula field: it is computed, not set.", ErrorCode.INVALID, *where)
    if kind in (CustomFieldType.TEXT, CustomFieldType.LARGE_TEXT, CustomFieldType.PHONE, CustomFieldType.ADDRESS):
        if not isinstance(value, str):
            raise fail("Expected text.", ErrorCode.INVALID, *where)
        limit = MAX_LARGE_TEXT if kind in (CustomFieldType.LARGE_TEXT, CustomFieldType.ADDRESS) else 255
        cleaned, errors = text(value, where, max_length=limit)
        if errors:
            raise DomainError(errors)
        if kind == CustomFieldType.PHONE and cleaned is not None and sum(c.isdigit() for c in cleaned) < 3:
            raise fail(f"{cleaned!r} is not a phone number.", ErrorCode.INVALID, *where)
        return cleaned
    if kind == CustomFieldType.NUMBER:
        return json_number(_number(value, where))
    if kind == CustomFieldType.MONETARY:
        if not isinstance(value, dict):
            raise fail("Expected {amount, currency}.", ErrorCode.INVALID, *where)
        amount, currency, errors = money(_number(value.get("amount"), (*where, "amount")), value.get("currency"), where)
        if errors:
            raise DomainError(errors)
        return {"amount": str(amount), "currency": currency}
    if kind == CustomFieldType.DATE:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError) as exc:
            raise fail("Expected a date (YYYY-MM-DD).", ErrorCode.INVALID, *where) from exc
    if kind == CustomFieldType.TIME:
        try:
            return dt.time.fromisoformat(value).isoformat(timespec="minutes" if len(value) <= 5 else "seconds")
        except (TypeError, ValueError) as exc:
            raise fail("Expected a time (HH:MM).", ErrorCode.INVALID, *where) from exc
    if kind in OPTION_TYPES:
        ids = {o["id"] for o in field.options}
        chosen = value if kind == CustomFieldType.MULTIPLE_OPTIONS else [value]
        if not isinstance(chosen, list) or any(isinstance(c, bool) or c not in ids for c in chosen):
            raise fail("Not an option of this field.", ErrorCode.INVALID, *where)
        return sorted(set(chosen)) if kind == CustomFieldType.MULTIPLE_OPTIONS else value
    type_name, model = REFERENCE_TYPES[kind]
    try:
        key = decode_id(str(value), type_name)
    except InvalidId as exc:
        raise fail(f"Expected a {type_name} id.", ErrorCode.INVALID_ID, *where) from exc
    row = await model.get_or_none(id=key, company_id=viewer.company_id)
    visible = row is not None and (
        kind == CustomFieldType.USER or viewer.can_see(row.visibility, row.owner_id)  # type: ignore[union-attr]
    )
    if not visible:
        raise fail(f"{type_name} not found.", ErrorCode.NOT_FOUND, *where)
    return key


async def clean_values(
    viewer: Viewer, entity: CustomFieldEntity, values: Mapping[str, Any], path: tuple[str, ...]
) -> dict[str, Any]:
    """Check client values by key; None clears a value. Returns the values to store (None = remove).

    Error paths point at the n-th value given (``customFields.2.value``), as the API takes a list.
    """
    fields_by_key = {f.key: f for f in await definitions(viewer.company_id, entity)}
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for i, (key, value) in enumerate(values.items()):
        where = (*path, str(i), "value")
        field = fields_by_key.get(key)
        if field is None:
            errors.append(FieldError(f"No custom field {key!r}.", ErrorCode.NOT_FOUND, (*path, str(i), "key")))
            continue
        if value is None:
            out[key] = None
            continue
        try:
            out[key] = await _clean_one(viewer, field, value, where)
        except DomainError as error:
            errors += error.errors
    if errors:
        raise DomainError(errors)
    return out


def merge(stored: Mapping[str, Any], cleaned: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(stored)
    for key, value in cleaned.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


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
