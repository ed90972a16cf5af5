"""Evidence: `assess --evidence URL|PATH` stored with the assessment, `show` listing the
evidence per level, `gaps --unproven`; through the real CLI on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, Sql

pytestmark = pytest.mark.usefixtures("backend")


def test_evidence_is_stored_shown_and_counted(
    run: Run, small: Path, pinned: object, sql: Sql, tmp_path: Path
) -> None:
    report = tmp_path / "bench report.html"
    report.write_text("<p>numbers</p>")
    run.ok("assess", "calculus", "2", "--evidence", "https://example.org/pr/1", "--note", "pr")
    run.ok("assess", "linalg", "1", "--evidence", str(report))
    run.ok("check", "linalg", "1.1", "--link", "https://example.org/lu")
    run.ok("assess", "cpp-memory", "1")
    rows = sql(
        "SELECT skill_id, level, evidence FROM assessment ORDER BY skill_id, assessed_at, id"
    )
    assert rows == [
        ("calculus", 2, "https://example.org/pr/1"),
        ("cpp-memory", 1, None),
        ("linalg", 1, str(report.resolve())),
    ]
    shown = run.json("show", "linalg")["evidence"]
    assert [(e["level"], e["source"], e["ref"], e["evidence"]) for e in shown] == [
        (1, "milestone", "1.1", "https://example.org/lu"),
        (1, "assessment", None, str(report.resolve())),
    ]
    assert run.json("show", "calculus")["evidence"] == [
        {
            "level": 2,
            "source": "assessment",
            "ref": None,
            "text": "pr",
            "evidence": "https://example.org/pr/1",
            "at": "2026-12-01T09:00:00+00:00",
        }
    ]
    assert run.json("show", "cpp-memory")["evidence"] == []
    view = run.ok("show", "linalg").stdout
    assert "Evidence" in view and "milestone 1.1" in view and "https://example.org/lu" in view
    # only cpp-memory holds a level without any evidence; cpp (a group) is never listed
    assert run.json("gaps", "--unproven") == [
        {"skill": "cpp-memory", "name": "Memory model", "pillar": "software", "level": 1}
    ]
    assert run.json("gaps", "--unproven", "--pillar", "math") == []
    assert "Memory model (cpp-memory)" in run.ok("gaps", "--unproven").stdout
    # a check with a link proves it too
    run.ok("assess", "cpp-memory", "1", "--evidence", "https://example.org/atomics")
    assert run.json("gaps", "--unproven") == []
    assert "Every level you hold has evidence." in run.ok("gaps", "--unproven").stdout
    # undo takes the assessment, and its evidence, away
    run.ok("undo")
    assert [r["skill"] for r in run.json("gaps", "--unproven")] == ["cpp-memory"]


@pytest.mark.parametrize(
    ("evidence", "says"),
    [
        ("no/such/file.txt", "no file or directory 'no/such/file.txt'"),
        ("javascript:alert(1)", "no file or directory"),
        ("https://", "invalid link"),
        ("   ", "--evidence is empty"),
        ("bad\x07path", "not a URL or a usable file path"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_written(
    run: Run, small: Path, sql: Sql, evidence: str, says: str
) -> None:
    run.ok("tree")
    before = sql.dump()
    result = run("assess", "linalg", "1", "--evidence", evidence)
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert sql.dump() == before
