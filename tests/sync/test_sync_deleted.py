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

from conftest import ADMIN, TTRSS_ADMIN, FeedServer, Miniflux, Port80FeedServer, TinyTinyRSS, rss
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


def purge_entry(server: Miniflux, title: str) -> None:
    """Delete one entry in Miniflux's database while its feed stays (what a purge does)."""
    subprocess.run(
        ["psql", server.env["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-qc",
         f"DELETE FROM entries WHERE title = '{title}'"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def test_entry_purged_on_server_keeps_its_bookmark_with_greader(
    miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path
) -> None:
    """The feed stays, one starred entry goes: absent from the starred list, yet not unstarred.

    In the same sync an unstar made on the server still comes through, so the
    check is per entry ("does the server still have it?"), not a blanket keep.
    """
    enable_greader(miniflux)
    feed_server.feeds["/p.xml"] = rss(
        "P", [("p1", "Purged one"), ("p2", "Unstarred there"), ("p3", "Still starred")]
    )
    subscribe_on_server(miniflux, feed_server.url("/p.xml"))
    library = Library(tmp_path / "library.sqlite3")
    config = config_for("greader", miniflux)
    sync(library, config)
    titles = ["Purged one", "Unstarred there", "Still starred"]
    library.set_bookmarked([article_id(library, title) for title in titles], True)
    sync(library, config)
    starred = miniflux.call("GET", "/v1/entries", params={"starred": "true"})["entries"]
    assert sorted(entry["title"] for entry in starred) == sorted(titles)

    purge_entry(miniflux, "Purged one")
    unstar = next(entry for entry in starred if entry["title"] == "Unstarred there")
    miniflux.call("PUT", f"/v1/entries/{unstar['id']}/bookmark")  # unstar on the server
    report = sync(library, config)

    assert bookmarked_titles(library) == {"Purged one", "Still starred"}
    assert report.star_changed == 1
    assert set(titles) <= all_titles(library)
    assert library.outbox_size() == 0
    sync(library, config)  # and a later sync still leaves it alone
    assert bookmarked_titles(library) == {"Purged one", "Still starred"}


def test_a_bookmark_on_an_entry_purged_on_server_does_not_block_the_outbox(
    miniflux: Miniflux, feed_server: FeedServer, tmp_path: Path
) -> None:
    """Starring an entry the server no longer has is done (nothing to star), not a failure."""
    enable_greader(miniflux)
    feed_server.feeds["/q.xml"] = rss("Q", [("q1", "Gone before the push"), ("q2", "Here")])
    subscribe_on_server(miniflux, feed_server.url("/q.xml"))
    library = Library(tmp_path / "library.sqlite3")
    config = config_for("greader", miniflux)
    sync(library, config)
    purge_entry(miniflux, "Gone before the push")
    library.set_bookmarked(
        [article_id(library, "Gone before the push"), article_id(library, "Here")], True
    )
    sync(library, config)
    assert library.outbox_size() == 0
    starred = miniflux.call("GET", "/v1/entries", params={"starred": "true"})["entries"]
    assert [entry["title"] for entry in starred] == ["Here"]
    assert bookmarked_titles(library) == {"Gone before the push", "Here"}


def test_entry_purged_on_ttrss_keeps_its_bookmark(
    ttrss: TinyTinyRSS, port80_feed_server: Port80FeedServer, tmp_path: Path
) -> None:
    """Tiny Tiny RSS: the same check through `getArticle` (it answers only what it has)."""
    port80_feed_server.feeds["/d/t.xml"] = rss(
        "T", [("t1", "Purged one"), ("t2", "Unstarred there"), ("t3", "Still starred")]
    )
    answer = ttrss.call("subscribeToFeed", feed_url=port80_feed_server.url("/d/t.xml"))
    ttrss.call("updateFeed", feed_id=int(answer["status"]["feed_id"]))
    library = Library(tmp_path / "library.sqlite3")
    user, password = TTRSS_ADMIN
    config = Config(sync=SyncSettings("ttrss", ttrss.url, user, f"printf '%s\\n' {password}"))
    sync(library, config)
    titles = ["Purged one", "Unstarred there", "Still starred"]
    library.set_bookmarked([article_id(library, title) for title in titles], True)
    sync(library, config)
    remote = {
        str(row[1]): int(row[0])
        for row in library._read(
            "SELECT s.remote_id, a.title FROM sync_articles s JOIN articles a"
            " ON a.id = s.article_id"
        )
    }
    starred = ttrss.call("getHeadlines", feed_id=-1, view_mode="all_articles", limit=50)
    assert sorted(row["title"] for row in starred) == sorted(titles)

    ttrss.psql(f"DELETE FROM ttrss_user_entries WHERE ref_id = {remote['Purged one']}")
    ttrss.call("updateArticle", article_ids=remote["Unstarred there"], mode=0, field=0)
    report = sync(library, config)

    assert bookmarked_titles(library) == {"Purged one", "Still starred"}
    assert report.star_changed == 1
    assert set(titles) <= all_titles(library)
    sync(library, config)
    assert bookmarked_titles(library) == {"Purged one", "Still starred"}
