"""What ``roadmap`` with no command shows."""

from __future__ import annotations

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
  roadmap --help               every command
"""


def default(ctx: typer.Context) -> None:
    app = app_of(ctx)
    typer.echo(WELCOME.format(home=app.loc.home, skills=app.loc.skills).rstrip())
