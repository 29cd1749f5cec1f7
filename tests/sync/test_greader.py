"""`service = "greader"` against Miniflux's own Google Reader API (a real Miniflux 2.2).

The Google Reader API is enabled for the Miniflux admin through the
`integrations` table (psql on the fixture's cluster, the password stored as
bcrypt by pgcrypto), exactly what its settings page does. Whatever newsreader
pushes is checked through Miniflux's REST API, a different door to the same
database; server-side changes are made there too.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import FeedServer, Miniflux, rss
from newsreader.config import Config, SyncSettings
from newsreader.services.sync import SyncError, sync
from newsreader.services.sync.backend import SyncAuthError, SyncCredentials
from newsreader.services.sync.greader import GReaderBackend
from newsreader.store import Library
from support import run_cli, sync_env

pytestmark = pytest.mark.sync

USER = "reader-user"
PASSWORD = "reader-pass-123"


@pytest.fixture
def greader(miniflux: Miniflux) -> Miniflux:
    """Miniflux with its Google Reader API on for the admin, as USER / PASSWORD."""
    sql = (
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;"
        " INSERT INTO integrations (user_id, googlereader_enabled, googlereader_username,"
        " googlereader_password)"
        f" SELECT id, true, '{USER}', crypt('{PASSWORD}', gen_salt('bf')) FROM users"
        " WHERE username = 'admin'"
        " ON CONFLICT (user_id) DO UPDATE SET googlereader_enabled = true,"
        " googlereader_username = EXCLUDED.googlereader_username,"
        " googlereader_password = EXCLUDED.googlereader_password;"
    )
    subprocess.run(
        ["psql", miniflux.env["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return miniflux


def settings(server: Miniflux, password: str = PASSWORD) -> Config:
    return Config(sync=SyncSettings("greader", server.url, USER, f"printf '%s\\n' {password}"))


def backend(server: Miniflux, password: str = PASSWORD) -> GReaderBackend:
    return GReaderBackend(SyncCredentials("greader", server.url, USER, password))


def entries_on_server(server: Miniflux) -> dict[str, dict[str, Any]]:
    answer = server.call("GET", "/v1/entries", params={"limit": 1000, "order": "id"})
    return {str(entry["id"]): entry for entry in answer["entries"]}


def local_articles(library: Library) -> dict[str, int]:
    rows = library._read("SELECT remote_id, article_id FROM sync_articles ORDER BY article_id")
    return {str(row[0]): int(row[1]) for row in rows}


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.sqlite3")


@pytest.fixture
def seeded(greader: Miniflux, feed_server: FeedServer) -> int:
    """One feed with three entries, in the folder "News"."""
    feed_server.feeds["/a.xml"] = rss(
        "Feed A", [("a1", "First"), ("a2", "Second"), ("a3", "Third")]
    )
    category = greader.call("POST", "/v1/categories", json={"title": "News"})
    created = greader.call(
        "POST",
        "/v1/feeds",
        json={"feed_url": feed_server.url("/a.xml"), "category_id": category["id"]},
    )
    return int(created["feed_id"])


def test_first_sync_then_incremental_sync_costs_few_requests(
    greader: Miniflux, seeded: int, library: Library, feed_server: FeedServer
) -> None:
    report = sync(library, settings(greader), page_size=2)
    assert report.new == 3 and report.feeds_added == 1
    feed = library.feeds()[0]
    assert feed.url == feed_server.url("/a.xml") and feed.title == "Feed A"
    assert "News" in feed.tags
    titles = sorted(library.get(i).article.title for i in local_articles(library).values())
    assert titles == ["First", "Second", "Third"]
    # The ids are Miniflux's entry ids (decimal), whatever form the API used.
    assert set(local_articles(library)) == set(entries_on_server(greader))

    # Nothing new: ClientLogin, the subscriptions, the recent ids, the unread and
    # starred id lists.
    again = sync(library, settings(greader), backend=backend(greader))
    assert again.new == 0 and again.pushed == 0 and again.read_changed == 0
    assert again.requests <= 5

    feed_server.feeds["/a.xml"] = rss("Feed A", [("a4", "Fourth"), ("a1", "First")])
    greader.call("PUT", f"/v1/feeds/{seeded}/refresh")
    third = sync(library, settings(greader), backend=backend(greader))
    assert third.new == 1
    assert third.requests <= 7  # and the edit token and the new entry's contents (a POST)
    assert "Fourth" in {library.get(i).article.title for i in local_articles(library).values()}


def test_local_actions_are_pushed(
    greader: Miniflux, seeded: int, library: Library, feed_server: FeedServer
) -> None:
    sync(library, settings(greader))
    ids = local_articles(library)
    first, second, third = sorted(ids, key=int)
    library.set_read([ids[first], ids[second]])
    library.toggle_bookmark(ids[third])
    library.set_read([ids[second]], False)  # the latest wins: unread
    feed_server.feeds["/b.xml"] = rss("Feed B", [("b1", "Bee")])
    library.add_feed(feed_server.url("/b.xml"), tags=["Tech"])
    report = sync(library, settings(greader))
    assert report.pushed == 4 and library.outbox_size() == 0
    remote = entries_on_server(greader)
    assert remote[first]["status"] == "read"
    assert remote[second]["status"] == "unread"
    assert remote[third]["starred"] is True and remote[third]["status"] == "unread"
    feeds = {f["feed_url"]: f for f in greader.call("GET", "/v1/feeds")}
    assert feeds[feed_server.url("/b.xml")]["category"]["title"] == "Tech"

    # Unsubscribe and unstar are pushed too.
    library.remove_feed(library.feed(feed_server.url("/b.xml")).id)
    library.toggle_bookmark(ids[third])
    sync(library, settings(greader))
    assert feed_server.url("/b.xml") not in {
        f["feed_url"] for f in greader.call("GET", "/v1/feeds")
    }
    assert entries_on_server(greader)[third]["starred"] is False


def test_a_repeated_push_sets_the_state_again_instead_of_flipping_it(
    greader: Miniflux, seeded: int
) -> None:
    """Miniflux's edit-tag flips a tag already there; the backend must not send it then."""
    client = backend(greader)
    first = min(entries_on_server(greader), key=int)
    for _ in range(2):  # a push whose answer was lost is sent again
        client.set_read([first], True)
        client.set_starred([first], True)
        entry = entries_on_server(greader)[first]
        assert entry["status"] == "read" and entry["starred"] is True
    for _ in range(2):
        client.set_read([first], False)
        client.set_starred([first], False)
        entry = entries_on_server(greader)[first]
        assert entry["status"] == "unread" and entry["starred"] is False
    client.close()


def test_mark_feed_read_and_subscriptions_through_the_backend(
    greader: Miniflux, seeded: int, feed_server: FeedServer
) -> None:
    client = backend(greader)
    (feed,) = client.feeds()
    assert feed.folder == "News" and feed.url == feed_server.url("/a.xml")
    client.mark_feed_read(feed.id)
    assert {e["status"] for e in entries_on_server(greader).values()} == {"read"}
    snapshot = client.state_snapshot()
    assert snapshot is not None and snapshot.unread == frozenset()

    feed_server.feeds["/c.xml"] = rss("Feed C", [("c1", "Sea")])
    added = client.subscribe(feed_server.url("/c.xml"), "Later")
    assert added.folder == "Later" and added.title == "Feed C"
    assert client.subscribe(feed_server.url("/c.xml")).id == added.id  # no duplicate
    client.unsubscribe(added.id)
    client.unsubscribe(added.id)  # already gone: not an error
    assert [f.id for f in client.feeds()] == [feed.id]
    client.close()


def test_changes_made_on_the_server_are_pulled(
    greader: Miniflux, seeded: int, library: Library
) -> None:
    sync(library, settings(greader))
    ids = local_articles(library)
    first = min(ids, key=int)
    greader.call("PUT", "/v1/entries", json={"entry_ids": [int(first)], "status": "read"})
    greader.call("PUT", f"/v1/entries/{first}/bookmark")
    report = sync(library, settings(greader))
    assert library.is_read(ids[first]) and library.is_bookmarked(ids[first])
    assert report.read_changed == 1 and report.star_changed == 1
    assert library.outbox_size() == 0  # pulled state is not queued back
    greader.call("PUT", "/v1/entries", json={"entry_ids": [int(first)], "status": "unread"})
    sync(library, settings(greader))
    assert not library.is_read(ids[first])


def test_offline_queue_then_reconnect(greader: Miniflux, seeded: int, library: Library) -> None:
    sync(library, settings(greader))
    ids = local_articles(library)
    greader.stop()
    library.set_read(list(ids.values()))
    with pytest.raises(SyncError, match="cannot reach"):
        sync(library, settings(greader))
    assert library.outbox_size() == 3
    assert library.sync_status()["last_error"]
    greader.start()
    sync(library, settings(greader))
    assert library.outbox_size() == 0
    assert {e["status"] for e in entries_on_server(greader).values()} == {"read"}
    assert library.sync_status()["last_error"] is None


def test_wrong_password_exits_1_with_one_line_and_keeps_the_outbox(
    greader: Miniflux, seeded: int, library: Library, tmp_path: Path
) -> None:
    with pytest.raises(SyncAuthError):
        backend(greader, "nope").login()
    sync(library, settings(greader))
    library.set_read(list(local_articles(library).values()))
    library.close()

    def cli(*args: str, password: str) -> subprocess.CompletedProcess[str]:
        env = sync_env(tmp_path, "greader", greader.url, USER, password)
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
    assert {e["status"] for e in entries_on_server(greader).values()} == {"read"}
