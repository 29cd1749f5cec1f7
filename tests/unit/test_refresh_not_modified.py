"""Feeds that answer 304 are recorded together, and record what a fetch of an unchanged feed
records: the fetch time, no error, the validators kept; their articles are untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.services.refresh import refresh
from newsreader.store import Library


def atom(name: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{name}</title><id>urn:{name}</id><updated>2026-02-01T00:00:00Z</updated>"
        f"<entry><id>urn:{name}:1</id><title>Story of {name}</title>"
        f'<link href="https://news.example/{name}"/><updated>2026-02-01T10:00:00Z</updated>'
        '<content type="html">&lt;p&gt;Body.&lt;/p&gt;</content></entry></feed>'
    ).encode()


def conditional(name: str) -> object:
    """A handler serving `name`'s feed with an ETag, and 304 to a request that sends it back."""
    etag = f'"{name}-v1"'

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(atom(name), headers={"ETag": etag}, content_type="application/atom+xml")

    return handle


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0) as httpserver:
        yield httpserver


def test_second_refresh_records_every_304_and_changes_no_article(
    server: HTTPServer, tmp_path: Path
) -> None:
    names = [f"f{i}" for i in range(5)]
    for name in names:
        server.expect_request(f"/{name}.xml").respond_with_handler(conditional(name))
    with Library(tmp_path / "library.sqlite3") as library:
        for name in names:
            library.add_feed(server.url_for(f"/{name}.xml"), title=name)
        first = refresh(library, workers=0)
        assert [o.new for o in first] == [1] * 5
        before = {f.id: f for f in library.feeds()}
        for feed_id in before:  # an error from an earlier refresh, to be cleared
            library.record_fetch(feed_id, error="old")
        second = refresh(library, workers=0)
        after = {f.id: f for f in library.feeds()}
    assert all(o.not_modified and o.error is None and o.new == 0 for o in second)
    assert len(second) == 5
    for feed_id, feed in after.items():
        assert feed.last_error is None
        assert feed.last_ok is not None and feed.last_ok >= before[feed_id].last_ok
        assert feed.etag == before[feed_id].etag is not None
        assert feed.total == before[feed_id].total == 1


def test_304s_on_a_library_that_cannot_write_say_so(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/a.xml").respond_with_handler(conditional("a"))
    with Library(tmp_path / "library.sqlite3") as library:
        library.add_feed(server.url_for("/a.xml"), title="a")
        refresh(library, workers=0)

        def refuse(*args: object, **kwargs: object) -> None:
            from newsreader.errors import StoreError

            raise StoreError("disk full")

        library.record_not_modified = refuse  # type: ignore[method-assign]
        (outcome,) = refresh(library, workers=0)
    assert outcome.not_modified
    assert outcome.error is not None and "status not saved: disk full" in outcome.error
