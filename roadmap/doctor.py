"""Health checks on a database and its skills file (read-only: doctor never writes).

Each check gives a :class:`Finding` that is ``ok``, a ``warning`` (worth knowing, the
data is fine) or a ``problem`` (something is broken; ``roadmap doctor`` exits 1):

- the database file: missing, 0 bytes, not ours, unreadable;
- ``PRAGMA quick_check`` and ``PRAGMA foreign_key_check``;
- the schema: its revision against the one this version knows;
- orphaned rows (references the schema cannot enforce) and the daily totals;
- a timer running for more than a day;
- the skills file against the database: it must load, and skills with history that
  the file no longer has are listed; a review is suggested when its ``reviewed:`` date is
  more than a year old;
- where the database lives: a synced folder (Dropbox, OneDrive, iCloud, Google Drive,
  ...) or a network file system, where SQLite's own documentation warns that locking
  is unreliable and the file can be corrupted;
- whether the database is writable.

On a PostgreSQL server the file checks give way to: the server answers, the schema
revision, and the same content checks (the server enforces the foreign keys itself).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from roadmap.errors import RoadmapError
from roadmap.store import copydb
from roadmap.store import sqlite as db
from roadmap.store.protocol import Conn
from roadmap.store.schema import HEAD_REVISION

# Folder names (one path component, compared case-insensitively) that sync clients use.
SYNCED_FOLDERS = (
    "dropbox",
    "onedrive",
    "icloud drive",
    "icloud",
    "icloudrive",
    "mobile documents",  # ~/Library/Mobile Documents: iCloud Drive on macOS
    "cloudstorage",  # ~/Library/CloudStorage: every File Provider sync client on macOS
    "google drive",
    "googledrive",
    "my drive",
    "box",
    "box sync",
    "nextcloud",
    "owncloud",
    "pcloud drive",
    "mega",
    "megasync",
    "syncthing",
    "seafile",
    "sync",
    "yandex.disk",
)
NETWORK_FS = (
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smbfs",
    "smb2",
    "smb3",
    "ncpfs",
    "afs",
    "9p",
    "drvfs",
    "virtiofs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "beegfs",
    "davfs",
    "sshfs",
    "rclone",
    "gcsfuse",
    "s3fs",
    "juicefs",
    "webdav",
)


@dataclass
class Finding:
    check: str
    status: str  # "ok", "warning" or "problem"
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "detail": self.detail}


# --- where the database lives -----------------------------------------------------


def synced_folder(path: Path) -> str | None:
    """The sync client's folder that holds ``path``, if any (by path component)."""
    for part in path.parts:
        lowered = part.lower()
        for name in SYNCED_FOLDERS:
            if lowered == name or lowered.startswith((name + " ", name + "-", name + "_")):
                return part
    return None


def _unescape(field: str) -> str:
    """/proc/mounts escapes spaces, tabs, newlines and backslashes as octal."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_type(path: Path, mounts: str | None = None) -> str | None:
    """The file system type of the mount holding ``path`` (Linux; None elsewhere)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, fstype = "", None
    target = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape(parts[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, parts[2]
    return fstype


def is_network_fs(fstype: str | None) -> bool:
    if not fstype:
        return False
    name = fstype.lower().removeprefix("fuse.").removeprefix("fuseblk.")
    return name in NETWORK_FS


def location(path: Path, mounts: str | None = None) -> Finding:
    resolved = path.resolve()
    folder = synced_folder(resolved)
    if folder is not None:
        return Finding(
            "location",
            "warning",
            f"{path} is in a synced folder ({folder}): SQLite's documentation warns that a "
            "database synced by such a service can be corrupted; keep it on a local disk "
            "(set ROADMAP_HOME) and sync backups instead",
        )
    fstype = mount_type(resolved, mounts)
    if is_network_fs(fstype):
        return Finding(
            "location",
            "warning",
            f"{path} is on a network file system ({fstype}): SQLite's locking is unreliable "
            "there and the database can be corrupted; keep it on a local disk",
        )
    return Finding("location", "ok", f"{path} is on a local file system ({fstype or 'unknown'})")


# --- the database -------------------------------------------------------------------


def run(db_path: Path, skills_path: Path | None = None) -> list[Finding]:
    """Every check, without writing anything."""
    findings = [location(db_path)]
    try:
        db.check_path(db_path)
    except RoadmapError as exc:
        return [*findings, Finding("database", "problem", exc.message)]
    if not db_path.exists():
        signs = db.history_signs(db_path)
        if signs:
            findings.append(
                Finding(
                    "database",
                    "problem",
                    f"{db_path} is missing, but its directory shows one existed "
                    f"({', '.join(signs)}); restore a backup",
                )
            )
        else:
            findings.append(
                Finding("database", "ok", f"{db_path} does not exist yet; first use creates it")
            )
        return findings
    try:
        if db.check_header(db_path):
            findings.append(Finding("database", "ok", "a blank SQLite file: first use sets it up"))
            return findings
    except RoadmapError as exc:
        findings.append(Finding("database", "problem", exc.message))
        return findings
    try:
        conn = db.connect(db_path, readonly=True)
    except sqlite3.Error as exc:
        findings.append(Finding("database", "problem", f"cannot open {db_path}: {exc}"))
        return findings
    try:
        findings += _checks(conn, skills_path)
    except sqlite3.Error as exc:
        findings.append(Finding("database", "problem", f"{db_path} is damaged: {exc}"))
    finally:
        conn.close()
    note = writable_note(db_path)
    if note is not None:
        findings.append(note)
    findings.append(temp_files(db_path.parent))
    return findings


def temp_files(directory: Path) -> Finding:
    """Temp files a killed write left in the data dir (removed by the next write)."""
    from roadmap import atomic

    left = atomic.stale_temp_files(directory, legacy=True)
    if not left:
        return Finding("temp files", "ok", "no temp files left behind")
    names = ", ".join(p.name for p in left[:5]) + (f" and {len(left) - 5} more" if left[5:] else "")
    return Finding(
        "temp files",
        "warning",
        f"{len(left)} temp file(s) left behind by an interrupted write in {directory}: {names}; "
        "safe to delete",
    )


# Every stored time, and the table it is in: each must be 1970 .. a day past now.
STORED_TIMES = {
    "session": "started_at",
    "assessment": "assessed_at",
    "milestone": "checked_at",
    "level_change": "changed_at",
    "review": "reviewed_at",
    "timer": "started_at",
}


def _dates(conn: Conn) -> Finding:
    """Dates outside 1970-01-01 .. a day past now (an import before the range was checked
    stored them; every view that reads them breaks)."""
    from roadmap import clock, limits

    lo = clock.to_stored(limits.EARLIEST)
    hi = clock.to_stored(limits.latest(clock.now()))
    found = {}
    for table, column in STORED_TIMES.items():
        n = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL AND "
            f"(length({column}) <> 20 OR {column} < ? OR {column} > ?)",
            (lo, hi),
        ).fetchone()[0]
        if n:
            found[table] = int(n)
    if not found:
        return Finding("dates", "ok", "every date is between 1970-01-01 and tomorrow")
    listing = ", ".join(f"{n} in {table}" for table, n in found.items())
    return Finding(
        "dates",
        "problem",
        f"dates outside 1970-01-01 .. tomorrow: {listing}; restore a backup from before "
        "they were stored, or delete those rows",
    )


def run_server(url: str, skills_path: Path | None = None) -> list[Finding]:
    """Every check on a server database, without writing anything."""
    from roadmap.store import pg, server
    from roadmap.store.backups import known_revisions
    from roadmap.store.url import has_password, redact

    label = redact(url)
    findings = [Finding("location", "ok", f"on the server {label}: shared safely between machines")]
    if has_password(url):
        findings.append(
            Finding(
                "credentials",
                "warning",
                "the database URL holds a password (it shows in shell history and process "
                "lists): put it in ~/.pgpass or $PGPASSWORD instead",
            )
        )
    try:
        conn = pg.connect(url)
    except RoadmapError as exc:
        findings.append(Finding("database", "problem", exc.message))
        return findings
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        revision = server.revision(conn)
        known = known_revisions()
        if revision is None:
            names = server.table_names(conn)
            if names:
                findings.append(
                    Finding("database", "problem", f"{label} holds other tables: not roadmap's")
                )
            else:
                findings.append(
                    Finding("database", "ok", f"{label} is empty: first use sets it up")
                )
            return findings
        findings.append(Finding("foreign keys", "ok", "enforced by the server"))
        if revision not in known:
            findings.append(
                Finding(
                    "schema",
                    "problem",
                    f"revision {revision} was made by a newer version of roadmap "
                    f"(this one knows up to {max(known)}): upgrade roadmap",
                )
            )
            return findings
        if revision != max(known):
            findings.append(
                Finding(
                    "schema",
                    "warning",
                    f"revision {revision}: upgraded on next use (a backup is made)",
                )
            )
            return findings
        findings.append(Finding("schema", "ok", f"revision {revision}, current"))
        findings.append(_server_objects(conn))
        findings.append(_orphans(conn))
        findings.append(_dates(conn))
        findings.append(_timer(conn))
        findings.append(_journal(conn))
        findings.append(_session_times(conn))
        findings += _skills_file(conn, skills_path)
    except RoadmapError as exc:
        findings.append(Finding("database", "problem", exc.message))
    finally:
        conn.close()
    return findings


def _checks(conn: sqlite3.Connection, skills_path: Path | None) -> list[Finding]:
    out: list[Finding] = []
    quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    out.append(
        Finding(
            "integrity",
            "ok" if quick == ["ok"] else "problem",
            "quick_check: ok" if quick == ["ok"] else "; ".join(quick[:5]),
        )
    )
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    out.append(
        Finding(
            "foreign keys",
            "problem" if fk else "ok",
            f"{len(fk)} broken reference(s), in {', '.join(sorted({r[0] for r in fk}))}"
            if fk
            else "every reference resolves",
        )
    )
    schema = _schema(conn)
    out.append(schema)
    if schema.status != "ok":
        return out  # the content checks below assume this version's schema
    out.append(_objects(conn))
    out.append(_orphans(conn))
    out.append(_dates(conn))
    out.append(_timer(conn))
    out.append(_journal(conn))
    out.append(_session_times(conn))
    out += _skills_file(conn, skills_path)
    return out


def _schema(conn: sqlite3.Connection) -> Finding:
    version = db.user_version(conn)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    revision = str(row[0]) if row else None
    if version > db.SCHEMA_VERSION:
        return Finding(
            "schema",
            "problem",
            f"schema {version} (revision {revision}) was made by a newer version of roadmap "
            f"(this one knows up to {db.SCHEMA_VERSION}): upgrade roadmap",
        )
    if revision is None:
        return Finding("schema", "problem", "no migration revision recorded: not set up right")
    if version < db.SCHEMA_VERSION:
        return Finding(
            "schema",
            "warning",
            f"schema {version} (revision {revision}): upgraded on next use (a backup is made)",
        )
    if revision != HEAD_REVISION:
        return Finding(
            "schema",
            "problem",
            f"revision {revision} is not one this version knows (head {HEAD_REVISION})",
        )
    return Finding("schema", "ok", f"schema {version}, revision {revision} (current)")


# References that no foreign key enforces (or that predate enforcement).
ORPHAN_QUERIES = {
    "sessions": "SELECT count(*) FROM session WHERE skill_id NOT IN (SELECT id FROM skill)",
    "milestones": "SELECT count(*) FROM milestone WHERE skill_id NOT IN (SELECT id FROM skill)",
    "prerequisites": (
        "SELECT count(*) FROM prerequisite WHERE skill_id NOT IN (SELECT id FROM skill) "
        "OR requires_id NOT IN (SELECT id FROM skill)"
    ),
    "child skills": (
        "SELECT count(*) FROM skill WHERE parent_id IS NOT NULL "
        "AND parent_id NOT IN (SELECT id FROM skill)"
    ),
    "skills": "SELECT count(*) FROM skill WHERE pillar_id NOT IN (SELECT id FROM pillar)",
    "assessments": "SELECT count(*) FROM assessment WHERE skill_id NOT IN (SELECT id FROM skill)",
    "level changes": (
        "SELECT count(*) FROM level_change WHERE skill_id NOT IN (SELECT id FROM skill)"
    ),
    "reviews": "SELECT count(*) FROM review WHERE skill_id NOT IN (SELECT id FROM skill)",
    "aliases": "SELECT count(*) FROM skill_alias WHERE skill_id NOT IN (SELECT id FROM skill)",
    "target requirements": (
        "SELECT count(*) FROM target_requirement WHERE skill_id NOT IN (SELECT id FROM skill) "
        "OR target_id NOT IN (SELECT id FROM target)"
    ),
    "timer": "SELECT count(*) FROM timer WHERE skill_id NOT IN (SELECT id FROM skill)",
    "daily totals": "SELECT count(*) FROM skill_day WHERE skill_id NOT IN (SELECT id FROM skill)",
}
DRIFT_QUERY = """
    SELECT count(*) FROM (
      SELECT skill_id, day FROM (
        SELECT skill_id, day, SUM(minutes), COUNT(*) FROM session GROUP BY skill_id, day
        EXCEPT SELECT skill_id, day, minutes, sessions FROM skill_day) AS missing
      UNION
      SELECT skill_id, day FROM (
        SELECT skill_id, day, minutes, sessions FROM skill_day
        EXCEPT SELECT skill_id, day, SUM(minutes), COUNT(*) FROM session GROUP BY skill_id, day)
        AS extra) AS drift
"""


# The running totals of schema 0002 (skip on an older database that awaits its upgrade).
TOTALS_DRIFT = {
    "skill_total": """
        SELECT count(*) FROM (
          SELECT * FROM (SELECT skill_id, SUM(minutes), COUNT(*), MAX(day) FROM session
                         GROUP BY skill_id
                         EXCEPT SELECT skill_id, minutes, sessions, last_day FROM skill_total)
                         AS missing
          UNION ALL
          SELECT * FROM (SELECT skill_id, minutes, sessions, last_day FROM skill_total
                         EXCEPT SELECT skill_id, SUM(minutes), COUNT(*), MAX(day) FROM session
                         GROUP BY skill_id) AS extra) AS drift
    """,
    "study_day": """
        SELECT count(*) FROM (
          SELECT * FROM (SELECT day, SUM(minutes), COUNT(*) FROM session GROUP BY day
                         EXCEPT SELECT day, minutes, sessions FROM study_day) AS missing
          UNION ALL
          SELECT * FROM (SELECT day, minutes, sessions FROM study_day
                         EXCEPT SELECT day, SUM(minutes), COUNT(*) FROM session GROUP BY day)
                         AS extra) AS drift
    """,
}


def _orphans(conn: Conn) -> Finding:
    found = {what: int(conn.execute(sql).fetchone()[0]) for what, sql in ORPHAN_QUERIES.items()}
    found = {what: n for what, n in found.items() if n}
    drift = int(conn.execute(DRIFT_QUERY).fetchone()[0])
    tables = set(copydb.tables(conn))
    drift += sum(
        int(conn.execute(sql).fetchone()[0]) for name, sql in TOTALS_DRIFT.items() if name in tables
    )
    if not found and not drift:
        return Finding(
            "orphans", "ok", "no orphaned rows; daily and running totals match the sessions"
        )
    parts = [f"{n} orphaned {what}" for what, n in found.items()]
    if drift:
        parts.append(f"{drift} daily or running total(s) out of step with the sessions")
    return Finding("orphans", "problem", "; ".join(parts))


def _timer(conn: Conn) -> Finding:
    from datetime import timedelta

    from roadmap import clock

    day_ago = clock.to_stored(clock.now() - timedelta(days=1))
    row = conn.execute(
        "SELECT skill_id, started_at FROM timer WHERE started_at < ?", (day_ago,)
    ).fetchone()
    if row is None:
        return Finding("timer", "ok", "no timer running for more than a day")
    return Finding(
        "timer",
        "warning",
        f"the timer on {row[0]} has run since {row[1]}, more than a day: forgotten? "
        "roadmap cancel drops it; then log the real time with roadmap log",
    )


def _objects(conn: sqlite3.Connection) -> Finding:
    """Tables, indexes, triggers and views: exactly those our migrations make."""
    from roadmap.store import schemacheck

    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    foreign = schemacheck.differences(conn, str(row[0])) if row else ["no alembic_version"]
    if not foreign:
        return Finding("schema objects", "ok", "tables, indexes and triggers are roadmap's own")
    return Finding(
        "schema objects",
        "problem",
        f"{'; '.join(foreign[:5])}: not made by roadmap (restore a backup, or export and "
        "import into a new data dir)",
    )


# The trigger roadmap's migrations make on a server (one row-level trigger keeps the totals).
SERVER_TRIGGERS = {("session_totals", "session")}


def _server_objects(conn: Any) -> Finding:
    """On a server: tables, views and triggers are exactly roadmap's (a planted trigger could
    rewrite history on the next write)."""
    from sqlmodel import SQLModel

    from roadmap import models  # noqa: F401  (registers the tables)
    from roadmap.store import server

    tables = server.table_names(conn)
    triggers = {
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT DISTINCT trigger_name, event_object_table FROM information_schema.triggers "
            "WHERE trigger_schema = current_schema()"
        )
    }
    ours = set(SQLModel.metadata.tables) | {"alembic_version"}
    foreign = [f"an unknown table or view '{t}'" for t in sorted(tables - ours)]
    foreign += [f"the table '{t}' is missing" for t in sorted(ours - tables)]
    foreign += [f"an unknown trigger '{n}' on '{t}'" for n, t in sorted(triggers - SERVER_TRIGGERS)]
    foreign += [f"the trigger '{n}' is missing" for n, _ in sorted(SERVER_TRIGGERS - triggers)]
    if not foreign:
        return Finding("schema objects", "ok", "tables and triggers are roadmap's own")
    return Finding(
        "schema objects",
        "problem",
        f"{'; '.join(foreign[:5])}: not made by roadmap (restore a backup made before it)",
    )


def _journal(conn: Conn, depth: int = 200) -> Finding:
    """Journal entries ``undo`` would reach but could no longer apply."""
    import json

    from roadmap import journal

    stuck = []
    for entry_id, action, summary, payload in conn.execute(
        "SELECT id, action, summary, payload FROM journal WHERE undone_at IS NULL "
        "ORDER BY id DESC LIMIT ?",
        (depth,),
    ).fetchall():
        try:
            reason = journal.problem(conn, str(action), json.loads(payload))
        except (ValueError, KeyError, TypeError):
            reason = "its record is damaged"
        if reason is not None:
            stuck.append(f"#{entry_id} '{summary}': {reason}")
    if not stuck:
        return Finding("journal", "ok", "every change undo can reach still applies")
    return Finding(
        "journal",
        "warning",
        f"{len(stuck)} journal entr{'y' if len(stuck) == 1 else 'ies'} can no longer be "
        f"undone ({'; '.join(stuck[:3])}): undo sets each aside and goes on to the one before",
    )


def _session_times(conn: Conn) -> Finding:
    """Overlapping sessions and sessions ending in the future (roadmap.overlaps)."""
    from roadmap import clock, overlaps

    return Finding(*overlaps.finding(conn, clock.now()))


HISTORY_QUERY = """
    SELECT id FROM skill WHERE id IN (
        SELECT skill_id FROM session UNION SELECT skill_id FROM assessment
        UNION SELECT skill_id FROM level_change UNION SELECT skill_id FROM timer
        UNION SELECT skill_id FROM review
        UNION SELECT skill_id FROM milestone WHERE checked_at IS NOT NULL)
    ORDER BY id
"""


def _skills_file(conn: Conn, skills_path: Path | None) -> list[Finding]:
    if skills_path is None:
        return []
    from roadmap.errors import DataError
    from roadmap.skillsfile import digest, read_bytes
    from roadmap.tree import parse_tree

    try:
        data = read_bytes(skills_path)
        tree = parse_tree(data, str(skills_path))
    except DataError as exc:
        first = exc.problems[0] if exc.problems else exc.message
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return [
            Finding(
                "skills file",
                "problem",
                f"{skills_path} is invalid: {first}{more}; see roadmap validate",
            )
        ]
    except RoadmapError as exc:
        return [Finding("skills file", "problem", exc.message)]
    in_file = {s.id for s in tree.skills} | {old for s in tree.skills for old in s.was}
    gone = [str(r[0]) for r in conn.execute(HISTORY_QUERY) if r[0] not in in_file]
    out = [
        Finding(
            "skills file",
            "warning",
            f"{len(gone)} skill(s) with history are not in {skills_path}: "
            f"{', '.join(gone[:10])}{' ...' if len(gone) > 10 else ''}; their history is kept "
            "(archived); to move it to a renamed skill, add was: [OLD-ID] to it",
        )
        if gone
        else Finding("skills file", "ok", f"every skill with history is in {skills_path}")
    ]
    out += _review(tree.reviewed, skills_path)
    stored = conn.execute("SELECT value FROM meta WHERE key = 'tree_digest'").fetchone()
    if not stored or stored[0] != digest(data):
        out.append(
            Finding(
                "sync",
                "warning",
                f"{skills_path} changed since the last sync; the next command syncs it",
            )
        )
    return out


def _review(reviewed: date | None, skills_path: Path) -> list[Finding]:
    """Suggest a review when the tree's ``reviewed:`` date is more than a year old."""
    from roadmap.clock import now
    from roadmap.review import review_note

    note = review_note(reviewed, now().date(), skills_path)
    return [Finding("review", "warning", note)] if note else []


def writable_note(db_path: Path) -> Finding | None:
    if db_path.exists() and not db.writable(db_path):
        return Finding(
            "permissions",
            "warning",
            f"{db_path} or its directory is read-only: views work, changes are refused",
        )
    return None


def healthy(findings: list[Finding]) -> bool:
    return not any(f.status == "problem" for f in findings)
