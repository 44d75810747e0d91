"""Custom field definitions: define, rename, reorder, delete, restore and purge (SPEC §9).

Leads and deals share one set of definitions (entity LEAD_DEAL), so a value keeps its key when
a lead becomes a deal and back; persons and organizations have a set each. A field's key is
stable: renaming changes the name only. Deleting a field hides it (from lists, columns, filters
and writes) but keeps every stored value, so that a restore brings it back whole; purging a
deleted field removes its values from every record and frees its key. An option keeps its id
for good: a removed option stays in the definition, marked removed, so that its id is never
given to a new option (stored values would silently change meaning).

Values are checked and formatted in :mod:`domain.columns.custom_value`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise.transactions import in_transaction

from core.db import execute, is_postgres
from core.errors import DomainError, ErrorCode, fail
from domain import changelog
from domain.columns.formula import VALUE_REF, FormulaError, parse
from domain.fold import CUSTOM_KEY_TABLES
from domain.validation import text
from domain.viewer import Viewer
from models import Company, CustomField, CustomFieldEntity, CustomFieldType

ENTITY = "custom_field"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,55}$")
COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]{3,12})$")
OPTION_TYPES = (CustomFieldType.SINGLE_OPTION, CustomFieldType.MULTIPLE_OPTIONS)
NUMERIC_TYPES = (CustomFieldType.NUMBER, CustomFieldType.MONETARY)
# The tables holding each entity's values (leads and deals share their definitions).
TABLES: dict[CustomFieldEntity, tuple[str, ...]] = {
    CustomFieldEntity.LEAD_DEAL: ("lead", "deal"),
    CustomFieldEntity.PERSON: ("person",),
    CustomFieldEntity.ORGANIZATION: ("organization",),
}


@dataclass
class OptionData:
    label: str
    color: str | None = None
    # An existing option's id when editing a field; None for a new option.
    id: int | None = None


def slug(name: str) -> str:
    """A key made from a name: ``"Deal probability (%)"`` becomes ``deal_probability``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    key = "_".join(words)[:48] or "field"
    return key if key[0].isalpha() else f"f_{key}"


def live_options(field: CustomField) -> list[dict[str, Any]]:
    """The options a value may take, in order (removed ones left out)."""
    return [o for o in field.options if not o.get("removed")]


async def definitions(company_id: int, entity: CustomFieldEntity) -> list[CustomField]:
    """The entity's fields in their order, without deleted ones."""
    return await CustomField.filter(company_id=company_id, entity=entity, deleted_at=None).order_by("position", "id")


async def all_definitions(company_id: int, *, include_deleted: bool = False) -> list[CustomField]:
    """Every entity's fields in one query, in order."""
    query = CustomField.filter(company_id=company_id)
    if not include_deleted:
        query = query.filter(deleted_at=None)
    return await query.order_by("entity", "position", "id")


# This process's copy of companies' definitions (all_definitions, deleted ones left out), each
# with the company's stamp (models.Company.custom_fields_version) it was read under. The stamp is
# read with the viewer's token (domain.viewer.authenticate) and every change of a company's
# definitions, in any process, gives the company a new one (_changed): a request whose viewer
# carries another stamp reads the definitions again. What is kept was read after its stamp was
# committed, so it is never older than the stamp says.
_CACHED: dict[int, tuple[int, list[CustomField]]] = {}
CACHED_COMPANIES = 1024


def definitions_stamp() -> int:
    """A new stamp for a company's definitions (random: an id made again after a wipe gets another)."""
    return secrets.randbits(62)


async def viewer_definitions(viewer: Viewer) -> list[CustomField]:
    """:func:`all_definitions` of the viewer's company, from this process's cache while the
    company's stamp is the one read with the viewer. The definitions are shared: read them, never
    change them."""
    stamp = viewer.custom_fields_version
    if stamp is None:
        return await all_definitions(viewer.company_id)
    found = _CACHED.get(viewer.company_id)
    if found is not None and found[0] == stamp:
        return list(found[1])
    fields = await all_definitions(viewer.company_id)
    if len(_CACHED) >= CACHED_COMPANIES:
        _CACHED.pop(next(iter(_CACHED)))
    _CACHED[viewer.company_id] = (stamp, fields)
    return list(fields)


async def _changed(company_id: int) -> None:
    """In the transaction of a change of the company's definitions: a new stamp, so that every
    process's copy of them is read again."""
    await Company.filter(id=company_id).update(custom_fields_version=definitions_stamp())
    _CACHED.pop(company_id, None)


def _require_admin(viewer: Viewer, path: tuple[str, ...]) -> None:
    if not viewer.is_admin:
        raise fail("Only admins define custom fields.", ErrorCode.PERMISSION_DENIED, *path)


async def get_custom_field(viewer: Viewer, field_id: int, path: tuple[str, ...] = ("input", "id")) -> CustomField:
    field = await CustomField.get_or_none(id=field_id, company_id=viewer.company_id)
    if field is None:
        raise fail("Custom field not found.", ErrorCode.NOT_FOUND, *path)
    return field


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


def _options(
    options: Iterable[OptionData], path: tuple[str, ...], existing: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """The options to store: given ones in the order given, then those removed (kept for their ids)."""
    known = {o["id"]: o for o in existing}
    next_id = max(known, default=0) + 1
    out: list[dict[str, Any]] = []
    seen_labels: set[str] = set()
    seen_ids: set[int] = set()
    for i, option in enumerate(options):
        where = (*path, str(i))
        label, errors = text(option.label, (*where, "label"), required=True)
        if errors:
            raise DomainError(errors)
        assert label is not None
        if label.lower() in seen_labels:
            raise fail(f"Option {label!r} is listed twice.", ErrorCode.DUPLICATE, *where, "label")
        seen_labels.add(label.lower())
        color = option.color.strip() if option.color else None
        if color is not None and not COLOR_RE.match(color):
            raise fail(
                "color must be a name such as 'red' or a hex value such as '#ff8800'.",
                ErrorCode.INVALID,
                *where,
                "color",
            )
        if option.id is None:
            option_id, next_id = next_id, next_id + 1
        elif option.id in known and option.id not in seen_ids:
            option_id = option.id
        else:
            raise fail(f"This field has no option {option.id}.", ErrorCode.NOT_FOUND, *where, "id")
        seen_ids.add(option_id)
        out.append({"id": option_id, "label": label, "color": color})
    if not out:
        raise fail("An option field needs at least one option.", ErrorCode.REQUIRED, *path)
    removed = [{**o, "removed": True} for o in existing if o["id"] not in seen_ids]
    return out + removed


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
    _require_admin(viewer, path)
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
    options = list(options)
    if type in OPTION_TYPES:
        if any(o.id is not None for o in options):
            raise fail("A new field's options get their ids when it is made.", ErrorCode.INVALID, *path, "options")
        values["options"] = _options(options, (*path, "options"))
    elif options:
        raise fail("Only option fields have options.", ErrorCode.INVALID, *path, "options")
    if key is not None:
        if not KEY_RE.match(key):
            raise fail(
                "A key is lower-case letters, digits and '_', starting with a letter.", ErrorCode.INVALID, *path, "key"
            )
        # Deleted fields keep their keys until purged: their values are still stored under them.
        if key == VALUE_REF or await CustomField.exists(company_id=viewer.company_id, entity=entity, key=key):
            raise fail(f"The key {key!r} is taken.", ErrorCode.DUPLICATE, *path, "key")
    async with in_transaction():
        keys = await CustomField.filter(company_id=viewer.company_id, entity=entity).values_list("key", flat=True)
        taken = set(cast(list[str], keys))
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
        await _changed(viewer.company_id)
    return field


async def update_custom_field(
    viewer: Viewer,
    field_id: int,
    *,
    name: str | None = None,
    options: Sequence[OptionData] | None = None,
    formula: str | None = None,
) -> CustomField:
    """Rename a field, edit its options (by id; new ones without) or its formula. The key stays."""
    _require_admin(viewer, ("input",))
    field = await get_custom_field(viewer, field_id)
    if field.deleted_at is not None:
        raise fail("The field is deleted; restore it first.", ErrorCode.DELETED, "input", "id")
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"], errors = text(name, ("input", "name"), required=True)
        if errors:
            raise DomainError(errors)
    if options is not None:
        if field.type not in OPTION_TYPES:
            raise fail("Only option fields have options.", ErrorCode.INVALID, "input", "options")
        changes["options"] = _options(options, ("input", "options"), field.options)
    if formula is not None:
        if field.type != CustomFieldType.FORMULA:
            raise fail("Only a formula field has a formula.", ErrorCode.INVALID, "input", "formula")
        changes["formula"] = await _check_formula(viewer.company_id, formula, ("input", "formula"))
    before = {k: getattr(field, k) for k in changes}
    async with in_transaction():
        for k, v in changes.items():
            setattr(field, k, v)
        if changes:
            await field.save()
            await _changed(viewer.company_id)
        await changelog.write(changelog.field_changes(viewer, viewer.company_id, ENTITY, field.id, before, changes))
    return field


async def reorder_custom_fields(
    viewer: Viewer, entity: CustomFieldEntity, field_ids: Sequence[int]
) -> list[CustomField]:
    """Put the entity's fields in the order given; every field (not deleted) is listed once."""
    _require_admin(viewer, ("input",))
    fields = await definitions(viewer.company_id, entity)
    by_id = {f.id: f for f in fields}
    if len(field_ids) != len(set(field_ids)) or set(field_ids) != set(by_id):
        raise fail(
            f"List each of the {len(by_id)} fields exactly once, in the order wanted.",
            ErrorCode.INVALID,
            "input",
            "ids",
        )
    async with in_transaction():
        entries = []
        for position, field_id in enumerate(field_ids):
            field = by_id[field_id]
            if field.position != position:
                entries.append(
                    changelog.entry(
                        viewer, viewer.company_id, ENTITY, field.id, "UPDATED", "position", field.position, position
                    )
                )
                field.position = position
                await field.save(update_fields=["position", "updated_at"])
        if entries:
            await _changed(viewer.company_id)
        await changelog.write(entries)
    return [by_id[i] for i in field_ids]


async def delete_custom_field(viewer: Viewer, field_id: int) -> CustomField:
    """Hide a field everywhere; its values stay on the records until it is purged."""
    _require_admin(viewer, ("input",))
    field = await get_custom_field(viewer, field_id)
    if field.deleted_at is not None:
        return field
    async with in_transaction():
        field.deleted_at = dt.datetime.now(dt.UTC)
        await field.save(update_fields=["deleted_at", "updated_at"])
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, field.id, "DELETED", "key", field.key)]
        )
        await _changed(viewer.company_id)
    return field


async def restore_custom_field(viewer: Viewer, field_id: int) -> CustomField:
    """Bring a deleted field back with every value it had."""
    _require_admin(viewer, ("input",))
    field = await get_custom_field(viewer, field_id)
    if field.deleted_at is None:
        raise fail("The field is not deleted.", ErrorCode.CONFLICT, "input", "id")
    async with in_transaction():
        field.deleted_at = None
        await field.save(update_fields=["deleted_at", "updated_at"])
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, field.id, "RESTORED", "key", field.key)]
        )
        await _changed(viewer.company_id)
    return field


async def purge_custom_field(viewer: Viewer, field_id: int) -> int:
    """Remove a deleted field's values from every record, and the field itself; its key is free again.

    One UPDATE per table, whatever the number of records. Returns the number of records that
    held a value.
    """
    _require_admin(viewer, ("input",))
    field = await get_custom_field(viewer, field_id)
    if field.deleted_at is None:
        raise fail("Only a deleted field can be purged; delete it first.", ErrorCode.CONFLICT, "input", "id")
    assert KEY_RE.match(field.key), field.key  # keys are checked when made; they go into the SQL text below
    changed = 0
    async with in_transaction():
        for table in TABLES[CustomFieldEntity(field.entity)]:
            # The folded values (domain.fold.custom_keys) go with the values.
            columns = ("custom_fields", "custom_keys") if table in CUSTOM_KEY_TABLES else ("custom_fields",)
            if is_postgres():
                sets = ", ".join(f"{c} = {c} - '{field.key}'" for c in columns)
                sql = (
                    f"UPDATE \"{table}\" SET {sets} WHERE company_id = ? AND jsonb_exists(custom_fields, '{field.key}')"
                )
            else:
                sets = ", ".join(f"{c} = json_remove({c}, '$.{field.key}')" for c in columns)
                sql = (
                    f'UPDATE "{table}" SET {sets}'
                    f" WHERE company_id = ? AND json_type(custom_fields, '$.{field.key}') IS NOT NULL"
                )
            changed += await execute(sql, [viewer.company_id])
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, field.id, "PURGED", "key", field.key, changed)]
        )
        await field.delete()
        await _changed(viewer.company_id)
    return changed
