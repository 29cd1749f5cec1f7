"""Start the real feed servers: a throw-away PostgreSQL 15 cluster and Miniflux.

Plain context managers, so the sync tests' fixtures (tests/sync/conftest.py)
and the sync benchmark (benchmarks/sync_bench.py) start the same servers the
same way. Miniflux is the binary from Debian 13's package, installed by
`.ci/install-feed-servers`; what cannot be installed or started here raises
`ServerUnavailable` saying why (the fixtures turn it into a skip).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CI_DIR = Path(os.environ.get("NEWSREADER_CI_DIR", "/opt/newsreader-ci"))
MINIFLUX = CI_DIR / "miniflux/usr/bin/miniflux"
INSTALLER = Path(__file__).resolve().parents[2] / ".ci/install-feed-servers"
ADMIN = ("admin", "test-password-123")


class ServerUnavailable(Exception):
    """A server cannot be installed or started on this machine; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def as_postgres(argv: list[str]) -> list[str]:
    """initdb refuses root: run PostgreSQL's tools as the `postgres` user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@dataclass
class Postgres:
    port: int
    folder: Path
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def create_database(self) -> str:
        name = f"miniflux_{next(self._counter)}"
        subprocess.run(
            as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", name]),
            check=True, capture_output=True,
        )  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def ctl(self, action: str) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port}"
            f" -c unix_socket_directories={self.folder} -c fsync=off"
            " -c full_page_writes=off -c synchronous_commit=off"
        )
        argv = [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-w", "-s"]
        if action == "start":
            argv += ["-l", str(self.folder / "log"), "-o", options, "start"]
        else:
            argv += ["-m", "immediate", "stop"]
        subprocess.run(as_postgres(argv), check=True, capture_output=True, timeout=60)


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A cluster in a temp folder on a private port, removed afterwards."""
    if not (PG_BIN / "initdb").exists():
        raise ServerUnavailable(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ServerUnavailable(
                "no `postgres` user to run initdb as (it refuses root)"
            ) from None
    folder = Path(tempfile.mkdtemp(prefix="newsreader-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                         "--auth=trust", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        pg = Postgres(free_port(), folder)
        pg.ctl("start")
        yield pg
    finally:
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                         "-s", "stop"]),
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def miniflux_binary() -> Path:
    """Miniflux's binary, installing it once with `.ci/install-feed-servers` when missing."""
    if not MINIFLUX.exists() and INSTALLER.exists():
        subprocess.run([str(INSTALLER)], capture_output=True, timeout=600, check=False)
    if not MINIFLUX.exists():
        raise ServerUnavailable(
            f"Miniflux is not installed at {MINIFLUX}: run .ci/install-feed-servers"
            " (it fetches Debian 13's package through a private apt configuration)"
        )
    return MINIFLUX


def run_psql(database_url: str, sql: str, *, timeout: float) -> str:
    """Run SQL in one of the cluster's databases as psql does; its unaligned, quiet output."""
    done = subprocess.run(
        ["psql", database_url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        capture_output=True, text=True, check=True, timeout=timeout,
    )  # fmt: skip
    return done.stdout


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server politely, then by force if it has not gone within ten seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Miniflux:
    """One running Miniflux with its own database; `api` is an admin client of its API."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    @property
    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=ADMIN, timeout=30)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        with self.api as client:
            response = client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def psql(self, sql: str) -> str:
        """Run SQL in Miniflux's own database (what a test or benchmark cannot do by API)."""
        return run_psql(self.env["DATABASE_URL"], sql, timeout=600)

    def stop(self) -> None:
        stop_process(self.process)

    def start(self) -> None:
        self.process = _spawn(self.env, self.log)
        port = int(self.url.rsplit(":", 1)[1])
        if not wait_port(port):
            raise RuntimeError("miniflux did not start: " + self.log.read_text()[-2000:])


def _spawn(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [str(env["MINIFLUX_BIN"])], env=env, stdout=handle, stderr=subprocess.STDOUT
    )


@contextmanager
def miniflux_server(postgres: Postgres, folder: Path) -> Iterator[Miniflux]:
    """Miniflux on 127.0.0.1 with a new database; its scheduler off (nothing fetched unasked)."""
    binary = miniflux_binary()
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "MINIFLUX_BIN": str(binary),
        "DATABASE_URL": postgres.create_database(),
        "RUN_MIGRATIONS": "1",
        "CREATE_ADMIN": "1",
        "ADMIN_USERNAME": ADMIN[0],
        "ADMIN_PASSWORD": ADMIN[1],
        "LISTEN_ADDR": f"127.0.0.1:{port}",
        "POLLING_FREQUENCY": "100000",
        "DISABLE_SCHEDULER_SERVICE": "1",
        "BATCH_SIZE": "1",
        "WORKER_POOL_SIZE": "2",
        "LOG_LEVEL": "info",
    }
    server = Miniflux(f"http://127.0.0.1:{port}", None, env, folder / "miniflux.log")  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()
