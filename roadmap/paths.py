"""Where things live: the data dir, the database, the skills file, bundled resources.

Resolution order (documented in README.md):

- data dir: ``$ROADMAP_HOME``, else platformdirs' user data dir for ``roadmap``;
- database: ``--db PATH`` / ``$ROADMAP_DB``, else ``roadmap.db`` in the data dir;
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
        return Path(home).expanduser()
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
    db: Path
    skills: Path
    skills_origin: str  # "option", "env", "data dir" or "bundled"


def resolve(db: str | None = None, skills: str | None = None) -> Locations:
    """Resolve the data dir, database and skills file from options and environment."""
    home = data_dir()
    db_value = db or os.environ.get("ROADMAP_DB")
    db_path = Path(db_value).expanduser() if db_value else home / DB_NAME
    if skills:
        skills_path, origin = Path(skills).expanduser(), "option"
    elif os.environ.get("ROADMAP_SKILLS"):
        skills_path, origin = Path(os.environ["ROADMAP_SKILLS"]).expanduser(), "env"
    elif (home / SKILLS_NAME).is_file():
        skills_path, origin = home / SKILLS_NAME, "data dir"
    else:
        skills_path, origin = bundled_skills(), "bundled"
    return Locations(home=home, db=db_path, skills=skills_path, skills_origin=origin)
