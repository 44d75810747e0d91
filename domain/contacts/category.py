"""Categories and category groups (SPEC §8): what kind of organization it is, and whether its
persons have a lead status (a flag per group).

Every company starts with a "Potential customer" group, lead status enabled, holding the
categories Lead and Marketing qualified lead, and a "Customer" group without lead status.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode, fail
from domain import changelog
from domain.contacts.lead_state import start_at_initial
from domain.contacts.lead_status import require_admin
from domain.fold import folded_name_taken
from domain.validation import text
from domain.viewer import Viewer
from models import Category, CategoryGroup

GROUP_ENTITY = "category_group"
CATEGORY_ENTITY = "category"
DEFAULT_GROUPS = (
    ("Potential customer", True, ("Lead", "Marketing qualified lead")),
    ("Customer", False, ("Customer",)),
)


async def create_default_categories(company_id: int) -> None:
    position = 0
    for group_position, (group_name, enabled, names) in enumerate(DEFAULT_GROUPS):
        group = await CategoryGroup.create(
            company_id=company_id, name=group_name, lead_status_enabled=enabled, position=group_position
        )
        for name in names:
            await Category.create(company_id=company_id, group_id=group.id, name=name, position=position)
            position += 1


def _name(name: str | None) -> str:
    cleaned, errors = text(name, ("input", "name"), required=True, max_length=100)
    if errors:
        raise DomainError(errors)
    assert cleaned is not None
    return cleaned


async def get_group(viewer: Viewer, group_id: int, path: tuple[str, ...] = ("input", "id")) -> CategoryGroup:
    group = await CategoryGroup.get_or_none(id=group_id, company_id=viewer.company_id)
    if group is None:
        raise fail("Category group not found.", ErrorCode.NOT_FOUND, *path)
    return group


async def get_category(viewer: Viewer, category_id: int, path: tuple[str, ...] = ("input", "id")) -> Category:
    category = await Category.get_or_none(id=category_id, company_id=viewer.company_id)
    if category is None:
        raise fail("Category not found.", ErrorCode.NOT_FOUND, *path)
    return category


async def list_groups(viewer: Viewer) -> list[CategoryGroup]:
    return await CategoryGroup.filter(company_id=viewer.company_id).order_by("position", "id")


async def _unique(
    model: type[CategoryGroup] | type[Category], viewer: Viewer, name: str, except_id: int | None
) -> None:
    if await folded_name_taken(model.filter(company_id=viewer.company_id), name, except_id):
        what = "category group" if model is CategoryGroup else "category"
        raise fail(f"A {what} named {name!r} already exists.", ErrorCode.DUPLICATE, "input", "name")


async def create_group(viewer: Viewer, name: str, lead_status_enabled: bool = False) -> CategoryGroup:
    require_admin(viewer, ("input",))
    cleaned = _name(name)
    await _unique(CategoryGroup, viewer, cleaned, None)
    async with in_transaction():
        last = await CategoryGroup.filter(company_id=viewer.company_id).order_by("-position").first()
        group = await CategoryGroup.create(
            company_id=viewer.company_id,
            name=cleaned,
            lead_status_enabled=lead_status_enabled,
            position=(last.position + 1) if last else 0,
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, GROUP_ENTITY, group.id, "CREATED", "name", None, cleaned)]
        )
    return group


async def update_group(
    viewer: Viewer, group_id: int, *, name: str | None = None, lead_status_enabled: bool | None = None
) -> CategoryGroup:
    """Rename a group or switch its lead status. Switching it on gives every person of its
    categories' organizations the initial status; switching it off hides (and keeps) them."""
    require_admin(viewer, ("input",))
    group = await get_group(viewer, group_id)
    before = {"name": group.name, "lead_status_enabled": group.lead_status_enabled}
    if name is not None:
        group.name = _name(name)
        await _unique(CategoryGroup, viewer, group.name, group.id)
    enabling = lead_status_enabled is True and not group.lead_status_enabled
    if lead_status_enabled is not None:
        group.lead_status_enabled = lead_status_enabled
    async with in_transaction():
        await group.save()
        after = {"name": group.name, "lead_status_enabled": group.lead_status_enabled}
        await changelog.write(changelog.field_changes(viewer, viewer.company_id, GROUP_ENTITY, group.id, before, after))
        if enabling:
            await start_at_initial(viewer, viewer.company_id, group_id=group.id)
    return group


async def create_category(viewer: Viewer, group_id: int, name: str) -> Category:
    require_admin(viewer, ("input",))
    cleaned = _name(name)
    group = await get_group(viewer, group_id, ("input", "group_id"))
    await _unique(Category, viewer, cleaned, None)
    async with in_transaction():
        last = await Category.filter(company_id=viewer.company_id).order_by("-position").first()
        category = await Category.create(
            company_id=viewer.company_id, group_id=group.id, name=cleaned, position=(last.position + 1) if last else 0
        )
        await changelog.write(
            [changelog.entry(viewer, viewer.company_id, CATEGORY_ENTITY, category.id, "CREATED", "name", None, cleaned)]
        )
    return category


async def update_category(
    viewer: Viewer, category_id: int, *, name: str | None = None, group_id: int | None = None
) -> Category:
    """Rename a category or move it to another group. Moving it from a group without lead
    status to one with gives the persons of its organizations the initial status."""
    require_admin(viewer, ("input",))
    category = await get_category(viewer, category_id)
    before = {"name": category.name, "group_id": category.group_id}
    if name is not None:
        category.name = _name(name)
        await _unique(Category, viewer, category.name, category.id)
    enabling = False
    if group_id is not None and group_id != category.group_id:
        old_group = await CategoryGroup.get(id=category.group_id)
        new_group = await get_group(viewer, group_id, ("input", "group_id"))
        enabling = new_group.lead_status_enabled and not old_group.lead_status_enabled
        category.group_id = new_group.id
    async with in_transaction():
        await category.save()
        after = {"name": category.name, "group_id": category.group_id}
        await changelog.write(
            changelog.field_changes(viewer, viewer.company_id, CATEGORY_ENTITY, category.id, before, after)
        )
        if enabling:
            await start_at_initial(viewer, viewer.company_id, category_id=category.id)
    return category
