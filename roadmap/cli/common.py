"""Helpers every command uses: the invocation context, output, errors."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roadmap.cli.output import info as info
from roadmap.cli.output import is_interactive as is_interactive
from roadmap.cli.output import print_json as print_json
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


_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def display(ctx: typer.Context, renderable: Any, *, page: bool = False) -> None:
    """Print a view without trailing spaces. With ``page``, on a terminal, a view longer than
    the screen goes through a pager, as git does (``$ROADMAP_PAGER``, else ``$PAGER``, else
    ``less`` with ``LESS=FRX``; an empty value or ``cat`` turns it off, as does
    ``roadmap --no-pager``)."""
    out = console()
    with out.capture() as captured:
        out.print(renderable)
    text = _TRAILING.sub(r"\1", captured.get())
    command = pager_command(ctx) if page and out.is_terminal else None
    if command is not None:
        try:
            height = os.get_terminal_size(sys.stdout.fileno()).lines
        except (OSError, ValueError):
            height = out.size.height
        if text.count("\n") >= height:
            run_pager(command, text)
            return
    sys.stdout.write(text)
    sys.stdout.flush()


def pager_command(ctx: typer.Context) -> str | None:
    """The pager to use, or ``None`` for none."""
    if ctx.find_root().meta.get("roadmap.no_pager"):
        return None
    if not sys.stdout.isatty():
        return None
    for name in ("ROADMAP_PAGER", "PAGER"):
        if name in os.environ:
            command = os.environ[name].strip()
            break
    else:
        command = "less"
    if command in ("", "cat"):
        return None
    import shlex
    import shutil

    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return None
    return command if shutil.which(program) else None


def run_pager(command: str, page: str) -> None:
    """Hand ``page`` to ``command`` (through the shell, as git does) and wait for it."""
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave the screen as is
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(page)
        return
    assert pager.stdin is not None
    try:
        pager.stdin.write(page.encode(sys.stdout.encoding or "utf-8", "replace"))
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early: fine
        pass
    while True:
        try:
            pager.wait()
            break
        except KeyboardInterrupt:  # Ctrl+C belongs to the pager, as with git
            continue


def confirm(question: str, *, yes: bool) -> bool:
    """Ask on a terminal; ``--yes`` answers for the user; without a terminal, refuse."""
    if yes:
        return True
    if not sys.stdin.isatty():
        from roadmap.errors import UsageError

        raise UsageError(f"{question} — not a terminal: pass --yes to confirm")
    return typer.confirm(question, default=False, err=True)
