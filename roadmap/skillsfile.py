"""Reading a skills file and hashing it: all a command needs when the tree has not changed.

Kept apart from :mod:`roadmap.tree` (the strict parser and validator, which imports PyYAML)
so that every command can check "has the file changed since the last sync?" without paying
for the parser.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roadmap.errors import DataError, NoInputError

MAX_BYTES = 1024 * 1024


def digest(data: bytes) -> str:
    """The content hash that decides whether the tree must be synced again."""
    return str(_sha256(data).hexdigest())


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def read_bytes(path: Path, opener: Callable[[Path], bytes] | None = None) -> bytes:
    """Read a skills file, turning OS errors into NoInputError (exit 66)."""
    try:
        info = path.stat()
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            # opening one waits for a writer that may never come; the file is read again
            # on every command (its digest), which a pipe cannot give twice
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket"
            raise NoInputError(
                f"skills file {path} is {kind}, not a file",
                hint="point --skills / ROADMAP_SKILLS at a YAML file",
            )
        size = info.st_size
        if size > MAX_BYTES:
            raise DataError(
                f"{path}: file is over 1 MiB",
                problems=[f"{path}:1:1: file is {size:,} bytes; the limit is 1 MiB"],
            )
        data = (opener or _read_capped)(path)
        if len(data) > MAX_BYTES:  # a device or pipe (/dev/zero) has no size to check first
            raise DataError(
                f"{path}: file is over 1 MiB",
                problems=[f"{path}:1:1: file is over 1 MiB; the limit is 1 MiB"],
            )
        return data
    except FileNotFoundError:
        raise NoInputError(f"skills file not found: {path}") from None
    except IsADirectoryError:
        raise NoInputError(f"skills file is a directory: {path}") from None
    except OSError as exc:
        raise NoInputError(f"cannot read skills file {path}: {exc.strerror}") from None


def _sha256(data: bytes) -> Any:
    """SHA-256 from the interpreter's own module when it has one: ``hashlib`` loads OpenSSL,
    about 3 ms on every command, for one digest of the skills file."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
        except ImportError:
            from hashlib import sha256
    return sha256(data)
