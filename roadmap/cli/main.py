"""The ``roadmap`` command: one Typer app; commands live in their own modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.exceptions import TyperException

from roadmap import __version__
from roadmap.cli.outcome import exit_code, quiet_pipe
from roadmap.context import App

# What an option's value is, by the option's name (shown as `--on DATE`, never `<str>`).
METAVARS = {
    "on": "DATE",
    "since": "DATE",
    "until": "DATE",
    "note": "TEXT",
    "tag": "TAG",
    "link": "URL",
    "skill": "SKILL",
    "pillar": "PILLAR",
    "target": "TARGET",
    "limit": "N",
    "weeks": "N",
    "db": "FILE|URL",
    "skills": "FILE",
    "duration": "DURATION",
    "source": "FORMAT",
    "mapping": "NAME=SKILL",
}


def _option_metavar(self: Any, ctx: Any) -> str:
    """`--on DATE`: the metavar given, else a choice list, else a word for the value."""
    if self.metavar is not None:
        return str(self.metavar)
    shown = self.type.get_metavar(param=self, ctx=ctx)
    if not shown:
        shown = METAVARS.get(self.name or "", (self.name or "value").upper())
    return str(shown) + ("..." if self.nargs != 1 else "")


def _argument_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
    """`log SKILL DURATION` (typer's own reads `{skill} {duration}`); optional ones bracketed."""
    var = str(self.metavar or (self.name or "").upper())
    if self.nargs != 1:
        var += "..."
    return f"[{var}]" if usage and not self.required else var


TyperOption.make_metavar = _option_metavar  # type: ignore[method-assign]
TyperArgument.make_metavar = _argument_metavar  # type: ignore[method-assign]


class RoadmapGroup(TyperGroup):
    """Turns every known error into one clear stderr message and its exit code."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands grouped by panel (Views, Track, Progress, Tree, Data), in plain text."""
        panels: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            panel = getattr(command, "rich_help_panel", None) or "Commands"
            panels.setdefault(panel, []).append((name, command.get_short_help_str(200)))
        for panel, rows in panels.items():
            with formatter.section(panel):
                formatter.write_dl(rows)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Usage errors as one line (not typer's box); a closed pipe ends quietly."""
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "roadmap"
            sys.stderr.write(
                f"roadmap: error: {exc.format_message()}\n  hint: see: {where} --help\n"
            )
            sys.exit(exc.exit_code)
        except ClickException as exc:
            sys.stderr.write(f"roadmap: error: {exc.format_message()}\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("roadmap: aborted; nothing was changed\n")
            sys.exit(1)
        except BrokenPipeError:
            quiet_pipe()
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                raise
            obj = ctx.obj
            ctx.exit(exit_code(exc, obj.loc.db if isinstance(obj, App) else Path("database")))
        finally:
            if isinstance(ctx.obj, App):
                ctx.obj.close()


HELP = """Track your skill roadmap: a YAML skill tree, study sessions, progress to a career target.

Examples:

  roadmap status                      where you stand against the target

  roadmap log cuda 1h30m --note "tiled GEMM"

  roadmap start triton   ...   roadmap stop

  roadmap next                        what to study next, and why
"""

app = typer.Typer(
    cls=RoadmapGroup,
    help=HELP,
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,  # plain click help: no rich import for --help (see format_commands)
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"roadmap {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="ROADMAP_DB",
            help="Database file (default: DATA_DIR/roadmap.db).",
            show_envvar=True,
        ),
    ] = None,
    skills: Annotated[
        str | None,
        typer.Option(
            "--skills",
            envvar="ROADMAP_SKILLS",
            help="Skills file (default: DATA_DIR/skills.yaml, else the bundled one).",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long views (tree, sessions) straight out, not through a pager.",
        ),
    ] = False,
) -> None:
    ctx.meta["roadmap.no_pager"] = no_pager
    ctx.obj = App(db, skills)
    if ctx.invoked_subcommand is None:
        from roadmap.cli import welcome

        welcome.default(ctx)


class _Only:
    """Registers just the command being run (typer builds every registered command's
    parameters on each start: ~30 ms for the lot, which a command typed many times a day
    should not pay). ``roadmap --help``, completion and unknown names get them all."""

    def __init__(self, app: typer.Typer, name: str) -> None:
        self.app, self.name, self.hit = app, name, False

    def command(self, name: str | None = None, **options: Any) -> Any:
        def register(function: Any) -> Any:
            if (name or function.__name__.lower().replace("_", "-")) == self.name:
                self.hit = True
                self.app.command(name, **options)(function)
            return function

        return register


GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--skills")


def invoked_command(argv: list[str]) -> str | None:
    """The command name in ``argv`` (``None`` for no command, help, or completion)."""
    if any(key.startswith("_ROADMAP_COMPLETE") for key in os.environ):
        return None
    args = iter(argv[1:])
    for arg in args:
        if arg in GLOBAL_OPTIONS_WITH_VALUE:
            next(args, None)
        elif arg.startswith("-"):
            if arg in ("-h", "--help"):
                return None
        else:
            return arg
    return None


def _register(only: str | None) -> None:
    from roadmap.cli import data, demo, plan, progress, track, tree_cmds, views

    modules = (views, plan, track, progress, tree_cmds, data, demo)
    if only is not None:
        target = _Only(app, only)
        for module in modules:
            module.register(cast(typer.Typer, target))
        if target.hit:
            return
    for module in modules:
        module.register(app)


_register(
    invoked_command(sys.argv) if Path(sys.argv[0]).name in ("roadmap", "__main__.py") else None
)


@app.command("help", rich_help_panel=None, add_help_option=True)
def help_(
    ctx: typer.Context,
    command: Annotated[
        str | None, typer.Argument(metavar="COMMAND", help="A command to explain.")
    ] = None,
) -> None:
    """Show the help of roadmap, or of one COMMAND (the same as COMMAND --help).

    Example: roadmap help log
    """
    root = ctx.find_root()
    group = cast(TyperGroup, root.command)
    if command is None:
        typer.echo(group.get_help(root))
        return
    if not group.get_command(root, command):
        _register(None)  # only this command was registered: bring in the rest
    found = group.get_command(root, command)
    if found is None or found.hidden:
        from roadmap.errors import UsageError as RoadmapUsage

        names = ", ".join(n for n in group.list_commands(root) if n != "help")
        raise RoadmapUsage(f"no command '{command}'; the commands are: {names}")
    sub = found.make_context(command, ["--help"], parent=root, resilient_parsing=True)
    typer.echo(found.get_help(sub))


def run() -> None:
    """Console-script entry point."""
    app(prog_name="roadmap")
