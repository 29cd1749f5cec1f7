"""Real servers for the sync tests: a throw-away PostgreSQL 15 cluster and Miniflux.

No protocol mocks: each test talks to the Miniflux binary from Debian 13's
package (installed by `.ci/install-feed-servers`), started on 127.0.0.1 with a
database of its own in one cluster per session. Tests skip only when the
server cannot be installed, and say why. Test feeds are served from 127.0.0.1
by a small `http.server`; Miniflux's scheduler is off, so a test decides when
a feed is fetched (`PUT /v1/feeds/ID/refresh`). The servers are started by
tests/sync/servers.py, which the sync benchmark uses too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import ADMIN as ADMIN
from servers import (
    CI_DIR,
    INSTALLER,
    ServerUnavailable,
    free_port,
    miniflux_server,
    postgres_cluster,
    run_psql,
    stop_process,
    wait_port,
)
from servers import Miniflux as Miniflux
from servers import Postgres as Postgres


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/sync/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.sync)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    try:
        cluster = postgres_cluster()
        pg = cluster.__enter__()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield pg
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture
def miniflux(postgres: Postgres, tmp_path: Path) -> Iterator[Miniflux]:
    try:
        server = miniflux_server(postgres, tmp_path)
        running = server.__enter__()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield running
    finally:
        server.__exit__(None, None, None)


class FeedServer:
    """Test feeds on 127.0.0.1: `feeds[path] = rss text`; `url(path)` is its address."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}
        self._serve(0)

    def _serve(self, port: int) -> None:
        """Serve `feeds` on 127.0.0.1:`port` (0: any free port) from a thread."""
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

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
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


# -- Tiny Tiny RSS ---------------------------------------------------------------------
# Debian 12's package `tt-rss` (installed by .ci/install-feed-servers), served by PHP's
# built-in server as www-data (it refuses root) with its own database in the session's
# cluster. Its config.php reads /etc/tt-rss/database.php, which we never write: PHP's
# auto_prepend_file defines the DB_* constants first (a constant's first definition wins),
# so nothing outside the temp folder changes. TT-RSS fetches feeds only from ports 80/443
# and never from 127.*/localhost, so test feeds are served on 127.0.0.1:80 and subscribed
# as http://0.0.0.0/... (Linux sends 0.0.0.0 to the loopback).

TTRSS_WWW = Path("/usr/share/tt-rss/www")
TTRSS_SCHEMA = Path("/usr/share/tt-rss/schema/ttrss_schema_pgsql.sql")
TTRSS_ADMIN = ("admin", "password")
"""The account the schema creates."""
TTRSS_INSTALL_ERROR = CI_DIR / "ttrss-install-error"
PORT80_LOCK = Path(tempfile.gettempdir()) / "newsreader-tests-port80.lock"


def _ttrss_installed() -> None:
    """Skip, saying why, unless TT-RSS, PHP and PHP's pgsql driver are there."""

    def missing() -> str | None:
        if not (TTRSS_WWW / "api/index.php").exists() or not TTRSS_SCHEMA.exists():
            return f"Tiny Tiny RSS is not installed ({TTRSS_WWW} missing)"
        php = shutil.which("php")
        if php is None:
            return "php is not installed"
        modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=False)
        if "pgsql" not in modules.stdout.split():
            return "PHP's pgsql module is not installed (php-pgsql)"
        return None

    why = missing()
    if why and INSTALLER.exists():
        subprocess.run([str(INSTALLER)], capture_output=True, timeout=900, check=False)
        why = missing()
    if why:
        detail = ""
        if TTRSS_INSTALL_ERROR.exists():
            detail = f"; the installer said: {TTRSS_INSTALL_ERROR.read_text().strip()}"
        pytest.skip(f"{why}: run .ci/install-feed-servers{detail}")


@dataclass
class TinyTinyRSS:
    """One running TT-RSS; `call` uses its own JSON API as the schema's admin."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path
    _sid: str | None = None

    def call(self, op: str, **params: Any) -> Any:
        with httpx.Client(timeout=60) as client:
            for _ in range(2):
                if self._sid is None:
                    answer = client.post(
                        self.url + "/api/",
                        json={"op": "login", "user": TTRSS_ADMIN[0], "password": TTRSS_ADMIN[1]},
                    ).json()
                    self._sid = answer["content"]["session_id"]
                reply = client.post(
                    self.url + "/api/", json={"op": op, "sid": self._sid, **params}
                ).json()
                if reply.get("status") == 0:
                    return reply["content"]
                if (reply.get("content") or {}).get("error") == "NOT_LOGGED_IN":
                    self._sid = None
                    continue
                raise RuntimeError(f"tt-rss {op}: {reply}")
        raise RuntimeError(f"tt-rss {op}: not logged in")

    def psql(self, sql: str) -> str:
        return run_psql(self.database_url, sql, timeout=60)

    def stop(self) -> None:
        stop_process(self.process)

    def start(self) -> None:
        self.process = _spawn_ttrss(self.url, self.log)


def _spawn_ttrss(url: str, log: Path) -> subprocess.Popen[bytes]:
    folder = log.parent
    port = int(url.rsplit(":", 1)[1])
    argv = [
        shutil.which("php") or "php",
        "-d", f"auto_prepend_file={folder / 'prepend.php'}",
        "-d", "display_errors=stderr",
        "-S", f"127.0.0.1:{port}",
        "-t", str(TTRSS_WWW),
    ]  # fmt: skip
    # TT-RSS refuses to run as root: PHP runs as www-data.
    as_user: dict[str, Any] = {}
    if os.geteuid() == 0:
        as_user = {"user": "www-data", "group": "www-data", "extra_groups": []}
    handle = log.open("ab")
    process = subprocess.Popen(
        argv, cwd=TTRSS_WWW, stdout=handle, stderr=subprocess.STDOUT, **as_user
    )
    if not wait_port(port):
        process.kill()
        raise RuntimeError("tt-rss did not start: " + log.read_text()[-2000:])
    return process


@pytest.fixture
def ttrss(postgres: Postgres) -> Iterator[TinyTinyRSS]:
    _ttrss_installed()
    database_url = postgres.create_database()
    subprocess.run(
        ["psql", database_url, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(TTRSS_SCHEMA)],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    # A folder www-data can read (pytest's tmp_path is private to root).
    folder = Path(tempfile.mkdtemp(prefix="newsreader-ttrss-"))
    folder.chmod(0o755)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    prepend = folder / "prepend.php"
    prepend.write_text(
        "<?php\n"
        "define('DB_TYPE', 'pgsql');\n"
        "define('DB_HOST', '127.0.0.1');\n"
        f"define('DB_PORT', '{postgres.port}');\n"
        "define('DB_USER', 'postgres');\n"
        f"define('DB_NAME', '{name}');\n"
        "define('DB_PASS', '');\n"
        f"define('SELF_URL_PATH', '{url}/');\n"
        "define('LOG_DESTINATION', '');\n"
    )
    prepend.chmod(0o644)
    server = TinyTinyRSS(url, database_url, None, folder / "php.log")  # type: ignore[arg-type]
    # Without this user pref, `login` answers API_DISABLED.
    server.psql(
        "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value)"
        " SELECT id, 'ENABLE_API_ACCESS', NULL, 'true' FROM ttrss_users"
        f" WHERE login = '{TTRSS_ADMIN[0]}'"
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Port80FeedServer(FeedServer):
    """`FeedServer`'s feeds on 127.0.0.1:80, addressed as http://0.0.0.0/... (for TT-RSS).

    Port 80 is one per machine: a lock file makes concurrent test runs take turns.
    """

    def __init__(self) -> None:
        import fcntl

        self.feeds: dict[str, str] = {}
        self._lock = PORT80_LOCK.open("a")
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self._lock.close()
                    raise RuntimeError(f"port 80 stayed locked ({PORT80_LOCK})") from None
                time.sleep(0.2)
        try:
            self._serve(80)
        except PermissionError:
            self._lock.close()
            pytest.skip(
                "serving test feeds on 127.0.0.1:80 (TT-RSS fetches only 80/443) needs root"
            )
        except OSError as exc:
            self._lock.close()
            raise RuntimeError(f"127.0.0.1:80 is taken by another program ({exc})") from None

    def url(self, path: str) -> str:
        return f"http://0.0.0.0{path}"

    def close(self) -> None:
        super().close()
        self._lock.close()


@pytest.fixture
def port80_feed_server() -> Iterator[Port80FeedServer]:
    server = Port80FeedServer()
    try:
        yield server
    finally:
        server.close()
