"""Lead labels: company-wide names and colours; every company starts with Hot, Warm and Cold."""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from core.errors import ErrorCode, fail
from domain import changelog
from domain.fold import fold_key, keyed
from domain.validation import text
from domain.viewer import Viewer
from models import LeadLabel

ENTITY = "lead_label"
DEFAULT_LABELS = (("Hot", "red"), ("Warm", "yellow"), ("Cold", "blue"))
COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z]{3,12})$")

# The order labels are listed in wherever they show (a lead's labels, a merge's preview, the
# company's list): by folded name (domain.fold), then id. LABEL_ORDER is it for a query.
LABEL_ORDER = ("name_key", "id")


def label_order(name_key: str, label_id: int) -> tuple[str, int]:
    """LABEL_ORDER as a sort key, for labels sorted in Python."""
    return (name_key, label_id)


async def create_default_labels(company_id: int) -> None:
    await LeadLabel.bulk_create(
        [LeadLabel(company_id=company_id, color=c, **keyed(LeadLabel, {"name": n})) for n, c in DEFAULT_LABELS]
    )


def _clean_color(color: str) -> str:
    color = color.strip()
    if not COLOR_RE.match(color):
        raise fail(
            "color must be a name such as 'red' or a hex value such as '#ff8800'.", ErrorCode.INVALID, "input", "color"
        )
    return color


async def _check_unique(viewer: Viewer, name: str, except_id: int | None = None) -> None:
    # "hot" beside "Hot" (or "Résumé" beside "resume") would be two labels nobody can tell
    # apart in a filter menu: names clash when they fold alike (domain.fold), on both databases.
    clash = LeadLabel.filter(company_id=viewer.company_id, name_key=fold_key(name))
    if except_id is not None:
        clash = clash.exclude(id=except_id)
    if await clash.exists():
        raise fail(f"A label named {name!r} already exists.", ErrorCode.DUPLICATE, "input", "name")


def check_manage_permission(viewer: Viewer) -> None:
    """Labels are the whole company's: changing them is for admins and users given the
    'manage labels' permission."""
    if not (viewer.is_admin or viewer.can_manage_labels):
        raise fail(
            "Creating, changing or deleting lead labels needs the 'manage labels' permission.",
            ErrorCode.PERMISSION_DENIED,
            "input",
        )


async def create_label(viewer: Viewer, name: str, color: str) -> LeadLabel:
    check_manage_permission(viewer)
    clean_name, errors = text(name, ("input", "name"), required=True, max_length=100)
    if errors:
        raise fail(errors[0].message, errors[0].code, *(errors[0].field or ()))
    assert clean_name is not None
    await _check_unique(viewer, clean_name)
    async with in_transaction():
        label = await LeadLabel.create(
            company_id=viewer.company_id, color=_clean_color(color), **keyed(LeadLabel, {"name": clean_name})
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, label.id, "CREATED", "name", None, label.name)]
        )
    return label


async def get_label(viewer: Viewer, label_id: int) -> LeadLabel:
    label = await LeadLabel.get_or_none(id=label_id, company_id=viewer.company_id)
    if label is None:
        raise fail("Label not found.", ErrorCode.NOT_FOUND, "input", "id")
    return label


async def update_label(viewer: Viewer, label_id: int, name: str | None, color: str | None) -> LeadLabel:
    label = await get_label(viewer, label_id)
    check_manage_permission(viewer)
    before = {"name": label.name, "color": label.color}
    if name is not None:
        clean_name, errors = text(name, ("input", "name"), required=True, max_length=100)
        if errors:
            raise fail(errors[0].message, errors[0].code, *(errors[0].field or ()))
        assert clean_name is not None
        await _check_unique(viewer, clean_name, except_id=label.id)
        label.name, label.name_key = clean_name, fold_key(clean_name)
    if color is not None:
        label.color = _clean_color(color)
    async with in_transaction():
        await label.save()
        after = {"name": label.name, "color": label.color}
        await changelog.write(changelog.field_changes(viewer, viewer.company_id, ENTITY, label.id, before, after))
    return label


async def delete_label(viewer: Viewer, label_id: int) -> None:
    """Delete a label; the leads that carried it simply lose it."""
    label = await get_label(viewer, label_id)
    check_manage_permission(viewer)
    async with in_transaction():
        await label.delete()
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, ENTITY, label_id, "DELETED", "name", label.name, None)]
        )
