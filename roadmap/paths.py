"""Where things live: the data dir, the database, the skills file, bundled resources.

Resolution order (documented in README.md):

- data dir: ``$ROADMAP_HOME``, else platformdirs' user data dir for ``roadmap``;
- database: ``--db`` / ``$ROADMAP_DB`` (a path, ``sqlite:///PATH``, or a
  ``postgresql://`` URL), else ``roadmap.db`` in the data dir;
- skills file: ``--skills PATH`` / ``$ROADMAP_SKILLS``, else ``skills.yaml`` in the
  data dir when the user has one, else the bundled ``skills.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DB_NAME = "roadmap.db"
SKILLS_NAME = "skills.yaml"


def data_dir() -> Path:
    """The data dir: ``$ROADMAP_HOME`` or the platform's user data dir."""
    home = os.environ.get("ROADMAP_HOME")
    if home:
        path = Path(home).expanduser()
        if path.exists() and not path.is_dir():
            from roadmap.errors import DatabaseRefused

            raise DatabaseRefused(
                f"ROADMAP_HOME ({path}) is a file, not a directory; nothing was written",
                hint="point ROADMAP_HOME at a directory, or unset it to use the default",
            )
        return path
    from platformdirs import user_data_dir

    return Path(user_data_dir("roadmap", appauthor=False))


def bundled_skills() -> Path:
    """The bundled skills.yaml: inside the installed package, else the repo root."""
    inside = PACKAGE_DIR / SKILLS_NAME
    if inside.is_file():
        return inside
    return PACKAGE_DIR.parent / SKILLS_NAME


def migrations_dir() -> Path:
    """The Alembic scripts: inside the installed wheel, else the repo's ``migrations/``."""
    inside = PACKAGE_DIR / "migrations"
    if (inside / "env.py").is_file():
        return inside
    return PACKAGE_DIR.parent / "migrations"


@dataclass(frozen=True)
class Locations:
    """The resolved paths for one invocation."""

    home: Path
    db: Path  # the SQLite file (for a server: where its backups and markers would go)
    skills: Path
    skills_origin: str  # "option", "env", "data dir" or "bundled"
    server: str | None = None  # a postgresql:// URL: the database is on a server

    @property
    def label(self) -> str:
        """The database as shown to the user (a server URL without its password)."""
        if self.server is not None:
            from roadmap.store.url import redact

            return redact(self.server)
        return str(self.db)


def split_db(value: str | None, home: Path) -> tuple[Path, str | None]:
    """``--db`` / ``$ROADMAP_DB`` as (SQLite path, server URL or None)."""
    if not value:
        return home / DB_NAME, None
    if "://" in value or value.startswith(("postgres:", "postgresql:", "sqlite:")):
        from roadmap.store.url import parse

        path, server = parse(value)
        if server is not None:
            return home / DB_NAME, server
        assert path is not None
        return path, None
    return Path(value).expanduser(), None


def resolve(db: str | None = None, skills: str | None = None) -> Locations:
    """Resolve the data dir, database and skills file from options and environment."""
    home = data_dir()
    db_path, server = split_db(db or os.environ.get("ROADMAP_DB"), home)
    if skills:
        skills_path, origin = Path(skills).expanduser(), "option"
    elif os.environ.get("ROADMAP_SKILLS"):
        skills_path, origin = Path(os.environ["ROADMAP_SKILLS"]).expanduser(), "env"
    elif (home / SKILLS_NAME).is_file():
        skills_path, origin = home / SKILLS_NAME, "data dir"
    else:
        skills_path, origin = bundled_skills(), "bundled"
    return Locations(home=home, db=db_path, skills=skills_path, skills_origin=origin, server=server)
