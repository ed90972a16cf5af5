"""Database URLs: ``sqlite:///PATH`` (or a plain path) and ``postgresql://...``.

A server URL is passed to libpq as given, so everything libpq accepts works: a host
name or a socket directory (``?host=/run/postgresql``), ``sslmode``, a ``service``,
and passwords from ``~/.pgpass`` or ``$PGPASSWORD`` (so none need be typed in a URL).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from roadmap.errors import UsageError

SERVER_SCHEMES = ("postgresql", "postgres")


def parse(value: str) -> tuple[Path | None, str | None]:
    """(SQLite path, None) or (None, server URL); anything else is a usage error."""
    scheme, sep, rest = value.partition(":")
    scheme = scheme.lower()
    if scheme in SERVER_SCHEMES and sep:
        if not rest.startswith("//"):
            raise UsageError(
                f"bad database URL '{redact(value)}'",
                hint="write it as postgresql://USER@HOST[:PORT]/DBNAME",
            )
        return None, value
    if scheme == "sqlite" and sep:
        if not rest.startswith("///") or len(rest) == 3:
            raise UsageError(
                f"bad database URL '{value}'",
                hint="write it as sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        return Path(unquote(rest[3:])).expanduser(), None
    if "://" in value:
        raise UsageError(
            f"unsupported database URL '{redact(value)}' (scheme '{scheme}')",
            hint="use a file path, sqlite:///PATH or postgresql://USER@HOST/DBNAME",
        )
    return Path(value).expanduser(), None


_PASSWORD_IN_NETLOC = re.compile(r"^(?P<user>[^:@/]*):(?P<password>[^@/]*)@")
_PASSWORD_IN_QUERY = re.compile(r"(?i)(password=)[^&]*")


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and ``info``)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    rest = _PASSWORD_IN_NETLOC.sub(lambda m: f"{m['user']}:***@", rest)
    rest = _PASSWORD_IN_QUERY.sub(r"\1***", rest)
    return f"{scheme}{sep}{rest}"


def has_password(url: str) -> bool:
    """Whether the URL itself carries a password (discouraged: use .pgpass or PGPASSWORD)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.password is not None or bool(_PASSWORD_IN_QUERY.search(parts.query))
