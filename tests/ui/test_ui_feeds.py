"""Feeds in the TUI: `r` refresh, the feeds sidebar and `e` full article, over real HTTP.

Every fetch goes to a pytest-httpserver on 127.0.0.1; the app runs under
Pilot on a real library file, and what it stored is checked through a second
`Library`, as another process would see it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.widget import Widget
from textual.widgets import Static
from werkzeug import Request, Response

from newsreader.model.article import Article, Block, BlockKind
from newsreader.render.layout import credit_label
from newsreader.store import Feed, Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_sidebar import FeedList, FeedSidebar
from newsreader.ui.widgets.status_bar import FilterBar, RefreshBar
from support import BASE, document_text, list_lines, sidebar_labels, wait_until

pytestmark = pytest.mark.anyio
WIDE = (120, 30)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Gazette</title><id>urn:harbour</id><updated>2026-03-05T10:00:00Z</updated>
  <entry><id>urn:harbour:1</id><title>Dredging starts in the north basin</title>
    <link href="https://news.example/dredging"/><updated>2026-03-05T09:00:00Z</updated>
    <summary>Crews began dredging at dawn.</summary></entry>
  <entry><id>urn:harbour:2</id><title>Pilot boats get new engines</title>
    <link href="https://news.example/engines"/><updated>2026-03-04T09:00:00Z</updated>
    <summary>The cooperative voted for hybrid engines.</summary></entry>
</feed>
"""

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Ferry timetable changes | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette"></head>
<body><nav>Home · News · Subscribe</nav>
<article><h1>Ferry timetable changes for the summer</h1>
<ul class="key-points"><li>Ferries run every twenty minutes from June.</li>
<li>The last crossing moves to midnight.</li></ul>
<p>The harbour board approved a summer timetable on Monday that doubles the number of
crossings between the two quays, after a season of queues on the slipway.</p>
<p>Night workers at the fish market had asked for a later boat for years, and the board
agreed to move the last crossing from eleven to midnight.</p>
<blockquote><p>We finally have a ferry that keeps fishermen's hours.</p>
<cite>Tamsin Kerrow</cite></blockquote>
<p>The new timetable starts on the first of June and will be reviewed in September.</p>
</article><footer>All rights reserved</footer></body></html>
"""


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as httpserver:
        yield httpserver


def summary_article(
    title: str, n: int, url: str | None, source: str = "Harbour Gazette"
) -> Article:
    return Article(
        title=title,
        blocks=[Block(BlockKind.PARAGRAPH, f"Feed summary {n}: read more on the site.")],
        source=source,
        url=url,
        published=BASE + timedelta(hours=n),
        guid=f"urn:entry:{n}",
    )


def shown(widget: Widget) -> str:
    """What a one-line bar shows now (the refresh bar: its label), as the user reads it."""
    label = widget if isinstance(widget, Static) else widget.query_one("#refresh-label", Static)
    return str(label.content)


def listing(app: NewsreaderApp) -> ArticleList:
    return app.screen.query_one(ArticleList)


def messages(app: NewsreaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def settle(app: NewsreaderApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()


# -- r: background refresh ----------------------------------------------------------


async def test_r_refreshes_in_background_with_progress_and_a_summary(
    server: HTTPServer, tmp_path: Path
) -> None:
    release = threading.Event()

    def slow_failure(request: Request) -> Response:
        release.wait(10)  # held until the test has seen the first feed arrive
        return Response("boom", status=500)

    server.expect_request("/good.xml").respond_with_data(ATOM, content_type="application/atom+xml")
    server.expect_request("/broken.xml").respond_with_handler(slow_failure)
    path = tmp_path / "library.sqlite3"
    library = Library(path)
    library.add_feed(server.url_for("/good.xml"), title="Harbour Gazette", tags=["News"])
    broken, _ = library.add_feed(server.url_for("/broken.xml"), title="Valley Post", tags=["News"])
    old = library.add_article(summary_article("An older story already here", 0, None)).id

    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        lst = listing(app)
        assert lst.row_count == 1 and lst.current is not None and lst.current.id == old
        await pilot.press("r")
        bar = app.screen.query_one(RefreshBar)
        # The good feed lands while the broken one is still pending.
        await wait_until(pilot, lambda: "1/2" in shown(bar), "the first feed to land")
        try:
            assert bar.running and shown(bar) == "Refreshing 1/2 · Harbour Gazette"
            assert lst.row_count == 3, "new articles appear while the refresh still runs"
            assert lst.current is not None and lst.current.id == old, "cursor keeps its article"
            await pilot.press("r")  # a second r while refreshing does no harm
            await pilot.pause()
            assert any("Already refreshing (1/2)" in m for m in messages(app))
        finally:
            release.set()
        await settle(app, pilot)
        assert not bar.running
        assert app.is_running
        assert lst.row_count == 3 and lst.current is not None and lst.current.id == old
        titles = "\n".join(list_lines(lst))
        assert "Dredging starts in the north basin" in titles
        summary = [m for m in messages(app) if m.startswith("Refreshed 2 feeds")]
        assert summary and summary[-1].startswith("Refreshed 2 feeds: 2 new, 1 failed (see feeds)")
        assert "Valley Post: HTTP 500" in summary[-1]
        sidebar = app.screen.query_one(FeedSidebar)
        assert sidebar_labels(sidebar)[1:] == ["News (2)", "  Harbour Gazette 2", "  ! Valley Post"]
    requests = [request.path for request, _ in server.log]
    assert requests.count("/broken.xml") == 1, "the second r did not start another refresh"
    library.close()

    with Library(path) as second:
        assert second.count() == 3
        assert "HTTP 500" in (second.feed(broken.id).last_error or "")


def sidebar_shown(app: NewsreaderApp) -> bool:
    """Whether the feeds sidebar is on screen (it is mounted the first time it shows)."""
    found = app.screen.query(FeedSidebar)
    return bool(found) and found.first().display


async def test_r_without_subscriptions_explains_how_to_add_them(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(summary_article("Only story", 1, None))
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not sidebar_shown(app), "no feeds: no sidebar"
        await pilot.press("r")
        await pilot.pause()
        assert not app.refreshing
        hint = messages(app)[-1]
        assert "newsreader add URL" in hint and "OPML" in hint
    library.close()


# -- the feeds sidebar ----------------------------------------------------------------


def feeds_library(path: Path) -> tuple[Library, dict[str, Feed]]:
    """Two feeds in a News folder (one failing), one feed without a folder."""
    library = Library(path)
    gazette, _ = library.add_feed(
        "https://gazette.example/feed", title="Harbour Gazette", tags=["News"]
    )
    post, _ = library.add_feed("https://post.example/rss", title="Valley Post", tags=["News", "x"])
    quay, _ = library.add_feed("https://quay.example/atom", title="Quay Weekly")
    library.record_fetch(
        gazette.id,
        articles=[summary_article(f"Gazette story {n}", n, None) for n in range(3)],
    )
    library.record_fetch(
        post.id,
        articles=[
            summary_article(f"Post story {n}", 10 + n, None, "Valley Post") for n in range(2)
        ],
    )
    library.record_fetch(post.id, error="HTTP 500 Internal Server Error")
    library.record_fetch(quay.id, articles=[summary_article("Quay story", 20, None, "Quay Weekly")])
    feeds = {feed.title: feed for feed in library.feeds()}
    return library, feeds


async def test_sidebar_lists_folders_and_feeds_and_filters_the_list(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library, feeds = feeds_library(path)
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        assert isinstance(screen, ListScreen)
        sidebar = screen.query_one(FeedSidebar)
        assert sidebar.display, "subscriptions and 120 columns: shown by default"
        assert sidebar_labels(sidebar) == [
            "All articles 6",
            "News (5)",
            "  x (2)",  # every tag is shown: a feed's tags are its folder path (#14)
            "    ! Valley Post 2",
            "  Harbour Gazette 3",
            "Quay Weekly 1",
        ]
        await pilot.press("tab")
        feed_list = screen.query_one(FeedList)
        assert feed_list.has_focus
        await pilot.press("j", "j", "j")  # All → News → x → Valley Post
        status = str(screen.query_one("#feed-status").render())
        assert "HTTP 500 Internal Server Error" in status, "a failing feed shows its error"
        await pilot.press("j", "enter")  # Harbour Gazette
        lst = listing(app)
        assert lst.row_count == 3
        assert {lst.row_at(i).feed_id for i in range(3)} == {feeds["Harbour Gazette"].id}  # type: ignore[union-attr]
        bar = shown(screen.query_one(FilterBar))
        assert "Feed: Harbour Gazette" in bar and "All 3" in bar
        await pilot.press("tab")
        assert lst.has_focus
        await pilot.press("m")  # mark read: the sidebar's counts follow
        assert "  Harbour Gazette 2" in sidebar_labels(sidebar)
        assert sidebar_labels(sidebar)[1] == "News (4)"
        await pilot.press("tab", "k", "k", "k", "enter")  # the News folder
        assert lst.row_count == 5
        bar = shown(screen.query_one(FilterBar))
        assert "Folder: News" in bar and "!" in bar, "a folder with a failing feed is marked"
        await pilot.press("f")  # the filter combines with the folder
        assert lst.row_count == 4
        await pilot.press("f", "f")
    library.close()

    second = Library(path)
    app = NewsreaderApp(second)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = listing(app)
        assert lst.row_count == 5, "the folder is remembered across runs"
        assert "Folder: News" in shown(app.screen.query_one(FilterBar))
        await pilot.press("tab", "g", "enter")
        assert lst.row_count == 6
        assert "Feed:" not in shown(app.screen.query_one(FilterBar))
    assert second.get_state("ui.feed_scope") is None
    second.close()


async def test_sidebar_hidden_at_80_columns_and_s_toggles_it(tmp_path: Path) -> None:
    library, feeds = feeds_library(tmp_path / "library.sqlite3")
    library.set_state("ui.feed_scope", {"feed": feeds["Quay Weekly"].id})
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not sidebar_shown(app)
        assert listing(app).row_count == 1, "the remembered feed applies with the sidebar hidden"
        await pilot.press("s")
        sidebar = app.screen.query_one(FeedSidebar)
        assert sidebar.display
        assert sidebar_labels(sidebar)[-1] == "Quay Weekly 1"
        await pilot.press("s")
        assert not sidebar.display
        assert listing(app).has_focus
        await pilot.resize_terminal(130, 30)
        await pilot.pause()
        assert not sidebar.display, "the user's s wins over the width"
    library.close()
    library, _ = feeds_library(tmp_path / "other.sqlite3")
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not sidebar_shown(app)
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert sidebar_shown(app), "widening the terminal opens it"
        assert sidebar_labels(app.screen.query_one(FeedSidebar))[-1] == "Quay Weekly 1"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not sidebar_shown(app)
    library.close()
    library, _ = feeds_library(tmp_path / "third.sqlite3")
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")  # the first show of the sidebar, by tab: filled and focused
        assert sidebar_shown(app)
        assert app.screen.query_one(FeedList).has_focus
        assert sidebar_labels(app.screen.query_one(FeedSidebar))[0] == "All articles 6"
        await pilot.press("j", "enter")
        assert listing(app).row_count == 5, "the News folder"
    library.close()


async def test_removed_feed_in_state_falls_back_to_all(tmp_path: Path) -> None:
    library, _ = feeds_library(tmp_path / "library.sqlite3")
    library.set_state("ui.feed_scope", {"feed": 9999})
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE):
        assert listing(app).row_count == 6
    library.close()


# -- e: the full article from the web page ---------------------------------------------


def reader_library(path: Path, url: str | None) -> tuple[Library, int]:
    library = Library(path)
    feed, _ = library.add_feed("https://gazette.example/feed", title="Harbour Gazette")
    [added] = library.record_fetch(
        feed.id, articles=[summary_article("Ferry timetable changes", 1, url)]
    )
    return library, added.id


async def test_e_fetches_the_full_article_and_stores_it(server: HTTPServer, tmp_path: Path) -> None:
    release = threading.Event()

    def page(request: Request) -> Response:
        release.wait(10)  # held until the test has seen the "fetching" state
        return Response(PAGE, content_type="text/html; charset=utf-8")

    server.expect_request("/ferry.html").respond_with_handler(page)
    path = tmp_path / "library.sqlite3"
    library, article_id = reader_library(path, server.url_for("/ferry.html"))
    library.set_bookmarked([article_id])
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(ArticleView)
        assert "Feed summary 1" in document_text(view)
        await pilot.press("e")
        try:
            reader_bar = shown(screen.query_one("#reader-bar", Static))
            assert "Fetching full article…" in reader_bar
            await pilot.press("e")
            assert messages(app)[-1] == "Already fetching the full article"
        finally:
            release.set()
        await settle(app, pilot)
        text = document_text(view)
        assert "Ferries run every twenty minutes from June." in text, "key points extracted"
        assert "keeps fishermen's hours" in text and "Tamsin Kerrow" in text
        assert "Feed summary 1" not in text and "Subscribe" not in text
        assert "Fetching" not in shown(screen.query_one("#reader-bar", Static))
        assert view.scroll_offset.y == 0
        assert screen.stored.full_text
    library.close()
    server.clear()  # offline from here on
    server.stop()

    with Library(path) as second:
        stored = second.get(article_id)
        assert stored.full_text and stored.bookmarked and stored.read
        assert stored.article.title == "Ferry timetable changes", "the list title is kept"
        assert stored.article.key_points[0] == "Ferries run every twenty minutes from June."
        assert second.search("fishermen")[0].row.id == article_id
        app = NewsreaderApp(second)
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("enter")
            assert "keeps fishermen's hours" in document_text(app.screen.query_one(ArticleView))


async def test_e_with_a_404_reports_and_keeps_the_summary(
    server: HTTPServer, tmp_path: Path
) -> None:
    server.expect_request("/gone.html").respond_with_data("not here", status=404)
    url = server.url_for("/gone.html")
    library, article_id = reader_library(tmp_path / "library.sqlite3", url)
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "e")
        await settle(app, pilot)
        failure = messages(app)[-1]
        assert url in failure and "HTTP 404" in failure
        assert "Feed summary 1" in document_text(app.screen.query_one(ArticleView))
        assert isinstance(app.screen, ReaderScreen) and app.is_running
    assert not library.get(article_id).full_text
    library.close()


@pytest.mark.parametrize("url", [None, "javascript:alert(1)", "file:///etc/passwd"])
async def test_e_without_a_web_link_fetches_nothing(
    server: HTTPServer, tmp_path: Path, url: str | None
) -> None:
    library, article_id = reader_library(tmp_path / "library.sqlite3", url)
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "e")
        await settle(app, pilot)
        assert "link" in messages(app)[-1]
    assert not library.get(article_id).full_text
    assert not server.log
    library.close()


def test_credit_label_never_doubles_the_photo_prefix() -> None:
    assert (
        credit_label("Jory Pascoe | Coastline Courier") == "Photo: Jory Pascoe | Coastline Courier"
    )
    assert credit_label("Photograph: Jory Pascoe") == "Photograph: Jory Pascoe"
    assert credit_label("Photo: Jory Pascoe") == "Photo: Jory Pascoe"
    assert credit_label("Picture by Jory Pascoe") == "Picture by Jory Pascoe"
    assert credit_label("© Jory Pascoe") == "© Jory Pascoe"
    assert credit_label("Photographer Jory Pascoe") == "Photographer Jory Pascoe"


async def test_the_reader_indexes_what_its_refresh_stored(
    server: HTTPServer, tmp_path: Path
) -> None:
    """A refresh stores articles unindexed (store/search_index.py); the reader's refresh
    thread indexes them once it is done, so the next search has nothing to catch up."""
    server.expect_request("/good.xml").respond_with_data(ATOM, content_type="application/atom+xml")
    library = Library(tmp_path / "library.sqlite3")
    library.add_feed(server.url_for("/good.xml"), title="Harbour Gazette")
    app = NewsreaderApp(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await settle(app, pilot)
        await wait_until(pilot, lambda: library.unindexed() == 0, "the index to catch up")
        indexed = library._db.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert indexed == library.count() == 2
    library.close()
