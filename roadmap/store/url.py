"""Database URLs: ``sqlite:///PATH`` (or a plain path) and ``postgresql://...``.

A server URL is passed to libpq as given, so everything libpq accepts works: a host
name or a socket directory (``?host=/run/postgresql``), ``sslmode``, a ``service``,
and passwords from ``~/.pgpass`` or ``$PGPASSWORD`` (so none need be typed in a URL).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

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
        check_server_url(value)
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


def _split(rest: str) -> tuple[str | None, str, str, str]:
    """``rest`` (after ``scheme://``) as (userinfo or None, host and path, query, fragment).

    The user part reaches the *last* ``@`` before the query, so a raw ``@`` or ``/`` in a
    password stays inside it (libpq would split elsewhere: see :func:`parse`).
    """
    main, hash_, fragment = rest.partition("#")
    main, _q, query = main.partition("?")
    at = main.rfind("@")
    if at < 0:
        return None, main, query, hash_ + fragment
    return main[:at], main[at + 1 :], query, hash_ + fragment


def _secret_key(part: str) -> bool:
    """Whether a query parameter (``key=value``) may carry a password, however spelled:
    libpq percent-decodes keys (``%70assword``) and we match case-insensitively anything
    that mentions ``pass`` (``password``, ``PGPASSWORD``, ``passwd``), but ``passfile``
    (a path)."""
    key = unquote(part.partition("=")[0]).strip().lower()
    decoded = unquote(part).lower()
    if key == "passfile":
        return False
    return "pass" in key or "pass" in decoded


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages, ``info`` and doctor):
    in the user part (even with a raw ``@`` in it), and in every query parameter that may
    hold one (``password``, ``%70assword``, ``PassWord``, ``PGPASSWORD``...)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    userinfo, host, query, fragment = _split(rest)
    out = f"{scheme}{sep}"
    if userinfo is not None:
        user, colon, _password = userinfo.partition(":")
        out += f"{user}:***@" if colon else f"{userinfo}@"
    out += host
    if query or rest.partition("#")[0].endswith("?"):
        parts = [
            (p.partition("=")[0] + "=***" if "=" in p else "***") if _secret_key(p) else p
            for p in query.split("&")
        ]
        out += "?" + "&".join(parts)
    if fragment:
        out += "#***" if "pass" in unquote(fragment).lower() else fragment
    return out


def has_password(url: str) -> bool:
    """Whether the URL itself carries a password (discouraged: use .pgpass or PGPASSWORD)."""
    _scheme, sep, rest = url.partition("://")
    if not sep:
        return False
    userinfo, _host, query, _fragment = _split(rest)
    if userinfo is not None and ":" in userinfo:
        return True
    return any(_secret_key(part) for part in query.split("&") if part)


def check_server_url(url: str) -> None:
    """Refuse a URL whose user part holds a raw ``@`` or ``/``: libpq would split it at the
    first one and send the rest of the password to the name server as a host name."""
    _scheme, _sep, rest = url.partition("://")
    userinfo, _host, _query, _fragment = _split(rest)
    if userinfo is not None and ("@" in userinfo or "/" in userinfo):
        raise UsageError(
            f"bad database URL '{redact(url)}': a '@' or '/' in the user name or password "
            "must be written %40 or %2F",
            hint="better: keep the password out of the URL, in ~/.pgpass or $PGPASSWORD",
        )
