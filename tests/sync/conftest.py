"""Real servers for the sync tests: a throw-away PostgreSQL 15 cluster and Miniflux.

No protocol mocks: each test talks to the Miniflux binary from Debian 13's
package (installed by `.ci/install-feed-servers`), started on 127.0.0.1 with a
database of its own in one cluster per session. Tests skip only when the
server cannot be installed, and say why. Test feeds are served from 127.0.0.1
by a small `http.server`; Miniflux's scheduler is off, so a test decides when
a feed is fetched (`PUT /v1/feeds/ID/refresh`).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CI_DIR = Path(os.environ.get("NEWSREADER_CI_DIR", "/opt/newsreader-ci"))
MINIFLUX = CI_DIR / "miniflux/usr/bin/miniflux"
INSTALLER = Path(__file__).resolve().parents[2] / ".ci/install-feed-servers"
ADMIN = ("admin", "test-password-123")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/sync/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.sync)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def _as_postgres(argv: list[str]) -> list[str]:
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
            _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
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
        subprocess.run(_as_postgres(argv), check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("no `postgres` user to run initdb as (it refuses root)")
    folder = Path(tempfile.mkdtemp(prefix="newsreader-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--no-sync"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pg = Postgres(free_port(), folder)
    pg.ctl("start")
    try:
        yield pg
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                          "-s", "stop"]),
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _miniflux_binary() -> Path:
    if not MINIFLUX.exists() and INSTALLER.exists():
        subprocess.run([str(INSTALLER)], capture_output=True, timeout=600, check=False)
    if not MINIFLUX.exists():
        pytest.skip(
            f"Miniflux is not installed at {MINIFLUX}: run .ci/install-feed-servers"
            " (it fetches Debian 13's package through a private apt configuration)"
        )
    return MINIFLUX


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

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def start(self) -> None:
        self.process = _spawn(self.env, self.log)
        port = int(self.url.rsplit(":", 1)[1])
        if not _wait_port(port):
            raise RuntimeError("miniflux did not start: " + self.log.read_text()[-2000:])


def _spawn(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [str(env["MINIFLUX_BIN"])], env=env, stdout=handle, stderr=subprocess.STDOUT
    )


@pytest.fixture
def miniflux(postgres: Postgres, tmp_path: Path) -> Iterator[Miniflux]:
    binary = _miniflux_binary()
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
    server = Miniflux(f"http://127.0.0.1:{port}", None, env, tmp_path / "miniflux.log")  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()


class FeedServer:
    """Test feeds on 127.0.0.1: `feeds[path] = rss text`; `url(path)` is its address."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.feeds.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(title: str, items: list[tuple[str, str]]) -> str:
    """An RSS document with (guid, title) items (their text says which)."""
    parts = [
        f"<item><guid>urn:{guid}</guid><title>{item_title}</title>"
        f"<link>http://example.org/{guid}</link>"
        f"<description>&lt;p&gt;Body of {item_title}.&lt;/p&gt;</description></item>"
        for guid, item_title in items
    ]
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{''.join(parts)}"
        "</channel></rss>"
    )


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()
