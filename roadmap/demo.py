"""Demo data: a believable four months of study on the bundled HPC → AGI tree.

``roadmap demo`` writes this into a throwaway data dir (never the user's own) so a
newcomer can see every view alive before logging anything. The history is made by a
seeded generator, so it is the same on every run for the same ``today``:

- starting levels on day one (``calibrate``: an experienced HPC engineer, the ``hpc-engineer``
  target's levels), followed by
- evening and weekend sessions moving through GPU architecture, CUDA, transformer
  maths, PyTorch internals, Triton, collectives, data parallelism and serving,
- milestones checked as the hours on a skill accumulate (levels follow from them),
- a week off in the middle, and a streak running up to today,
- reviews of the baseline skills not studied since (``roadmap review``): most of them due by
  now, one found rusty three days ago,
- study slots for ``roadmap plan`` and evidence on some levels (:func:`plan_and_evidence`).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

DEMO_MARKER = ".roadmap-demo"
DAYS = 16 * 7
BASELINE_TARGET = "hpc-engineer"

# (skill, first week, last week, relative share of study time in those weeks)
ARCS: tuple[tuple[str, int, int, int], ...] = (
    ("gpu-architecture", 0, 6, 3),
    ("cuda-programming", 0, 12, 4),
    ("transformer-math", 1, 9, 2),
    ("deep-learning-fundamentals", 2, 8, 2),
    ("pytorch-internals", 5, 15, 2),
    ("triton-kernels", 8, 15, 3),
    ("collective-communication", 6, 14, 2),
    ("data-parallelism", 9, 15, 2),
    ("low-precision-formats", 10, 15, 1),
    ("inference-serving", 12, 15, 2),
    ("mpi-openmp", 0, 15, 1),
)

NOTES: dict[str, tuple[str, ...]] = {
    "gpu-architecture": (
        "SMs, warps and the memory hierarchy (PMPP ch. 4)",
        "Hopper whitepaper: TMA and thread block clusters",
        "occupancy calculator on my reduction kernel",
    ),
    "cuda-programming": (
        "vector add with error checking",
        "shared-memory transpose, 78% of bandwidth",
        "tiled GEMM vs cuBLAS: 41% so far",
        "streams and async copies, checked in Nsight Systems",
    ),
    "transformer-math": (
        "FLOPs per token for a 7B model by hand",
        "KV-cache size for 32k context",
        "arithmetic intensity of attention vs MLP",
    ),
    "deep-learning-fundamentals": (
        "micrograd from scratch",
        "backprop through layer norm",
        "trained a small GPT on tiny-shakespeare",
    ),
    "pytorch-internals": (
        "dispatcher and autograd engine walkthrough",
        "torch.compile graph breaks on my model",
        "custom op with a CUDA kernel",
    ),
    "triton-kernels": (
        "Triton tutorial: fused softmax",
        "matmul autotuning configs",
        "layer norm forward+backward in Triton",
    ),
    "collective-communication": (
        "ring vs tree all-reduce cost model",
        "nccl-tests on 2 GPUs",
        "NCCL vs MPI_Allreduce on our cluster",
    ),
    "data-parallelism": (
        "DDP bucketing and overlap",
        "gradient accumulation vs batch size",
    ),
    "low-precision-formats": (
        "bf16 vs fp16 dynamic range",
        "FP8 e4m3/e5m2 scaling recipes",
    ),
    "inference-serving": (
        "vLLM paged attention paper",
        "continuous batching benchmark",
    ),
    "mpi-openmp": ("helped a colleague with MPI_Waitall deadlock", "hybrid MPI+OpenMP pinning"),
}
TAGS: dict[str, str] = {
    "gpu-architecture": "reading",
    "transformer-math": "reading",
    "cuda-programming": "hands-on",
    "triton-kernels": "hands-on",
    "pytorch-internals": "hands-on",
}


@dataclass
class Summary:
    sessions: int
    minutes: int
    milestones: int
    level_changes: int
    first_day: date
    reviews: int = 0


def _note(skill_id: str, week: int, rng: random.Random) -> str:
    """A note that moves on with the arc: early weeks get the first topics, later ones the
    last (with a little overlap), so the history reads like a course of study."""
    notes = NOTES.get(skill_id, ("",))
    first, last = next((w0, w1) for s, w0, w1, _ in ARCS if s == skill_id)
    step = (week - first) / max(1, last - first + 1) * len(notes)
    index = min(len(notes) - 1, max(0, int(step + rng.choice((-0.5, 0.0, 0.0, 0.5)))))
    return notes[index]


def _at(day: date, hour: float) -> datetime:
    whole = int(hour)
    return datetime.combine(day, time(whole, int((hour - whole) * 60))).astimezone()


def _stored(moment: datetime) -> str:
    from roadmap import clock

    return clock.to_stored(moment)


def fill(conn: Any, now: datetime, seed: int = 2026) -> Summary:
    """Write the demo history into an empty, synced database (inside the caller's
    transaction). ``now`` is the clock's (``ROADMAP_NOW`` pins it)."""
    from roadmap import track
    from roadmap.store import write

    today = now.date()
    rng = random.Random(seed)
    first = today - timedelta(days=DAYS - 1)
    skills: dict[str, dict[str, Any]] = {
        str(r[0]): {
            "hours": [float(h) for h in json.loads(r[3])] if r[3] else [float(r[1])] * 5,
            "level": int(r[2]),
        }
        for r in conn.execute("SELECT id, hours, level, hours_by_level FROM skill")
    }

    # Day one: where an experienced HPC engineer starts.
    baseline_at = _stored(_at(first, 9))
    reqs = conn.execute(
        "SELECT skill_id, level FROM target_requirement WHERE target_id = ? ORDER BY position",
        (BASELINE_TARGET,),
    ).fetchall()
    level_changes = 0

    def recompute(skill_id: str, at: str, cause: str) -> bool:
        change = write.recompute_level(conn, skill_id, at, cause)
        if change is not None:
            skills[skill_id]["level"] = change["level"]
        return change is not None

    for skill_id, required in reqs:
        if skill_id not in skills:
            continue
        level = max(1, int(required) - (1 if rng.random() < 0.25 else 0))
        write.insert_assessment(
            conn,
            skill_id,
            level,
            "baseline: where I stand after eight years of HPC",
            baseline_at,
            kind="calibrate",
        )
        if recompute(skill_id, baseline_at, f"calibrated at {level}"):
            level_changes += 1

    milestones: dict[str, list[dict[str, Any]]] = {}
    for skill_id, key, level in conn.execute(
        "SELECT skill_id, key, level FROM milestone WHERE NOT archived ORDER BY level, position"
    ):
        milestones.setdefault(skill_id, []).append({"key": key, "level": int(level), "done": False})
    progress: dict[str, float] = {}
    count = minutes_total = checked = 0
    vacation = range(7 * 8 + 2, 7 * 8 + 9)
    rows: list[dict[str, Any]] = []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        week = offset // 7
        weekend = day.weekday() >= 5
        if offset in vacation:
            continue
        streak = offset >= DAYS - 10
        if not streak and rng.random() > (0.65 if weekend else 0.8):
            continue
        active = [(s, share) for s, w0, w1, share in ARCS if w0 <= week <= w1 and s in skills]
        if not active:
            continue
        for part in range(2 if weekend and rng.random() < 0.5 else 1):
            skill_id = rng.choices([s for s, _ in active], [w for _, w in active])[0]
            minutes = rng.choice(
                (45, 60, 60, 75, 90, 90, 120) if not weekend else (90, 120, 150, 180)
            )
            hour = (9.5 + 3 * part) if weekend else rng.choice((7.0, 19.5, 20.0, 21.0))
            started = _at(day, hour)
            if started + timedelta(minutes=minutes) > now:
                started = now - timedelta(minutes=minutes + 5)
            note = _note(skill_id, week, rng)
            tags = [TAGS[skill_id]] if skill_id in TAGS else []
            rows.append(
                track.new_session(skill_id, started, minutes, note, tags, [], source="demo")
            )
            count += 1
            minutes_total += minutes
            # Milestones follow the hours: each one takes its share of the level's hours.
            progress[skill_id] = progress.get(skill_id, 0.0) + minutes / 60
            skill = skills[skill_id]
            todo = [
                m
                for m in milestones.get(skill_id, [])
                if not m["done"] and m["level"] > skill["level"]
            ]
            done_at = _stored(started + timedelta(minutes=minutes))
            while todo:
                step = todo[0]["level"]
                in_step = [m for m in todo if m["level"] == step]
                # An experienced engineer: a level's milestones take about 60 % of its hours.
                share = (
                    0.6
                    * skill["hours"][step - 1]
                    / len([m for m in milestones[skill_id] if m["level"] == step])
                )
                if progress[skill_id] < share:
                    break
                progress[skill_id] -= share
                m = todo.pop(0)
                m["done"] = True
                write.set_milestone(conn, skill_id, m["key"], done_at, None, None)
                checked += 1
                changed = recompute(skill_id, done_at, f"milestone {m['key']} checked")
                if not changed and len(in_step) == 1:
                    # Every milestone of the next level is done: the learner says so.
                    write.insert_assessment(
                        conn, skill_id, step, f"all level-{step} milestones done", done_at
                    )
                    changed = recompute(skill_id, done_at, f"assessed at {step}")
                if changed:
                    level_changes += 1
    write.insert_sessions(conn, rows)
    plan_and_evidence(conn, now)
    reviews = _reviews(conn, [s for s, _ in reqs], skills, first, today)
    return Summary(count, minutes_total, checked, level_changes, first, reviews)


REVIEW_NOTES = {
    "good": "went through the milestones again: all there",
    "hard": "needed the docs for half of it",
    "again": "could not redo it without looking everything up",
}


def _reviews(
    conn: Any, baseline: list[str], skills: dict[str, dict[str, Any]], first: date, today: date
) -> int:
    """Reviews of up to five baseline skills that no arc studies: two early ones each (so their
    schedules have grown), then for the first a review three days ago that found it gone
    (rusty) and for the second a good one two days ago; the others are due by now."""
    from roadmap.store import write

    studied = {s for s, *_ in ARCS}
    idle = [s for s in baseline if s in skills and s not in studied and skills[s]["level"] >= 1]
    count = 0
    for i, skill_id in enumerate(idle[:5]):
        history = [
            (first + timedelta(days=4 + i), "good"),
            (first + timedelta(days=25 + i), "good"),
        ]
        if i == 0:
            history.append((today - timedelta(days=3), "again"))
        elif i == 1:
            history.append((today - timedelta(days=2), "good"))
        elif i == 2:
            history[1] = (history[1][0], "hard")
        for day, rating in history:
            at = _stored(_at(day, 8.0))
            level = int(skills[skill_id]["level"])
            write.insert_review(conn, skill_id, rating, level, REVIEW_NOTES[rating], at)
            count += 1
    return count


# --- a planned week and the evidence of some levels -------------------------------------------

# Study slots around the demo's habits: weekday evenings, weekend mornings (about 11 h a week
# for a 10 h goal), so `status` and `plan` show this week's plan against what was logged.
PLAN_SLOTS = "mon,tue,wed,thu 19:30-21:00; sat,sun 09:30-12:00"
# The last milestone checked of these skills carries a link, as `check ... --link` stores it.
MILESTONE_LINKS: dict[str, str] = {
    "cuda-programming": "https://github.com/demo-engineer/cuda-gemm/pull/7",
    "triton-kernels": "https://github.com/demo-engineer/triton-layernorm",
    "gpu-architecture": "https://demo-engineer.github.io/notes/hopper-tma.html",
    "collective-communication": "https://github.com/demo-engineer/nccl-bench/blob/main/RESULTS.md",
}
# An assessment at the level reached, with evidence, as `assess ... --evidence` stores it.
ASSESSMENTS: dict[str, tuple[str, str]] = {
    "cuda-programming": (
        "GEMM at 71% of cuBLAS, write-up with Nsight profiles",
        "https://demo-engineer.github.io/posts/gemm-from-scratch.html",
    ),
    "pytorch-internals": (
        "custom CUDA op merged into our training repo",
        "https://github.com/demo-engineer/train/pull/42",
    ),
}


def plan_and_evidence(conn: Any, now: datetime) -> None:
    """Store the study slots (``plan --set``), links on some checked milestones and
    assessments with evidence (each the day after the skill's last milestone, or two days
    ago): the same on every run for the same ``now``."""
    from roadmap import clock, planning
    from roadmap.store import write

    write.meta_set(conn, {"plan_slots": planning.format_slots(planning.parse_slots(PLAN_SLOTS))})
    for skill_id, link in MILESTONE_LINKS.items():
        row = conn.execute(
            "SELECT key, checked_at, note FROM milestone WHERE skill_id = ? "
            "AND checked_at IS NOT NULL AND NOT archived "
            "ORDER BY checked_at DESC, level DESC, position DESC LIMIT 1",
            (skill_id,),
        ).fetchone()
        if row is not None:
            write.set_milestone(conn, skill_id, str(row[0]), str(row[1]), link, row[2])
    two_days_ago = now - timedelta(days=2)
    for skill_id, (note, evidence) in ASSESSMENTS.items():
        row = conn.execute("SELECT level FROM skill WHERE id = ?", (skill_id,)).fetchone()
        if row is None or int(row[0]) < 1:
            continue
        at = clock.to_stored(two_days_ago.replace(hour=21, minute=30, second=0, microsecond=0))
        write.insert_assessment(conn, skill_id, int(row[0]), note, at, evidence=evidence)
        write.recompute_level(conn, skill_id, at, f"assessed at {int(row[0])}")


def default_dir() -> Any:
    """The throwaway data dir the demo uses unless told otherwise: one per user
    (``$TMPDIR/roadmap-demo-$USER``), so two users of a machine never share or block one."""
    import getpass
    import os
    import re
    import tempfile
    from pathlib import Path

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the uid will do
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    user = re.sub(r"[^A-Za-z0-9._-]", "_", user) or "user"
    return Path(tempfile.gettempdir()) / f"roadmap-demo-{user}"
