"""A feed whose server answers 200 every time repeats the entries stored already.

A refresh of a feed read before leaves out, before making an article of it, every
entry whose digest the library holds (`parse.feed.entry_digest`), and still takes in
what is new or changed. A server that sends no validator gets its entries' digests
worked out on the first fetch; one that sends an ETag mostly answers 304, so its
entries get theirs the first time it answers with the feed again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.parse import feed as feed_parser
from newsreader.services.refresh import refresh
from newsreader.store import Library


def rss(items: dict[str, str]) -> bytes:
    """An RSS feed of `items` (guid -> HTML body), with no validators to send back."""
    rows = "".join(
        f"<item><title>Story {guid}</title><guid isPermaLink='false'>{guid}</guid>"
        f"<link>https://news.example/{guid}</link>"
        f"<description><![CDATA[{body}]]></description></item>"
        for guid, body in items.items()
    )
    return f"<rss version='2.0'><channel><title>Daily</title>{rows}</channel></rss>".encode()


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0) as httpserver:
        yield httpserver


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the articles made from entries, in this process, as they are made."""
    titles: list[str] = []
    make = feed_parser._entry_article

    def counting(fields: feed_parser.EntryFields, *args: Any, **options: Any) -> Any:
        titles.append(str(fields.title))
        return make(fields, *args, **options)

    monkeypatch.setattr(feed_parser, "_entry_article", counting)
    return titles


def serve(server: HTTPServer, items: dict[str, str]) -> str:
    """Serve `items` at /feed.xml as they are at each request (a 200 every time)."""

    def handle(_request: Request) -> Response:
        return Response(rss(items), content_type="application/rss+xml")

    server.expect_request("/feed.xml").respond_with_handler(handle)
    return server.url_for("/feed.xml")


def body_of(library: Library, guid: str) -> str:
    [row] = library._read("SELECT content FROM articles WHERE guid = ?", (guid,))
    return str(row[0])


def test_entries_stored_already_are_not_made_again(
    server: HTTPServer, tmp_path: Path, made: list[str]
) -> None:
    items = {f"g{n}": f"<p>Body {n} with <a href='/x{n}'>a link</a>.</p>" for n in range(3)}
    url = serve(server, items)
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(url, title="Daily")
        [first] = refresh(library, workers=0)
        assert (first.new, len(made)) == (3, 3)
        for _ in range(2):
            [again] = refresh(library, workers=0)
            assert (again.new, again.updated, again.error, len(made)) == (0, 0, None, 3)

        items["g1"] = "<p>Body 1, corrected.</p>"
        items["g3"] = "<p>A new story.</p>"
        [changed] = refresh(library, workers=0)
        assert (changed.new, changed.updated) == (1, 1)
        assert made[3:] == ["Story g1", "Story g3"]
        assert "corrected" in body_of(library, "g1")
        assert library.count() == 4


def test_parse_workers_leave_out_what_is_stored(server: HTTPServer, tmp_path: Path) -> None:
    items = {f"g{n}": f"<p>Body {n}.</p>" for n in range(40)}
    urls = [serve(server, items)]
    other = {f"h{n}": f"<p>Other {n}.</p>" for n in range(40)}

    def handle(_request: Request) -> Response:
        return Response(rss(other), content_type="application/rss+xml")

    server.expect_request("/other.xml").respond_with_handler(handle)
    urls.append(server.url_for("/other.xml"))
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        for url in urls:
            library.add_feed(url)
        assert [o.new for o in refresh(library, workers=2)] == [40, 40]
        for _ in range(2):
            outcomes = refresh(library, workers=2)
            assert [(o.new, o.updated, o.error) for o in outcomes] == [(0, 0, None)] * 2
        items["g5"] = "<p>Body 5, updated.</p>"
        outcomes = refresh(library, workers=2)
        assert [(o.new, o.updated) for o in outcomes] == [(0, 1), (0, 0)]
        assert "updated" in body_of(library, "g5")
    with sqlite3.connect(path) as db:
        [(kept,)] = db.execute("SELECT count(*) FROM articles WHERE entry_digest IS NOT NULL")
    assert kept == 80


def test_a_new_parser_version_makes_every_entry_again(
    server: HTTPServer, tmp_path: Path, made: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve(server, {"g0": "<p>Body.</p>", "g1": "<p>Other body.</p>"})
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(url)
        refresh(library, workers=0)
        refresh(library, workers=0)
        assert len(made) == 2
        newer = feed_parser.ENTRY_DIGEST_VERSION + 1
        monkeypatch.setattr(feed_parser, "ENTRY_DIGEST_VERSION", newer)
        [outcome] = refresh(library, workers=0)
        assert (outcome.new, outcome.updated, len(made)) == (0, 0, 4)
        refresh(library, workers=0)
        assert len(made) == 4


def test_an_entry_with_neither_id_nor_link_is_made_each_time_and_stored_once(
    server: HTTPServer, tmp_path: Path, made: list[str]
) -> None:
    body = b"<rss version='2.0'><channel><title>T</title><item><title>Bare</title>"
    body += b"<description>No id, no link.</description></item></channel></rss>"
    server.expect_request("/bare.xml").respond_with_data(body, content_type="application/rss+xml")
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(server.url_for("/bare.xml"))
        for _ in range(3):
            refresh(library, workers=0)
        assert len(made) == 3
        assert library.count() == 1


def test_a_server_with_an_etag_has_digests_once_it_sends_the_feed_again(
    server: HTTPServer, tmp_path: Path, made: list[str]
) -> None:
    items = {f"g{n}": f"<p>Body {n}.</p>" for n in range(3)}

    def handle(request: Request) -> Response:
        etag = f'"v{len(items)}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(rss(items), headers={"ETag": etag}, content_type="application/rss+xml")

    server.expect_request("/feed.xml").respond_with_handler(handle)
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(server.url_for("/feed.xml"))
        refresh(library, workers=0)
        [unchanged] = refresh(library, workers=0)
        assert unchanged.not_modified and len(made) == 3
        items["g3"] = "<p>A fourth story.</p>"
        [fourth] = refresh(library, workers=0)  # every entry made again, digests with them
        assert (fourth.new, len(made)) == (1, 7)
        items["g4"] = "<p>A fifth story.</p>"
        [fifth] = refresh(library, workers=0)
        assert (fifth.new, made[7:]) == (1, ["Story g4"])


def test_an_entry_the_user_deleted_is_not_made_again(
    server: HTTPServer, tmp_path: Path, made: list[str]
) -> None:
    url = serve(server, {f"g{n}": f"<p>Body {n}.</p>" for n in range(3)})
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(url)
        refresh(library, workers=0)
        [row] = library._read("SELECT id FROM articles WHERE guid = 'g1'")
        library.delete_articles([int(row[0])])
        for _ in range(2):
            [outcome] = refresh(library, workers=0)
            assert (outcome.new, outcome.updated, outcome.error) == (0, 0, None)
        assert len(made) == 3
        assert library.count() == 2
