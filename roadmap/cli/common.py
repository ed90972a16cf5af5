"""Helpers every command uses: the invocation context, output, errors."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roadmap.context import App

if TYPE_CHECKING:
    from rich.console import Console

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a view.")]


def _complete_target(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from roadmap.cli import complete

    return complete.targets(ctx, incomplete)


TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        "-t",
        help="Target id (default: the tree's default_target).",
        autocompletion=_complete_target,
    ),
]


def app_of(ctx: typer.Context) -> App:
    """The App for this invocation (created by the main callback)."""
    root = ctx.find_root()
    if not isinstance(root.obj, App):
        root.obj = App()
    return root.obj


def console(stderr: bool = False) -> Console:
    """A rich Console made per invocation (its colour decision is made now)."""
    from rich.console import Console

    width = None
    if not (sys.stderr if stderr else sys.stdout).isatty():
        columns = os.environ.get("COLUMNS")
        width = int(columns) if columns and columns.isdigit() else 100
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)


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


def confirm(question: str, *, yes: bool) -> bool:
    """Ask on a terminal; ``--yes`` answers for the user; without a terminal, refuse."""
    if yes:
        return True
    if not sys.stdin.isatty():
        from roadmap.errors import UsageError

        raise UsageError(f"{question} — not a terminal: pass --yes to confirm")
    return typer.confirm(question, default=False, err=True)
