"""Sync from the TUI (`S`, the palette, start-up) against a real Miniflux 2.2, under Pilot.

The server is started by tests/sync/conftest.py; the app runs on a real
library file, and the server's state is changed through its own API.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ADMIN, FeedServer, Miniflux, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import sync
from newsreader.store import Library
from newsreader.ui import app as app_module
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.widgets.status_bar import FilterBar
from support import wait_until

pytestmark = [pytest.mark.sync, pytest.mark.anyio]
WIDE = (120, 30)


def config_for(url: str) -> Config:
    return Config(
        refresh_minutes=0,
        sync=SyncSettings("miniflux", url, ADMIN[0], f"printf '%s\\n' {ADMIN[1]}"),
    )


def subscribe_on_server(server: Miniflux, url: str) -> int:
    categories = server.call("GET", "/v1/categories")
    created = server.call(
        "POST", "/v1/feeds", json={"feed_url": url, "category_id": categories[0]["id"]}
    )
    return int(created["feed_id"])


def messages(app: NewsreaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def status_bar(app: NewsreaderApp) -> str:
    return str(app.screen.query_one(FilterBar).content)


def rows(app: NewsreaderApp) -> int:
    screen = app.list_screen()
    assert screen is not None
    return int(screen.article_list.row_count)


@pytest.fixture
def no_startup_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the start-up sync out of the way, so the test's own key starts the sync."""
    monkeypatch.setattr(app_module, "STARTUP_DELAY", 3600.0)


@pytest.fixture
def seeded(miniflux: Miniflux, feed_server: FeedServer) -> Miniflux:
    feed_server.feeds["/a.xml"] = rss(
        "Feed A", [("a1", "First"), ("a2", "Second"), ("a3", "Third")]
    )
    subscribe_on_server(miniflux, feed_server.url("/a.xml"))
    return miniflux


async def test_S_syncs_and_the_list_shows_what_it_pulled(
    seeded: Miniflux, tmp_path: Path, no_startup_sync: None
) -> None:
    library = Library(tmp_path / "library.sqlite3")
    app = NewsreaderApp(library, config=config_for(seeded.url))
    async with app.run_test(size=WIDE) as pilot:
        assert rows(app) == 0
        await pilot.press("S")
        await wait_until(pilot, lambda: rows(app) == 3, "the pulled articles in the list")
        await wait_until(pilot, lambda: not app.syncer.running, "the sync to end")
        assert any(m.startswith("Synced: 3 new") for m in messages(app))
        assert "Unread 3" in status_bar(app)
        # The sync thread indexes what it pulled once its end is shown.
        await wait_until(pilot, lambda: library.unindexed() == 0, "the pulled articles indexed")
        assert "Syncing" not in str(app.screen.query_one("#refresh-label").render())

        # Read on another device: the next sync shows it in the counts and rows.
        entries = seeded.call("GET", "/v1/entries", params={"order": "id"})["entries"]
        seeded.call("PUT", "/v1/entries", json={"entry_ids": [entries[0]["id"]], "status": "read"})
        app.action_sync()  # what the palette's "Sync now" runs
        await wait_until(pilot, lambda: "Unread 2" in status_bar(app), "the read change")
        await wait_until(pilot, lambda: not app.syncer.running, "the sync to end")
        assert "offline" not in status_bar(app)
    library.close()


async def test_the_palette_offers_sync_now(tmp_path: Path, no_startup_sync: None) -> None:
    library = Library(tmp_path / "library.sqlite3")
    app = NewsreaderApp(library, config=config_for("http://127.0.0.1:9"))
    async with app.run_test(size=WIDE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert any(title.startswith("Sync now") for title in titles)
        await pilot.pause()
    library.close()


async def test_the_app_syncs_at_start(seeded: Miniflux, tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    app = NewsreaderApp(library, config=config_for(seeded.url))
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, lambda: rows(app) == 3, "the start-up sync's articles")
        await wait_until(pilot, lambda: not app.syncer.running, "the sync to end")
    library.close()


async def test_server_down_says_offline_and_the_ui_stays_usable(
    seeded: Miniflux, tmp_path: Path, no_startup_sync: None
) -> None:
    library = Library(tmp_path / "library.sqlite3")
    config = config_for(seeded.url)
    sync(library, config)
    ids = [int(row[0]) for row in library._read("SELECT id FROM articles ORDER BY id")]
    library.set_read(ids[:2])  # two changes queued for the server
    seeded.stop()
    app = NewsreaderApp(library, config=config)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("S")
        await wait_until(pilot, lambda: not app.syncer.running, "the failed sync to end")
        assert "offline — 2 changes waiting" in status_bar(app)
        assert any("cannot reach" in m for m in messages(app))

        # Reading goes on, and what the user does is queued and counted.
        await pilot.press("G")  # the last row: the unread one
        await pilot.press("m")
        await wait_until(
            pilot, lambda: "offline — 3 changes waiting" in status_bar(app), "the third change"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not app.list_screen(), "the reader")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.list_screen(), "back to the list")

        # `r` with sync on syncs (and fails the same way, quietly kept in the bar).
        await pilot.press("r")
        await wait_until(pilot, lambda: not app.syncer.running, "the sync behind r")
        assert "offline — 3 changes waiting" in status_bar(app)

        # The server is back: S sends everything and the note goes.
        seeded.start()
        await pilot.press("S")
        await wait_until(pilot, lambda: "offline" not in status_bar(app), "back online")
        await wait_until(pilot, lambda: not app.syncer.running, "the sync to end")
    assert library.outbox_size() == 0
    read = seeded.call("GET", "/v1/entries", params={"status": "read"})["entries"]
    assert len(read) == 3
    library.close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (a sync hangs on it)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
        for conn in held:
            conn.close()


async def test_q_does_not_wait_for_a_hanging_sync(
    silent_server: str, tmp_path: Path, no_startup_sync: None
) -> None:
    library = Library(tmp_path / "library.sqlite3")
    app = NewsreaderApp(library, config=config_for(silent_server))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("S")
        await wait_until(pilot, lambda: app.syncer.running, "the sync to start")
        await pilot.press("j", "k")  # the UI answers meanwhile
        started = time.monotonic()
        await pilot.press("q")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"q took {elapsed:.2f} s to exit during a sync"
    library.close()
