#!/usr/bin/env python3
"""Benchmark whole `roadmap` processes on synthetic histories (stdlib + the project).

Builds data dirs with 1,000 / 10,000 / 100,000 sessions over five years on the bundled
tree (and a 2,000-skill tree), then measures, per command, the median wall time and
peak memory (max RSS of that process, from wait4) over N runs, each alternated with
`python -c pass` so the ratio is robust to the machine's mood.

    python bench/bench.py                 # full run (about 15 minutes on 2 cores)
    python bench/bench.py --smoke         # CI: smallest size, 3 runs, checks it all works
    python bench/bench.py --write         # also write the results into bench/README.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).with_name("roadmap")
ROADMAP = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "roadmap"]

READS = [
    ("--help", ["--help"]),
    ("status", ["status"]),
    ("status --json", ["status", "--json"]),
    ("tree", ["tree"]),
    ("sessions --limit 20", ["sessions", "--limit", "20"]),
    ("gaps", ["gaps"]),
    ("next", ["next"]),
    ("show", ["show", "cuda-programming"]),
    ("report --month", ["report", "--month"]),
    ("report (all)", ["report"]),
]
WRITES = [
    ("log", ["log", "cuda-programming", "30m", "--on", "-1d"]),
    ("assess", ["assess", "triton-kernels", "2"]),
]
# Writes that must alternate: each run does the first, then the second (both measured).
PAIRS = [
    (("start", ["start", "cuda-programming"]), ("stop", ["stop"])),
    (
        ("check", ["check", "gpu-architecture", "1.1"]),
        ("uncheck", ["uncheck", "gpu-architecture", "1.1"]),
    ),
]
COMPLETION = {
    "_ROADMAP_COMPLETE": "complete_bash",
    "COMP_WORDS": "roadmap log cu",
    "COMP_CWORD": "2",
}
EXPORTS = [
    ("export json", ["export", "--format", "json"]),
    ("export csv", ["export", "--format", "csv"]),
    ("export html", ["export", "--format", "html"]),
]


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(args)}\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def measure(args: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    times, base, peak = [], [], 0.0
    for _ in range(runs):
        base.append(run_once([sys.executable, "-c", "pass"], env)[0])
        seconds, mib, _ = run_once(args, env)
        times.append(seconds)
        peak = max(peak, mib)
    med, med_base = statistics.median(times), statistics.median(base)
    return {"ms": med * 1000, "base_ms": med_base * 1000, "ratio": med / med_base, "mib": peak}


def measure_pair(
    first: list[str], second: list[str], env: dict[str, str], runs: int
) -> tuple[dict[str, float], dict[str, float]]:
    a: list[float] = []
    b: list[float] = []
    base: list[float] = []
    peak_a = peak_b = 0.0
    for _ in range(runs):
        base.append(run_once([sys.executable, "-c", "pass"], env)[0])
        seconds, mib, _ = run_once(first, env)
        a.append(seconds)
        peak_a = max(peak_a, mib)
        seconds, mib, _ = run_once(second, env)
        b.append(seconds)
        peak_b = max(peak_b, mib)
    med_base = statistics.median(base)
    return (
        {
            "ms": statistics.median(a) * 1000,
            "base_ms": med_base * 1000,
            "ratio": statistics.median(a) / med_base,
            "mib": peak_a,
        },
        {
            "ms": statistics.median(b) * 1000,
            "base_ms": med_base * 1000,
            "ratio": statistics.median(b) / med_base,
            "mib": peak_b,
        },
    )


def show(label: str, r: dict[str, float]) -> None:
    print(f"  {label:22} {r['ms']:7.1f} ms  {r['ratio']:5.1f}x  {r['mib']:5.1f} MiB", flush=True)


def env_for(home: Path, skills: Path | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROADMAP_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update({"ROADMAP_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100"})
    if skills is not None:
        env["ROADMAP_SKILLS"] = str(skills)
    return env


def build(home: Path, sessions: int, skills: Path | None = None, seed: int = 7) -> None:
    """A data dir with ``sessions`` sessions over five years, plus checks and level changes."""
    env = env_for(home, skills)
    run_once([*ROADMAP, "tree"], env)
    conn = sqlite3.connect(home / "roadmap.db")
    rng = random.Random(seed)
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM skill WHERE id NOT IN "
            "(SELECT DISTINCT parent_id FROM skill WHERE parent_id IS NOT NULL)"
        )
    ]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    span = 5 * 365 * 24 * 3600

    def rows() -> Iterator[tuple[object, ...]]:
        # A generator, so this process stays small: a child's peak RSS (from wait4) starts
        # at its parent's size at fork, and would otherwise report ours.
        for i in range(sessions):
            start = now - timedelta(seconds=span * (i + 1) / sessions) - timedelta(hours=1)
            yield (
                rng.choice(ids),
                start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                start.astimezone().date().isoformat(),
                rng.randint(15, 180),
                f"synthetic {i}",
                "[]",
                "[]",
                "log",
                None,
                now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
        "source_key, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows(),
    )
    for skill_id in ids[: max(1, len(ids) // 3)]:
        level = rng.randint(1, 3)
        at = (now - timedelta(days=rng.randint(1, 900))).strftime("%Y-%m-%dT%H:%M:%SZ")
        conn.execute(
            "UPDATE skill SET level = ?, level_changed_at = ? WHERE id = ?", (level, at, skill_id)
        )
        conn.execute(
            "INSERT INTO level_change (skill_id, level, previous, changed_at, cause) "
            "VALUES (?, ?, 0, ?, 'bench')",
            (skill_id, level, at),
        )
    conn.commit()
    conn.close()


def big_tree(path: Path, count: int = 2000) -> None:
    lines = ["version: 1", "title: Big tree", "default_target: all", "pillars:"]
    per = count // 4
    for p in range(4):
        lines += [f"  - id: p{p}", f"    name: Pillar {p}", "    skills:"]
        for s in range(per):
            sid = f"s{p}-{s}"
            lines += [f"      - id: {sid}", f"        name: Skill {p}.{s}", "        weight: 2"]
            if s:
                lines.append(f"        requires: [s{p}-{s - 1}]")
            lines.append(
                '        milestones: {1: ["first of ' + sid + '"], 2: ["second of ' + sid + '"]}'
            )
    lines += ["targets:", "  - id: all", "    name: All", "    requires:"]
    lines += [f"      s{p}-{s}: 2" for p in range(4) for s in range(0, per, 5)]
    path.write_text("\n".join(lines) + "\n")


def watson_file(path: Path, frames: int) -> None:
    now = int(time.time())
    names = ["cuda-programming", "triton", "mpi", "gpu-architecture"]
    with path.open("w") as out:
        out.write("[")
        for i in range(frames):
            start = now - (i + 1) * 3600 * 6
            out.write(
                ("," if i else "")
                + json.dumps([start, start + 1800, names[i % 4], f"f{i}", [], start])
            )
        out.write("]")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="smallest size, few runs (CI)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--write", action="store_true", help="write results into bench/README.md")
    opts = parser.parse_args()
    sizes = [1000] if opts.smoke else [int(s) for s in opts.sizes.split(",")]
    runs = 3 if opts.smoke else opts.runs
    results: dict[str, dict[str, dict[str, float]]] = {}
    # As installed from a wheel: the package's bytecode is compiled (an editable install under
    # PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start).
    import roadmap

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(roadmap.__file__).parent)], check=True
    )
    root = Path(tempfile.mkdtemp(prefix="roadmap-bench-"))
    try:
        for size in sizes:
            home = root / f"h{size}"
            t0 = time.perf_counter()
            build(home, size)
            print(f"# {size:,} sessions (built in {time.perf_counter() - t0:.1f}s)", flush=True)
            env = env_for(home)
            col = results.setdefault(f"{size:,}", {})
            for name, args in READS + WRITES:
                col[name] = measure(ROADMAP + args, env, runs)
                show(name, col[name])
            col["completion (skill id)"] = measure(ROADMAP, {**env, **COMPLETION}, runs)
            show("completion (skill id)", col["completion (skill id)"])
            for (name_a, args_a), (name_b, args_b) in PAIRS:
                col[name_a], col[name_b] = measure_pair(
                    ROADMAP + args_a, ROADMAP + args_b, env, runs
                )
                show(name_a, col[name_a])
                show(name_b, col[name_b])
            for name, args in EXPORTS:
                col[name] = measure(ROADMAP + args, env, max(3, runs // 5))
                print(
                    f"  {name:22} {col[name]['ms']:7.1f} ms  {col[name]['ratio']:5.1f}x  {col[name]['mib']:5.1f} MiB",
                    flush=True,
                )
            export = root / f"export{size}.json"
            with export.open("w") as out:
                subprocess.run(
                    [*ROADMAP, "export", "--format", "json"], env=env, stdout=out, check=True
                )
            frames = root / f"frames{size}"
            watson_file(frames, size)
            for name, path in (("import json", export), ("import watson", frames)):
                samples = []
                for i in range(max(3, runs // 5)):
                    fresh = root / f"imp{size}-{name[-4:]}-{i}"
                    run_once([*ROADMAP, "tree"], env_for(fresh))
                    samples.append(measure([*ROADMAP, "import", str(path)], env_for(fresh), 1))
                    shutil.rmtree(fresh)
                col[name] = {
                    k: statistics.median(s[k] for s in samples) for k in ("ms", "base_ms", "ratio")
                }
                col[name]["mib"] = max(s["mib"] for s in samples)
                print(
                    f"  {name:22} {col[name]['ms']:7.1f} ms  {col[name]['ratio']:5.1f}x  {col[name]['mib']:5.1f} MiB",
                    flush=True,
                )
        tree = root / "big.yaml"
        big_tree(tree)
        home = root / "big"
        build(home, 1000 if opts.smoke else 10000, tree)
        env = env_for(home, tree)
        col = results.setdefault("2,000 skills", {})
        for name, args in (("status", ["status"]), ("tree", ["tree"])):
            col[name] = measure(ROADMAP + args, env, runs)
            print(
                f"  2000-skill {name:11} {col[name]['ms']:7.1f} ms  {col[name]['ratio']:5.1f}x  {col[name]['mib']:5.1f} MiB",
                flush=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = render(results)
    print(table)
    if opts.write:
        write_readme(table, runs)


def render(results: dict[str, dict[str, dict[str, float]]]) -> str:
    columns = list(results)
    names: list[str] = []
    for col in results.values():
        names += [n for n in col if n not in names]
    head = "| command | " + " | ".join(f"{c}: ms (×pass) MiB" for c in columns) + " |"
    lines = [head, "|---|" + "---:|" * len(columns)]
    for name in names:
        cells = []
        for c in columns:
            r = results[c].get(name)
            cells.append(f"{r['ms']:.0f} ({r['ratio']:.1f}×) {r['mib']:.0f}" if r else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    base = statistics.median(r["base_ms"] for col in results.values() for r in col.values())
    lines.append(f"\n`python -c pass`: {base:.1f} ms (median, measured alternately)")
    return "\n".join(lines)


def write_readme(table: str, runs: int) -> None:
    path = ROOT / "bench" / "README.md"
    text = path.read_text()
    marker = "<!-- results -->"
    head = text.split(marker)[0]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    when = datetime.now().strftime("%Y-%m-%d")
    path.write_text(
        f"{head}{marker}\n\nMeasured {when} on {machine}; median of {runs} runs.\n\n{table}\n"
    )


if __name__ == "__main__":
    main()
