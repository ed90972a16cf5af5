#!/usr/bin/env python3
"""Benchmark whole `roadmap` processes on synthetic histories (stdlib + the project).

Builds data dirs with 1,000 / 10,000 / 100,000 sessions over five years on the bundled
tree (and a 2,000-skill tree), then measures, per command, the median wall time and
peak memory (max RSS of that process, from wait4) over N runs, each alternated with
`python -c pass` so the ratio is robust to the machine's mood.

Beside Watson (td-watson, installed from PyPI into bench/.watson-venv on first use):
`roadmap log` / `start` / `stop` against `watson add` / `start` / `stop`, run in turn,
with Watson holding the same history (its frames file) and with an empty one.

    python bench/bench.py                 # full run (about 20 minutes on 2 cores)
    python bench/bench.py --part writes   # the writes at 100,000 sessions, Watson, import
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
    ("review", ["review"]),
    ("show", ["show", "cuda-programming"]),
    ("report --month", ["report", "--month"]),
    ("report (all)", ["report"]),
]
WRITES = [
    # A day before the synthetic history: its days hold ~55 overlapping sessions, and a day
    # holds 24 hours of sessions at most (placement refuses more).
    ("log", ["log", "cuda-programming", "10m", "--on", "2015-06-01"]),
    ("assess", ["assess", "triton-kernels", "2"]),
]
# Writes that must alternate: each run does the first, then the second (both measured).
PAIRS = [
    (("start", ["start", "cuda-programming"]), ("stop", ["stop"])),
    (
        ("check", ["check", "gpu-architecture", "1.1"]),
        ("uncheck", ["uncheck", "gpu-architecture", "1.1"]),
    ),
    (("edit", ["edit", "1", "--note", "edited by the benchmark"]), ("undo", ["undo"])),
]
# A skills file that must be refused, fast (exit 65): each is measured like a command.
REFUSALS = [
    ("50 MiB skills file", "huge.yaml"),
    ("endless /dev/zero", "/dev/zero"),
    ("alias bomb", "bomb.yaml"),
]
WATSON_VERSION = "2.1.0"
WATSON_VENV = ROOT / "bench" / ".watson-venv"  # git-ignored
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


def run_once(args: list[str], env: dict[str, str], expect: int = 0) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one whole process, which must exit ``expect``."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != expect:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(args)}\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def measure(args: list[str], env: dict[str, str], runs: int, expect: int = 0) -> dict[str, float]:
    times, base, peak = [], [], 0.0
    for _ in range(runs):
        base.append(run_once([sys.executable, "-c", "pass"], env)[0])
        seconds, mib, _ = run_once(args, env, expect)
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
            minutes = rng.randint(15, 180)  # every session ends at least an hour before now
            start = now - timedelta(seconds=span * (i + 1) / sessions, minutes=minutes + 60)
            yield (
                rng.choice(ids),
                start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                start.astimezone().date().isoformat(),
                minutes,
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


def leaf_ids(home: Path) -> list[str]:
    """The leaf skills of a built data dir's tree (what sessions and frames can name)."""
    conn = sqlite3.connect(home / "roadmap.db")
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM skill WHERE id NOT IN (SELECT DISTINCT parent_id FROM skill "
                "WHERE parent_id IS NOT NULL) ORDER BY id"
            )
        ]
    finally:
        conn.close()


def watson_file(path: Path, frames: int, names: list[str]) -> None:
    """A Watson frames file: ``frames`` frames on real leaf ids, a tag or two on every one."""
    now = int(time.time())
    with path.open("w") as out:
        out.write("[")
        for i in range(frames):
            start = now - (i + 1) * 1800  # back to back: 100,000 frames reach 5.7 years back
            tags = ["bench", f"topic-{i % 7}"] if i % 2 else [f"topic-{i % 5}"]
            frame = [start, start + 1500, names[i % len(names)], f"{i:032x}", tags, start]
            out.write(("," if i else "") + json.dumps(frame))
        out.write("]")


def refusal_files(root: Path) -> dict[str, Path]:
    """Hostile skills files (tests/test_hostile.py checks they are refused; here: how fast)."""
    huge = root / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"version: 1\npillars:\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to make
    bomb = root / "bomb.yaml"
    bomb.write_text(
        "a: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
            for i in range(9)
        )
    )
    return {"huge.yaml": huge, "bomb.yaml": bomb, "/dev/zero": Path("/dev/zero")}


def ensure_watson() -> Path:
    """``watson`` from PyPI in its own venv (made on first use, then reused)."""
    watson = WATSON_VENV / "bin" / "watson"
    if not watson.exists():
        print(f"# installing td-watson {WATSON_VERSION} into {WATSON_VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(WATSON_VENV)], check=True)
        subprocess.run(
            [str(WATSON_VENV / "bin" / "python"), "-m", "pip", "install", "-q",
             f"td-watson=={WATSON_VERSION}"],
            check=True,
        )  # fmt: skip
    return watson


def versus_watson(
    env: dict[str, str], frames: Path | None, root: Path, runs: int, label: str
) -> dict[str, dict[str, float]]:
    """``roadmap log/start/stop`` and ``watson add/start/stop`` in turn, each run:
    pass, log, add, start, start, stop, stop. Watson's history: a copy of ``frames``
    (the same sessions as roadmap's) or none."""
    watson = str(ensure_watson())
    wdir = root / f"watson-{label}"
    wdir.mkdir()
    if frames is not None:
        shutil.copyfile(frames, wdir / "frames")
    wenv = {**env, "WATSON_DIR": str(wdir)}
    day = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    pairs = [
        ("log", ["log", "cuda-programming", "10m", "--on", "2015-06-01", "--tag", "bench"],
         "add", ["add", "-f", f"{day} 10:00", "-t", f"{day} 10:30", "cuda-programming", "+bench"]),
        ("start", ["start", "cuda-programming"], "start", ["start", "cuda-programming", "+bench"]),
        ("stop", ["stop"], "stop", ["stop"]),
    ]  # fmt: skip
    samples: dict[str, list[tuple[float, float, float, float]]] = {p[0]: [] for p in pairs}
    base: list[float] = []
    for _ in range(runs):
        base.append(run_once([sys.executable, "-c", "pass"], env)[0])
        for ours, our_args, _, their_args in pairs:
            mine, my_mib, _ = run_once(ROADMAP + our_args, env)
            theirs, their_mib, _ = run_once([watson, *their_args], wenv)
            samples[ours].append((mine, theirs, my_mib, their_mib))
    med_base = statistics.median(base)
    out: dict[str, dict[str, float]] = {}
    for ours, _, their_name, _ in pairs:
        s = samples[ours]
        out[f"{ours} vs watson {their_name}"] = {
            "ms": statistics.median(x[0] for x in s) * 1000,
            "watson_ms": statistics.median(x[1] for x in s) * 1000,
            "vs": statistics.median(x[0] / x[1] for x in s),  # pair by pair
            "ratio": statistics.median(x[0] for x in s) / med_base,
            "watson_ratio": statistics.median(x[1] for x in s) / med_base,
            "mib": max(x[2] for x in s),
            "watson_mib": max(x[3] for x in s),
            "base_ms": med_base * 1000,
        }
    return out


def show_versus(label: str, r: dict[str, float]) -> None:
    print(
        f"  {label:22} {r['ms']:7.1f} ms  vs {r['watson_ms']:7.1f} ms: "
        f"{r['vs']:4.2f}x Watson's time",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="smallest size, few runs (CI)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--part",
        choices=["all", "writes"],
        default="all",
        help="writes: only the writes and imports at the largest size, and Watson",
    )
    parser.add_argument(
        "--watson",
        choices=["auto", "yes", "no"],
        default="auto",
        help="compare with Watson (auto: yes, except with --smoke)",
    )
    parser.add_argument("--write", action="store_true", help="write results into bench/README.md")
    opts = parser.parse_args()
    sizes = [1000] if opts.smoke else [int(s) for s in opts.sizes.split(",")]
    if opts.part == "writes":
        sizes = sizes[-1:]
    runs = 3 if opts.smoke else opts.runs
    with_watson = opts.watson == "yes" or (opts.watson == "auto" and not opts.smoke)
    everything = opts.part == "all"
    results: dict[str, dict[str, dict[str, float]]] = {}
    versus: dict[str, dict[str, float]] = {}
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
            for name, args in (READS if everything else []) + WRITES:
                col[name] = measure(ROADMAP + args, env, runs)
                show(name, col[name])
            if everything:
                col["completion (skill id)"] = measure(ROADMAP, {**env, **COMPLETION}, runs)
                show("completion (skill id)", col["completion (skill id)"])
            for (name_a, args_a), (name_b, args_b) in PAIRS:
                col[name_a], col[name_b] = measure_pair(
                    ROADMAP + args_a, ROADMAP + args_b, env, runs
                )
                show(name_a, col[name_a])
                show(name_b, col[name_b])
            for name, args in EXPORTS if everything else []:
                col[name] = measure(ROADMAP + args, env, max(3, runs // 5))
                show(name, col[name])
            export = root / f"export{size}.json"
            with export.open("w") as out:
                subprocess.run(
                    [*ROADMAP, "export", "--format", "json"], env=env, stdout=out, check=True
                )
            frames = root / f"frames{size}"
            watson_file(frames, size, leaf_ids(home))
            for name, path in (("import json", export), ("import watson (tagged)", frames)):
                samples = []
                for i in range(max(3, runs // 5)):
                    fresh = root / f"imp{size}-{i}"
                    run_once([*ROADMAP, "tree"], env_for(fresh))
                    samples.append(measure([*ROADMAP, "import", str(path)], env_for(fresh), 1))
                    shutil.rmtree(fresh)
                col[name] = {
                    k: statistics.median(s[k] for s in samples) for k in ("ms", "base_ms", "ratio")
                }
                col[name]["mib"] = max(s["mib"] for s in samples)
                show(name, col[name])
            if with_watson and size == sizes[-1]:
                print(f"# beside Watson {WATSON_VERSION} ({size:,} sessions)", flush=True)
                for label, history in ((f"{size:,} frames", frames), ("no frames", None)):
                    tag = "same" if history else "empty"
                    for name, r in versus_watson(env, history, root, runs, tag).items():
                        versus[f"{name} ({label})"] = r
                        show_versus(f"{name} ({label})", r)
        if everything:
            files = refusal_files(root)
            env = env_for(root / f"h{sizes[0]}")
            col = results.setdefault(f"{sizes[0]:,}", {})
            for name, key in REFUSALS:
                label = f"refuse {name}"
                args = ["--skills", str(files[key]), "status"]
                col[label] = measure(ROADMAP + args, env, runs, expect=65)
                show(label, col[label])
            tree = root / "big.yaml"
            big_tree(tree)
            home = root / "big"
            build(home, 1000 if opts.smoke else 10000, tree)
            env = env_for(home, tree)
            col = results.setdefault("2,000 skills", {})
            for name, args in (("status", ["status"]), ("tree", ["tree"])):
                col[name] = measure(ROADMAP + args, env, runs)
                show(f"2000-skill {name}", col[name])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = render(results)
    print(table)
    table_versus = render_versus(versus) if versus else None
    if table_versus:
        print(table_versus)
    if opts.write:
        sections = {"results" if everything else "writes": table}
        if table_versus:
            sections["watson"] = table_versus
        write_readme(sections, runs)


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


def render_versus(versus: dict[str, dict[str, float]]) -> str:
    lines = [
        "| roadmap vs Watson | roadmap: ms (×pass) MiB | Watson: ms (×pass) MiB | roadmap ÷ Watson |",
        "|---|---:|---:|---:|",
    ]
    for name, r in versus.items():
        lines.append(
            f"| {name} | {r['ms']:.0f} ({r['ratio']:.1f}×) {r['mib']:.0f} "
            f"| {r['watson_ms']:.0f} ({r['watson_ratio']:.1f}×) {r['watson_mib']:.0f} "
            f"| {r['vs']:.2f} |"
        )
    return "\n".join(lines)


def _replace(text: str, name: str, body: str) -> str:
    """Replace what is between ``<!-- name -->`` and ``<!-- /name -->`` in ``text``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    head, rest = text.split(start, 1)
    return f"{head}{start}\n\n{body}\n\n{end}{rest.split(end, 1)[1]}"


def write_readme(sections: dict[str, str], runs: int) -> None:
    """Rewrite the named sections of bench/README.md (the rest stays as it is)."""
    path = ROOT / "bench" / "README.md"
    text = path.read_text()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    when = datetime.now().strftime("%Y-%m-%d")
    stamp = f"Measured {when} on {machine}; median of {runs} runs."
    for name, body in sections.items():
        text = _replace(text, name, f"{stamp}\n\n{body}")
    path.write_text(text)


if __name__ == "__main__":
    main()
