"""Refresh one feed, refresh on a timer, `q` mid-refresh, links and enclosures in the reader.

Fetches go to a pytest-httpserver on 127.0.0.1; the app runs under Pilot on a
real library file. Launching a browser or player is replaced by a recorder of
the argv, so the tests see exactly what would be run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.config import Config
from newsreader.model.article import Article, Block, BlockKind, Enclosure
from newsreader.store import Library
from newsreader.ui import browser
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.links_screen import LinksScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_sidebar import FeedList
from newsreader.ui.widgets.status_bar import ReaderBar
from support import BASE, visible_text, wait_until

pytestmark = pytest.mark.anyio
WIDE = (120, 30)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>urn:{title}</id>
<updated>2026-03-05T10:00:00Z</updated>
<entry><id>urn:{title}:1</id><title>{title} story</title>
<link href="https://news.example/{title}"/><updated>2026-03-05T09:00:00Z</updated>
<summary>Crews began dredging at dawn.</summary></entry></feed>
"""


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as httpserver:
        yield httpserver


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every argv the UI would start; every program counts as installed."""
    calls: list[list[str]] = []

    def record(argv: list[str], **kwargs: Any) -> None:
        assert kwargs.get("shell") is False
        calls.append(list(argv))

    monkeypatch.setattr(browser.subprocess, "Popen", record)
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("BROWSER", raising=False)
    return calls


def messages(app: NewsreaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def linked_article() -> Article:
    return Article(
        title="Harbour podcast: the new quay",
        blocks=[Block(BlockKind.PARAGRAPH, "The board met on Monday and read the report.")],
        source="Harbour Gazette",
        url="https://news.example/quay",
        published=BASE,
        links=[
            ("the report", "https://news.example/report.pdf"),
            ("the minutes", "https://board.example/minutes"),
        ],
        enclosures=[Enclosure("https://cdn.example/quay.mp3", "audio/mpeg", 48_213_000)],
    )


# -- refresh -------------------------------------------------------------------------


async def test_q_during_a_refresh_exits_at_once(server: HTTPServer, tmp_path: Path) -> None:
    release = threading.Event()
    arrived = threading.Event()

    def held(request: Request) -> Response:
        arrived.set()
        release.wait(20)  # a feed that takes its time
        return Response(ATOM.format(title="Slow"), content_type="application/atom+xml")

    server.expect_request("/slow.xml").respond_with_handler(held)
    path = tmp_path / "library.sqlite3"
    library = Library(path)
    library.add_feed(server.url_for("/slow.xml"), title="Slow")
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    try:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("r")
            await wait_until(pilot, arrived.is_set, "the request in flight")
            started = time.monotonic()
            await pilot.press("q")
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 1.0, f"q took {elapsed:.2f} s to exit during a refresh"
    library.close()
    with Library(path) as second:
        assert second.count() == 0, "the feed that never arrived stored nothing"


async def test_r_on_the_sidebar_refreshes_only_that_feed(
    server: HTTPServer, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        server.expect_request(f"/{name}.xml").respond_with_data(
            ATOM.format(title=name.upper()), content_type="application/atom+xml"
        )
    library = Library(tmp_path / "library.sqlite3")
    library.add_feed(server.url_for("/a.xml"), title="A")
    library.add_feed(server.url_for("/b.xml"), title="B")
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s")
        await wait_until(pilot, lambda: bool(app.screen.query(FeedList)), "the sidebar")
        feed_list = app.screen.query_one(FeedList)
        feed_list.focus()
        await pilot.press("j", "j")  # All articles → A → B
        await pilot.press("r")
        await wait_until(pilot, lambda: not app.refreshing and bool(server.log), "the refresh")
        assert any(m.startswith("Refreshed 1 feed: 1 new") for m in messages(app))
    assert [request.path for request, _ in server.log] == ["/b.xml"]
    library.close()


async def test_the_reader_shows_refresh_progress(server: HTTPServer, tmp_path: Path) -> None:
    release = threading.Event()

    def held(request: Request) -> Response:
        release.wait(10)
        return Response(ATOM.format(title="Late"), content_type="application/atom+xml")

    server.expect_request("/late.xml").respond_with_handler(held)
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    library.add_feed(server.url_for("/late.xml"), title="Late")
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.press("r")
        bar = app.screen.query_one(ReaderBar)
        try:
            await wait_until(pilot, lambda: "Refreshing 0/1" in str(bar.content), "progress")
        finally:
            release.set()
        await wait_until(pilot, lambda: not app.refreshing, "the refresh to end")
        assert "Refreshing" not in str(bar.content)
    library.close()


async def test_the_timer_refresh_is_quiet_and_configured(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    app = NewsreaderApp(library, config=Config(refresh_minutes=15))
    async with app.run_test(size=WIDE) as pilot:
        app._refresh_on_timer()  # what the timer calls: no subscriptions, so nothing, silently
        await pilot.pause()
        assert not app.refreshing
        assert not any("No subscriptions" in m for m in messages(app))
    library.close()


# -- links and enclosures -------------------------------------------------------------


async def test_reader_header_has_url_and_enclosure_and_numbered_links(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        # A short article: everything is on screen, as the user sees it.
        text = visible_text(app.screen.query_one(ArticleView))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[2] == "https://news.example/quay", "the URL under the meta line"
        assert lines[3] == "▶ audio/mpeg · 48.2 MB  https://cdn.example/quay.mp3"
        assert lines[-3:] == [
            "Links",
            "[1] the report  https://news.example/report.pdf",
            "[2] the minutes  https://board.example/minutes",
        ]
    library.close()


async def test_l_then_a_digit_opens_that_link_with_browser_first(
    tmp_path: Path, launched: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROWSER", "w3m --new-tab '%s' --title=%%s")
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LinksScreen), "the links")
        await pilot.press("2")
        await wait_until(pilot, lambda: bool(launched), "the browser")
        assert isinstance(app.screen, ReaderScreen)
    assert launched == [["w3m", "--new-tab", "https://board.example/minutes", "--title=%s"]]
    library.close()


async def test_when_nothing_opens_a_link_the_message_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    app = NewsreaderApp(library, config=Config(refresh_minutes=0))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.press("l", "1")
        await wait_until(
            pilot,
            lambda: any("https://news.example/report.pdf" in m for m in messages(app)),
            "the message naming the link",
        )
    library.close()


async def test_p_plays_the_enclosure_with_the_configured_command(
    tmp_path: Path, launched: list[list[str]]
) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(linked_article())
    config = Config(refresh_minutes=0, enclosure_command=("mpv", "--no-video", "{url}"))
    app = NewsreaderApp(library, config=config)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.press("P")
        await wait_until(pilot, lambda: bool(launched), "the player")
    assert launched == [["mpv", "--no-video", "https://cdn.example/quay.mp3"]]
    library.close()


def test_browser_commands_follow_the_convention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = "https://e.example/a"
    commands = browser.browser_commands(url, {"BROWSER": "firefox:lynx %s:'bad"})
    assert commands[:2] == [["firefox", url], ["lynx", url]]
    assert commands[2][1] == url and commands[2][0].endswith("xdg-open")
    with pytest.raises(browser.BrowserError):
        browser.open_enclosure("file:///etc/passwd", ["mpv", "{url}"])
