"""What ``roadmap`` with no command shows: a welcome on a fresh data dir, else ``status``."""

from __future__ import annotations

from pathlib import Path

import typer

from roadmap.cli.common import app_of

WELCOME = """roadmap tracks your skill roadmap: a YAML skill tree, study sessions, and how far
you stand from your career target.

  data:   {home}
  skills: {skills}

Try:
  roadmap tree                 the skill tree and your levels
  roadmap log SKILL 1h         log a study session (or: roadmap start SKILL ... roadmap stop)
  roadmap status               where you stand, what to study next

  roadmap demo                 look around a few months of demo history first
  roadmap --help               every command
"""


def _has_history(ctx: typer.Context) -> bool:
    app = app_of(ctx)
    if app.loc.server is None and not app.loc.db.exists():
        return False
    if app.loc.server is not None and not _server_has_schema(app.loc.server):
        return False  # an empty server database: the welcome, and nothing created
    conn = app.conn()
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM session) OR EXISTS (SELECT 1 FROM assessment) "
        "OR EXISTS (SELECT 1 FROM milestone WHERE checked_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM timer)"
    ).fetchone()
    return bool(row[0])


def _server_has_schema(url: str) -> bool:
    from roadmap.store import pg, server

    conn = pg.connect(url)
    try:
        return server.revision(conn) is not None
    finally:
        conn.close()


def default(ctx: typer.Context) -> None:
    if _has_history(ctx):
        from roadmap.cli.views import status

        status(ctx, target=None, as_json=False)
        return
    app = app_of(ctx)
    from roadmap.safetext import one_line

    typer.echo(
        WELCOME.format(home=one_line(app.loc.home), skills=one_line(app.loc.skills)).rstrip()
    )
    note = _review_note(app.loc.skills)
    if note:
        typer.echo(f"\nNote: {note}")


def _review_note(skills: Path) -> str | None:
    """Suggest a review when the skills file's ``reviewed:`` date is more than a year old."""
    from roadmap.clock import now
    from roadmap.review import review_note, reviewed_in

    try:
        data = skills.read_bytes()
    except OSError:
        return None  # a missing or unreadable file is reported by the commands that need it
    return review_note(reviewed_in(data), now().date(), skills)
