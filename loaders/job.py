"""DataLoaders of jobs' reports: a page of each job's report, and how many entries each has.

The jobs are ones the viewer may see, checked where they were loaded (like the failed items in
loaders/__init__.py); these only read what belongs to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.db import fetch
from models import JobReportEntry

# (job id, how many entries at most, after which (row, id) or None for the first page)
ReportPageKey = tuple[int, int, tuple[int, int] | None]


async def report_pages(keys: Sequence[ReportPageKey]) -> list[list[JobReportEntry]]:
    """Each key's entries in (row, id) order: one statement for every job of a list asked for
    the same page (a list's jobs are all asked with the same arguments)."""
    groups: dict[tuple[int, tuple[int, int] | None], set[int]] = defaultdict(set)
    for job_id, limit, after in keys:
        groups[(limit, after)].add(job_id)
    found: dict[tuple[int, int, tuple[int, int] | None], list[JobReportEntry]] = defaultdict(list)
    for (limit, after), job_ids in groups.items():
        ids = sorted(job_ids)
        where = f"job_id IN ({', '.join('?' * len(ids))})"
        params: list[object] = list(ids)
        if after is not None:
            where += ' AND ("row" > ? OR ("row" = ? AND id > ?))'
            params += [after[0], after[0], after[1]]
        rows = await fetch(
            'SELECT id, job_id, "row", code, field, message FROM ('
            'SELECT id, job_id, "row", code, field, message,'
            ' ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY "row", id) AS n'
            f" FROM job_report_entry WHERE {where}"
            ') AS page WHERE n <= ? ORDER BY job_id, "row", id',
            [*params, limit],
        )
        for row in rows:
            found[(row["job_id"], limit, after)].append(JobReportEntry(**row))
    return [found.get(key, []) for key in keys]


async def report_counts(job_ids: Sequence[int]) -> list[int]:
    """How many entries each job's report has, in one statement."""
    ids = sorted(set(job_ids))
    rows = await fetch(
        f"SELECT job_id, COUNT(*) AS n FROM job_report_entry WHERE job_id IN ({', '.join('?' * len(ids))})"
        " GROUP BY job_id",
        ids,
    )
    counts = {row["job_id"]: int(row["n"]) for row in rows}
    return [counts.get(job_id, 0) for job_id in job_ids]
