"""With sync on, `refresh` means sync; feeds kept local are still fetched directly.

Against a real Miniflux 2.2 (tests/sync/conftest.py starts it), through the
`newsreader` command as a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ADMIN, FeedServer, Miniflux, rss
from newsreader.store import Library
from support import sync_env

pytestmark = pytest.mark.sync


def subscribe_on_server(server: Miniflux, url: str) -> int:
    categories = server.call("GET", "/v1/categories")
    created = server.call(
        "POST", "/v1/feeds", json={"feed_url": url, "category_id": categories[0]["id"]}
    )
    return int(created["feed_id"])


def server_feed_urls(server: Miniflux) -> set[str]:
    return {str(feed["feed_url"]) for feed in server.call("GET", "/v1/feeds")}


def run(
    tmp_path: Path, server: Miniflux | None, *args: str, url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`newsreader --data-dir TMP ARGS` with a [sync] config for `server` (or `url`)."""
    address = url or (server.url if server is not None else "")
    env = dict(os.environ, **sync_env(tmp_path, "miniflux", address, *ADMIN))
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--data-dir", str(tmp_path), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_json(tmp_path: Path, server: Miniflux, *args: str) -> dict[str, Any]:
    result = run(tmp_path, server, *args, "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def titles(tmp_path: Path) -> set[str]:
    with Library(tmp_path / "library.sqlite3") as library:
        return {str(row[0]) for row in library._read("SELECT title FROM articles")}


@pytest.fixture
def two_feeds(miniflux: Miniflux, feed_server: FeedServer) -> tuple[str, str]:
    """A feed on the server ("Synced") and one only this device reads ("Mine")."""
    feed_server.feeds["/synced.xml"] = rss("Synced", [("s1", "From the server")])
    feed_server.feeds["/mine.xml"] = rss("Mine", [("m1", "Only here")])
    subscribe_on_server(miniflux, feed_server.url("/synced.xml"))
    return feed_server.url("/synced.xml"), feed_server.url("/mine.xml")


def test_refresh_syncs_and_fetches_only_local_feeds(
    miniflux: Miniflux, feed_server: FeedServer, two_feeds: tuple[str, str], tmp_path: Path
) -> None:
    synced_url, mine_url = two_feeds
    added = run_json(tmp_path, miniflux, "add", mine_url, "--local")
    assert added["feed"]["local_only"] is True

    document = run_json(tmp_path, miniflux, "refresh")

    assert document["sync"]["new"] == 1  # the server's entry, pulled
    assert [outcome["url"] for outcome in document["feeds"]] == [mine_url]  # fetched here
    assert titles(tmp_path) == {"From the server", "Only here"}
    assert server_feed_urls(miniflux) == {synced_url}  # the local feed never went there
    feeds = {feed["url"]: feed for feed in run_json(tmp_path, miniflux, "feeds")["feeds"]}
    assert feeds[mine_url]["local_only"] is True
    assert feeds[synced_url]["local_only"] is False

    # A new item in each: the local one is fetched by refresh; the synced one is the
    # server's to fetch (it has not yet), so refresh does not fetch it behind its back.
    feed_server.feeds["/synced.xml"] = rss("Synced", [("s1", "From the server"), ("s2", "Later")])
    feed_server.feeds["/mine.xml"] = rss("Mine", [("m1", "Only here"), ("m2", "Also here")])
    document = run_json(tmp_path, miniflux, "refresh")
    assert [outcome["url"] for outcome in document["feeds"]] == [mine_url]
    assert titles(tmp_path) == {"From the server", "Only here", "Also here"}

    # Refreshed by the server, it arrives through the next sync.
    feed_id = next(f["id"] for f in miniflux.call("GET", "/v1/feeds"))
    miniflux.call("PUT", f"/v1/feeds/{feed_id}/refresh")
    document = run_json(tmp_path, miniflux, "refresh")
    assert document["sync"]["new"] == 1
    assert "Later" in titles(tmp_path)


def test_local_and_back_to_sync(
    miniflux: Miniflux, two_feeds: tuple[str, str], tmp_path: Path
) -> None:
    synced_url, mine_url = two_feeds
    added = run_json(tmp_path, miniflux, "add", mine_url)
    feed_id = str(added["feed"]["id"])
    local = run_json(tmp_path, miniflux, "local", feed_id)
    assert [feed["local_only"] for feed in local["feeds"]] == [True]
    run_json(tmp_path, miniflux, "refresh")
    assert server_feed_urls(miniflux) == {synced_url}

    back = run_json(tmp_path, miniflux, "local", "--off", mine_url)
    assert [feed["local_only"] for feed in back["feeds"]] == [False]
    document = run_json(tmp_path, miniflux, "refresh")
    assert document["feeds"] == []  # the server fetches it now
    assert server_feed_urls(miniflux) == {synced_url, mine_url}

    plain = run(tmp_path, miniflux, "local", mine_url)
    assert plain.returncode == 0, plain.stderr
    assert "kept local" in plain.stdout


def test_refresh_with_the_server_down_still_fetches_local_feeds(
    miniflux: Miniflux, feed_server: FeedServer, two_feeds: tuple[str, str], tmp_path: Path
) -> None:
    _, mine_url = two_feeds
    run_json(tmp_path, miniflux, "add", mine_url, "--local")
    run_json(tmp_path, miniflux, "refresh")
    with Library(tmp_path / "library.sqlite3") as library:
        article = library._read("SELECT id FROM articles WHERE title = 'From the server'")[0][0]
        library.set_read([int(article)])  # queued for the server
    miniflux.stop()
    feed_server.feeds["/mine.xml"] = rss("Mine", [("m1", "Only here"), ("m2", "Offline news")])

    result = run(tmp_path, miniflux, "refresh", "--json")

    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert "cannot reach" in document["sync"]["error"]
    assert [outcome["url"] for outcome in document["feeds"]] == [mine_url]
    assert "Offline news" in titles(tmp_path)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsreader: error: ")
    with Library(tmp_path / "library.sqlite3") as library:
        assert library.outbox_size() == 1  # kept for the next sync

    text = run(tmp_path, miniflux, "refresh")
    assert text.returncode == 1
    assert "newsreader: error: " in text.stderr
    assert "Traceback" not in text.stderr


def test_refresh_without_sync_fetches_every_feed(feed_server: FeedServer, tmp_path: Path) -> None:
    """No [sync] table: refresh is what it always was (no `sync` key in its JSON)."""
    feed_server.feeds["/one.xml"] = rss("One", [("o1", "First")])
    env = dict(os.environ, NEWSREADER_CONFIG_DIR=str(tmp_path / "empty-config"))
    base = [sys.executable, "-m", "newsreader", "--data-dir", str(tmp_path)]
    add = subprocess.run(
        [*base, "add", feed_server.url("/one.xml")], env=env, capture_output=True, timeout=60
    )
    assert add.returncode == 0, add.stderr
    result = subprocess.run(
        [*base, "refresh", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert "sync" not in document
    assert len(document["feeds"]) == 1
