"""Which labels each lead carries: set, add or remove them on many leads at once."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from domain import changelog
from domain.viewer import Viewer
from models import ChangeLogEntry, LeadLabel, LeadLabelLink

ENTITY = "lead"
CHUNK = 500


def chunks(items: Sequence[uuid.UUID], size: int = CHUNK) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


async def current_labels(lead_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[int]]:
    current: dict[uuid.UUID, set[int]] = {i: set() for i in lead_ids}
    for chunk in chunks(lead_ids):
        for lead_id, label_id in await LeadLabelLink.filter(lead_id__in=chunk).values_list("lead_id", "label_id"):
            current[uuid.UUID(str(lead_id))].add(label_id)
    return current


async def replace_labels(
    lead_ids: Sequence[uuid.UUID],
    label_ids: Iterable[int] | None,
    viewer: Viewer,
    *,
    add: Iterable[int] = (),
    remove: Iterable[int] = (),
) -> list[ChangeLogEntry]:
    """Set each lead's labels (or add/remove some) and return the change-log entries.

    The statements do not grow with the number of leads beyond one per label touched (and one
    per 500 leads read): a bulk change over a whole filter result stays quick.
    """
    current = await current_labels(lead_ids)
    names = dict(await LeadLabel.filter(company_id=viewer.company_id).values_list("id", "name"))

    def named(ids: set[int]) -> list[str]:
        return sorted(names.get(i, "") for i in ids)

    target_all = set(label_ids) if label_ids is not None else None
    entries = []
    to_add: list[LeadLabelLink] = []
    to_remove: dict[int, list[uuid.UUID]] = defaultdict(list)
    for lead_id, have in current.items():
        want = set(target_all) if target_all is not None else (have | set(add)) - set(remove)
        if want == have:
            continue
        to_add += [LeadLabelLink(lead_id=lead_id, label_id=i) for i in sorted(want - have)]
        for label_id in sorted(have - want):
            to_remove[label_id].append(lead_id)
        entries.append(
            changelog.entry(viewer, viewer.company_id, ENTITY, lead_id, "UPDATED", "labels", named(have), named(want))
        )
    for label_id, leads in to_remove.items():
        for chunk in chunks(leads):
            await LeadLabelLink.filter(label_id=label_id, lead_id__in=chunk).delete()
    if to_add:
        await LeadLabelLink.bulk_create(to_add, batch_size=CHUNK)
    return entries
