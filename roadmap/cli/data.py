"""Data in and out: export, import, backup, restore."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from roadmap.cli.common import JsonOpt, TargetOpt, app_of, confirm, info, print_json

PANEL = "Data"


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="md, json, csv or html.", case_sensitive=False)
    ] = "md",
    since: Annotated[str | None, typer.Option("--since", help="From this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day.")] = None,
    target: TargetOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
    ] = None,
) -> None:
    """Export a progress summary (md, html) or your history (json, csv).

    Example: roadmap export --format html -o report.html
    """
    from roadmap import export as ex
    from roadmap import resolve, views
    from roadmap.db import utcnow
    from roadmap.errors import UsageError
    from roadmap.timeparse import local_now, parse_date

    fmt = fmt.lower()
    if fmt not in ("md", "json", "csv", "html"):
        raise UsageError(f"unknown format '{fmt}': use md, json, csv or html")
    today = local_now().date()
    start = parse_date(since, today) if since else None
    end = parse_date(until, today) if until else None
    conn = app_of(ctx).conn()

    def write(out: IO[str]) -> None:
        if fmt == "json":
            ex.write_json(conn, out, utcnow(), _iso(start), _iso(end))
        elif fmt == "csv":
            ex.write_csv(conn, out, _iso(start), _iso(end))
        else:
            world = views.load(conn, resolve.target(conn, target), today)
            first = start or _first_day(conn) or today
            summary = views.summary(conn, world, first, end or today)
            if fmt == "md":
                ex.write_markdown(summary, out)
            else:
                from roadmap.report_html import write_html

                write_html(summary, out)

    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    with ex.atomic_output(output) as handle:
        write(handle)
    info(f"wrote {output}")


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
            help="NAME=SKILL: map a project or tag to a skill (repeatable).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported.")
    ] = False,
    skip_unknown: Annotated[
        bool, typer.Option("--skip-unknown", help="Skip records whose skill is unknown.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import history: our JSON export, Watson frames, `timew export`, or our CSV.

    All or nothing; importing the same file twice adds nothing.

    Example: roadmap import ~/.config/watson/frames --map gpu=cuda --dry-run
    """
    from roadmap import importers, importing, resolve
    from roadmap.errors import UsageError

    app = app_of(ctx)
    conn = app.conn()
    text = importers.read_text(file)
    fmt = (source or importers.detect(file, text)).lower()
    if fmt not in importers.FORMATS:
        raise UsageError(f"unknown format '{fmt}': use json, watson, timewarrior or csv")
    pairs: dict[str, str] = {}
    for item in mapping or []:
        name, sep, skill = item.partition("=")
        if not sep or not name.strip() or not skill.strip():
            raise UsageError(f"--map takes NAME=SKILL, not '{item}'")
        pairs[name.strip()] = resolve.skill(conn, skill.strip()).id
    doc: dict[str, Any] | None = None
    if fmt == "json":
        doc, records = importers.roadmap_json(file, text)
    else:
        records = {
            "watson": importers.watson,
            "timewarrior": importers.timewarrior,
            "csv": importers.roadmap_csv,
        }[fmt](file, text)
    resolver = importing.Resolver(conn, pairs)
    with _progress(len(text) > 2_000_000) as tick:
        plan = importing.plan(conn, records, resolver, skip_unknown, tick)
    summary = plan.summary()
    if dry_run:
        summary["dry_run"] = True
    else:
        with app.write() as session:
            ids = importing.apply(session, plan.rows, f"{fmt} file {file.name}")
            summary["imported"] = len(ids)
            if doc is not None:
                summary["state_items"] = importing.apply_state(session, doc, resolver)
    if as_json:
        print_json(summary)
        return
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {summary['imported']} session(s) from {file} ({fmt}); "
        f"{plan.duplicates} duplicate(s), {plan.running} running, "
        f"{len(plan.invalid)} invalid, {plan.skipped_unknown} with unknown skills skipped"
    )
    for problem in plan.invalid[:5]:
        info(f"  skipped {problem}")


class _progress:
    """A progress spinner with a count on a terminal; nothing otherwise."""

    def __init__(self, large: bool) -> None:
        self.enabled = large and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        task = self.bar.add_task("reading records", total=None)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="Where (default: a timestamped file in DATA_DIR/backups).")
    ] = None,
) -> None:
    """Copy the database safely (SQLite's backup API), even while it is in use.

    Example: roadmap backup ~/roadmap-2026-11.db
    """
    from roadmap import db
    from roadmap.errors import CannotCreateError

    app = app_of(ctx)
    app.conn()
    dest = path or db.backup_name(app.loc.db, "manual")
    if dest.exists():
        raise CannotCreateError(f"{dest} exists; not overwriting it")
    db.backup(app.loc.db, dest)
    typer.echo(f"backed up {app.loc.db} to {dest}")


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A roadmap database backup.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (the current one is backed up first).

    Example: roadmap restore ~/.local/share/roadmap/backups/roadmap-20261120-manual.db
    """
    from roadmap import db
    from roadmap.errors import DatabaseRefused, NoInputError

    app = app_of(ctx)
    if not path.is_file():
        raise NoInputError(f"backup not found: {path}")
    db.check_header(path)
    conn = db.connect(path, readonly=True)
    try:
        version = db.user_version(conn)
        quick = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if version > db.SCHEMA_VERSION:
        raise DatabaseRefused(f"{path} was made by a newer version of roadmap (schema {version})")
    if quick != "ok":
        raise DatabaseRefused(f"{path} is damaged ({quick}); not restoring it")
    if not confirm(f"replace {app.loc.db} with {path}?", yes=yes):
        info("nothing changed")
        raise typer.Exit(1)
    saved = None
    if app.loc.db.exists():
        db.check_header(app.loc.db)
        saved = db.backup(app.loc.db, db.backup_name(app.loc.db, "before-restore"))
    app.loc.db.parent.mkdir(parents=True, exist_ok=True)
    db.backup(path, app.loc.db.with_name(app.loc.db.name + ".restoring"))
    for suffix in ("-wal", "-shm"):
        Path(str(app.loc.db) + suffix).unlink(missing_ok=True)
    import os

    os.replace(app.loc.db.with_name(app.loc.db.name + ".restoring"), app.loc.db)
    app.conn()  # migrate if the backup is older; sync the tree
    typer.echo(f"restored {path}" + (f"; the previous database is in {saved}" if saved else ""))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(export)
    app.command("import", rich_help_panel=PANEL)(import_)
    app.command(rich_help_panel=PANEL)(backup)
    app.command(rich_help_panel=PANEL)(restore)
    app.command(rich_help_panel=PANEL)(doctor)


def doctor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the database's health (read-only): integrity, schema, orphans, timer, location.

    Exit 0 when healthy; 1 with the problems listed otherwise.

    Example: roadmap doctor
    """
    from roadmap import doctor as doc
    from roadmap.tree import digest

    app = app_of(ctx)
    try:
        skills_digest: str | None = digest(app.loc.skills.read_bytes())
    except OSError:
        skills_digest = None
    findings = doc.run(app.loc.db, skills_digest)
    note = doc.writable_note(app.loc.db)
    if note is not None:
        findings.append(note)
    ok = doc.healthy(findings)
    if as_json:
        print_json(
            {"healthy": ok, "database": str(app.loc.db), "checks": [f.to_json() for f in findings]}
        )
    else:
        marks = {"ok": "ok     ", "warning": "warning", "problem": "PROBLEM"}
        from roadmap.render import clean

        for f in findings:
            typer.echo(clean(f"{marks[f.status]}  {f.check}: {f.detail}"))
        typer.echo("healthy" if ok else "problems found")
    if not ok:
        raise typer.Exit(1)
