"""The console script: ``log``, ``start`` and ``stop`` without loading typer.

Typed many times a day, these three must be quicker than a peer's (Watson's) own
``add``/``start``/``stop``; importing typer alone (~35 ms) is more than the rest of the
command. So when the arguments of one of them are plain — known options, each given once,
the right number of arguments — they are parsed here and handed to the same functions the
typer commands call (:mod:`roadmap.cli.record`). Anything else (help, completion, an
unknown or repeated option, a missing value, ``--``) goes to the typer app, which gives
the full help and the usage errors. ``tests/test_fast_path.py`` checks that both ways give
the same output, exit code and database for the same arguments, and that this table
matches the typer commands' parameters.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple


class Spec(NamedTuple):
    """A command's parameters as typer declares them (checked by the tests)."""

    arguments: tuple[str, ...]
    values: dict[str, str]  # option → parameter
    flags: dict[str, str]
    many: frozenset[str] = frozenset()  # parameters that may be repeated (lists)


NOTE = {"--note": "note", "-n": "note"}
SPECS: dict[str, Spec] = {
    "log": Spec(
        ("skill", "duration"),
        {"--on": "on", **NOTE, "--tag": "tag", "--link": "link"},
        {"--json": "as_json"},
        frozenset({"tag", "link"}),
    ),
    "start": Spec(
        ("skill",),
        {**NOTE, "--at": "at"},
        {"--switch": "switch", "--yes": "yes", "-y": "yes"},
    ),
    "stop": Spec(
        (),
        {**NOTE, "--at": "at"},
        {"--yes": "yes", "-y": "yes", "--json": "as_json"},
    ),
}
GLOBAL_VALUES = {"--db": "db", "--skills": "skills"}
GLOBAL_FLAGS = {"--no-pager": "no_pager"}


class Call(NamedTuple):
    """A parsed invocation: the command, the global options and the command's parameters."""

    command: str
    options: dict[str, Any]
    params: dict[str, Any]


def _take(
    args: Sequence[str],
    at: int,
    values: dict[str, str],
    flags: dict[str, str],
    many: frozenset[str],
    into: dict[str, Any],
) -> int | None:
    """Read the option at ``args[at]`` into ``into``; the index after it, or None if it is
    not plain (unknown, repeated, missing its value, a flag given a value)."""
    arg = args[at]
    name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
    if name in flags and not eq:
        key = flags[name]
        if key in into:
            return None
        into[key] = True
        return at + 1
    if name not in values:
        return None
    key = values[name]
    if eq:
        value, after = inline, at + 1
    elif at + 1 < len(args):
        value, after = args[at + 1], at + 2
    else:
        return None
    if key in many:
        into.setdefault(key, []).append(value)
    elif key in into:
        return None
    else:
        into[key] = value
    return after


def parse(args: Sequence[str]) -> Call | None:
    """``args`` (without the program name) as a plain call of log/start/stop, else None."""
    if any(key.startswith("_ROADMAP_COMPLETE") for key in os.environ):
        return None
    options: dict[str, Any] = {}
    at = 0
    while at < len(args) and args[at].startswith("-"):
        step = _take(args, at, GLOBAL_VALUES, GLOBAL_FLAGS, frozenset(), options)
        if step is None:
            return None
        at = step
    if at >= len(args) or args[at] not in SPECS:
        return None
    command = args[at]
    spec = SPECS[command]
    params: dict[str, Any] = {}
    positional: list[str] = []
    at += 1
    while at < len(args):
        arg = args[at]
        if arg.startswith("-") and arg != "-":
            step = _take(args, at, spec.values, spec.flags, spec.many, params)
            if step is None:
                return None
            at = step
        else:
            positional.append(arg)
            at += 1
    if len(positional) != len(spec.arguments) or "-" in positional:
        return None
    params.update(zip(spec.arguments, positional, strict=True))
    return Call(command, options, params)


def perform(call: Call) -> int:
    """Run a parsed call as the typer app would: the same App, output and exit codes."""
    from roadmap.cli import record
    from roadmap.cli.outcome import exit_code
    from roadmap.context import App

    actions: dict[str, Callable[..., None]] = {
        "log": record.log,
        "start": record.start,
        "stop": record.stop,
    }
    app: App | None = None
    try:
        app = App(call.options.get("db"), call.options.get("skills"))
        actions[call.command](app, **call.params)
        return 0
    except BaseException as exc:
        if isinstance(exc, SystemExit):
            raise
        return exit_code(exc, app.loc.db if app is not None else Path("database"))
    finally:
        if app is not None:
            app.close()


def run() -> None:
    """Console-script entry point: the fast path when it applies, else the typer app."""
    call = parse(sys.argv[1:])
    if call is None:
        from roadmap.cli.main import run as run_typer

        run_typer()
        return
    try:
        code = perform(call)
        sys.stdout.flush()
    except BrokenPipeError:
        from roadmap.cli.outcome import quiet_pipe

        quiet_pipe()
    sys.exit(code)
