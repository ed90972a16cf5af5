"""Readers for history from other trackers: our JSON export, Watson, Timewarrior, CSV.

Each reader turns a file into :class:`Record` objects (pure parsing, no database),
streaming: a file of 100,000 sessions is read in chunks and never held whole in
memory. Every record carries a ``source_key``, its identity in the source, so
importing the same file twice adds nothing the second time.

Anything that is not what the format promises (malformed JSON, a wrong type, a bad
time) raises :class:`~roadmap.errors.DataError` with ``FILE:LINE:COL`` where known.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from roadmap import clock, limits
from roadmap.errors import DataError, NoInputError

FORMATS = ("json", "watson", "timewarrior", "csv")
CHUNK = 1 << 20  # characters read at a time
EXPORT_FORMAT = "roadmap-export"
EXPORT_VERSION = 1


@dataclass
class Record:
    names: list[str]  # candidate skill names, first match wins (project, then tags)
    started: datetime  # aware
    minutes: int
    note: str = ""
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    source: str = ""
    source_key: str | None = None
    where: str = ""  # FILE:LINE(:COL) for messages
    ended: bool = True  # False: a running interval (no end)
    session_id: int | None = None  # our own export: keep the id when free
    label: str = ""  # how an unknown skill is reported (default: the first name)


# --- files ------------------------------------------------------------------------------------


class TextSource:
    """An import file opened for streaming (UTF-8, an optional BOM), with its size and the
    bytes read so far (for a progress bar)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            if path.is_dir():
                raise NoInputError(f"{path} is a directory, not a file to import")
            self.raw = path.open("rb")
            self.size = path.stat().st_size
            self.handle = io.TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise NoInputError(f"import file not found: {path}") from None
        except PermissionError:
            raise NoInputError(f"cannot read {path}: permission denied") from None
        except OSError as exc:
            raise NoInputError(f"cannot read {path}: {exc.strerror or exc}") from None

    def read(self, size: int | None = None) -> str:
        try:
            return self.handle.read(CHUNK if size is None else size)
        except UnicodeDecodeError:
            raise DataError(f"{self.path}: not UTF-8 text; export it as UTF-8") from None
        except OSError as exc:
            raise NoInputError(f"cannot read {self.path}: {exc.strerror or exc}") from None

    def position(self) -> int:
        """Bytes consumed from the file so far (approximate: the reader buffers ahead)."""
        try:
            return self.raw.tell()
        except (OSError, ValueError, AttributeError):
            return 0

    def close(self) -> None:
        self.handle.close()


def detect(path: Path) -> str:
    """Guess the format from the file's first characters (and its name, for CSV)."""
    source = TextSource(path)
    try:
        head = source.read(4096)
    finally:
        source.close()
    text = head.lstrip()
    if not text:
        raise DataError(f"{path}: the file is empty; nothing to import")
    if text.startswith("{"):
        return "json"
    if text.startswith("["):
        rest = text[1:].lstrip()
        if rest.startswith("["):
            return "watson"
        if rest.startswith("{") or rest.startswith("]"):
            return "timewarrior"
        raise DataError(
            f"{path}: a JSON list, but not of Watson frames ([start, stop, project, ...]) "
            'nor Timewarrior intervals ({"start": ...})',
            hint="pass --from json|watson|timewarrior|csv",
        )
    first_line = text.splitlines()[0] if text else ""
    if path.suffix.lower() == ".csv" or "minutes" in first_line.lower():
        return "csv"
    raise DataError(
        f"{path}: cannot tell the format: not a JSON object or list, nor a CSV file with a "
        "'minutes' column",
        hint="pass --from json|watson|timewarrior|csv",
    )


# --- streaming JSON ---------------------------------------------------------------------------

_WS = " \t\n\r"
_AFTER = frozenset(_WS + ",]}:")  # what may follow a complete value


class JsonStream:
    """Reads one JSON document value by value from a :class:`TextSource`.

    ``items()`` yields the elements of a list one at a time; ``members()`` yields the
    keys of an object (the caller reads each value with ``value()`` or ``items()``).
    Only the current value is in memory. Errors carry ``FILE:LINE:COL``.
    """

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        # line counting, advanced lazily (amortised O(file)): the line of buffer index
        # ``counted`` and the buffer index of the newline before it (may be negative)
        self.counted = 0
        self.line = 1
        self.last_nl = -1

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.source.read()
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self._advance(self.pos)
            self.counted -= self.pos
            self.last_nl -= self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        self.buf += chunk
        return True

    def _advance(self, index: int) -> None:
        if index <= self.counted:
            return
        lines = self.buf.count("\n", self.counted, index)
        if lines:
            self.line += lines
            self.last_nl = self.buf.rfind("\n", self.counted, index)
        self.counted = index

    def where(self, index: int | None = None) -> str:
        index = self.pos if index is None else index
        if index < self.counted:  # only for a position inside the value being read
            index = self.counted
        self._advance(index)
        return f"{self.source.path}:{self.line}:{index - self.last_nl}"

    def error(self, message: str, index: int | None = None) -> DataError:
        return DataError(f"{self.where(index)}: {message}")

    def peek(self) -> str:
        """The next non-blank character ('' at the end of the file), not consumed."""
        while True:
            buf, pos, end = self.buf, self.pos, len(self.buf)
            while pos < end and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < end:
                return buf[pos]
            if not self._more():
                return ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"invalid JSON: expected {what}, found {shown}")
        self.pos += 1

    def value(self) -> Any:
        if not self.peek():
            raise self.error("invalid JSON: unexpected end of the file")
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self.error(f"invalid JSON: {exc.msg}", exc.pos) from None
            except RecursionError:
                raise self.error("invalid JSON: nested too deeply") from None
            if (end == len(self.buf) or self.buf[end] not in _AFTER) and self._more():
                continue  # a number cut by the chunk's end ("1" of "12", "0." of "0.5")
            self.pos = end
            return obj

    def items(self) -> Iterator[Any]:
        self.expect("[", "a list '['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.pos -= 1
                raise self.error("invalid JSON: expected ',' or ']' after a list item")

    def members(self) -> Iterator[str]:
        self.expect("{", "an object '{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("invalid JSON: expected a key in double quotes")
            key = self.value()
            self.expect(":", "':' after a key")
            yield key  # the caller reads the value
            char = self.peek()
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                self.pos -= 1
                raise self.error("invalid JSON: expected ',' or '}' after a value")

    def finish(self) -> None:
        if self.peek():
            raise self.error("invalid JSON: extra data after the document")


# --- field checks -----------------------------------------------------------------------------


def _str(value: Any, where: str, what: str, *, optional: bool = False) -> str:
    if isinstance(value, str):
        return value
    if optional and value is None:
        return ""
    raise DataError(f"{where}: {what} must be text, not {_kind(value)}")


def _int(value: Any, where: str, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise DataError(f"{where}: {what} must be a whole number, not {_kind(value)}")


def _str_list(value: Any, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise DataError(f"{where}: {what} must be a list of text")


def _capped(value: str, where: str, what: str, cap: int) -> str:
    problem = limits.text_problem(value, what, cap)
    if problem:
        raise DataError(f"{where}: {problem}")
    return value


def _note(value: str, where: str, what: str = "the note") -> str:
    return _capped(value, where, what, limits.MAX_NOTE)


def _name(value: str, where: str, what: str) -> str:
    return _capped(value, where, what, limits.MAX_NAME)


def _tags(tags: list[str], where: str, *, strict: bool) -> list[str]:
    """Tags stripped of surrounding blanks (as the CLI stores them). ``strict`` (our own
    files): an empty tag is refused, as the CLI refuses it; other trackers' empty tags are
    dropped."""
    out = [tag.strip() for tag in tags]
    if strict and any(not tag for tag in out):
        raise DataError(f"{where}: a tag is empty (a tag needs at least one character)")
    out = [tag for tag in out if tag]
    problem = limits.tags_problem(out)
    if problem:
        raise DataError(f"{where}: {problem}")
    return out


def _links(links: list[str], where: str) -> list[str]:
    """Links checked as the CLI checks them (full http, https, ftp or file URLs)."""
    out = [link.strip() for link in links]
    problem = limits.links_problem(out)
    if problem:
        raise DataError(f"{where}: {problem}")
    return out


def _level(value: Any, where: str, what: str) -> int:
    level = _int(value, where, what)
    problem = limits.level_problem(level)
    if problem:
        raise DataError(f"{where}: {what}: {problem}")
    return level


def _in_range(moment: datetime, where: str, what: str, now: datetime) -> datetime:
    """``moment`` if it is between 1970-01-01 and a day past now, else a DataError."""
    problem = limits.moment_problem(moment, now)
    if problem:
        raise DataError(f"{where}: {what} {problem}")
    try:
        return moment.astimezone()
    except (OverflowError, OSError, ValueError):  # pragma: no cover - in range converts
        raise DataError(f"{where}: {what} is not a usable date") from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _minutes(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() / 60)


def _iso(value: Any, where: str, what: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 date-time, aware (a naive one is local time), between 1970-01-01 and a
    day past now."""
    text = _str(value, where, what)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        shown = _shown(text)
        raise DataError(f"{where}: {what} '{shown}' is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        try:
            moment = moment.astimezone()
        except (OverflowError, OSError, ValueError):
            raise DataError(f"{where}: {what} '{_shown(text)}' is not a usable date") from None
    return _in_range(moment, where, what, now or clock.now())


def _shown(text: str) -> str:
    return text[:40]


# --- Watson -----------------------------------------------------------------------------------


def watson(source: TextSource) -> Iterator[Record]:
    """Watson's ``frames`` file: ``[[start, stop, project, id, tags, updated_at], ...]``
    (Unix timestamps; Watson before 1.0 wrote ``[start, stop, project, id, updated_at]``).
    The project, then each tag, may name the skill; a frame without a stop is running."""
    stream = JsonStream(source)
    now = clock.now()
    if stream.peek() != "[":
        raise stream.error("a Watson frames file is a JSON list of frames")
    for index, (where, item) in enumerate(_located(stream, stream.where), 1):
        label = f"{where}: frame {index}"
        if not isinstance(item, list) or len(item) < 4:
            raise DataError(f"{label} is not [start, stop, project, id, tags, updated_at]")
        start_ts, stop_ts, project, frame_id = item[0], item[1], item[2], item[3]
        if _not_number(start_ts) or (stop_ts is not None and _not_number(stop_ts)):
            raise DataError(f"{label}: start and stop must be Unix timestamps (numbers)")
        try:
            start = datetime.fromtimestamp(float(start_ts), timezone.utc)
            stop = None if stop_ts is None else datetime.fromtimestamp(float(stop_ts), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise DataError(f"{label}: start or stop is out of range") from None
        start = _in_range(start, label, "the start", now)
        if stop is not None:
            stop = _in_range(stop, label, "the stop", now)
        project = _name(_str(project, label, "the project"), label, "the project")
        if not isinstance(frame_id, (str, int)) or isinstance(frame_id, bool):
            raise DataError(f"{label}: the frame id must be text")
        _name(str(frame_id), label, "the frame id")
        raw_tags = (
            item[4] if len(item) > 5 or (len(item) == 5 and isinstance(item[4], list)) else []
        )
        tags = _tags(_str_list(raw_tags, label, "the tags"), label, strict=False)
        yield Record(
            names=[project, *tags],
            started=start,
            minutes=_minutes(start, stop) if stop else 0,
            tags=tags,
            source="watson",
            source_key=f"watson:{frame_id}",
            where=label,
            ended=stop is not None,
            label=project,
        )
    stream.finish()


def _not_number(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, (int, float))


def _located(stream: JsonStream, where: Callable[[], str]) -> Iterator[tuple[str, Any]]:
    """The items of a JSON list, each with the position where it starts."""
    stream.expect("[", "a list '['")
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        stream.peek()
        at = where()
        yield at, stream.value()
        char = stream.peek()
        stream.pos += 1
        if char == "]":
            return
        if char != ",":
            stream.pos -= 1
            raise stream.error("invalid JSON: expected ',' or ']' after a list item")


# --- Timewarrior ------------------------------------------------------------------------------


def _timew_time(value: Any, label: str, what: str, now: datetime) -> datetime:
    text = _str(value, label, what)
    try:
        moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise DataError(f"{label}: {what} '{text[:30]}' is not like 20261120T090000Z") from None
    return _in_range(moment, label, what, now)


def timewarrior(source: TextSource) -> Iterator[Record]:
    """``timew export``: ``[{"id": 1, "start": "20261120T090000Z", "end": ..., "tags": [...],
    "annotation": "..."}]``; an interval without ``end`` is still running. A tag names the skill."""
    stream = JsonStream(source)
    now = clock.now()
    if stream.peek() != "[":
        raise stream.error("a Timewarrior export is a JSON list of intervals")
    for index, (where, item) in enumerate(_located(stream, stream.where), 1):
        label = f"{where}: interval {index}"
        if not isinstance(item, dict) or "start" not in item:
            raise DataError(f"{label} is not an interval with a 'start'")
        start = _timew_time(item["start"], label, "start", now)
        end = _timew_time(item["end"], label, "end", now) if item.get("end") is not None else None
        tags = _tags(_str_list(item.get("tags"), label, "the tags"), label, strict=False)
        annotation = _str(item.get("annotation"), label, "the annotation", optional=True)
        yield Record(
            names=tags,
            started=start,
            minutes=_minutes(start, end) if end else 0,
            note=_note(annotation, label, "the annotation"),
            tags=tags,
            source="timewarrior",
            source_key=f"timewarrior:{item['start']}",
            where=label,
            ended=end is not None,
            label=" ".join(tags) if tags else "(no tags)",
        )
    stream.finish()


# --- our CSV ----------------------------------------------------------------------------------


GUARDED = ("=", "+", "-", "@", "\t", "\r", "'")


def _unquote(value: str | None) -> str:
    """Undo the export's formula guard: exactly one ``'`` before ``= + - @``, tab, CR or
    ``'`` (the export guards a leading ``'`` too, so a real one survives the round trip)."""
    if value and value.startswith("'") and value[1:2] in GUARDED and len(value) > 1:
        return value[1:]
    return value or ""


def split_tags(cell: str) -> list[str]:
    """The tags of a CSV cell: separated by commas; ``\\,`` is a comma inside a tag and
    ``\\\\`` a backslash (any other backslash is itself); blanks around tags are dropped."""
    tags: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        char = cell[i]
        if char == "\\" and cell[i + 1 : i + 2] in (",", "\\"):
            current.append(cell[i + 1])
            i += 2
            continue
        if char == ",":
            tags.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    tags.append("".join(current))
    return [tag.strip() for tag in tags if tag.strip()]


class _Lines:
    """Lines of a :class:`TextSource` for ``csv.reader`` (which reads line by line)."""

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.handle = source.handle

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                line = self.handle.readline()
            except UnicodeDecodeError:
                raise DataError(f"{self.source.path}: not UTF-8 text; export it as UTF-8") from None
            if not line:
                return
            yield line


def roadmap_csv(source: TextSource) -> Iterator[Record]:
    """Our CSV export's columns: at least ``date`` (or ``start``), ``minutes`` and
    ``skill_id`` (or ``skill``); ``note``, ``tags`` (comma-separated), ``links``
    (space-separated) and ``source`` when present."""
    path = source.path
    now = clock.now()
    today = now.date()
    reader = csv.reader(_Lines(source))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        cols = {name: i for i, name in reversed(list(enumerate(header)))}
        skill_col = cols.get("skill_id", cols.get("skill"))
        if "minutes" not in cols or skill_col is None or not ({"date", "start"} & set(cols)):
            raise DataError(
                f"{path}:1: a CSV import needs the columns date (or start), minutes and "
                f"skill_id (or skill); found {', '.join(header[:12]) or 'none'}"
            )
        name_col = cols.get("skill_name")

        def cell(row: list[str], name: str | None) -> str:
            index = cols.get(name) if name else None
            return _unquote(row[index]) if index is not None and index < len(row) else ""

        seen: Counter[str] = Counter()  # look-alike rows are distinct records
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            where = f"{path}:{line}"
            start_text, day_text = cell(row, "start").strip(), cell(row, "date").strip()
            minutes_text = cell(row, "minutes").strip()
            try:
                minutes = round(float(minutes_text))
            except (ValueError, OverflowError):
                raise DataError(f"{where}: minutes '{minutes_text[:20]}' is not a number") from None
            if start_text:
                started = _iso(start_text, where, "the start", now)
            else:
                try:
                    day = date.fromisoformat(day_text)
                except ValueError:
                    shown = day_text[:40]
                    raise DataError(f"{where}: '{shown}' is not a date (YYYY-MM-DD)") from None
                problem = limits.day_problem(day, today)
                if problem:
                    raise DataError(f"{where}: the date {problem}")
                started = datetime.combine(day, time(12)).astimezone()
                if started > now:  # today, logged by date: as if it ended now
                    started = now - timedelta(minutes=min(max(minutes, 0), limits.MAX_MINUTES))
            skill = row[skill_col].strip() if skill_col < len(row) else ""
            names = [skill] + ([cell(row, "skill_name")] if name_col is not None else [])
            yield Record(
                names=[_name(n, where, "the skill") for n in names if n],
                started=started,
                minutes=minutes,
                note=_note(cell(row, "note"), where),
                tags=_tags(split_tags(cell(row, "tags")), where, strict=False),
                links=_links(cell(row, "links").split(), where),
                source=_name(cell(row, "source").strip() or "csv", where, "the source"),
                source_key=_name(cell(row, "source_key").strip(), where, "the key")
                or _nth(seen, f"csv:{start_text or day_text}|{minutes}|{skill}"),
                where=where,
            )
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None


def _nth(seen: Counter[str], key: str) -> str:
    """``key`` made unique by its occurrence: the 2nd of two look-alike rows is ``key#2``."""
    seen[key] += 1
    return key if seen[key] == 1 else f"{key}#{seen[key]}"


# --- our own JSON export ----------------------------------------------------------------------


@dataclass
class ExportState:
    """What a roadmap export holds besides its sessions (read after them, checked)."""

    checks: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    level_history: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    skill_levels: list[dict[str, Any]] = field(default_factory=list)
    skills: dict[str, dict[str, Any]] = field(default_factory=dict)  # the export's tree, by id
    pillars: dict[str, dict[str, Any]] = field(default_factory=dict)
    complete: bool = False


def _check_items(
    items: Any, where: str, what: str, spec: dict[str, str], now: datetime
) -> list[dict[str, Any]]:
    """Each item an object with fields of the given kinds, checked as the command that
    would have made it checks them: ``name`` (a skill or milestone id), ``note?``,
    ``link?`` (a full URL), ``level`` (0..10), ``time`` / ``time?`` (1970 .. a day past
    now), ``text?`` (a short text such as a cause)."""
    if not isinstance(items, list):
        raise DataError(f"{where}: '{what}' must be a list")
    out = []
    for index, item in enumerate(items, 1):
        label = f"{where}: {what}[{index}]"
        if not isinstance(item, dict):
            raise DataError(f"{label} must be an object")
        row: dict[str, Any] = {}
        for name, kind in spec.items():
            value = item.get(name)
            optional = kind.endswith("?")
            if optional and value is None:
                row[name] = None
            elif kind == "name":
                row[name] = _name(_str(value, label, name), label, name)
            elif kind in ("note?", "text?"):
                row[name] = _note(_str(value, label, name), label, name)
            elif kind == "link?":
                row[name] = _links([_str(value, label, name)], label)[0]
            elif kind == "level":
                row[name] = _level(value, label, name)
            elif kind in ("time", "time?"):
                row[name] = _iso(value, label, name, now)
            else:  # pragma: no cover - a spec typo
                raise AssertionError(kind)
        out.append(row)
    return out


def _session(item: Any, label: str, now: datetime) -> Record:
    if not isinstance(item, dict):
        raise DataError(f"{label} must be an object")
    session_id = item.get("id")
    if session_id is not None:
        problem = limits.id_problem(_int(session_id, label, "id"))
        if problem:
            raise DataError(f"{label}: id {problem}")
    key = item.get("source_key")
    if key is None and session_id is not None:  # an export made before keys were written
        key = f"roadmap:{session_id}:{item.get('started_at')}"
    minutes = _int(item.get("minutes"), label, "minutes")
    if abs(minutes) > limits.MAX_ID:
        raise DataError(f"{label}: {limits.minutes_problem(minutes)}")
    return Record(
        names=[_name(_str(item.get("skill"), label, "skill"), label, "skill")],
        started=_iso(item.get("started_at"), label, "started_at", now),
        minutes=minutes,
        note=_note(_str(item.get("note"), label, "note", optional=True), label),
        tags=_tags(_str_list(item.get("tags"), label, "tags"), label, strict=True),
        links=_links(_str_list(item.get("links"), label, "links"), label),
        source=_name(_str(item.get("source", "log"), label, "source"), label, "source"),
        source_key=None if key is None else _name(_str(key, label, "source_key"), label, "key"),
        where=label,
        session_id=session_id,
    )


# The lists of a roadmap export besides its sessions: key → (ExportState attribute, the
# fields of an item and what each must be; "?" marks one that may be missing or null).
STATE_LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "milestone_checks": (
        "checks",
        {
            "skill": "name",
            "milestone": "name",
            "checked_at": "time",
            "link": "link?",
            "note": "note?",
        },
    ),
    "assessments": (
        "assessments",
        {
            "skill": "name",
            "level": "level",
            "note": "note?",
            "assessed_at": "time",
            "kind": "text?",
            "evidence": "note?",
        },
    ),
    "level_history": (
        "level_history",
        {
            "skill": "name",
            "level": "level",
            "previous": "level",
            "changed_at": "time",
            "cause": "text?",
        },
    ),
    "reviews": (
        "reviews",
        {
            "skill": "name",
            "level": "level",
            "recall": "text?",
            "note": "note?",
            "reviewed_at": "time",
        },
    ),
}


def roadmap_json(source: TextSource) -> tuple[ExportState, Iterator[Record]]:
    """Our own export. The sessions stream; the rest fills the returned state, which is
    complete (``state.complete``) once the records are exhausted."""
    path = source.path
    stream = JsonStream(source)
    state = ExportState()
    now = clock.now()

    def records() -> Iterator[Record]:
        if stream.peek() != "{":
            raise stream.error(f'not a roadmap export (an object with "format": "{EXPORT_FORMAT}")')
        seen_format = seen_version = False
        for key in stream.members():
            at = stream.where()
            if key == "format":
                if stream.value() != EXPORT_FORMAT:
                    raise DataError(
                        f'{at}: not a roadmap export ("format" is not "{EXPORT_FORMAT}")'
                    )
                seen_format = True
            elif key == "version":
                version = stream.value()
                if version != EXPORT_VERSION:
                    raise DataError(
                        f"{at}: roadmap export version {version!r} is not supported "
                        f"(this version reads {EXPORT_VERSION})",
                        hint="upgrade roadmap to read exports from newer versions",
                    )
                seen_version = True
            elif key == "sessions":
                if not seen_format:
                    raise DataError(
                        f'{path}: not a roadmap export (no "format": "{EXPORT_FORMAT}" before '
                        '"sessions")'
                    )
                if stream.peek() != "[":
                    raise stream.error("'sessions' must be a list")
                for index, (where, item) in enumerate(_located(stream, stream.where), 1):
                    yield _session(item, f"{where}: session {index}", now)
            elif key in STATE_LISTS:
                attribute, fields = STATE_LISTS[key]
                setattr(state, attribute, _check_items(stream.value(), at, key, fields, now))
                for index, item in enumerate(state.reviews if key == "reviews" else [], 1):
                    if item["recall"] not in ("again", "hard", "good", "easy"):
                        raise DataError(
                            f"{at}: reviews[{index}]: recall must be again, hard, good or easy"
                        )
            elif key == "tree":
                tree = stream.value()
                if not isinstance(tree, dict):
                    raise DataError(f"{at}: 'tree' must be an object")
                state.skill_levels = _check_items(
                    tree.get("skills", []),
                    at,
                    "tree.skills",
                    {"id": "name", "level": "level", "level_changed_at": "time?"},
                    now,
                )
                for item in tree.get("skills", []):
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        state.skills[item["id"]] = item
                for item in tree.get("pillars", []) or []:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        state.pillars[item["id"]] = item
            else:
                stream.value()  # known fields we do not import (timer, exported_at...)
        stream.finish()
        if not seen_format:
            raise DataError(f'{path}: not a roadmap export (no "format": "{EXPORT_FORMAT}")')
        if not seen_version:
            raise DataError(f'{path}: the roadmap export has no "version"')
        state.complete = True

    return state, records()


def open_records(fmt: str, source: TextSource) -> tuple[ExportState | None, Iterator[Record]]:
    """The records of ``source`` read as ``fmt`` (and, for our JSON, the rest of the state)."""
    if fmt == "json":
        return roadmap_json(source)
    reader = {"watson": watson, "timewarrior": timewarrior, "csv": roadmap_csv}[fmt]
    return None, reader(source)
