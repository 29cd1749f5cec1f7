"""An article deleted on the server keeps its local copy and its bookmark (a real Miniflux 2.2).

Deleting a feed on Miniflux deletes its entries; the next sync unsubscribes
the feed here but must not take the bookmark or the article with it. The
Google Reader backend is the case that matters most: its state snapshot lists
starred ids, and an id missing from it could mean "unstarred" as well as
"deleted", so the core applies a snapshot only to feeds the server still lists.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import ADMIN, FeedServer, Miniflux, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import sync
from newsreader.store import Library

pytestmark = pytest.mark.sync

GREADER_USER = "deleted-user"
GREADER_PASSWORD = "deleted-pass-123"


def enable_greader(server: Miniflux) -> None:
    """Turn Miniflux's Google Reader API on for the admin (what its settings page does)."""
    sql = (
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;"
        " INSERT INTO integrations (user_id, googlereader_enabled, googlereader_username,"
        " googlereader_password)"
        f" SELECT id, true, '{GREADER_USER}', crypt('{GREADER_PASSWORD}', gen_salt('bf'))"
        " FROM users WHERE username = 'admin'"
        " ON CONFLICT (user_id) DO UPDATE SET googlereader_enabled = true,"
        " googlereader_username = EXCLUDED.googlereader_username,"
        " googlereader_password = EXCLUDED.googlereader_password;"
    )
    subprocess.run(
        ["psql", server.env["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )


def config_for(service: str, server: Miniflux) -> Config:
    if service == "greader":
        user, password = GREADER_USER, GREADER_PASSWORD
    else:
        user, password = ADMIN
    return Config(sync=SyncSettings(service, server.url, user, f"printf '%s\\n' {password}"))


def subscribe_on_server(server: Miniflux, url: str) -> int:
    categories = server.call("GET", "/v1/categories")
    created = server.call(
        "POST", "/v1/feeds", json={"feed_url": url, "category_id": categories[0]["id"]}
    )
    return int(created["feed_id"])


def article_id(library: Library, title: str) -> int:
    return int(library._read("SELECT id FROM articles WHERE title = ?", (title,))[0][0])


def all_titles(library: Library) -> set[str]:
    return {str(row[0]) for row in library._read("SELECT title FROM articles")}


def bookmarked_titles(library: Library) -> set[str]:
    rows = library._read(
        "SELECT a.title FROM bookmarks b JOIN articles a ON a.id = b.article_id ORDER BY a.id"
    )
    return {str(row[0]) for row in rows}


@pytest.mark.parametrize("service", ["miniflux", "greader"])
def test_feed_deleted_on_server_keeps_articles_and_bookmarks(
    service: str, miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path
) -> None:
    if service == "greader":
        enable_greader(miniflux)
    feed_server.feeds["/gone.xml"] = rss("Gone", [("g1", "Kept one"), ("g2", "Other one")])
    feed_server.feeds["/stays.xml"] = rss("Stays", [("s1", "Staying")])
    gone = subscribe_on_server(miniflux, feed_server.url("/gone.xml"))
    subscribe_on_server(miniflux, feed_server.url("/stays.xml"))
    library = Library(tmp_path / "library.sqlite3")
    config = config_for(service, miniflux)
    sync(library, config)
    library.set_bookmarked([article_id(library, "Kept one")], True)
    sync(library, config)  # the star reaches the server
    starred = miniflux.call("GET", "/v1/entries", params={"starred": "true"})["entries"]
    assert [entry["title"] for entry in starred] == ["Kept one"]

    miniflux.call("DELETE", f"/v1/feeds/{gone}")  # its entries go with it, starred or not
    report = sync(library, config)

    assert report.feeds_removed == 1
    assert {feed.title for feed in library.feeds()} == {"Stays"}
    assert bookmarked_titles(library) == {"Kept one"}
    assert {"Kept one", "Other one", "Staying"} <= all_titles(library)
    assert library.outbox_size() == 0
    sync(library, config)  # and a later sync still leaves it alone
    assert bookmarked_titles(library) == {"Kept one"}


def test_snapshot_still_applies_to_feeds_the_server_lists(
    miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path
) -> None:
    """Unstarring on another device still reaches us (the guard is per feed, not blanket)."""
    enable_greader(miniflux)
    feed_server.feeds["/a.xml"] = rss("A", [("a1", "Starred elsewhere")])
    subscribe_on_server(miniflux, feed_server.url("/a.xml"))
    library = Library(tmp_path / "library.sqlite3")
    config = config_for("greader", miniflux)
    sync(library, config)
    library.set_bookmarked([article_id(library, "Starred elsewhere")], True)
    sync(library, config)
    entry = miniflux.call("GET", "/v1/entries", params={"starred": "true"})["entries"][0]
    miniflux.call("PUT", f"/v1/entries/{entry['id']}/bookmark")  # unstar on the server
    sync(library, config)
    assert bookmarked_titles(library) == set()
