"""`e` (the full article from the web page) never stores something worse than it had.

A real HTTP server on 127.0.0.1 serves a binary download, a PDF, an HTML page
with almost no text and a good page; each goes through
`services.full_article.fetch_full_article` and through the reader's `e` key
(Pilot), and what was stored is checked through the library.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsreader.model.article import Article, Block, BlockKind
from newsreader.services.full_article import FullTextError, fetch_full_article
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_view import ArticleView
from support import BASE, document_text, wait_until

FEED_TEXT = (
    "The harbour board approved a summer timetable on Monday that doubles the crossings "
    "between the two quays, after a season of queues on the slipway and complaints from "
    "night workers at the fish market who had asked for a later boat for years."
)
FEED_DATE = BASE + timedelta(hours=3)

GOOD_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Ferry timetable changes</title>
<meta property="article:published_time" content="2030-01-01T00:00:00Z"></head>
<body><nav>Home · News</nav><article><h1>Ferry timetable changes for the summer</h1>
<p>The harbour board approved a summer timetable on Monday that doubles the number of
crossings between the two quays, after a season of queues on the slipway.</p>
<p>Night workers at the fish market had asked for a later boat for years, and the board
agreed to move the last crossing from eleven to midnight, starting in June.</p>
<p>The new timetable starts on the first of June and will be reviewed in September, when
the board will count passengers on every crossing before deciding what stays.</p>
</article></body></html>
"""

TINY_PAGE = """<!doctype html><html><head><title>Subscribe</title></head>
<body><article><p>Please subscribe to read.</p></article></body></html>"""

BINARY = bytes(range(256)) * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"stream\n" * 200


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as httpserver:
        yield httpserver


def library_with(path: Path, url: str) -> tuple[Library, int]:
    """A feed entry whose summary is a full paragraph, linking to `url`."""
    library = Library(path)
    feed, _ = library.add_feed("https://gazette.example/feed", title="Harbour Gazette")
    article = Article(
        title="Ferry timetable changes",
        blocks=[Block(BlockKind.PARAGRAPH, FEED_TEXT)],
        source="Harbour Gazette",
        url=url,
        published=FEED_DATE,
        guid="urn:gazette:ferry",
    )
    [added] = library.record_fetch(feed.id, articles=[article])
    return library, added.id


def serve(server: HTTPServer, kind: str) -> str:
    """Serve one kind of link at its own path; returns its URL."""
    responses: dict[str, tuple[bytes | str, str]] = {
        "octet": (BINARY, "application/octet-stream"),
        "pdf": (PDF, "application/pdf"),
        "pdf-as-html": (PDF, "text/html"),
        "binary-untyped": (BINARY, ""),
        "tiny": (TINY_PAGE, "text/html; charset=utf-8"),
        "good": (GOOD_PAGE, "text/html; charset=utf-8"),
    }
    body, content_type = responses[kind]
    server.expect_request(f"/{kind}").respond_with_data(body, content_type=content_type or None)
    return server.url_for(f"/{kind}")


REFUSED = {
    "octet": "application/octet-stream",
    "pdf": "application/pdf",
    "pdf-as-html": "binary",
    "binary-untyped": "binary",
    "tiny": "far fewer",
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_refused_links_keep_the_stored_text(server: HTTPServer, tmp_path: Path, kind: str) -> None:
    library, article_id = library_with(tmp_path / "library.sqlite3", serve(server, kind))
    before = library.get(article_id)
    with pytest.raises(FullTextError) as caught:
        fetch_full_article(library, before)
    reason = str(caught.value)
    assert REFUSED[kind] in reason and "kept the feed's text" in reason
    after = library.get(article_id)
    assert after.article == before.article and not after.full_text
    assert library.search("timetable")[0].row.id == article_id
    library.close()


def test_a_good_page_replaces_the_summary_and_keeps_the_feed_date(
    server: HTTPServer, tmp_path: Path
) -> None:
    library, article_id = library_with(tmp_path / "library.sqlite3", serve(server, "good"))
    fresh = fetch_full_article(library, library.get(article_id))
    assert fresh.full_text
    assert "review" in fresh.article.body_text and fresh.article.words > 50
    assert fresh.article.published == FEED_DATE, "the feed entry's date, not the page's"
    assert fresh.article.title == "Ferry timetable changes"
    with Library(tmp_path / "library.sqlite3") as second:
        assert second.get(article_id).article.published == FEED_DATE
    library.close()


@pytest.mark.parametrize("kind", ["octet", "pdf", "tiny"])
@pytest.mark.anyio
async def test_e_in_the_reader_refuses_and_says_why(
    server: HTTPServer, tmp_path: Path, kind: str
) -> None:
    library, article_id = library_with(tmp_path / "library.sqlite3", serve(server, kind))
    app = NewsreaderApp(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("e")
        await wait_until(pilot, lambda: not screen.fetching, "the fetch to end")
        notes = [note.message for note in app._notifications]
        assert any(REFUSED[kind] in note and "kept the feed's text" in note for note in notes)
        text = " ".join(document_text(screen.query_one(ArticleView)).split())
        assert "fish market who had asked" in text, "the feed text is still shown"
    stored = library.get(article_id)
    assert not stored.full_text and FEED_TEXT in stored.article.body_text
    library.close()


@pytest.mark.anyio
async def test_e_in_the_reader_stores_a_good_page(server: HTTPServer, tmp_path: Path) -> None:
    library, article_id = library_with(tmp_path / "library.sqlite3", serve(server, "good"))
    app = NewsreaderApp(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("e")
        await wait_until(pilot, lambda: screen.stored.full_text, "the full article")
        text = " ".join(document_text(screen.query_one(ArticleView)).split())
        assert "reviewed in September" in text
    stored = library.get(article_id)
    assert stored.full_text and stored.article.published == FEED_DATE
    library.close()
