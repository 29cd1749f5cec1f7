"""`service = "ttrss"` against a real Tiny Tiny RSS (Debian 12's package, PHP's built-in server).

tests/sync/conftest.py starts it on its own database; test feeds are served on
127.0.0.1:80 and subscribed as http://0.0.0.0/... (TT-RSS refuses loopback
names and other ports), and `updateFeed` fetches a feed when a test says so.
What newsreader pushes is checked, and server-side changes are made, through
TT-RSS's own JSON API as its admin.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import TTRSS_ADMIN, Port80FeedServer, TinyTinyRSS, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import SyncError, sync
from newsreader.services.sync.backend import SyncAuthError, SyncCredentials
from newsreader.services.sync.ttrss import TTRSSBackend
from newsreader.store import Library
from support import run_cli, sync_env

pytestmark = pytest.mark.sync

USER, PASSWORD = TTRSS_ADMIN


def settings(server: TinyTinyRSS, password: str = PASSWORD) -> Config:
    return Config(sync=SyncSettings("ttrss", server.url, USER, f"printf '%s\\n' {password}"))


def backend(server: TinyTinyRSS, password: str = PASSWORD) -> TTRSSBackend:
    return TTRSSBackend(SyncCredentials("ttrss", server.url, USER, password))


def entries_on_server(server: TinyTinyRSS) -> dict[str, dict[str, Any]]:
    rows = server.call(
        "getHeadlines", feed_id=-4, view_mode="all_articles", limit=200, show_content=False
    )
    return {str(row["id"]): row for row in rows}


def feeds_on_server(server: TinyTinyRSS) -> dict[str, dict[str, Any]]:
    return {str(f["feed_url"]): f for f in server.call("getFeeds", cat_id=-3)}


def local_articles(library: Library) -> dict[str, int]:
    rows = library._read("SELECT remote_id, article_id FROM sync_articles ORDER BY article_id")
    return {str(row[0]): int(row[1]) for row in rows}


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.sqlite3")


@pytest.fixture
def seeded(ttrss: TinyTinyRSS, port80_feed_server: Port80FeedServer) -> int:
    """One feed with three entries, fetched by the server."""
    port80_feed_server.feeds["/t/a.xml"] = rss(
        "Feed A", [("ta1", "First"), ("ta2", "Second"), ("ta3", "Third")]
    )
    answer = ttrss.call("subscribeToFeed", feed_url=port80_feed_server.url("/t/a.xml"))
    feed_id = int(answer["status"]["feed_id"])
    ttrss.call("updateFeed", feed_id=feed_id)
    assert len(entries_on_server(ttrss)) == 3
    return feed_id


def test_first_sync_then_incremental_sync_costs_few_requests(
    ttrss: TinyTinyRSS, seeded: int, library: Library, port80_feed_server: Port80FeedServer
) -> None:
    report = sync(library, settings(ttrss), page_size=2)
    assert report.new == 3 and report.feeds_added == 1
    feed = library.feeds()[0]
    assert feed.url == port80_feed_server.url("/t/a.xml") and feed.title == "Feed A"
    titles = sorted(library.get(i).article.title for i in local_articles(library).values())
    assert titles == ["First", "Second", "Third"]
    assert set(local_articles(library)) == set(entries_on_server(ttrss))

    # Nothing new: login, categories and feeds, the ids above the cursor, the unread
    # and starred id lists.
    again = sync(library, settings(ttrss), backend=backend(ttrss))
    assert again.new == 0 and again.pushed == 0 and again.read_changed == 0
    assert again.requests <= 6

    port80_feed_server.feeds["/t/a.xml"] = rss("Feed A", [("ta4", "Fourth"), ("ta1", "First")])
    ttrss.call("updateFeed", feed_id=seeded)
    third = sync(library, settings(ttrss), backend=backend(ttrss))
    assert third.new == 1 and third.requests <= 7  # and the new article itself
    assert "Fourth" in {library.get(i).article.title for i in local_articles(library).values()}


def test_local_actions_are_pushed(
    ttrss: TinyTinyRSS, seeded: int, library: Library, port80_feed_server: Port80FeedServer
) -> None:
    sync(library, settings(ttrss))
    ids = local_articles(library)
    first, second, third = sorted(ids, key=int)
    library.set_read([ids[first], ids[second]])
    library.toggle_bookmark(ids[third])
    library.set_read([ids[second]], False)  # the latest wins: unread
    port80_feed_server.feeds["/t/b.xml"] = rss("Feed B", [("tb1", "Bee")])
    library.add_feed(port80_feed_server.url("/t/b.xml"))
    report = sync(library, settings(ttrss))
    assert report.pushed == 4 and library.outbox_size() == 0
    remote = entries_on_server(ttrss)
    assert remote[first]["unread"] is False
    assert remote[second]["unread"] is True
    assert remote[third]["marked"] is True and remote[third]["unread"] is True
    assert port80_feed_server.url("/t/b.xml") in feeds_on_server(ttrss)

    # Unsubscribe and unstar are pushed too; pushing the same state twice changes nothing.
    library.remove_feed(library.feed(port80_feed_server.url("/t/b.xml")).id)
    library.toggle_bookmark(ids[third])
    sync(library, settings(ttrss))
    assert port80_feed_server.url("/t/b.xml") not in feeds_on_server(ttrss)
    client = backend(ttrss)
    for _ in range(2):
        client.set_read([first], True)
        client.set_starred([first], True)
        assert entries_on_server(ttrss)[first]["unread"] is False
        assert entries_on_server(ttrss)[first]["marked"] is True
    assert entries_on_server(ttrss)[third]["marked"] is False
    client.close()


def test_mark_feed_read_and_subscriptions_through_the_backend(
    ttrss: TinyTinyRSS, seeded: int, port80_feed_server: Port80FeedServer
) -> None:
    client = backend(ttrss)
    (feed,) = client.feeds()
    assert feed.id == str(seeded)
    client.mark_feed_read(feed.id)
    assert {row["unread"] for row in entries_on_server(ttrss).values()} == {False}
    snapshot = client.state_snapshot()
    assert snapshot is not None and snapshot.unread == frozenset()

    port80_feed_server.feeds["/t/c.xml"] = rss("Feed C", [("tc1", "Sea")])
    added = client.subscribe(port80_feed_server.url("/t/c.xml"))
    assert added.title == "Feed C"
    assert client.subscribe(port80_feed_server.url("/t/c.xml")).id == added.id  # no duplicate
    client.unsubscribe(added.id)
    client.unsubscribe(added.id)  # already gone: not an error
    assert [f.id for f in client.feeds()] == [feed.id]
    client.close()


def test_changes_made_on_the_server_are_pulled(
    ttrss: TinyTinyRSS, seeded: int, library: Library
) -> None:
    sync(library, settings(ttrss))
    ids = local_articles(library)
    first = min(ids, key=int)
    ttrss.call("updateArticle", article_ids=first, mode=0, field=2)  # read
    ttrss.call("updateArticle", article_ids=first, mode=1, field=0)  # starred
    report = sync(library, settings(ttrss))
    assert library.is_read(ids[first]) and library.is_bookmarked(ids[first])
    assert report.read_changed == 1 and report.star_changed == 1
    assert library.outbox_size() == 0  # pulled state is not queued back
    ttrss.call("updateArticle", article_ids=first, mode=1, field=2)  # unread again
    sync(library, settings(ttrss))
    assert not library.is_read(ids[first])


def test_offline_queue_then_reconnect(ttrss: TinyTinyRSS, seeded: int, library: Library) -> None:
    sync(library, settings(ttrss))
    ids = local_articles(library)
    ttrss.stop()
    library.set_read(list(ids.values()))
    with pytest.raises(SyncError, match="cannot reach"):
        sync(library, settings(ttrss))
    assert library.outbox_size() == 3
    assert library.sync_status()["last_error"]
    ttrss.start()
    sync(library, settings(ttrss))
    assert library.outbox_size() == 0
    assert {row["unread"] for row in entries_on_server(ttrss).values()} == {False}
    assert library.sync_status()["last_error"] is None


def test_wrong_password_exits_1_with_one_line_and_keeps_the_outbox(
    ttrss: TinyTinyRSS, seeded: int, library: Library, tmp_path: Path
) -> None:
    with pytest.raises(SyncAuthError):
        backend(ttrss, "nope").login()
    sync(library, settings(ttrss))
    library.set_read(list(local_articles(library).values()))
    library.close()

    def cli(*args: str, password: str) -> subprocess.CompletedProcess[str]:
        env = sync_env(tmp_path, "ttrss", ttrss.url, USER, password)
        return run_cli("sync", *args, data_dir=tmp_path, env_extra=env)

    result = cli(password="wrong-password")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsreader: error: ")
    assert "refused" in lines[0] and "wrong-password" not in result.stderr + result.stdout
    status = json.loads(cli("--status", "--json", password="wrong-password").stdout)
    assert status["outbox"] == 3 and "refused" in status["last_error"]
    assert cli(password=PASSWORD).returncode == 0
    assert json.loads(cli("--status", "--json", password=PASSWORD).stdout)["outbox"] == 0
    assert {row["unread"] for row in entries_on_server(ttrss).values()} == {False}
