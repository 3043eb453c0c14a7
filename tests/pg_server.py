"""A throwaway PostgreSQL server on loopback, for the tests and the storage benchmark.

It uses the server binaries of the machine (Debian keeps them under
``/usr/lib/postgresql/<version>/bin``; ``IQCORE_PG_BINDIR`` overrides the search). ``initdb``
refuses to run as root, so when the tests run as root (as in CI) the server runs as an
unprivileged system user, :data:`OS_USER`, created with ``useradd`` if it is missing. The cluster
lives in a fresh temporary directory, listens on a free TCP port of 127.0.0.1 only (no Unix
socket), uses password (SCRAM) authentication for every role, and keeps ``fsync`` and
``synchronous_commit`` on, so that a commit the server acknowledged is on disk. ``initdb`` itself
runs with ``--no-sync``: the files of an empty cluster need no durability.

As a pytest plugin (``pytest_plugins = ("pg_server",)`` in ``tests/conftest.py``) it provides the
session fixture :func:`postgres_server`. The server starts the first time a test asks for it and
stops at the end of the session. Where the binaries are missing the fixture skips, except when
the environment variable ``CI`` is set: then it fails with a message saying what to install.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

__all__ = ["OS_USER", "PgServer", "find_bindir", "postgres_server", "start_server"]

#: The unprivileged OS user that owns and runs the cluster when the tests run as root.
OS_USER = "iqcore-test"
#: The cluster's superuser (a database role, not an OS user).
SUPERUSER = "iqcore_super"


def find_bindir() -> Path | None:
    """The directory with ``initdb``, ``pg_ctl`` and ``postgres`` (newest version), or None."""
    override = os.environ.get("IQCORE_PG_BINDIR")
    candidates = [override] if override else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
        reverse=True,
    )
    for c in candidates:
        d = Path(c)
        if all((d / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _ensure_os_user() -> pwd.struct_passwd:
    """The unprivileged user, created with ``useradd`` if missing (two test workers may race
    here: the loser sees the user exist, or finds /etc/passwd locked and tries again)."""
    error = ""
    for _attempt in range(10):
        try:
            return pwd.getpwnam(OS_USER)
        except KeyError:
            pass
        result = subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                OS_USER,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        error = result.stderr.strip()
        if result.returncode != 0:
            time.sleep(0.2)
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise RuntimeError(f"useradd {OS_USER} failed: {error}") from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One running cluster: its directory, port and superuser password. See the module docs."""

    def __init__(self, bindir: Path, base: Path, port: int, password: str) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.port = port
        self.password = password
        self._user = _ensure_os_user() if os.geteuid() == 0 else None
        self.running = False

    # -- running commands as the cluster's owner ----------------------------------------------
    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        user = self._user
        env = {"PATH": f"{self.bindir}:/usr/bin:/bin", "LC_ALL": "C", "HOME": str(self.base)}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=self.base,
            timeout=timeout,
            user=None if user is None else user.pw_uid,
            group=None if user is None else user.pw_gid,
            extra_groups=None if user is None else [],
        )

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} failed:\n{result.stdout}\n{result.stderr}\n{tail}")

    def init(self) -> None:
        """``initdb`` a cluster owned by the unprivileged user, with SCRAM for every login."""
        if self._user is not None:
            os.chown(self.base, self._user.pw_uid, self._user.pw_gid)
        pwfile = self.base / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._user is not None:
            os.chown(pwfile, self._user.pw_uid, self._user.pw_gid)
        result = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        self._check(result, "initdb")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            "max_connections": "100",
            "max_wal_size": "2GB",
            "log_min_messages": "warning",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# iqcore test server\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def start(self) -> None:
        """Start the server on :attr:`port` and wait until it accepts connections."""
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.base / "server.log"),
            "-o",
            f"-p {self.port}",
            "-w",
            "-t",
            "60",
            "start",
        )
        self._check(result, "pg_ctl start")
        self.running = True

    def stop(self) -> None:
        """Stop the server and remove its directory. Idempotent. The cluster is thrown away,
        so the shutdown is immediate: no shutdown checkpoint writes its dirty pages first."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            self.running = False
        shutil.rmtree(self.base, ignore_errors=True)

    def dsn(self, database: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        """A ``postgresql://`` URL for *user* on *database* (the superuser by default)."""
        pw = password or (self.password if user == SUPERUSER else "")
        auth = quote(user, safe="") + (":" + quote(pw, safe="") if pw else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    @property
    def admin_dsn(self) -> str:
        """The superuser's URL on the ``postgres`` database."""
        return self.dsn()

    def create_database(self, name: str) -> str:
        """Create the database *name* (dropping an old one); returns the superuser's URL on it."""
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError("a test database name is letters, digits and '_'")
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        return self.dsn(name)


def _parent_dir() -> str:
    """The temporary directory, if the unprivileged user can reach it, else ``/tmp``."""
    parent = Path(tempfile.gettempdir()).resolve()
    if os.geteuid() != 0:
        return str(parent)
    reachable = all(p.stat().st_mode & 0o001 for p in (parent, *parent.parents))
    return str(parent) if reachable else "/tmp"


def start_server(bindir: Path | None = None) -> PgServer:
    """Create and start a throwaway cluster (see the module documentation)."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under "
            "/usr/lib/postgresql/*/bin; install the Debian package 'postgresql' (or set "
            "IQCORE_PG_BINDIR)"
        )
    base = Path(tempfile.mkdtemp(prefix="iqcore-pg-", dir=_parent_dir()))
    server = PgServer(bindir, base, _free_port(), secrets.token_urlsafe(18))
    try:
        server.init()
        for attempt in range(5):
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 4:
                    raise
                server.port = _free_port()  # the port was taken meanwhile: try another one
                time.sleep(0.2)
    except BaseException:
        server.stop()
        raise
    atexit.register(server.stop)
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A PostgreSQL server for this test session (one per xdist worker that needs one)."""
    if find_bindir() is None:
        message = (
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; install the "
            "Debian package 'postgresql' (.ci/run does) or set IQCORE_PG_BINDIR"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    server = start_server()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()
