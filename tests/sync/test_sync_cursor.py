"""Miniflux's cursor: entries sharing one `changed_at` are not fetched again at every sync.

"Mark all as read" on the server gives every entry of a feed the same
`changed_at`. A cursor on the newest change seen would ask for that second
again at each sync (the filter compares whole seconds), so an account of
100,000 entries marked read at once would be pulled in full every time.
The cursor is the time the pull began, less `SETTLED`, shortened here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import ADMIN, FeedServer, Miniflux, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import miniflux as miniflux_module
from newsreader.services.sync import sync
from newsreader.store import Library

pytestmark = pytest.mark.sync


def test_an_empty_sync_after_mark_all_read_on_the_server_costs_two_requests(
    miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(miniflux_module, "SETTLED", 0.0)
    feed_server.feeds["/m.xml"] = rss("M", [(f"m{i}", f"Entry {i}") for i in range(6)])
    categories = miniflux.call("GET", "/v1/categories")
    created = miniflux.call(
        "POST",
        "/v1/feeds",
        json={"feed_url": feed_server.url("/m.xml"), "category_id": categories[0]["id"]},
    )
    library = Library(tmp_path / "library.sqlite3")
    config = Config(
        sync=SyncSettings("miniflux", miniflux.url, ADMIN[0], f"printf '%s\\n' {ADMIN[1]}")
    )
    assert sync(library, config, page_size=2).new == 6

    miniflux.call("PUT", f"/v1/feeds/{created['feed_id']}/mark-all-as-read")
    # The `Date` header has whole seconds and the filter looks a second back (SKEW).
    time.sleep(3.1)
    changed = sync(library, config, page_size=2)
    assert changed.read_changed == 6

    empty = sync(library, config, page_size=2)
    assert (empty.new, empty.read_changed) == (0, 0)
    assert empty.requests == 2  # the subscriptions and one empty page, not the six again

    oldest = min(entry["id"] for entry in miniflux.call("GET", "/v1/entries")["entries"])
    miniflux.call("PUT", "/v1/entries", json={"entry_ids": [oldest], "status": "unread"})
    assert sync(library, config, page_size=2).read_changed == 1  # later changes still come
