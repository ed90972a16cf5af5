"""The error hierarchy. Each error carries the exit code the CLI returns for it.

Exit codes (documented in README.md):

====  =========================================================================
code  meaning
====  =========================================================================
0     success
1     the command ran but found a problem (``doctor``), or the state forbids it
      (no timer running, a timer already running, nothing to undo)
2     usage error: bad option or argument, bad duration or date, unknown or
      ambiguous skill / milestone / target
65    data error: invalid skills file or import file (``FILE:LINE:COL: message``)
66    an input file does not exist or cannot be read
69    the database cannot be used: made by a newer version, not a roadmap
      database, damaged, empty, or missing while the data dir shows it existed;
      or the database server cannot be reached or refused the login
73    an output file cannot be created
74    I/O error (for example a full disk)
75    the database is busy (locked by another process): try again
77    permission denied (read-only database or directory)
130   interrupted (Ctrl+C)
====  =========================================================================
"""

from __future__ import annotations


class RoadmapError(Exception):
    """Base class: a message for the user and an exit code."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class StateError(RoadmapError):
    """The command is valid but the current state forbids it (exit 1)."""

    exit_code = 1


class UsageError(RoadmapError):
    """A bad argument value: duration, date, unknown skill, ... (exit 2)."""

    exit_code = 2


class DataError(RoadmapError):
    """Invalid skills file or import file (exit 65).

    ``problems`` holds every problem found, each already formatted as
    ``FILE:LINE:COL: message`` when a position is known.
    """

    exit_code = 65

    def __init__(
        self, message: str, *, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems or []


class NoInputError(RoadmapError):
    """An input file is missing or unreadable (exit 66)."""

    exit_code = 66


class DatabaseRefused(RoadmapError):
    """The database cannot be used as it is; it was left untouched (exit 69)."""

    exit_code = 69


class Unavailable(DatabaseRefused):
    """The database server cannot be reached, or refused the login (exit 69)."""


class CannotCreateError(RoadmapError):
    """An output file cannot be created (exit 73)."""

    exit_code = 73


class StorageError(RoadmapError):
    """An I/O error such as a full disk (exit 74)."""

    exit_code = 74


class BusyError(RoadmapError):
    """The database is locked by another process (exit 75)."""

    exit_code = 75


class PermissionDenied(RoadmapError):
    """The database or its directory is read-only (exit 77)."""

    exit_code = 77


class Declined(Exception):
    """The user answered no at a prompt: end with ``code``, the message already shown."""

    def __init__(self, code: int = 1) -> None:
        super().__init__(code)
        self.code = code
