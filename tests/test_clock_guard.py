"""Every "now" comes from ``roadmap.clock.now()``, which ``ROADMAP_NOW`` pins.

A call to ``date.today()``, ``datetime.now()`` or ``datetime.utcnow()`` anywhere else in
``roadmap/`` reads the machine's clock behind the override's back: the demo did, and the
README's test command failed on the first days of every month.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "roadmap"
ALLOWED = {PACKAGE / "clock.py"}
FORBIDDEN = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow")}


def clock_reads(source: str) -> list[tuple[int, str]]:
    """``(line, call)`` for each ``date.today()``, ``datetime.now()``, ``datetime.utcnow()``
    in ``source``, through ``import datetime``, ``from datetime import ...`` and aliases."""
    tree = ast.parse(source)
    modules = {"datetime"}  # names bound to the datetime module
    classes: dict[str, str] = {}  # local name -> "date" / "datetime"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "datetime":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "datetime":
            for alias in node.names:
                if alias.name in ("date", "datetime"):
                    classes[alias.asname or alias.name] = alias.name
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, method = node.func.value, node.func.attr
        cls = None
        if isinstance(owner, ast.Name):
            cls = classes.get(owner.id)
        elif (
            isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and owner.value.id in modules
        ):
            cls = owner.attr
        if (cls, method) in FORBIDDEN:
            found.append((node.lineno, f"{cls}.{method}()"))
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from datetime import date\ndate.today()", [(2, "date.today()")]),
        ("from datetime import datetime as dt\nx = dt.now().astimezone()", [(2, "datetime.now()")]),
        ("import datetime\ndatetime.datetime.utcnow()", [(2, "datetime.utcnow()")]),
        ("import datetime as d\nd.date.today()", [(2, "date.today()")]),
        ("from roadmap import clock\nclock.now()", []),
        ("# datetime.now() in a comment\ns = 'date.today()'", []),
    ],
)
def test_the_guard_finds_every_spelling(source: str, expected: list[tuple[int, str]]) -> None:
    assert clock_reads(source) == expected


def test_nothing_in_roadmap_reads_the_clock_but_the_clock() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20 and PACKAGE / "clock.py" in files
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {call}"
        for path in files
        if path not in ALLOWED
        for line, call in clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use roadmap.clock.now() instead:\n" + "\n".join(offenders)
