"""How long an export of a large inbox takes, and how much memory it needs: 100,000 leads.

    python bench/export_leads.py                          # a fresh SQLite file in a temporary folder
    python bench/export_leads.py --leads 10000            # smaller
    python bench/export_leads.py --database-url postgresql://postgres@127.0.0.1:5432/leadbox_bench_export

The inbox is seeded by :func:`bench.columns_page.seed` (one company, 8 users, 3 teams, each lead
with its own person, organization, label, planned activity and five custom field values). A
PostgreSQL database named in ``--database-url`` must exist and be empty; it is left filled.

Each export then runs in a fresh child process (so that what seeding allocated does not hide
or inflate anything): the ``exportLeads`` rules check the request, the job is queued and the
worker runs it, writing every lead with the 15 columns of the columns benchmark (5 custom) in
pages of :data:`domain.integration.export.PAGE_ROWS`. A thread samples the process's resident memory
every 50 ms (VmRSS, and apart its anonymous and file-backed parts); the figures are the RSS
before the export, when a tenth and half of its time had passed, and the peak. A second run of
each format traces Python's allocations (tracemalloc) and gives the peak of the Python heap.

Measured with 100,000 leads on the 2-core development machine, shared with three other
helpers' test suites and benchmarks (load average 3.5 to 7 on 2 cores, noted per run, so the
times are perhaps twice an idle machine's); one run each, 15 columns (5 custom), pages of 1,000:

| database | format | time | rows | file | RSS before | at 10% / 50% of time | RSS peak | anon / file growth | load |
|---|---|---|---|---|---|---|---|---|---|
| SQLite | CSV | 113.4 s | 100,000 | 16.0 MiB | 72 MiB | 120 / 175 MiB | 248 MiB (+176) | +15 / +160 MiB | 6.0 |
| SQLite | XLSX | 252.2 s | 100,000 | 7.8 MiB | 72 MiB | 125 / 185 MiB | 249 MiB (+177) | +16 / +160 MiB | 4.9 |
| PostgreSQL 15 | CSV | 144.3 s | 100,000 | 16.0 MiB | 73 MiB | 88 / 90 MiB | 91 MiB (+17) | +17 / +0 MiB | 7.3 |
| PostgreSQL 15 | XLSX | 201.7 s | 100,000 | 7.8 MiB | 72 MiB | 89 / 89 MiB | 90 MiB (+18) | +18 / +0 MiB | 5.1 |

The export's own memory is flat: the anonymous memory (heap) grows by 15 to 18 MiB, the same
as for an export of 3,000 leads (+15 MiB on SQLite), reached on the first pages and not growing
after. On SQLite the file-backed part grows by what the export reads of the database file,
which is memory-mapped (``mmap_size`` 256 MiB, core/db.py): those are the OS's cached pages of
the file, shared and reclaimable, bounded by the mapping, not by the number of rows exported.
(The SQLite runs were made before the writer yielded to the event loop every 100 rows; the
PostgreSQL ones after.) The time is mostly building the ORM rows of each page (leads, persons,
organizations, activities: on SQLite, parsing their timestamps) and, for XLSX, openpyxl making
1.5 million cells: about 1.1 ms a lead for CSV and 2 to 2.5 ms for XLSX on this loaded machine.
Seeding took 230 s on SQLite and 639 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.columns_page import COLUMNS, seed
from core.db import close_db, conn, init_db, is_postgres
from domain.accounts.account import create_company, create_team, create_user
from domain.columns.custom_field import OptionData, create_custom_field
from domain.integration import export
from domain.integration.export import ExportFormat
from domain.leads.query import LeadQuery
from domain.viewer import viewer_for_user
from jobs.export_leads import start_export
from jobs.worker import Worker
from models import CustomFieldEntity, CustomFieldType, Job, JobStatus, Role, User


def memory_mb() -> dict[str, float]:
    """The process's resident memory now, in MiB (Linux): all of it (VmRSS), its anonymous part
    (RssAnon: the heap, SQLite's page cache included) and its file-backed part (RssFile: the
    program, libraries and the pages of a memory-mapped SQLite file)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            out[name] = int(value.split()[0]) / 1024
    return out


class PeakRss:
    """Samples the resident memory every 50 ms in a thread: the peaks, and VmRSS at a share of the time."""

    def __init__(self) -> None:
        self.before = memory_mb()
        self.peak = dict(self.before)
        self.samples: list[float] = [self.before["VmRSS"]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        now = memory_mb()
        self.samples.append(now["VmRSS"])
        self.peak = {k: max(v, now[k]) for k, v in self.peak.items()}

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()

    def at(self, share: float) -> float:
        """VmRSS sampled when ``share`` of the run's time had passed."""
        return self.samples[min(len(self.samples) - 1, int(len(self.samples) * share))]

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


async def set_up(url: str, count: int) -> None:
    await init_db(url)
    try:
        company = await create_company("Bench")
        admin = await create_user(company.id, "Bea Bench", "bea@bench.test", Role.ADMIN)
        users = [admin.id] + [
            (await create_user(company.id, f"Seller {i}", f"s{i}@bench.test", Role.REGULAR)).id for i in range(7)
        ]
        teams = [(await create_team(company.id, f"Team {i}", users[i::3])).id for i in range(3)]
        viewer = await viewer_for_user(admin.id)
        # The custom fields bench.columns_page.seed fills.
        fields = {
            "fleet": (CustomFieldType.NUMBER, []),
            "tier": (CustomFieldType.SINGLE_OPTION, ["Gold", "Silver", "Bronze"]),
            "decide_on": (CustomFieldType.DATE, []),
            "budget": (CustomFieldType.MONETARY, []),
            "manager": (CustomFieldType.USER, []),
        }
        for key, (kind, options) in fields.items():
            await create_custom_field(
                viewer,
                CustomFieldEntity.LEAD_DEAL,
                key.title(),
                kind,
                key=key,
                options=[OptionData(o) for o in options],
            )
        started = time.perf_counter()
        await seed(company.id, users, teams, count)
        await conn().execute_script("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        print(f"seeded {count} leads in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})", flush=True)
    finally:
        await close_db()


async def run_export(url: str, format: ExportFormat, traced: bool) -> None:
    """One export in this process, measured; prints one line of figures."""
    await init_db(url)
    try:
        admin = await User.get(email="bea@bench.test")
        viewer = await viewer_for_user(admin.id)
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        with PeakRss() as memory:
            job = await start_export(viewer, LeadQuery(), list(COLUMNS), format, dt.datetime.now(dt.UTC))
            await Worker().run_pending()
        seconds = time.perf_counter() - started
        job = await Job.get(id=job.id)
        assert job.status == JobStatus.COMPLETED, (job.status, job.error)
        result = job.result
        before, peak = memory.before, memory.peak
        if traced:
            heap = f"Python heap peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB (tracemalloc; slower)"
        else:
            heap = (
                f"{before['VmRSS']:.0f} MiB | {memory.at(0.1):.0f} / {memory.at(0.5):.0f} MiB |"
                f" {peak['VmRSS']:.0f} MiB (+{peak['VmRSS'] - before['VmRSS']:.0f}) |"
                f" +{peak['RssAnon'] - before['RssAnon']:.0f} / +{peak['RssFile'] - before['RssFile']:.0f} MiB"
            )
        print(
            f"| {url.split(':')[0]} | {format.value} | {seconds:.1f} s | {result['rows']:,} |"
            f" {result['fileSize'] / 2**20:.1f} MiB | {heap} | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    finally:
        await close_db()


HEADER = (
    "| database | format | time | rows | file | RSS before | RSS at 10% / 50% of the time | RSS peak"
    " | growth anon / file | load |\n|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the inbox (default 100000)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--formats", default="CSV,XLSX", help="comma-separated (default CSV,XLSX)")
    parser.add_argument(
        "--trace", action="store_true", help="run each format a second time with tracemalloc (several times slower)"
    )
    parser.add_argument("--export-only", choices=[f.value for f in ExportFormat], help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export_only:
        asyncio.run(run_export(args.database_url, ExportFormat(args.export_only), args.traced))
        return
    with tempfile.TemporaryDirectory(prefix="leadbox-bench-export-") as folder:
        url = args.database_url or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(set_up(url, args.leads))
        env = {**os.environ, "LEADBOX_FILES_DIR": str(Path(folder) / "files")}
        print(f"page size {export.PAGE_ROWS}, {len(COLUMNS)} columns")
        print(HEADER)
        for name in args.formats.split(","):
            command = [sys.executable, __file__, "--database-url", url, "--export-only", name.strip().upper()]
            subprocess.run(command, env=env, check=True)
            if args.trace:
                subprocess.run([*command, "--traced"], env=env, check=True)


if __name__ == "__main__":
    main()
