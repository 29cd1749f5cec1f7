"""Feeds parsed together are stored in one transaction, each under its own savepoint.

A feed the library refuses (here: a trigger that aborts on one entry, as a
constraint would) is rolled back alone and reports why, while the feeds
beside it in the same transaction are stored; and a `newsreader refresh`
killed with SIGKILL while it stores leaves every feed whole or absent.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsreader.errors import StoreError
from newsreader.fetch import FetchRequest, FetchResult
from newsreader.services import refresh as refresh_module
from newsreader.services.refresh import ParsedBody, parse_body, refresh, store_parsed
from newsreader.store import Feed, Library
from newsreader.store.feeds import FeedFetch

POISON = "Poison pill"

ATOM_TYPE = "application/atom+xml"


def atom(name: str, items: int, *, poison_at: int | None = None, words: int = 12) -> bytes:
    """An Atom feed of `items` entries; entry `poison_at` carries the title the trigger refuses."""
    entries = []
    for n in range(items):
        title = POISON if n == poison_at else f"{name} story {n}"
        body = " ".join(f"{name}-{n}-word{w}" for w in range(words))
        entries.append(
            f"<entry><id>urn:{name}:{n}</id><title>{title}</title>"
            f'<link href="https://news.example/{name}/{n}"/>'
            f"<updated>2026-02-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z</updated>"
            f'<content type="html">&lt;p&gt;{body}.&lt;/p&gt;</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{name}</title><id>urn:{name}</id><updated>2026-02-01T00:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    ).encode()


def poison(library_path: Path) -> None:
    """A trigger in the test library that refuses one entry, as a broken record would be."""
    db = sqlite3.connect(library_path)
    with db:
        db.execute(
            "CREATE TRIGGER poison BEFORE INSERT ON articles"
            f" WHEN NEW.title = '{POISON}' BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END"
        )
    db.close()


def counts(library_path: Path) -> dict[int, int]:
    """Articles per feed, read from outside the writing process."""
    db = sqlite3.connect(f"file:{library_path}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute(
            "SELECT feed_id, count(*) FROM articles WHERE feed_id IS NOT NULL GROUP BY feed_id"
        ).fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return {}
    finally:
        db.close()
    return {int(feed_id): int(n) for feed_id, n in rows}


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0) as httpserver:
        yield httpserver


def parsed_batch(
    feeds: list[Feed], bodies: list[bytes]
) -> list[tuple[Feed, FetchResult, ParsedBody]]:
    """Each feed's body as fetched (200, with an ETag) and parsed, as the workers hand it over."""
    return [
        (
            feed,
            FetchResult(FetchRequest(feed.url, key=feed.id), feed.url, 200, body, etag='"v1"'),
            parse_body(body, name=feed.url, url=feed.url),
        )
        for feed, body in zip(feeds, bodies, strict=True)
    ]


def test_one_refused_feed_rolls_back_alone_and_the_others_are_stored(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        feeds = [library.add_feed(f"https://feeds.example/{n}.xml")[0] for n in "abc"]
    poison(path)
    bodies = [atom("a", 30), atom("b", 30, poison_at=17), atom("c", 30)]
    with Library(path) as library:
        outcomes = store_parsed(library, parsed_batch(feeds, bodies))
        stored = {feed.id: feed for feed in library.feeds()}
    a, b, c = outcomes
    assert (a.new, a.error) == (30, None)
    assert (c.new, c.error) == (30, None)
    assert b.new == 0 and b.error is not None and "poisoned entry" in b.error
    # The refused feed's first 17 entries were written before the poisoned one: all gone.
    assert counts(path) == {feeds[0].id: 30, feeds[2].id: 30}
    assert stored[feeds[1].id].last_error is not None
    assert "poisoned entry" in stored[feeds[1].id].last_error
    assert stored[feeds[1].id].last_ok is None
    for feed in (feeds[0], feeds[2]):
        assert stored[feed.id].last_error is None
        assert stored[feed.id].etag == '"v1"'
        assert stored[feed.id].title == feed.url.rsplit("/", 1)[1].removesuffix(".xml")


def test_the_batch_is_one_transaction(tmp_path: Path) -> None:
    """Three feeds parsed together: one BEGIN and one COMMIT (a savepoint each within)."""
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        feeds = [library.add_feed(f"https://feeds.example/{n}.xml")[0] for n in "abc"]
        begun: list[str] = []
        library._db.set_trace_callback(
            lambda sql: begun.append(sql) if sql.startswith(("BEGIN", "COMMIT")) else None
        )
        outcomes = store_parsed(
            library, parsed_batch(feeds, [atom("a", 5), atom("b", 5), atom("c", 5)])
        )
        library._db.set_trace_callback(None)
    assert [o.new for o in outcomes] == [5, 5, 5]
    assert begun == ["BEGIN IMMEDIATE", "COMMIT"]


def test_a_failed_transaction_stores_the_feeds_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        feeds = [library.add_feed(f"https://feeds.example/{n}.xml")[0] for n in "ab"]

        def fail(fetches: list[FeedFetch]) -> None:
            raise StoreError("commit failed")

        monkeypatch.setattr(library, "record_fetches", fail)
        outcomes = store_parsed(library, parsed_batch(feeds, [atom("a", 4), atom("b", 4)]))
    assert [(o.new, o.error) for o in outcomes] == [(4, None), (4, None)]
    assert counts(path) == {feeds[0].id: 4, feeds[1].id: 4}


def test_refresh_with_parse_workers_stores_all_but_the_refused_feed(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"f{n}" for n in range(8)]
    for n, name in enumerate(names):
        body = atom(name, 40, poison_at=25 if n == 3 else None)
        server.expect_request(f"/{name}.xml").respond_with_data(body, content_type=ATOM_TYPE)
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        feeds = [library.add_feed(server.url_for(f"/{name}.xml"), title=name)[0] for name in names]
    poison(path)
    batches: list[int] = []
    real = refresh_module.store_parsed

    def spy(library: Library, batch: list[tuple[Feed, FetchResult, ParsedBody]]) -> object:
        batches.append(len(batch))
        return real(library, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh_module, "store_parsed", spy)
    reported: list[int] = []
    with Library(path) as library:
        outcomes = refresh(library, workers=2, on_outcome=lambda o: reported.append(o.feed_id))
    assert sorted(reported) == sorted(feed.id for feed in feeds)  # one progress call per feed
    assert sum(batches) == len(feeds)
    by_id = {o.feed_id: o for o in outcomes}
    refused = feeds[3].id
    assert by_id[refused].error is not None and "poisoned entry" in by_id[refused].error
    assert all(o.new == 40 and o.error is None for i, o in by_id.items() if i != refused)
    assert counts(path) == {feed.id: 40 for feed in feeds if feed.id != refused}


def test_a_killed_refresh_leaves_whole_feeds_only(server: HTTPServer, tmp_path: Path) -> None:
    """SIGKILL a real `newsreader refresh` once it has stored something, mid-way through."""
    feeds, items = 16, 300
    for n in range(feeds):
        body = atom(f"k{n}", items, words=40)
        server.expect_request(f"/k{n}.xml").respond_with_data(body, content_type=ATOM_TYPE)
    cut_short = 0
    for trial, delay in enumerate((0.0, 0.05, 0.2)):
        data = tmp_path / f"trial{trial}"
        data.mkdir()
        path = data / "library.sqlite3"
        with Library(path) as library:
            for n in range(feeds):
                library.add_feed(server.url_for(f"/k{n}.xml"), title=f"k{n}")
        env = dict(os.environ, NEWSREADER_DATA_DIR=str(data))
        env["NEWSREADER_CONFIG_DIR"] = str(data / "config")
        process = subprocess.Popen(
            [sys.executable, "-m", "newsreader", "refresh"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not counts(path) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(delay)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=30)
        stored = counts(path)
        assert all(n == items for n in stored.values()), stored
        if len(stored) < feeds:
            cut_short += 1
        with Library(path) as library:
            assert library.integrity_ok()
            assert sum(feed.total for feed in library.feeds()) == items * len(stored)
    assert cut_short, "every refresh finished before it was killed: nothing was tested"


def test_parsed_feeds_waiting_in_memory_stay_bounded(
    threaded_server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many feeds, only those fetched ahead of the writer are held in memory.

    A slow writer (here: slowed on purpose) must not make the refresh keep every fetched
    body and every parsed feed alive until the end: counted as the ParsedBody objects
    alive each time a feed is reported stored.
    """
    import gc

    feeds = 36
    for n in range(feeds):
        body = atom(f"m{n}", 30)
        threaded_server.expect_request(f"/m{n}.xml").respond_with_data(body, content_type=ATOM_TYPE)
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        for n in range(feeds):
            library.add_feed(threaded_server.url_for(f"/m{n}.xml"), title=f"m{n}")
    real = refresh_module.store_parsed

    def slow(library: Library, batch: list[tuple[Feed, FetchResult, ParsedBody]]) -> object:
        time.sleep(0.02 * len(batch))
        return real(library, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh_module, "store_parsed", slow)
    alive: list[int] = []

    def count_alive(_outcome: object) -> None:
        alive.append(sum(1 for o in gc.get_objects() if type(o) is ParsedBody))

    with Library(path) as library:
        outcomes = refresh(library, workers=2, on_outcome=count_alive)
    assert all(o.new == 30 for o in outcomes)
    bound = 2 * 2 + refresh_module.BATCH_FEEDS + 8  # the fetch-ahead gate, and one batch
    assert max(alive) <= bound, f"parsed feeds alive while storing: {alive}"
