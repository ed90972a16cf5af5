"""What every command prints, without typer: results on stdout, messages on stderr.

:mod:`roadmap.cli.common` (the typer commands) and :mod:`roadmap.cli.record` (the typer-free
``log``/``start``/``stop``) both print through these, so both ways print alike.
"""

from __future__ import annotations

import sys
from typing import Any


def echo(line: str) -> None:
    """One line of a command's result on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def print_json(data: Any) -> None:
    """Exactly one JSON document on stdout."""
    from roadmap import jsontext

    sys.stdout.write(jsontext.dumps(data, indent=2) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    """A message for the user (stderr, so stdout stays data), made visible-safe: messages
    quote paths, names and file contents."""
    from roadmap.safetext import visible

    sys.stderr.write(visible(message) + "\n")


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
