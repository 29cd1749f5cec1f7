"""`newsreader sync` against a real Miniflux (tests/sync/conftest.py starts it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ADMIN, FeedServer, Miniflux, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import SyncError, sync
from newsreader.services.sync.miniflux import MinifluxBackend
from newsreader.store import Library
from support import sync_env

pytestmark = pytest.mark.sync


def settings(server: Miniflux, password: str = ADMIN[1]) -> Config:
    return Config(sync=SyncSettings("miniflux", server.url, ADMIN[0], f"printf '%s\\n' {password}"))


def subscribe_on_server(server: Miniflux, url: str) -> int:
    categories = server.call("GET", "/v1/categories")
    created = server.call(
        "POST", "/v1/feeds", json={"feed_url": url, "category_id": categories[0]["id"]}
    )
    return int(created["feed_id"])


def entries_on_server(server: Miniflux) -> list[dict[str, Any]]:
    return server.call("GET", "/v1/entries", params={"limit": 1000, "order": "id"})["entries"]


def local_articles(library: Library) -> dict[str, int]:
    rows = library._read(
        "SELECT s.remote_id, s.article_id FROM sync_articles s ORDER BY s.article_id"
    )
    return {str(row[0]): int(row[1]) for row in rows}


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.sqlite3")


@pytest.fixture
def seeded(miniflux: Miniflux, feed_server: FeedServer) -> int:
    """One feed with three entries on the server."""
    feed_server.feeds["/a.xml"] = rss(
        "Feed A", [("a1", "First"), ("a2", "Second"), ("a3", "Third")]
    )
    return subscribe_on_server(miniflux, feed_server.url("/a.xml"))


def test_first_sync_pulls_feeds_and_entries_then_incremental_costs_two_requests(
    miniflux: Miniflux, seeded: int, library: Library, feed_server: FeedServer
) -> None:
    report = sync(library, settings(miniflux), page_size=2)
    assert report.new == 3
    assert report.feeds_added == 1
    feed = library.feeds()[0]
    assert feed.url == feed_server.url("/a.xml") and feed.title == "Feed A"
    assert sorted(library.get(i).article.title for i in local_articles(library).values()) == [
        "First",
        "Second",
        "Third",
    ]
    backend = MinifluxBackend(_creds(miniflux))
    again = sync(library, settings(miniflux), backend=backend)
    assert again.new == 0 and again.pushed == 0
    assert again.requests <= 2
    # A new entry on the server arrives on the next sync.
    feed_server.feeds["/a.xml"] = rss("Feed A", [("a4", "Fourth"), ("a1", "First")])
    miniflux.call("PUT", f"/v1/feeds/{seeded}/refresh")
    assert sync(library, settings(miniflux)).new == 1


def _creds(server: Miniflux, password: str = ADMIN[1]) -> Any:
    from newsreader.services.sync.backend import SyncCredentials

    return SyncCredentials("miniflux", server.url, ADMIN[0], password)


def test_local_actions_are_pushed(
    miniflux: Miniflux, seeded: int, library: Library, feed_server: FeedServer
) -> None:
    sync(library, settings(miniflux))
    ids = local_articles(library)
    first, second, third = sorted(ids, key=int)
    library.set_read([ids[first], ids[second]])
    library.toggle_bookmark(ids[third])
    library.set_read([ids[second]], False)  # latest wins: unread
    assert library.outbox_size() == 3  # one row per article and flag
    library.add_feed(feed_server.url("/b.xml"), tags=["Tech"])
    feed_server.feeds["/b.xml"] = rss("Feed B", [("b1", "Bee")])
    report = sync(library, settings(miniflux))
    assert report.pushed == 4 and library.outbox_size() == 0
    remote = {str(e["id"]): e for e in entries_on_server(miniflux)}
    assert remote[first]["status"] == "read"
    assert remote[second]["status"] == "unread"
    assert remote[third]["starred"] is True
    feeds = {f["feed_url"]: f for f in miniflux.call("GET", "/v1/feeds")}
    assert feeds[feed_server.url("/b.xml")]["category"]["title"] == "Tech"
    # Unsubscribing and a bulk "mark all read" are pushed too.
    library.remove_feed(library.feed(feed_server.url("/b.xml")).id)
    library.toggle_bookmark(ids[third])
    sync(library, settings(miniflux))
    assert feed_server.url("/b.xml") not in {
        f["feed_url"] for f in miniflux.call("GET", "/v1/feeds")
    }
    remote = {str(e["id"]): e for e in entries_on_server(miniflux)}
    assert remote[third]["starred"] is False


def test_changes_made_on_the_server_are_pulled(
    miniflux: Miniflux, seeded: int, library: Library, feed_server: FeedServer
) -> None:
    sync(library, settings(miniflux))
    ids = local_articles(library)
    first = min(ids, key=int)
    time.sleep(1.1)  # changed_at has whole seconds on the wire
    miniflux.call("PUT", "/v1/entries", json={"entry_ids": [int(first)], "status": "read"})
    miniflux.call("PUT", f"/v1/entries/{first}/bookmark")
    report = sync(library, settings(miniflux))
    assert library.is_read(ids[first]) and library.is_bookmarked(ids[first])
    assert report.read_changed == 1 and report.star_changed == 1
    assert library.outbox_size() == 0  # pulled state is not queued back
    # A feed removed on the server is unsubscribed here; its articles stay.
    miniflux.call("DELETE", f"/v1/feeds/{seeded}")
    sync(library, settings(miniflux))
    assert library.feeds() == []
    assert library.is_bookmarked(ids[first])


def test_offline_queue_then_reconnect(miniflux: Miniflux, seeded: int, library: Library) -> None:
    sync(library, settings(miniflux))
    ids = local_articles(library)
    miniflux.stop()
    library.set_read(list(ids.values()))
    with pytest.raises(SyncError, match="cannot reach"):
        sync(library, settings(miniflux))
    assert library.outbox_size() == 3
    assert library.sync_status()["last_error"]
    miniflux.start()
    sync(library, settings(miniflux))
    assert library.outbox_size() == 0
    assert {e["status"] for e in entries_on_server(miniflux)} == {"read"}
    assert library.sync_status()["last_error"] is None


def test_wrong_password_exits_1_with_one_line_and_keeps_the_outbox(
    miniflux: Miniflux, seeded: int, library: Library, tmp_path: Path
) -> None:
    sync(library, settings(miniflux))
    library.set_read(list(local_articles(library).values()))
    library.close()
    result = run_cli(tmp_path, miniflux, password="wrong-password")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsreader: error: ")
    assert "refused" in lines[0] and "wrong-password" not in result.stderr + result.stdout
    status = run_cli(tmp_path, miniflux, "--status", "--json")
    document = json.loads(status.stdout)
    assert set(document) == {"service", "url", "last_sync", "outbox", "last_error"}
    assert document["outbox"] == 3 and "refused" in document["last_error"]


def test_server_errors_keep_the_outbox(
    miniflux: Miniflux, seeded: int, library: Library, postgres: Any
) -> None:
    sync(library, settings(miniflux))
    library.set_read(list(local_articles(library).values()))
    postgres.ctl("stop")
    try:
        with pytest.raises(SyncError):
            sync(library, settings(miniflux))
    finally:
        postgres.ctl("start")
    assert library.outbox_size() == 3
    sync(library, settings(miniflux))
    assert library.outbox_size() == 0


def test_timeout_and_vanishing_server(library: Library, tmp_path: Path) -> None:
    """A server that accepts and never answers, and one that hangs up mid-answer."""
    import socket
    import threading

    def serve(sock: socket.socket, mode: str) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.recv(65536)
            if mode == "cut":
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 100000\r\n\r\n[{"id": 1, "feed_url"'
                )
                conn.close()
            # "hang": keep the connection open, answer nothing

    for mode, expected in (("hang", "in time"), ("cut", "cannot reach")):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        threading.Thread(target=serve, args=(sock, mode), daemon=True).start()
        from newsreader.services.sync.backend import SyncCredentials

        backend = MinifluxBackend(SyncCredentials("miniflux", url, "u", "p"), timeout=1.0)
        config = Config(sync=SyncSettings("miniflux", url, "u", "true"))
        with pytest.raises(SyncError, match=expected):
            sync(library, config, backend=backend)
        sock.close()


def run_cli(
    tmp_path: Path, server: Miniflux, *args: str, password: str = ADMIN[1]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--data-dir", str(tmp_path), "sync", *args],
        env=cli_env(tmp_path, server, password),
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli_env(tmp_path: Path, server: Miniflux, password: str) -> dict[str, str]:
    return dict(os.environ, **sync_env(tmp_path, "miniflux", server.url, ADMIN[0], password))


def test_sigkill_mid_sync_loses_nothing_and_applies_nothing_twice(
    miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path
) -> None:
    items = [(f"k{i}", f"Entry {i}") for i in range(300)]
    feed_server.feeds["/big.xml"] = rss("Big", items)
    subscribe_on_server(miniflux, feed_server.url("/big.xml"))
    library = Library(tmp_path / "library.sqlite3")
    library.close()
    env = cli_env(tmp_path, miniflux, ADMIN[1])
    argv = [sys.executable, "-m", "newsreader", "--data-dir", str(tmp_path), "sync"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Kill it once some pages are stored (the cursor moved), before it ends.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with Library(tmp_path / "library.sqlite3") as peek:
            if 0 < len(local_articles(peek)) < 300:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the first sync ended before it could be killed"
    with Library(tmp_path / "library.sqlite3") as library:
        ids = local_articles(library)
        library.set_read(list(ids.values())[:10])  # queued while the last sync was half done
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with Library(tmp_path / "library.sqlite3") as library:
        ids = local_articles(library)
        assert len(ids) == 300  # nothing lost
        count = library._read("SELECT count(*) FROM articles")[0][0]
        assert count == 300  # nothing stored twice
        assert library.outbox_size() == 0
    read = [e for e in entries_on_server(miniflux) if e["status"] == "read"]
    assert len(read) >= 10
