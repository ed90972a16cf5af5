"""How a command ends: an error as one clear message on stderr and its exit code.

Shared by the typer app (:class:`roadmap.cli.main.RoadmapGroup`) and the typer-free fast
path (:mod:`roadmap.cli.fast`), so both end a command the same way. No typer here.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

from roadmap.errors import DataError, Declined, RoadmapError


def report_error(exc: RoadmapError) -> None:
    """``roadmap: error: …`` (and its listing and hint) on stderr, made terminal-safe."""
    # A listing may follow on indented lines ("\n  "); any other newline stays escaped.
    first, *more = exc.message.split("\n  ")
    lines = [f"roadmap: error: {first}", *(f"  {line}" for line in more)]
    if isinstance(exc, DataError):
        lines = [f"roadmap: error: {exc.message}", *exc.problems]
    if exc.hint:
        lines.append(f"  hint: {exc.hint}")
    from roadmap.safetext import one_line  # messages quote user text: no escape sequences,

    sys.stderr.write("\n".join(one_line(line) for line in lines) + "\n")  # nor fake lines


def quiet_pipe() -> NoReturn:
    """The reader of our stdout went away: stop without a traceback (exit 141, as SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(141)


def exit_code(exc: BaseException, database: Path) -> int:
    """Report ``exc`` as the user should see it and give the exit code; re-raises what is
    not ours to end (``SystemExit``, and every bug under ``ROADMAP_DEBUG=1``).
    ``database`` names the database in SQLite messages."""
    if isinstance(exc, Declined):
        return exc.code
    if isinstance(exc, RoadmapError):
        report_error(exc)
        return exc.exit_code
    if isinstance(exc, sqlite3.Error):
        from roadmap.store.sqlite import translate

        error = translate(exc, database)
        report_error(error)
        return error.exit_code
    if isinstance(exc, KeyboardInterrupt):
        sys.stderr.write("roadmap: interrupted; nothing partial was saved\n")
        return 130
    if isinstance(exc, BrokenPipeError):  # `roadmap sessions | head`: the reader has gone
        quiet_pipe()
    if not isinstance(exc, Exception) or os.environ.get("ROADMAP_DEBUG"):
        raise exc
    sys.stderr.write(  # a bug: say so plainly; the traceback on request
        f"roadmap: internal error: {type(exc).__name__}: {exc}\n"
        "  nothing partial was saved; run again with ROADMAP_DEBUG=1 for a traceback "
        "and please report it\n"
    )
    return 70
