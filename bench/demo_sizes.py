"""How long ``leadbox demo --leads N`` takes, and how much memory it needs, for several sizes.

    python bench/demo_sizes.py                         # 0, 10,000 and 100,000 leads
    python bench/demo_sizes.py --sizes 1000000         # the largest demo the CLI accepts

Each size runs the real command in a child process on a fresh temporary SQLite file, so the
figures include start-up and the migrations of an empty database (the size 0 run shows what
those cost alone). Printed per size: wall seconds, CPU seconds of the child (user + system),
its peak resident memory, and the rows it wrote. The demo is written 5,000 leads at a time
(cli/demo.py), so the peak memory should barely grow with N. Figures are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LEADBOX = Path(sys.executable).parent / "leadbox"


def run(leads: int) -> None:
    with tempfile.TemporaryDirectory(prefix="leadbox-demo-bench-") as folder:
        path = Path(folder) / "demo.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite://{path}"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(LEADBOX), "demo", "--leads", str(leads)], env=env, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        with sqlite3.connect(path) as db:
            counts = {
                t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("lead", "person", "organization")
            }
        # ru_maxrss of children is the largest of any child so far (kilobytes on Linux).
        print(
            f"{leads:>9,} leads: {wall:7.1f} s wall, {cpu:7.1f} s CPU, peak RSS {after.ru_maxrss / 1024:6.0f} MB;"
            f" wrote {counts['lead']:,} leads, {counts['person']:,} persons, {counts['organization']:,} organizations",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10000,100000", help="comma-separated lead counts")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        run(size)


if __name__ == "__main__":
    main()
