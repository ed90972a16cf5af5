"""Health checks on a database (read-only: doctor never writes)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from roadmap import db
from roadmap.errors import RoadmapError

SYNCED_FOLDERS = (
    "dropbox",
    "onedrive",
    "icloud",
    "mobile documents",
    "google drive",
    "googledrive",
    "box sync",
    "nextcloud",
    "owncloud",
    "syncthing",
)
NETWORK_FS = (
    "nfs",
    "nfs4",
    "cifs",
    "smbfs",
    "smb3",
    "fuse.sshfs",
    "9p",
    "afs",
    "lustre",
    "gpfs",
    "beegfs",
    "fuse.rclone",
    "davfs",
    "fuse.gcsfuse",
)


@dataclass
class Finding:
    check: str
    status: str  # "ok", "warning" or "problem"
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "detail": self.detail}


def _mount_type(path: Path) -> str | None:
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    target = str(path.resolve())
    for line in lines:
        parts = line.split()
        if (
            len(parts) >= 3
            and (target == parts[1] or target.startswith(parts[1].rstrip("/") + "/"))
            and len(parts[1]) > len(best)
        ):
            best, fstype = parts[1], parts[2]
    return fstype


def location(path: Path) -> Finding:
    lowered = str(path.resolve()).lower()
    for name in SYNCED_FOLDERS:
        if name in lowered:
            return Finding(
                "location",
                "warning",
                f"{path} is in a synced folder ({name}): SQLite files there can be corrupted "
                "by the sync; keep the database on a local disk",
            )
    fstype = _mount_type(path.parent)
    if fstype in NETWORK_FS:
        return Finding(
            "location",
            "warning",
            f"{path} is on a network file system ({fstype}), where SQLite's locking is unreliable",
        )
    return Finding("location", "ok", f"{path} is on a local disk ({fstype or 'unknown'})")


def run(db_path: Path, skills_digest: str | None) -> list[Finding]:
    findings = [location(db_path)] if db_path.exists() else []
    if not db_path.exists():
        return [Finding("database", "problem", f"{db_path} does not exist")]
    try:
        if db.check_header(db_path):
            return [
                *findings,
                Finding("database", "warning", "a blank SQLite file (no tables yet)"),
            ]
    except RoadmapError as exc:
        return [*findings, Finding("database", "problem", exc.message)]
    try:
        conn = db.connect(db_path, readonly=True)
    except sqlite3.Error as exc:
        return [*findings, Finding("database", "problem", f"cannot open: {exc}")]
    try:
        findings += _checks(conn, skills_digest)
    except sqlite3.Error as exc:
        findings.append(Finding("database", "problem", f"damaged: {exc}"))
    finally:
        conn.close()
    return findings


def _checks(conn: sqlite3.Connection, skills_digest: str | None) -> list[Finding]:
    out: list[Finding] = []
    quick = [r[0] for r in conn.execute("PRAGMA quick_check")]
    out.append(Finding("integrity", "ok" if quick == ["ok"] else "problem", "; ".join(quick[:5])))
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    out.append(
        Finding(
            "foreign keys",
            "problem" if fk else "ok",
            f"{len(fk)} broken reference(s)" if fk else "every reference resolves",
        )
    )
    version = db.user_version(conn)
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if version == db.SCHEMA_VERSION:
        out.append(
            Finding(
                "schema", "ok", f"schema {version} (revision {revision[0] if revision else '?'})"
            )
        )
    elif version > db.SCHEMA_VERSION:
        out.append(Finding("schema", "problem", f"schema {version} is newer than this roadmap"))
    else:
        out.append(Finding("schema", "warning", f"schema {version}: will be migrated on next use"))
    drift = (
        conn.execute(
            "SELECT count(*) FROM (SELECT skill_id, day, SUM(minutes), COUNT(*) FROM session "
            "GROUP BY skill_id, day EXCEPT SELECT skill_id, day, minutes, sessions FROM skill_day)"
        ).fetchone()[0]
        + conn.execute(
            "SELECT count(*) FROM (SELECT skill_id, day, minutes, sessions FROM skill_day EXCEPT "
            "SELECT skill_id, day, SUM(minutes), COUNT(*) FROM session GROUP BY skill_id, day)"
        ).fetchone()[0]
    )
    orphans = conn.execute(
        "SELECT (SELECT count(*) FROM session WHERE skill_id NOT IN (SELECT id FROM skill)) + "
        "(SELECT count(*) FROM milestone WHERE skill_id NOT IN (SELECT id FROM skill)) + "
        "(SELECT count(*) FROM prerequisite WHERE requires_id NOT IN (SELECT id FROM skill))"
    ).fetchone()[0]
    out.append(
        Finding(
            "orphans",
            "problem" if drift or orphans else "ok",
            f"{orphans} orphaned row(s), {drift} daily total(s) out of step"
            if drift or orphans
            else "no orphaned rows; daily totals match the sessions",
        )
    )
    timer = conn.execute(
        "SELECT skill_id, started_at FROM timer WHERE started_at < strftime('%Y-%m-%dT%H:%M:%SZ', "
        "'now', '-1 day')"
    ).fetchone()
    out.append(
        Finding("timer", "warning", f"the timer on {timer[0]} has run since {timer[1]}: forgotten?")
        if timer
        else Finding("timer", "ok", "no timer running for more than a day")
    )
    archived = [
        r[0]
        for r in conn.execute(
            "SELECT k.id FROM skill k WHERE k.archived = 1 AND (EXISTS (SELECT 1 FROM session s "
            "WHERE s.skill_id = k.id) OR EXISTS (SELECT 1 FROM assessment a WHERE a.skill_id = k.id))"
        )
    ]
    out.append(
        Finding(
            "skills file",
            "warning",
            f"{len(archived)} skill(s) with history are no longer in the skills file "
            f"(archived): {', '.join(archived[:8])}; rename with was: to move their history",
        )
        if archived
        else Finding("skills file", "ok", "every skill with history is in the file")
    )
    stored = conn.execute("SELECT value FROM meta WHERE key = 'tree_digest'").fetchone()
    if skills_digest is not None and (not stored or stored[0] != skills_digest):
        out.append(
            Finding(
                "sync",
                "warning",
                "the skills file changed since the last sync; any command syncs it (roadmap sync)",
            )
        )
    return out


def writable_note(db_path: Path) -> Finding | None:
    if db_path.exists() and not db.writable(db_path):
        return Finding("permissions", "warning", f"{db_path} is read-only: views work, writes fail")
    return None


def healthy(findings: list[Finding]) -> bool:
    return not any(f.status == "problem" for f in findings)
