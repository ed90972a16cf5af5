"""Readers for history from other trackers: our JSON export, Watson, Timewarrior, CSV.

Each reader turns a file into :class:`Record` objects (pure parsing, no database).
Every record carries a ``source_key``, its identity in the source, so importing the
same file twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from roadmap.errors import DataError, NoInputError

FORMATS = ("json", "watson", "timewarrior", "csv")


@dataclass
class Record:
    names: list[str]  # candidate skill names, first match wins (project, then tags)
    started: datetime | None  # aware
    minutes: int
    note: str = ""
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    source: str = ""
    source_key: str | None = None
    line: int = 0
    ended: bool = True  # False: a running interval (no end)
    session_id: int | None = None  # our own export: keep the id when free


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NoInputError(f"import file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise NoInputError(f"cannot read {path}: {exc.strerror}") from None


def detect(path: Path, text: str) -> str:
    """Guess the format from the file's content."""
    head = text.lstrip()[:2000]
    if head.startswith("{"):
        return "json"
    if head.startswith("["):
        rest = head[1:].lstrip()
        if rest.startswith("["):
            return "watson"
        if rest.startswith("{") or rest.startswith("]"):
            return "timewarrior"
    first_line = head.splitlines()[0] if head else ""
    if path.suffix.lower() == ".csv" or "minutes" in first_line:
        return "csv"
    raise DataError(f"{path}: cannot tell the format; pass --from json|watson|timewarrior|csv")


def _json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _minutes(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() / 60)


def watson(path: Path, text: str) -> Iterator[Record]:
    """Watson's ``frames`` file: ``[[start, stop, project, id, tags, updated_at], ...]``."""
    frames = _json(path, text)
    if not isinstance(frames, list):
        raise DataError(f"{path}: a Watson frames file is a JSON list of frames")
    for index, frame in enumerate(frames, 1):
        if not isinstance(frame, list) or len(frame) < 4:
            raise DataError(f"{path}: frame {index} is not [start, stop, project, id, tags, ...]")
        try:
            start = datetime.fromtimestamp(float(frame[0]), timezone.utc)
            stop = datetime.fromtimestamp(float(frame[1]), timezone.utc)
        except (TypeError, ValueError, OverflowError, OSError):
            raise DataError(f"{path}: frame {index} has bad timestamps") from None
        tags = [str(t) for t in (frame[4] if len(frame) > 4 and isinstance(frame[4], list) else [])]
        yield Record(
            names=[str(frame[2]), *tags],
            started=start,
            minutes=_minutes(start, stop),
            tags=tags,
            source="watson",
            source_key=f"watson:{frame[3]}",
            line=index,
        )


def _timew_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def timewarrior(path: Path, text: str) -> Iterator[Record]:
    """``timew export``: ``[{"start": "20261120T090000Z", "end": ..., "tags": [...]}]``."""
    intervals = _json(path, text)
    if not isinstance(intervals, list):
        raise DataError(f"{path}: a Timewarrior export is a JSON list of intervals")
    for index, item in enumerate(intervals, 1):
        if not isinstance(item, dict) or "start" not in item:
            raise DataError(f"{path}: interval {index} has no 'start'")
        try:
            start = _timew_time(str(item["start"]))
            end = _timew_time(str(item["end"])) if item.get("end") else None
        except ValueError:
            raise DataError(
                f"{path}: interval {index} has a bad time (want 20261120T090000Z)"
            ) from None
        tags = [str(t) for t in item.get("tags", []) if isinstance(t, str)]
        yield Record(
            names=tags,
            started=start,
            minutes=_minutes(start, end) if end else 0,
            note=str(item.get("annotation", "") or ""),
            tags=tags,
            source="timewarrior",
            source_key=f"timewarrior:{item['start']}",
            line=index,
            ended=end is not None,
        )


def _parse_local(value: str) -> datetime:
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.astimezone()


def roadmap_csv(path: Path, text: str) -> Iterator[Record]:
    """Our CSV export's columns (at least date, minutes and skill_id or skill)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or [])
    skill_col = "skill_id" if "skill_id" in fields else "skill"
    if not {"minutes", skill_col} <= fields or not ({"date", "start"} & fields):
        raise DataError(f"{path}: CSV needs the columns date (or start), minutes and skill_id")
    for row in reader:
        line = reader.line_num
        unquote = {
            k: (v[1:] if v and v.startswith("'") and v[1:2] in "=+-@\t\r" else v)
            for k, v in row.items()
            if k
        }
        try:
            if unquote.get("start"):
                started = _parse_local(unquote["start"])
            else:
                started = datetime.fromisoformat(unquote["date"] + "T12:00:00").astimezone()
            minutes = int(float(unquote["minutes"]))
        except (ValueError, TypeError, KeyError):
            raise DataError(f"{path}:{line}: bad date or minutes") from None
        skill = unquote.get(skill_col) or ""
        key = f"csv:{started.isoformat()}|{minutes}|{skill}"
        yield Record(
            names=[skill],
            started=started,
            minutes=minutes,
            note=unquote.get("note", "") or "",
            tags=(unquote.get("tags") or "").split(),
            links=(unquote.get("links") or "").split(),
            source=unquote.get("source") or "csv",
            source_key=key,
            line=line,
        )


def roadmap_json(path: Path, text: str) -> tuple[dict[str, Any], Iterator[Record]]:
    """Our own export: returns the document (for checks, assessments...) and its sessions."""
    doc = _json(path, text)
    if not isinstance(doc, dict) or doc.get("format") != "roadmap-export":
        raise DataError(f'{path}: not a roadmap export (no "format": "roadmap-export")')
    if doc.get("version") != 1:
        raise DataError(f"{path}: export version {doc.get('version')} is not supported (1)")

    def records() -> Iterator[Record]:
        for index, s in enumerate(doc.get("sessions", []), 1):
            try:
                started = _parse_local(s["started_at"])
                yield Record(
                    names=[s["skill"]],
                    started=started,
                    minutes=int(s["minutes"]),
                    note=s.get("note", ""),
                    tags=list(s.get("tags", [])),
                    links=list(s.get("links", [])),
                    source=s.get("source", "log"),
                    source_key=s.get("source_key"),
                    line=index,
                    session_id=s.get("id"),
                )
            except (KeyError, TypeError, ValueError):
                raise DataError(f"{path}: session {index} is malformed") from None

    return doc, records()
