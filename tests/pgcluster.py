"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temp dir, start it on a
unix socket and a free loopback port, remove it all at the end.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it). The
server refuses to run as root, so as root it runs as the ``postgres`` system user.
Local (socket) connections are trusted; TCP connections need a real password
(``scram-sha-256``), so the credential tests check something.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # psycopg is imported lazily: conftest skips cleanly when it is missing
    import psycopg

SYSTEM_USER = "postgres"
HBA = (
    "local all all trust\n"
    "host all all 127.0.0.1/32 scram-sha-256\n"
    "host all all ::1/128 scram-sha-256\n"
)


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl, or ``initdb`` on PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in found:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, root: Path, bin_dir: Path) -> None:
        self.root = root
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.data = root / "data"
        self.log = root / "server.log"
        self.socket_dir = root
        self.port = _free_port()
        self.superuser = SYSTEM_USER if self.as_root else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        # No stale PGDATA/PGHOST/PGPORT/PGUSER/PGPASSWORD...; a cwd the server user can enter.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_", "LANG"))}
        env["LC_ALL"] = "C"
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=self.root, timeout=120
        )

    def _init(self) -> None:
        for locale in ("C.UTF-8", "C"):
            done = self._run(
                "initdb", "-D", str(self.data), "-U", self.superuser, "-E", "UTF8",
                f"--locale={locale}", "-A", "trust", "--auth-host=scram-sha-256",
            )  # fmt: skip
            if done.returncode == 0:
                (self.data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
                return
            shutil.rmtree(self.data, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stdout[-1000:]}{done.stderr[-2000:]}")

    def _start(self) -> None:
        for _attempt in range(3):  # the free port may be taken before the server binds it
            options = (
                f"-k {self.socket_dir} -p {self.port} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            done = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"
            )
            if done.returncode == 0:
                return
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            if "already in use" not in tail:
                break
            self.port = _free_port()
        raise RuntimeError(f"the PostgreSQL server did not start: {done.stderr}\n{tail}")

    def url(
        self,
        dbname: str,
        *,
        user: str | None = None,
        tcp: bool = False,
        password: str | None = None,
    ) -> str:
        who = user or self.superuser
        if tcp:
            secret = f":{password}" if password is not None else ""
            return f"postgresql://{who}{secret}@127.0.0.1:{self.port}/{dbname}"
        return f"postgresql://{who}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def _connect(self, dbname: str) -> psycopg.Connection[Any]:
        import psycopg

        return psycopg.connect(self.url(dbname), autocommit=True)

    def psql_exec(self, dbname: str, sql: str) -> None:
        """Run ``sql`` (one or more statements) as the superuser, over the socket."""
        with self._connect(dbname) as conn:
            conn.execute(sql)

    def create_database(self, name: str | None = None, *, owner: str | None = None) -> str:
        from psycopg import sql

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner:
            query += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        with self._connect("postgres") as conn:
            conn.execute(query + sql.SQL(" TEMPLATE template0"))
        return name

    def create_role(self, name: str, password: str | None) -> None:
        from psycopg import sql

        query = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            query += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        with self._connect("postgres") as conn:
            conn.execute(query)

    def drop_databases(self, prefix: str) -> None:
        """Drop every database whose name starts with ``prefix`` (their clients are cut off)."""
        from psycopg import sql

        with self._connect("postgres") as conn:
            names = [
                row[0]
                for row in conn.execute("SELECT datname FROM pg_database").fetchall()
                if str(row[0]).startswith(prefix)
            ]
            for name in names:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``) and remove the whole temp dir."""
        if not self.root.exists():  # already stopped
            return
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Cluster:
    """Start a new throwaway server; ``stop()`` removes it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (Debian: apt install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="rmpg-", dir="/tmp"))  # short: socket paths are limited
    root.chmod(0o755)  # the postgres user (and clients) must reach the socket
    if os.geteuid() == 0:
        shutil.chown(root, SYSTEM_USER, SYSTEM_USER)
    cluster = Cluster(root, bin_dir)
    try:
        cluster._init()
        cluster._start()
    except BaseException:
        cluster.stop()  # a half-started server must not outlive its directory
        raise
    return cluster
