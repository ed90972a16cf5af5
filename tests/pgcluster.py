"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temp dir, start it on a
unix socket and a free loopback port, remove it all at the end.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it). The
server refuses to run as root, so as root it runs as the ``postgres`` system user.
Local (socket) connections are trusted; TCP connections need a real password
(``scram-sha-256``), so the credential tests check something.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

SUPERUSER_AS_ROOT = "postgres"


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
    def __init__(self, root: Path, bin_dir: Path, as_root: bool) -> None:
        self.root = root
        self.bin_dir = bin_dir
        self.as_root = as_root
        self.data = root / "data"
        self.socket_dir = root
        self.port = _free_port()
        self.superuser = SUPERUSER_AS_ROOT if as_root else (os.environ.get("USER") or "postgres")
        self.log = root / "server.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER_AS_ROOT, "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    def start(self) -> None:
        done = self._run(
            "initdb", "-D", str(self.data), "-U", self.superuser, "-E", "UTF8",
            "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        options = (
            f"-k {self.socket_dir} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"
        )
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
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

    def _connect(self, dbname: str) -> Any:
        import psycopg

        return psycopg.connect(self.url(dbname), autocommit=True)

    def psql_exec(self, dbname: str, sql: str) -> None:
        with self._connect(dbname) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str | None = None, *, owner: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        owned = f' OWNER "{owner}"' if owner else ""
        self.psql_exec("postgres", f'CREATE DATABASE "{name}"{owned} TEMPLATE template0')
        return name

    def create_role(self, name: str, password: str | None) -> None:
        from psycopg import sql

        with self._connect("postgres") as conn:
            if password is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            else:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(name), sql.Literal(password)
                    )
                )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Cluster:
    """Start a new throwaway server; ``stop()`` removes it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (Debian: apt install postgresql)")
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="rmpg-", dir="/tmp"))  # short: socket paths are limited
    if as_root:
        shutil.chown(root, SUPERUSER_AS_ROOT)
    root.chmod(0o777)
    cluster = Cluster(root, bin_dir, as_root)
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster
