"""Throw-away servers for tests: a PostgreSQL cluster and a redis-server.

Both are started from the system binaries on a free port of 127.0.0.1 in a temporary
folder and stopped afterwards. When a binary is missing the test is skipped with the
Debian package to install, unless ``CI=true``: then it fails.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import typing as t

import pytest

STARTUP_SECONDS = 30.0


def in_ci() -> bool:
    """True when running in CI (``CI=true``), where missing servers are failures."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, package: str) -> t.NoReturn:
    """Skip (or, under CI, fail) because *what* is not installed."""
    message = f"needs {what}: apt-get install {package}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def postgres_bin_dir() -> str | None:
    """The newest ``/usr/lib/postgresql/*/bin`` that has initdb and pg_ctl."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bin_dir = os.path.dirname(initdb)
        if os.path.exists(os.path.join(bin_dir, "pg_ctl")):
            version = os.path.basename(os.path.dirname(bin_dir))
            found.append((int(version) if version.isdigit() else 0, bin_dir))
    if not found:
        path = shutil.which("initdb")
        return os.path.dirname(path) if path and shutil.which("pg_ctl") else None
    return max(found)[1]


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder (trust auth, fsync off).

    As root, ``initdb`` refuses to run, so the cluster runs as the ``postgres`` user
    in a folder that user owns.
    """

    def __init__(self, bin_dir: str) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="tp-pg-")
        self.data = os.path.join(self.root, "data")
        self._counter = itertools.count(1)
        self._as: list[str] = []
        if os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.root,
        )

    def start(self) -> PostgresServer:
        """initdb and start the cluster; wait until it accepts connections."""
        self._run(
            os.path.join(self.bin_dir, "initdb"),
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        options = (
            f"-F -c fsync=off -c full_page_writes=off -c synchronous_commit=off "
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        )
        self._run(
            os.path.join(self.bin_dir, "pg_ctl"),
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            os.path.join(self.root, "server.log"),
            "-w",
            "-t",
            str(int(STARTUP_SECONDS)),
            "start",
        )
        _wait_for_port(self.port)
        return self

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL of database *dbname* on this server.

        It names psycopg2, whose prepared audit append the audit tests check; the
        plain ``postgresql://`` URL (psycopg 3) is tested in test_postgres_driver.py.
        """
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        """Create a fresh, empty database; return its URL."""
        import psycopg2

        name = f"test_{os.getpid()}_{next(self._counter)}"
        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def stop(self) -> None:
        """Stop the cluster and delete its folder."""
        try:
            self._run(
                os.path.join(self.bin_dir, "pg_ctl"),
                "-D",
                self.data,
                "-m",
                "immediate",
                "stop",
            )
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A redis-server on a free port with persistence off."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="tp-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait until it accepts connections."""
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.root,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.proc)
        return self

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """A started :class:`PostgresServer`, or skip/fail if PostgreSQL is missing."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        missing("PostgreSQL", "postgresql")
    return PostgresServer(bin_dir).start()


def start_redis() -> RedisServer:
    """A started :class:`RedisServer`, or skip/fail if redis-server is missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server", "redis-server")
    return RedisServer(binary).start()
