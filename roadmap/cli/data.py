"""Data in and out: export, import, backup, restore."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from roadmap.cli.common import JsonOpt, TargetOpt, app_of, confirm, display, info, print_json

if TYPE_CHECKING:
    from roadmap.viewdata import Summary

PANEL = "Data"


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, json, csv or html (default: from the -o file's extension, else md).",
            show_default=False,
        ),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day.")] = None,
    target: TargetOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically) instead of stdout; its extension picks the format.",
        ),
    ] = None,
) -> None:
    """Export a progress summary (md, html) or your history (json, csv).

    md and html summarise the period (default: all of it); json is the complete state (re-importable with 'roadmap import'); csv has one row per session.

    The format follows the file's extension (.md, .json, .csv, .html); an unknown extension needs --format, and --format must agree with the extension.

    Example: roadmap export -o report.html
    """
    from roadmap import export as ex
    from roadmap.errors import UsageError
    from roadmap.timeparse import local_now, parse_date

    fmt = export_format(fmt, output)
    today = local_now().date()
    start = parse_date(since, today) if since else None
    end = parse_date(until, today) if until else None
    if start and end and start > end:
        raise UsageError(f"--since {start} is after --until {end}")
    conn = app_of(ctx).conn()

    def write(out: IO[str], tick: Any = None) -> None:
        if fmt == "json":
            from roadmap.clock import stored_now

            ex.write_json(conn, out, stored_now(), _iso(start), _iso(end), tick)
        elif fmt == "csv":
            ex.write_csv(conn, out, _iso(start), _iso(end), tick)
        else:
            summary = _summary(conn, target, today, start, end)
            if fmt == "md":
                ex.write_markdown(summary, out)
            else:
                from roadmap.report_html import write_html

                write_html(summary, out)

    if output is None:
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # `roadmap export | head`: the reader has what it wanted
            _quiet_stdout()
        return
    from roadmap import atomic

    total = ex.count_sessions(conn, _iso(start), _iso(end)) if fmt in ("json", "csv") else 0
    # a regular file is replaced atomically; a device or FIFO written through, never replaced
    with atomic.open_output(output) as handle, _Bar("exporting", total, total > 20_000) as bar:
        write(handle, bar.advance if bar.enabled else None)
    info(f"wrote {output}")  # info() makes the path visible-safe


FORMATS = ("md", "json", "csv", "html")
EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}


def export_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: ``--format`` if given, else the ``-o`` file's extension, else md.

    An extension we do not know, without ``--format``, is refused; so is a ``--format`` that
    contradicts the extension (``-f md -o x.html``). A file without an extension takes
    ``--format`` (or md)."""
    from roadmap.errors import UsageError

    choices = ", ".join(FORMATS)
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}': use {choices}")
    suffix = output.suffix.lower() if output is not None else ""
    if not suffix:
        return fmt or "md"
    implied = EXTENSIONS.get(suffix)
    if implied is None:
        if fmt is None:
            raise UsageError(
                f"cannot tell the format from '{output}': use --format ({choices}) "
                "or a file ending in .md, .json, .csv or .html"
            )
        return fmt
    if fmt is not None and fmt != implied:
        raise UsageError(
            f"--format {fmt} contradicts the file name '{output}' (a {implied} file): "
            f"drop --format or change the extension"
        )
    return implied


def _summary(conn: Any, target: str | None, today: Any, start: Any, end: Any) -> Summary:
    from roadmap import resolve, views

    world = views.load(conn, resolve.target(conn, target), today)
    first = start or _first_day(conn) or today
    summary = views.summary(conn, world, first, end or today)
    summary["skill_names"] = {sid: name for sid, name in conn.execute("SELECT id, name FROM skill")}
    return summary


def _quiet_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _first_day(conn: Any) -> Any:
    from datetime import date

    row = conn.execute("SELECT MIN(day) FROM skill_day").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The file to import.")],
    source: Annotated[
        str | None,
        typer.Option("--from", help="json, watson, timewarrior or csv (default: detected)."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="NAME=SKILL: map a project or tag to a skill (repeatable); NAME=- drops "
            "its frames.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; change nothing.")
    ] = False,
    skip_unknown: Annotated[
        bool, typer.Option("--skip-unknown", help="Skip records whose skill is unknown.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import history: our JSON export, Watson's frames file, `timew export`, or our CSV.

    The skill is named by a Watson project (or tag), a Timewarrior tag, or the CSV's skill column, by the rules of roadmap log (id, name, unique prefix, unique part of the name), or by --map NAME=SKILL; --map NAME=- drops that project's frames. All or nothing, in one transaction; importing the same file twice adds nothing. Running intervals are skipped.

    Example: roadmap import ~/.config/watson/frames --map gpu=cuda --dry-run
    """
    from roadmap import importers, importing
    from roadmap import resolve as resolving
    from roadmap.errors import PermissionDenied, UsageError

    if source is not None and source.lower() not in importers.FORMATS:
        raise UsageError(f"unknown format '{source}': use json, watson, timewarrior or csv")
    fmt = source.lower() if source else importers.detect(file)
    pairs: list[tuple[str, str]] = []
    for item in mapping or []:
        name, sep, skill = item.partition("=")
        if not sep or not name.strip() or not skill.strip():
            raise UsageError(f"--map takes NAME=SKILL, not '{item}'")
        pairs.append((name.strip(), skill.strip()))
    reader = importers.TextSource(file)
    app = app_of(ctx)
    try:
        conn = app.conn()
        if not dry_run and not app.writable():
            raise PermissionDenied(
                f"the database {app.loc.db} (or its directory) is read-only; nothing was imported"
            )
        drops = {name.lower() for name, skill in pairs if skill == "-"}
        mapped = {name: resolving.skill(conn, skill).id for name, skill in pairs if skill != "-"}
        state, records = importers.open_records(fmt, reader)
        resolver, archived = importing.archived_resolver(state, importing.Resolver(conn, mapped))
        dropped: Counter[str] = Counter()
        records = _dropping(records, {n.lower() for n in mapped} | drops, drops, dropped)
        large = reader.size > 1_000_000
        try:
            with _Bar("reading " + file.name, reader.size, large, unit="bytes") as bar:
                tick = (lambda: bar.update(reader.position())) if bar.enabled else None
                outcome = importing.stage(conn, records, resolver, tick)
            importing.check_unknown(outcome, skip_unknown)
            outcome = importing.apply(
                conn,
                outcome,
                f"{fmt} file {file.name}",
                state,
                resolver,
                dry_run=dry_run,
                archived_needed=archived,
            )
        finally:
            importing.drop_stage(conn)
    finally:
        reader.close()
    if as_json:
        print_json({**outcome.to_json(), "dropped": dict(dropped.most_common())})
        return
    from roadmap.safetext import one_line

    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {outcome.imported} session(s) from {one_line(file)} ({fmt}); skipped "
        f"{outcome.duplicates} duplicate(s), {outcome.running} running, "
        f"{outcome.invalid} invalid, {outcome.skipped_unknown} with unknown skills"
        + (f"; {outcome.state_items} milestone/level item(s)" if outcome.state_items else "")
        + (f"; dropped {sum(dropped.values())} (--map NAME=-)" if dropped else "")
    )
    if dropped:
        listing = ", ".join(f"{n} ({c})" for n, c in dropped.most_common(10))
        info(f"  dropped (--map NAME=-): {listing}")
    for problem in outcome.invalid_examples:
        info(f"  skipped {problem}")
    if outcome.skipped_unknown:
        listing = ", ".join(f"{one_line(n)} ({c})" for n, c in outcome.unknown.most_common(10))
        info(f"  unknown skills skipped: {listing}")


def _dropping(
    records: Iterable[Any], mapped: set[str], drops: set[str], dropped: Counter[str]
) -> Iterator[Any]:
    """``records`` without those whose first mapped name (``--map``) is mapped to ``-``;
    ``dropped`` counts them by that name."""
    for record in records:
        first = next((n.strip().lower() for n in record.names if n.strip().lower() in mapped), None)
        if first is not None and first in drops:
            dropped[first] += 1
            continue
        yield record


class _Bar:
    """A progress bar on stderr when it is a terminal and the work is large; else nothing."""

    def __init__(self, label: str, total: int, large: bool, unit: str = "sessions") -> None:
        self.enabled = large and sys.stderr.isatty()
        self.label, self.total, self.unit = label, total, unit
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            from roadmap.cli.common import console

            count = DownloadColumn() if self.unit == "bytes" else MofNCompleteColumn()
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                count,
                TimeRemainingColumn(),
                console=console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=self.total)
        return self

    def advance(self, n: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, n)

    def update(self, completed: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=completed)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A new file, or a directory to put it in (default: DATA_DIR/backups/).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Copy the database safely with SQLite's backup API, even while it is in use.

    A database on a server is copied into a SQLite file (one consistent snapshot).
    Never overwrites a file. Restore it with 'roadmap restore PATH'.

    Example: roadmap backup ~/roadmap-2026-11.db
    """
    from roadmap.store import backups
    from roadmap.store import sqlite as db

    app = app_of(ctx)
    if app.loc.server is not None:
        from roadmap.store import server

        app.conn()  # the server is reachable and its schema current
        dest = server.backup(app.loc.server, path, db.backups_dir(app.loc.db))
    else:
        dest = backups.backup(app.loc.db, path)
    from roadmap.safetext import one_line

    typer.echo(f"backed up {one_line(app.loc.label)} to {one_line(dest)}")


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A roadmap database backup.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (the current one is backed up first).

    The file must be a roadmap database of a schema revision this version knows; an older one is upgraded after the restore.

    Example: roadmap restore ~/.local/share/roadmap/backups/roadmap-20261120-manual.db
    """
    from roadmap.store import backups
    from roadmap.store import sqlite as db

    app = app_of(ctx)
    found = backups.inspect(path)
    question = f"replace {app.loc.label} with {path} ({found.sessions} sessions)?"
    if not confirm(question, yes=yes):
        info("nothing changed")
        raise typer.Exit(1)
    if app.loc.server is not None:
        from roadmap.store import server

        app.conn()
        app.close()
        saved: Path | None = server.restore(app.loc.server, path, db.backups_dir(app.loc.db))
    else:
        saved = backups.restore(app.loc.db, path)
    app.conn()  # migrate if the backup is older; sync the tree
    from roadmap.safetext import one_line

    typer.echo(
        f"restored {one_line(path)} ({found.sessions} sessions)"
        + (f"; the previous database is in {one_line(saved)}" if saved else "")
    )


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(export)
    app.command("import", rich_help_panel=PANEL)(import_)
    app.command(rich_help_panel=PANEL)(backup)
    app.command(rich_help_panel=PANEL)(restore)
    app.command(rich_help_panel=PANEL)(doctor)


def doctor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the health of your data without changing anything.

    Integrity, foreign keys, schema revision, orphaned rows, a forgotten timer, the skills
    file against the database, and whether the database sits in a synced or network folder.
    Exit 0 when healthy (warnings allowed); 1 with the problems listed otherwise.

    Example: roadmap doctor --json
    """
    from roadmap import doctor as doc
    from roadmap.render import doctor_view

    app = app_of(ctx)
    findings = (
        doc.run_server(app.loc.server, app.loc.skills)
        if app.loc.server is not None
        else doc.run(app.loc.db, app.loc.skills)
    )
    ok = doc.healthy(findings)
    if as_json:
        print_json(
            {
                "healthy": ok,
                "database": app.loc.label,
                "skills": str(app.loc.skills),
                "checks": [f.to_json() for f in findings],
            }
        )
    else:
        display(ctx, doctor_view(findings))
        problems = sum(f.status == "problem" for f in findings)
        typer.echo("healthy" if ok else f"{problems} problem(s) found")
    if not ok:
        raise typer.Exit(1)
