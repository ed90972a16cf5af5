"""The one way we write a file: whole or not at all, and never over something that is not
a regular file.

- A regular file (or a new one) is written to a temp file in the target's directory,
  fsynced and moved into place with ``os.replace``; an interrupted write (an error,
  Ctrl+C, SIGTERM; on Linux even ``kill -9``) leaves the old file intact.
- Temp files are created exclusively (``O_EXCL``, ``O_NOFOLLOW``) under a random name
  (``.NAME.roadmap-tmp-<16 hex>``): a planted file or symlink is never followed or reused.
  On Linux the data is first written to an unnamed ``O_TMPFILE`` that gets its random name
  only at the end, so a killed process leaves nothing; elsewhere :func:`cleanup_stale`
  removes what a killed process left (the next command and ``doctor`` call it).
- A character device or a FIFO at the path (``/dev/null``, ``/dev/stdout``, a named pipe)
  is written through, as a shell's ``>`` would: it is never replaced by a file.
- A symlink stays a symlink: the file it points to is written atomically beside itself
  (a link to a device or FIFO is written through).
- A directory, a block device, a socket, or a link to one is refused with a reason.

Functions (for callers outside ``export``: backups, database creation, init):

``open_output(path, binary=False)``  context manager yielding a handle; commit on success
``write_bytes(path, data)``          the whole file at once
``reserve(target) -> Path``          an exclusive, empty temp file beside ``target`` (for
                                     writers that need a path, e.g. SQLite's backup API)
``commit(tmp, target, mode=None)``   fsync ``tmp``, ``os.replace`` it onto ``target``
                                     (refusing a non-regular target), fsync the directory
``discard(tmp)``                     remove a temp file (and SQLite's -wal/-shm/-journal)
``stale_temp_files(dir, minutes, legacy=False)``  our leftover temp files older than
                                     ``minutes`` (``legacy=True`` in the data dir: also the
                                     names older code used)
``cleanup_stale(dir, minutes, legacy=False)``  remove them; returns what was removed
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from roadmap.errors import CannotCreateError, StorageError

TEMP_MARK = ".roadmap-tmp-"
STALE_MINUTES = 60
_NAME_ROOM = 200  # a temp name is ".NAME" + mark + 16 hex: keep it under NAME_MAX (255)
# Our temp files: this module's, possibly with SQLite's -wal/-shm/-journal; and in the data
# dir (``legacy``), until every writer uses this module, the names older code gave them:
# backups' ".NAME.PID.tmp", a new database's ".NAME.creating-PID-HEX", init's ".skills-*.tmp".
_OURS = re.compile(r"^\..+\.roadmap-tmp-[0-9a-f]{16}(?:-wal|-shm|-journal)?$")
_LEGACY = re.compile(
    r"^\..+(?:\.\d+\.tmp|\.creating-\d+-[0-9a-f]+)(?:-wal|-shm|-journal)?$"
    r"|^\.skills-[A-Za-z0-9_]+\.tmp$"
)


def _safe(path: object) -> str:
    from roadmap.safetext import one_line

    return one_line(path)


# --- temp files -------------------------------------------------------------------------------


def temp_path(target: Path) -> Path:
    """A fresh random temp name beside ``target`` (not created)."""
    name = target.name[:_NAME_ROOM]
    return target.with_name(f".{name}{TEMP_MARK}{secrets.token_hex(8)}")


def create_temp(target: Path, mode: int = 0o600) -> tuple[int, Path]:
    """Create a temp file beside ``target`` exclusively; return (fd, path)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = temp_path(target)
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue  # 64 random bits taken: try another
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def reserve(target: Path) -> Path:
    """An empty temp file beside ``target``, created exclusively (mode 0600); the caller
    fills it by path, then calls :func:`commit` or :func:`discard`. Stale temp files of an
    earlier killed write in that directory are removed first."""
    cleanup_stale(target.parent)
    fd, tmp = create_temp(target)
    os.close(fd)
    return tmp


def discard(tmp: Path) -> None:
    """Remove a temp file and the side files SQLite may have made for it."""
    for path in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(OSError):
            os.unlink(path)


def commit(tmp: Path, target: Path, mode: int | None = None) -> None:
    """Make ``tmp`` the file at ``target``: fsync, ``os.replace``, fsync the directory.

    ``target`` must be missing or a regular file (see :func:`destination` for links);
    anything else raises :class:`CannotCreateError` and ``tmp`` is removed.
    """
    try:
        _check_replaceable(target)
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise
    fsync_dir(target.parent)


def create_new(target: Path, data: bytes, mode: int = 0o666) -> bool:
    """Write a new file at ``target`` whole, never over an existing one: a complete temp
    file is linked into place (``mode`` less the umask). False if ``target`` exists (or
    appeared meanwhile): it is left as it is."""
    umask = os.umask(0)
    os.umask(umask)
    fd, tmp = create_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode & ~umask)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        fsync_dir(target.parent)
        return True
    finally:
        discard(tmp)


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_replaceable(target: Path) -> None:
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise CannotCreateError(
            f"cannot write {_safe(target)}: it is {_kind(st.st_mode)}, not a regular file; "
            "it was left as it was"
        )


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "a special file"


# --- where to write ---------------------------------------------------------------------------


def destination(path: Path) -> tuple[str, Path]:
    """How ``path`` is written: ``("replace", FILE)`` (a regular or new file, after links)
    or ``("through", PATH)`` (a character device or FIFO); else a CannotCreateError."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise CannotCreateError(f"cannot write {_safe(path)}: {exc.strerror}") from None
    target = path
    if st is not None and stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)  # follows the link (also /proc's "magic" links: /dev/stdout)
        except FileNotFoundError:
            st = None  # a dangling link: create the file it names
        except OSError as exc:
            raise CannotCreateError(f"cannot write {_safe(path)}: {exc.strerror}") from None
        if st is None or stat.S_ISREG(st.st_mode):
            target = Path(os.path.realpath(path))
    if st is None:
        directory = target.parent
        if not directory.is_dir():
            where = "" if target == path else f" (the link's target {_safe(target)})"
            raise CannotCreateError(
                f"cannot write {_safe(path)}{where}: the directory {_safe(directory)} "
                "does not exist"
            )
        return "replace", target
    if stat.S_ISREG(st.st_mode):
        return "replace", target
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "through", path
    via = "" if target == path else f" (a link to {_safe(target)})"
    raise CannotCreateError(
        f"cannot write {_safe(path)}{via}: it is {_kind(st.st_mode)}, not a file"
        + ("" if stat.S_ISDIR(st.st_mode) else "; it was left as it was")
    )


def _file_mode(path: Path) -> int:
    """The mode for the new file: the old file's, else 0o666 less the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt while writing, so clean-up runs."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not in the main thread
            saved[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _open_unnamed(directory: Path) -> int | None:
    """An unnamed file in ``directory`` (Linux ``O_TMPFILE``: a kill leaves nothing)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(directory, flag | os.O_WRONLY, 0o600)
        except OSError:
            pass  # not supported by this file system: a named temp file instead
    return None


def _name_unnamed(fd: int, target: Path) -> Path:
    """Give an ``O_TMPFILE`` file a random temp name beside ``target`` (``linkat``, which
    never follows or replaces what is at the new name); if the system refuses, copy its
    bytes into an exclusively created temp file instead."""
    directory = target.parent
    dir_fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    try:
        for _ in range(100):
            tmp = temp_path(target)
            try:
                os.link(f"/proc/self/fd/{fd}", tmp, src_dir_fd=dir_fd, follow_symlinks=True)
                return tmp
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise
                break
    finally:
        os.close(dir_fd)
    out_fd, named = create_temp(target, os.fstat(fd).st_mode & 0o777)
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        with open(f"/proc/self/fd/{fd}", "rb") as src, os.fdopen(out_fd, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        discard(named)
        raise
    return named


@contextlib.contextmanager
def open_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle to write ``path`` with; the file appears whole when the block ends, or not
    at all (an exception leaves the old file intact and no temp file behind).

    A character device or FIFO is written through; a symlink's target is replaced, the
    link kept; anything else that is not a regular file is refused (see the module doc).
    """
    how, target = destination(path)
    if how == "through":
        yield from _through(path, binary)
        return
    mode = _file_mode(target)
    cleanup_stale(target.parent)  # what an earlier killed write left here
    with _terminate_as_interrupt():  # before the temp file exists: SIGTERM cleans it up
        try:
            fd = _open_unnamed(target.parent)
            tmp: Path | None = None
            if fd is None:
                fd, tmp = create_temp(target)
        except OSError as exc:
            raise CannotCreateError(f"cannot write {_safe(path)}: {exc.strerror}") from None
        handle: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        try:
            yield handle
            handle.flush()
            os.fchmod(fd, mode)
            os.fsync(fd)
            if tmp is None:  # give the unnamed file a (random) name, then move it
                tmp = _name_unnamed(fd, target)
            handle.close()
            _check_replaceable(target)  # nothing was swapped in meanwhile
            os.replace(tmp, target)
            tmp = None
            fsync_dir(target.parent)
        except BaseException as exc:
            if not handle.closed:
                with contextlib.suppress(OSError):
                    handle.close()
            if tmp is not None:
                discard(tmp)
            if isinstance(exc, OSError):
                what = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
                raise StorageError(
                    f"cannot write {_safe(path)}: {what}; the old file is intact"
                ) from None
            raise


def _through(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """Write straight into a character device or FIFO (blocking, like a shell's ``>``,
    until a FIFO has a reader)."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CannotCreateError(f"cannot write {_safe(path)}: {exc.strerror}") from None
    try:
        if not (stat.S_ISCHR(os.fstat(fd).st_mode) or stat.S_ISFIFO(os.fstat(fd).st_mode)):
            raise CannotCreateError(f"cannot write {_safe(path)}: it changed while opening it")
    except BaseException:
        os.close(fd)
        raise
    handle: IO[Any] = (
        os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
    )
    try:
        with handle:
            yield handle
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            return  # the FIFO's reader went away: it has what it wanted
        raise StorageError(f"cannot write {_safe(path)}: {exc.strerror}") from None


def write_bytes(path: Path, data: bytes) -> None:
    """The whole of ``path`` at once, as :func:`open_output` writes it."""
    with open_output(path, binary=True) as handle:
        handle.write(data)


# --- leftovers --------------------------------------------------------------------------------


def is_ours(name: str, *, legacy: bool = False) -> bool:
    """Whether a file name is one of our temp files' names (``legacy``: also the names
    older code gave temp files in the data dir; never matched in other directories)."""
    return bool(_OURS.match(name) or (legacy and _LEGACY.match(name)))


def stale_temp_files(
    directory: Path, minutes: float = STALE_MINUTES, *, legacy: bool = False
) -> list[Path]:
    """Our temp files in ``directory`` (regular files, owned by us) untouched for more than
    ``minutes``: what a killed process left behind. ``legacy`` for the data dir (see
    :func:`is_ours`)."""
    cutoff = time.time() - minutes * 60
    found = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    for entry in entries:
        if not is_ours(entry.name, legacy=legacy):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_mtime > cutoff:
            continue
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            continue
        found.append(Path(entry.path))
    return sorted(found)


def cleanup_stale(
    directory: Path, minutes: float = STALE_MINUTES, *, legacy: bool = False
) -> list[Path]:
    """Remove :func:`stale_temp_files`; returns the paths removed (errors are ignored:
    a read-only directory keeps them, and ``doctor`` reports them)."""
    removed = []
    for path in stale_temp_files(directory, minutes, legacy=legacy):
        try:
            os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed
