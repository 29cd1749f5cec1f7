"""Bulk writes (a refresh): the WAL is checkpointed once at the end and emptied.

Inside `Library.bulk_writes` SQLite's checkpoint every 1000 pages is raised,
the page cache enlarged and rollback journals kept in memory; at the end the
connection's settings come back and, after a write that stored much, one
checkpoint empties the WAL, so a library left open (the TUI) does not keep a
WAL as big as the refresh.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from newsreader.model.article import Article, Block, BlockKind
from newsreader.services.refresh import refresh
from newsreader.store import Library

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def entries(feed: str, count: int) -> list[Article]:
    return [
        Article(
            title=f"{feed} entry {n}",
            blocks=[Block(BlockKind.PARAGRAPH, f"{feed} body {n} " + "lighthouse " * 60)],
            source=feed,
            published=BASE + timedelta(minutes=n),
            guid=f"urn:{feed}:{n}",
        )
        for n in range(count)
    ]


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def settings(library: Library) -> tuple[int, int, int]:
    db = library._db
    return (
        int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]),
        int(db.execute("PRAGMA cache_size").fetchone()[0]),
        int(db.execute("PRAGMA temp_store").fetchone()[0]),
    )


def test_a_big_bulk_write_leaves_an_empty_wal_and_the_settings_as_they_were(
    library: Library,
) -> None:
    before = settings(library)
    feeds = [library.add_feed(f"http://example.test/{n}")[0] for n in range(3)]
    with library.bulk_writes():
        assert settings(library) != before
        for feed in feeds:
            library.record_fetch(feed.id, articles=entries(feed.url, 500))
        assert wal_size(library.path) > 1_000_000
    assert settings(library) == before
    assert wal_size(library.path) == 0
    assert library.count() == 1500
    assert library.integrity_ok()


def test_nested_bulk_writes_end_with_the_outermost(library: Library) -> None:
    before = settings(library)
    with library.bulk_writes():
        with library.bulk_writes():
            pass
        assert settings(library) != before
    assert settings(library) == before


def test_a_small_bulk_write_leaves_checkpointing_to_sqlite(library: Library) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    library.checkpoint()
    with library.bulk_writes():
        library.record_fetch(feed.id, articles=entries("small", 3))
    assert wal_size(library.path) > 0


def test_a_reader_holding_the_wal_keeps_it_and_nothing_is_lost(library: Library) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    reader = sqlite3.connect(library.path)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        with library.bulk_writes():
            library.record_fetch(feed.id, articles=entries("held", 600))
        assert wal_size(library.path) > 0  # the reader's snapshot still needs it
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 600
    finally:
        reader.close()
    assert library.checkpoint()
    assert wal_size(library.path) == 0


def atom(name: str, items: int) -> bytes:
    body = " ".join(f"{name}-word{w}" for w in range(80))
    rows = "".join(
        f"<entry><id>urn:{name}:{n}</id><title>{name} story {n}</title>"
        f'<link href="https://news.example/{name}/{n}"/>'
        f"<updated>2026-02-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z</updated>"
        f'<content type="html">&lt;p&gt;{n} {body}.&lt;/p&gt;</content></entry>'
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{name}</title><id>urn:{name}</id><updated>2026-02-01T00:00:00Z</updated>"
        f"{rows}</feed>"
    ).encode()


def test_a_big_refresh_does_not_leave_a_big_wal_behind(tmp_path: Path) -> None:
    """The TUI keeps its library open after a refresh: the WAL must not stay refresh-sized."""
    path = tmp_path / "library.sqlite3"
    with HTTPServer(host="127.0.0.1", port=0) as server, Library(path) as library:
        for name in ("a", "b", "c"):
            server.expect_request(f"/{name}.xml").respond_with_data(
                atom(name, 400), content_type="application/atom+xml"
            )
            library.add_feed(server.url_for(f"/{name}.xml"))
        before = settings(library)
        outcomes = refresh(library, workers=0)
        assert [o.new for o in outcomes] == [400, 400, 400]
        assert wal_size(path) == 0
        assert settings(library) == before
        assert library.count() == 1200
