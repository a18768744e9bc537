"""A private PostgreSQL server for the gradebook tests and benchmark, from Debian's `postgresql`.

Used by tests/grading/test_postgres_gradebook.py (`import pg_server`: tests/ is on the tests'
path) and benchmarks/gradebook.py (which loads this file by its path).

    with private_server() as pg:        # initdb in a temporary folder, started on a socket there
        url = pg.create_database("gradebook", owner="grader")
        ...                             # postgresql+psycopg2://grader@/gradebook?host=<folder>
    # stopped and its folder removed: no process and no file left

No TCP (`listen_addresses=''`), no system service, no password (trust on the private socket).
`initdb` refuses to run as root, so as root the server runs as the package's `postgres` user
(`runuser -u postgres`). `make test` installs the package where it can
(tools/ensure-postgres.sh); elsewhere `skip_reason()` says why the tests cannot run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"  # the role initdb creates (named after the OS user running it)
# a test server: durability is not wanted, speed is
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def bindir() -> Path | None:
    """The folder of Debian's initdb/pg_ctl (newest version), or of the ones on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


def _run_as() -> list[str]:
    """The prefix that runs a server command as a user initdb accepts."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", SUPERUSER, "--"]


def skip_reason() -> str | None:
    """Why a private server cannot start here, or None when it can."""
    if bindir() is None:
        return (
            "Debian's postgresql package is not installed and could not be installed here "
            "(`make test` runs tools/ensure-postgres.sh, which needs root and apt-get)"
        )
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without `runuser`: initdb refuses to run as root"
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return f"running as root and there is no {SUPERUSER!r} user to run initdb as"
    return None


@dataclass
class Server:
    folder: Path  # data/, the socket and the log
    bindir: Path

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str, user: str = SUPERUSER, driver: str = "psycopg2") -> str:
        """SQLAlchemy URL of `database` on the private socket."""
        return f"postgresql+{driver}://{user}@/{database}?host={self.socket_dir}"

    def connect(self, database: str = "postgres", user: str = SUPERUSER):
        """A psycopg2 connection (autocommit) over the private socket."""
        import psycopg2

        conn = psycopg2.connect(host=str(self.socket_dir), dbname=database, user=user)
        conn.autocommit = True
        return conn

    def create_database(self, name: str, owner: str = "grader") -> str:
        """Create role `owner` (if new) and database `name` owned by it; return its URL."""
        from psycopg2 import sql

        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (owner,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(name), sql.Identifier(owner)
                    )
                )
        finally:
            conn.close()
        return self.url(name, user=owner)

    def pids(self) -> list[int]:
        """Process ids of the server and its children (empty once stopped)."""
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return []
        main = int(pidfile.read_text().split()[0])
        out = [main]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().split(") ")[1].split()[1]) == main:
                        out.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    pass
        return out

    def log(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""


def _check(cmd: list[str], what: str, server: Server | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        log = server.log() if server else ""
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}{log}")


@contextlib.contextmanager
def private_server() -> Iterator[Server]:
    """Start a private server; stop it and remove its folder afterwards."""
    reason = skip_reason()
    if reason:
        raise RuntimeError(reason)
    bins = bindir()
    # under /tmp, not pytest's tmp_path: that is private to root, and the server runs as
    # `postgres`; a short path also keeps the socket's name within the 107-byte limit
    folder = Path(tempfile.mkdtemp(prefix="rnn-pg-"))
    server = Server(folder, bins)
    started = False
    try:
        os.chmod(folder, 0o755)
        if os.geteuid() == 0:
            user = pwd.getpwnam(SUPERUSER)
            os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = _run_as()
        _check(
            [*prefix, str(bins / "initdb"), "-D", str(server.data), "-U", SUPERUSER,
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            "initdb",
        )  # fmt: skip
        options = f"-c listen_addresses='' -k {folder} {FAST}"
        _check(
            [*prefix, str(bins / "pg_ctl"), "-D", str(server.data), "-o", options,
             "-l", str(folder / "server.log"), "-w", "-t", "60", "start"],
            "pg_ctl start",
            server,
        )  # fmt: skip
        started = True
        yield server
    finally:
        try:
            if started:
                _check(
                    [*_run_as(), str(bins / "pg_ctl"), "-D", str(server.data), "-m", "fast",
                     "-w", "-t", "60", "stop"],
                    "pg_ctl stop",
                    server,
                )  # fmt: skip
        finally:
            shutil.rmtree(folder, ignore_errors=True)
