#!/usr/bin/env python3
"""The same whole-process measurements on a PostgreSQL server, beside SQLite.

Starts a throwaway cluster (``tests/pgcluster.py``, Debian's ``postgresql`` package),
builds the synthetic SQLite history of ``bench.py`` at each size, moves it to the
server with ``roadmap export --format json`` + ``roadmap import`` (timed), then measures
the everyday commands on both databases, alternated with ``python -c pass``.

    python bench/bench_postgres.py                # 1,000 and 100,000 sessions, 10 runs
    python bench/bench_postgres.py --smoke        # 1,000 sessions, 3 runs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import bench  # noqa: E402
from tests import pgcluster  # noqa: E402

COMMANDS = [
    ("status", ["status"]),
    ("status --json", ["status", "--json"]),
    ("tree", ["tree"]),
    ("sessions --limit 20", ["sessions", "--limit", "20"]),
    ("show", ["show", "cuda-programming"]),
    ("report (all)", ["report"]),
    ("log", ["log", "cuda-programming", "30m", "--on", "-1d"]),
    ("export json", ["export", "--format", "json"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="1000,100000")
    opts = parser.parse_args()
    sizes = [1000] if opts.smoke else [int(s) for s in opts.sizes.split(",")]
    runs = 3 if opts.smoke else opts.runs
    cluster = pgcluster.start()
    try:
        with tempfile.TemporaryDirectory() as work:
            print("| sessions | command | SQLite | PostgreSQL | PostgreSQL ÷ SQLite |")
            print("|---|---|---|---|---|")
            for size in sizes:
                home = Path(work) / f"h{size}"
                bench.build(home, size)
                lite = bench.env_for(home)
                dump = Path(work) / f"h{size}.json"
                bench.run_once(
                    [*bench.ROADMAP, "export", "--format", "json", "-o", str(dump)], lite
                )
                name = cluster.create_database()
                server = {**lite, "ROADMAP_DB": cluster.url(name)}
                started = time.perf_counter()
                bench.run_once([*bench.ROADMAP, "import", str(dump)], server)
                moved = time.perf_counter() - started
                print(f"| {size:,} | import of the JSON export | | {moved:.2f} s | |", flush=True)
                for label, args in COMMANDS:
                    a = bench.measure([*bench.ROADMAP, *args], lite, runs)
                    b = bench.measure([*bench.ROADMAP, *args], server, runs)
                    print(
                        f"| {size:,} | `{label}` | {a['ms']:.0f} ms ({a['ratio']:.1f}×), "
                        f"{a['mib']:.0f} MiB | {b['ms']:.0f} ms ({b['ratio']:.1f}×), "
                        f"{b['mib']:.0f} MiB | {b['ms'] / a['ms']:.2f} |",
                        flush=True,
                    )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
