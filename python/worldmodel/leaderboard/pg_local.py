"""A throw-away local PostgreSQL server: for the tests and the load benchmark, never for a deployment.

`LocalPostgres()` finds PostgreSQL's binaries (/usr/lib/postgresql/*/bin, then PATH), installs the distribution's
`postgresql` with apt-get when they are missing and this process is root, then runs initdb and pg_ctl on a
temporary folder, listening only on a unix socket there. PostgreSQL refuses to run as root, so as root the server
runs as the `postgres` user (runuser) and the folder is handed to it. `create_database()` gives a fresh database's
URL (psycopg 3); `stop()` stops the server and removes the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    pass


def find_pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (with initdb and pg_ctl), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0)
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    return None


def install_postgresql() -> None:
    """apt-get install postgresql (Debian; needs root). The package's own cluster is not used."""
    if os.geteuid() != 0:
        raise PostgresUnavailable("PostgreSQL is not installed and installing it needs root "
                                  "(apt-get install -y postgresql)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def ensure_pg_bin() -> Path:
    folder = find_pg_bin()
    if folder is None:
        install_postgresql()
        folder = find_pg_bin()
    if folder is None:
        raise PostgresUnavailable("apt-get installed postgresql but no initdb/pg_ctl was found")
    return folder


class LocalPostgres:
    def __init__(self, port: int = 5432):
        self.bin = ensure_pg_bin()
        self.port = port  # only names the socket file (.s.PGSQL.<port>): TCP is off, so it never clashes
        self.root = Path(tempfile.mkdtemp(prefix="worldmodel-pg-"))
        self.data, self.socket_dir = self.root / "data", self.root / "socket"
        self.socket_dir.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, PG_USER, PG_USER)
            shutil.chown(self.socket_dir, PG_USER, PG_USER)
        self._run("initdb", "-D", str(self.data), "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--no-sync")
        options = f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        self.running = True

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", PG_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log_file = self.root / "server.log"
            server_log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
            raise PostgresUnavailable(f"{program} failed ({done.returncode}):\n{done.stdout[-2000:]}"
                                      f"{done.stderr[-2000:]}\n{server_log}")
        return done.stdout

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str | None = None) -> str:
        import psycopg

        name = name or "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=PG_USER, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            finally:
                shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
